"""Go's text/template as kubectl's `-o go-template=…` runs it (cli-runtime/pkg/printers
template.go GoTemplatePrinter): the object goes through JSON into map[string]interface{}, so
numbers are float64 (1000000 prints as 1e+06), a missing key prints `<no value>`, and the
functions are Go's builtins plus kubectl's `base64decode`.

What is here: text and `{{…}}` actions with `{{-`/`-}}` trimming and comments; pipelines with
`|`, variables (`$`, `$x :=`, `$x =`), field chains on `.`, `$x` and `(…)`, string, raw-string,
number, bool and nil literals; `if`/`else if`/`else`, `range` (with `$i, $v :=` and `else`),
`with`, `end`; and, or, not, len, index, slice, print, printf, println, eq, ne, lt, le, gt, ge,
base64decode. `define`, `template` and `block` are not (kubectl templates do not use them).
"""

from __future__ import annotations

import base64
import binascii
import json
import operator
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from engine.kubectl.jsonpath import go_value as _go_value


class TemplateError(Exception):
    pass


class _Missing:
    """A map's missing key: prints as `<no value>`, is false, and stops a field chain."""


MISSING = _Missing()
_KEYWORDS = ("if", "else", "range", "with", "end")
_TOKEN = re.compile(
    r"""\s*(?:
    (?P<string>"(?:[^"\\]|\\.)*")|(?P<raw>`[^`]*`)|
    (?P<declare>:=)|(?P<assign>=)|(?P<pipe>\|)|(?P<open>\()|(?P<close>\))|(?P<comma>,)|
    (?P<chain>(?<=\))(?:\.[A-Za-z0-9_\-]+)+)|
    (?P<field>(?:\$[A-Za-z0-9_]*|\.)?(?:\.[A-Za-z0-9_\-]+)+|\.|\$[A-Za-z0-9_]*)|
    (?P<number>[-+]?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|0x[0-9a-fA-F]+))|
    (?P<ident>[A-Za-z_][A-Za-z0-9_]*)
    )""",
    re.VERBOSE,
)


@dataclass
class _Action:
    keyword: str  # "" (print a pipeline), if, else, range, with, end
    tokens: list[tuple[str, str]]
    where: str  # "output:LINE:COL", for errors


@dataclass
class _Block:
    keyword: str  # if, range, with (root: the template)
    action: _Action | None = None
    body: list[Any] = field(default_factory=list)
    otherwise: list[Any] = field(default_factory=list)
    in_else: bool = False
    chained: bool = False  # an `else if`: its `end` is its parent's


def render(template: str, data: Any) -> str:
    """Parse, then execute against `data` (the object as JSON values)."""
    return execute(parse(template), data)


def execute(nodes: list[Any], data: Any) -> str:
    """A parsed template, executed against `data`."""
    return _Run().nodes(nodes, data, {"$": data})


# ---- parsing ------------------------------------------------------------------------------------
def parse(template: str) -> list[Any]:
    root = _Block("root")
    stack = [root]
    for item in _split(template):
        keyword = item.keyword if isinstance(item, _Action) else ""
        top = stack[-1]
        if keyword in ("if", "range", "with"):
            block = _Block(keyword, item)
            _append(top, block)
            stack.append(block)
        elif keyword == "else":
            if top is root or top.in_else:
                raise TemplateError(f"template: {item.where}: unexpected {{{{else}}}}")
            top.in_else = True
            if item.tokens[:1] == [("ident", "if")]:
                nested = _Block("if", _Action("if", item.tokens[1:], item.where), chained=True)
                top.otherwise.append(nested)
                stack.append(nested)
        elif keyword == "end":
            while stack[-1].chained:
                stack.pop()
            if len(stack) == 1:
                raise TemplateError(f"template: {item.where}: unexpected {{{{end}}}}")
            stack.pop()
        else:
            _append(top, item)
    if len(stack) > 1:
        raise TemplateError("template: output:1: unexpected EOF")
    return root.body


def _append(block: _Block, node: Any) -> None:
    (block.otherwise if block.in_else else block.body).append(node)


def _split(template: str) -> list[Any]:
    out: list[Any] = []
    at = 0
    while at < len(template):
        start = template.find("{{", at)
        if start < 0:
            out.append(template[at:])
            break
        text = template[at:start]
        inner_start = start + 2
        if template.startswith("- ", inner_start) or template.startswith("-\t", inner_start):
            text = text.rstrip()
            inner_start += 1
        if text:
            out.append(text)
        end = _action_end(template, inner_start)
        inner = template[inner_start:end]
        at = end + 2
        if inner.endswith(" -") or inner.endswith("\t-"):
            inner = inner[:-1]
            trimmed = len(template) - len(template[at:].lstrip())
            at = trimmed
        line = template.count("\n", 0, start) + 1
        column = start - (template.rfind("\n", 0, start) + 1) + 2
        where = f"output:{line}:{column}"
        body = inner.strip()
        if body.startswith("/*"):
            continue
        tokens = _tokens(body, where)
        keyword = ""
        if (
            tokens
            and tokens[0][0] == "ident"
            and tokens[0][1] in ("if", "else", "range", "with", "end")
        ):
            keyword = tokens[0][1]
            tokens = tokens[1:]
        elif tokens and tokens[0][1] in ("define", "template", "block"):
            raise TemplateError(f"template: {where}: {tokens[0][1]} is not supported here")
        if not tokens and keyword in ("", "if", "range", "with"):
            raise TemplateError(f"template: {where}: missing value for command")
        out.append(_Action(keyword, tokens, where))
    return out


def _action_end(template: str, at: int) -> int:
    quote = ""
    for index in range(at, len(template) - 1):
        char = template[index]
        if quote:
            if char == "\\" and quote == '"':
                continue
            if char == quote and template[index - 1] != "\\":
                quote = ""
        elif char in '"`':
            quote = char
        elif template.startswith("}}", index):
            return index
    line = template.count("\n", 0, at) + 1
    raise TemplateError(f"template: output:{line}: unclosed action")


def _tokens(body: str, where: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    at = 0
    while at < len(body):
        if body[at:].strip() == "":
            break
        match = _TOKEN.match(body, at)
        if match is None or match.end() == at:
            bad = body[at:].strip()[:1]
            raise TemplateError(f"template: {where}: unexpected {bad!r} in command")
        kind = match.lastgroup or ""
        tokens.append((kind, match.group(kind)))
        at = match.end()
    return tokens


# ---- executing ----------------------------------------------------------------------------------
class _Run:
    def nodes(self, nodes: list[Any], dot: Any, variables: dict[str, Any]) -> str:
        out: list[str] = []
        for node in nodes:
            if isinstance(node, str):
                out.append(node)
            elif isinstance(node, _Action):
                value = self.pipeline(node.tokens, dot, variables, node)
                if not _declares(node.tokens):
                    out.append(_print(value))
            else:
                out.append(self.block(node, dot, variables))
        return "".join(out)

    def block(self, block: _Block, dot: Any, variables: dict[str, Any]) -> str:
        action = block.action
        assert action is not None
        tokens = action.tokens
        names: list[str] = []
        if block.keyword == "range" and ("declare", ":=") in tokens:
            split = tokens.index(("declare", ":="))
            names = [value for kind, value in tokens[:split] if kind == "field"]
            tokens = tokens[split + 1 :]
        value = self.pipeline(tokens, dot, variables, action)
        scope = dict(variables)
        if block.keyword == "range":
            if isinstance(value, dict):
                pairs = [(k, value[k]) for k in sorted(value)]
            elif isinstance(value, list):
                pairs = list(enumerate(value))
            elif value is MISSING or value is None:
                pairs = []
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                pairs = [(i, i) for i in range(int(value))]
            else:
                raise TemplateError(
                    f"template: {action.where}: range can't iterate over {_print(value)}"
                )
            if not pairs:
                return self.nodes(block.otherwise, dot, variables)
            out = []
            for key, item in pairs:
                if len(names) == 1:
                    scope[names[0]] = item
                elif len(names) == 2:
                    scope[names[0]], scope[names[1]] = key, item
                out.append(self.nodes(block.body, item, scope))
            return "".join(out)
        if not truth(value):
            return self.nodes(block.otherwise, dot, variables)
        return self.nodes(block.body, value if block.keyword == "with" else dot, scope)

    def pipeline(
        self, tokens: list[tuple[str, str]], dot: Any, variables: dict[str, Any], at: _Action
    ) -> Any:
        declared = ""
        if len(tokens) > 2 and tokens[0][0] == "field" and tokens[1][0] in ("declare", "assign"):
            declared, tokens = tokens[0][1], tokens[2:]
        commands: list[list[tuple[str, str]]] = [[]]
        depth = 0
        for token in tokens:
            depth += {"open": 1, "close": -1}.get(token[0], 0)
            if token[0] == "pipe" and depth == 0:
                commands.append([])
            else:
                commands[-1].append(token)
        value: Any = None
        for index, command in enumerate(commands):
            if not command:
                raise TemplateError(f"template: {at.where}: missing command")
            value = self.command(command, dot, variables, at, [value] if index else [])
        if declared:
            variables[declared] = value
        return value

    def command(
        self,
        tokens: list[tuple[str, str]],
        dot: Any,
        variables: dict[str, Any],
        at: _Action,
        piped: list[Any],
    ) -> Any:
        operands = self.operands(tokens, dot, variables, at)
        head_kind, head = tokens[0]
        if head_kind == "ident" and head not in ("true", "false", "nil"):
            function = _FUNCTIONS.get(head)
            if function is None:
                raise TemplateError(f'template: {at.where}: function "{head}" not defined')
            try:
                return function(*operands[1:], *piped)
            except (TypeError, ValueError, IndexError, KeyError) as error:
                raise TemplateError(
                    f'template: {at.where}: executing "output" at <{head}>: error calling '
                    f"{head}: {error}"
                ) from None
        if len(operands) > 1 or piped:
            raise TemplateError(f"template: {at.where}: can't give argument to non-function {head}")
        return operands[0]

    def operands(
        self, tokens: list[tuple[str, str]], dot: Any, variables: dict[str, Any], at: _Action
    ) -> list[Any]:
        values: list[Any] = []
        index = 0
        while index < len(tokens):
            kind, text = tokens[index]
            if kind == "open":
                depth, end = 1, index + 1
                while depth:
                    if end >= len(tokens):
                        raise TemplateError(f"template: {at.where}: unclosed left paren")
                    depth += {"open": 1, "close": -1}.get(tokens[end][0], 0)
                    end += 1
                value = self.pipeline(tokens[index + 1 : end - 1], dot, variables, at)
                if end < len(tokens) and tokens[end][0] == "chain":
                    value = _walk(value, tokens[end][1], at)
                    end += 1
                values.append(value)
                index = end
                continue
            if kind == "field":
                values.append(_field(text, dot, variables, at))
            elif kind == "string":
                values.append(json.loads(text))
            elif kind == "raw":
                values.append(text[1:-1])
            elif kind == "number":
                values.append(_number(text))
            elif kind == "ident":
                values.append({"true": True, "false": False, "nil": None}.get(text, text))
            else:
                raise TemplateError(f"template: {at.where}: unexpected {text!r} in operand")
            index += 1
        return values


def _declares(tokens: list[tuple[str, str]]) -> bool:
    return len(tokens) > 2 and tokens[0][0] == "field" and tokens[1][0] in ("declare", "assign")


def _field(text: str, dot: Any, variables: dict[str, Any], at: _Action) -> Any:
    if text == ".":
        return dot
    if text.startswith("$"):
        name, _, rest = text.partition(".")
        if name not in variables:
            raise TemplateError(f'template: {at.where}: undefined variable "{name}"')
        return _walk(variables[name], "." + rest, at) if rest else variables[name]
    return _walk(dot, text, at)


def _walk(value: Any, chain: str, at: _Action) -> Any:
    for name in chain.split(".")[1:]:
        if isinstance(value, dict):
            value = value.get(name, MISSING)
        elif value is MISSING or value is None:
            raise TemplateError(
                f'template: {at.where}: executing "output" at <{chain}>: nil pointer '
                f"evaluating interface {{}}.{name}"
            )
        else:
            kind = "[]interface {}" if isinstance(value, list) else type(value).__name__
            raise TemplateError(
                f'template: {at.where}: executing "output" at <{chain}>: can\'t evaluate '
                f"field {name} in type {kind}"
            )
    return value


def _number(text: str) -> Any:
    if text.lower().startswith(("0x", "-0x", "+0x")):
        return int(text, 16)
    return float(text) if any(c in text for c in ".eE") else int(text)


def truth(value: Any) -> bool:
    return value is not MISSING and bool(value)


def _print(value: Any) -> str:
    """fmt.Print of what the template produced (numbers from JSON are float64)."""
    if value is MISSING:
        return "<no value>"
    if isinstance(value, float):
        return go_float(value)
    if isinstance(value, dict):
        return "map[" + " ".join(f"{k}:{_print(value[k])}" for k in sorted(value)) + "]"
    if isinstance(value, list):
        return "[" + " ".join(_print(v) for v in value) + "]"
    return _go_value(value)


def go_float(value: float) -> str:
    """strconv.FormatFloat(f, 'g', -1, 64), as fmt prints a float64: the shortest digits that
    read back the same, in exponent form when the exponent is below -4 or 6 and above."""
    if value != value:
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "+Inf" if value > 0 else "-Inf"
    if value == 0:
        return "0"
    _, digits, exponent = Decimal(repr(abs(value))).normalize().as_tuple()
    assert isinstance(exponent, int)
    text = "".join(map(str, digits))
    point = len(text) + exponent - 1  # the decimal exponent of the first digit
    sign = "-" if value < 0 else ""
    if point < -4 or point >= 6:
        head = text[0] + ("." + text[1:] if len(text) > 1 else "")
        return f"{sign}{head}e{'+' if point >= 0 else '-'}{abs(point):02d}"
    return sign + format(Decimal(repr(abs(value))).normalize(), "f")


def _eq(first: Any, *others: Any) -> bool:
    if not others:
        raise ValueError("missing argument for comparison")
    return any(_comparable(first) == _comparable(other) for other in others)


def _comparable(value: Any) -> Any:
    return None if value is MISSING else value


def _order(a: Any, b: Any) -> tuple[Any, Any]:
    if isinstance(a, str) != isinstance(b, str):
        raise ValueError("incompatible types for comparison")
    return a, b


def _index(item: Any, *keys: Any) -> Any:
    for key in keys:
        if isinstance(item, dict):
            item = item.get(key, MISSING)
        elif isinstance(item, list):
            if not isinstance(key, (int, float)) or not 0 <= int(key) < len(item):
                raise IndexError(f"index out of range: {_print(key)}")
            item = item[int(key)]
        else:
            raise TypeError(f"can't index item of type {type(item).__name__}")
    return item


def _printf(form: str, *args: Any) -> str:
    values = iter(args)

    def verb(match: re.Match[str]) -> str:
        if match.group() == "%%":
            return "%"
        value = next(values, MISSING)
        if value is MISSING and match.group()[-1] != "v":
            return f"%!{match.group()[-1]}(MISSING)"
        letter = match.group()[-1]
        if letter == "d" and isinstance(value, (int, float)):
            return str(int(value)) if float(value).is_integer() else f"%!d(float64={value})"
        if letter == "q":
            return json.dumps(str(value))
        return _print(value)

    return re.sub(r"%[-+# 0-9.]*[vsdqtfgx%]", verb, form)


def _base64decode(text: str) -> str:
    try:
        return base64.b64decode(text, validate=True).decode("utf-8", "replace")
    except (binascii.Error, ValueError):
        raise ValueError(f"base64decode: illegal base64 data in {text!r}") from None


_FUNCTIONS: dict[str, Any] = {
    "and": lambda *a: next((x for x in a if not truth(x)), a[-1]),
    "or": lambda *a: next((x for x in a if truth(x)), a[-1]),
    "not": lambda a: not truth(a),
    "len": lambda a: len(a),
    "index": _index,
    "slice": lambda a, *i: a[slice(*(int(x) for x in i))],
    "print": lambda *a: "".join(_print(x) for x in a),
    "println": lambda *a: " ".join(_print(x) for x in a) + "\n",
    "printf": _printf,
    "eq": _eq,
    "ne": lambda a, b: not _eq(a, b),
    "lt": lambda a, b: operator.lt(*_order(a, b)),
    "le": lambda a, b: operator.le(*_order(a, b)),
    "gt": lambda a, b: operator.gt(*_order(a, b)),
    "ge": lambda a, b: operator.ge(*_order(a, b)),
    "base64decode": _base64decode,
}
