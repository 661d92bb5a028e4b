"""CEL for admission policies, evaluated by cel-python (celpy), with the error texts of
cel-go as kube-apiserver shows them (staging/src/k8s.io/apiserver/pkg/admission/plugin/cel).

Compiling checks what cel-go's checker would refuse outright: a syntax error, a reference to
a variable the policy does not declare (object, oldObject, request, namespaceObject,
variables, and params for a policy with a paramKind) and a function this evaluator does not
have. Of Kubernetes' CEL extension libraries (staging/src/k8s.io/apiserver/pkg/cel/library)
only the string functions below are supported: lowerAscii, upperAscii, trim, split, join,
replace, indexOf. The others (lists' sum/min/max/indexOf, regex find, url, quantity, ip,
cidr, format, the authorizer, optional fields with `?.`) are refused when the policy is
created, as not supported here. celpy is pure Python and evaluates the same input to the same
value every time.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import celpy
import lark
from celpy import celtypes

# The variables an admission policy's expressions may use (plugin/policy/validating
# compile.go: ObjectVarName, OldObjectVarName, RequestVarName, NamespaceVarName,
# VariableVarName; ParamsVarName only for a policy with a paramKind, HasParams). The
# authorizer is not declared here.
DECLARED = ("object", "oldObject", "request", "namespaceObject", "variables")
_TYPE_NAMES = frozenset(("bool", "bytes", "double", "duration", "int", "list", "map"))
_TYPE_NAMES |= {"null_type", "string", "timestamp", "uint", "type", "dyn"}
_MACROS = ("all", "exists", "exists_one", "map", "filter")
_BUILTINS = frozenset(("has", "size", "contains", "startsWith", "endsWith", "matches"))
_BUILTINS |= {"getDate", "getDayOfMonth", "getDayOfWeek", "getDayOfYear", "getFullYear"}
_BUILTINS |= {"getMonth", "getHours", "getMilliseconds", "getMinutes", "getSeconds"}


def _split(text: Any, sep: Any) -> celtypes.ListType:
    return celtypes.ListType([celtypes.StringType(p) for p in str(text).split(str(sep))])


def _join(items: Any, sep: Any = "") -> celtypes.StringType:
    return celtypes.StringType(str(sep).join(str(item) for item in items))


# staging/src/k8s.io/apiserver/pkg/cel/library (cel-go ext.Strings as Kubernetes enables it)
_FUNCTIONS: dict[str, Any] = {
    "lowerAscii": lambda s: celtypes.StringType(str(s).lower()),
    "upperAscii": lambda s: celtypes.StringType(str(s).upper()),
    "trim": lambda s: celtypes.StringType(str(s).strip()),
    "split": _split,
    "join": _join,
    "replace": lambda s, old, new: celtypes.StringType(str(s).replace(str(old), str(new))),
    "indexOf": lambda s, sub: celtypes.IntType(str(s).find(str(sub))),
}
_KNOWN_FUNCTIONS = frozenset([*_BUILTINS, *_TYPE_NAMES, *_MACROS, *_FUNCTIONS])


class CompileError(Exception):
    """An expression cel-go would not compile; the text is cel-go's issues.String()."""


class EvalError(Exception):
    """An expression that failed while evaluated; the text is cel-go's error."""


@dataclass(frozen=True)
class Program:
    expression: str
    runner: Any

    def evaluate(self, activation: dict[str, Any]) -> Any:
        try:
            result = self.runner.evaluate(activation)
        except celpy.CELEvalError as error:
            raise EvalError(_eval_error_text(error)) from None
        if isinstance(result, celpy.CELEvalError):
            raise EvalError(_eval_error_text(result))
        return result


def _issue(expression: str, line: int, column: int, message: str) -> str:
    """One cel-go issue: `ERROR: <input>:1:23: …` and the source line with a caret under the
    column (common/errors.go ToDisplayString; column 0-based, printed 1-based)."""
    source = expression.splitlines()[line - 1] if expression.splitlines() else ""
    return f"ERROR: <input>:{line}:{column + 1}: {message}\n | {source}\n | {'.' * column}^"


def _syntax_error(expression: str, cause: BaseException | None) -> str:
    """cel-go's syntax error for what lark could not parse: the token where it stopped
    (<EOF> at the end), or a character no token starts with."""
    lines = expression.splitlines() or [""]
    if isinstance(cause, lark.exceptions.UnexpectedToken) and cause.token.type != "$END":
        token = cause.token
        line, column = token.line or 1, (token.column or 1) - 1
        return _issue(expression, line, column, f"Syntax error: mismatched input '{token}'")
    if isinstance(cause, lark.exceptions.UnexpectedCharacters):
        line, column = cause.line, cause.column - 1
        character = lines[line - 1][column : column + 1]
        message = f"Syntax error: token recognition error at: '{character}'"
        return _issue(expression, line, column, message)
    line = len(lines)
    return _issue(expression, line, len(lines[-1]), "Syntax error: mismatched input '<EOF>'")


@lru_cache(maxsize=1024)
def compile_expression(expression: str, has_params: bool = False) -> Program:
    """The expression compiled, or CompileError. Cached: policies are evaluated often."""
    env = celpy.Environment()
    try:
        ast = env.compile(expression)
    except celpy.CELParseError as error:
        raise CompileError(_syntax_error(expression, error.__context__)) from None
    problem = _undeclared(ast, DECLARED + (("params",) if has_params else ()))
    if problem is not None:
        name, line, column = problem
        raise CompileError(
            _issue(expression, line, column, f"undeclared reference to '{name}' (in container '')")
        )
    return Program(expression, env.program(ast, functions=_FUNCTIONS))


def _undeclared(ast: lark.Tree, declared: tuple[str, ...]) -> tuple[str, int, int] | None:
    """The first variable or function the expression names that is neither declared nor
    bound by a macro (`c` in `containers.all(c, …)`)."""
    bound: set[str] = set()
    for node in ast.iter_subtrees():
        if node.data == "member_dot_arg" and str(node.children[1]) in _MACROS:
            args = node.children[2]
            first = next(args.find_data("ident"), None) if isinstance(args, lark.Tree) else None
            if first is not None:
                bound.add(str(first.children[0]))
    for node in ast.iter_subtrees_topdown():
        if node.data == "ident":
            token = node.children[0]
            name = str(token)
            if name not in declared and name not in bound and name not in _TYPE_NAMES:
                return name, token.line, token.column - 1
        elif node.data in ("ident_arg", "member_dot_arg"):
            token = node.children[0] if node.data == "ident_arg" else node.children[1]
            if str(token) not in _KNOWN_FUNCTIONS:
                return str(token), token.line, token.column - 1
    return None


def _eval_error_text(error: celpy.CELEvalError) -> str:
    """cel-go's wording of the commonest runtime errors."""
    message = str(error.args[0]) if error.args else "error"
    if message.startswith("no such member in mapping: "):
        return "no such key: " + message.removeprefix("no such member in mapping: ").strip("'")
    if "no matching overload" in message or message == "no such overload":
        return "no such overload"
    if "divide by zero" in message:
        return "division by zero"
    return message


def to_cel(value: Any) -> Any:
    """A JSON value as CEL sees it (null stays null)."""
    return celpy.json_to_cel(value)


def is_true(value: Any) -> bool:
    return isinstance(value, celtypes.BoolType) and bool(value)


def as_string(value: Any) -> str | None:
    return str(value) if isinstance(value, str) else None  # StringType is a str


def error_value(message: str) -> Any:
    """An error as a value: using it makes the expression that does fail with `message`."""
    return celpy.CELEvalError(message)
