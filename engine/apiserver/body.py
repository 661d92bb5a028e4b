"""Request bodies as the API server's decoders read them, failures worded as theirs.

JSON goes through a Go-compatible reading: the syntax errors are encoding/json's scanner's
(`invalid character 'N' looking for beginning of value`, `unexpected end of JSON input`), the
literals Go refuses (NaN, Infinity) are refused, a number keeps its text for the type errors
that quote it, and lone UTF-16 surrogates become U+FFFD as Go's decoder makes them
(src/encoding/json/scanner.go, decode.go unquote). YAML goes through engine/yamlsafe.py and
then what sigs.k8s.io/yaml's YAMLToJSON does to it: keys become strings, timestamps stay text,
and only the first document counts (goyaml.v2 Unmarshal reads one; kubernetes-sigs/yaml#37).

Nesting: Go's scanner refuses more than 10,000 levels (`exceeded max depth`). Python's parser,
encoder and copies recurse per level and stop near 1,000, and engine walks recurse too, so
bodies are held to MAX_DEPTH levels, refused with the same words.
"""

from __future__ import annotations

import datetime
import json
import math
import re
from typing import Any

import yaml

from engine import yamlsafe
from engine.apimachinery.field import go_quote
from engine.apiserver.schema.typecheck import GoFloat, go_g, json_kind

MAX_DEPTH = 100
_MAX_INT_DIGITS = 4000  # beyond this int() refuses to parse (sys.int_info); a float is kept

# An anonymous struct's reflect type, as the unrecognized-object errors print it
# (apimachinery/pkg/runtime/serializer/json/meta.go SimpleMetaFactory.Interpret).
FIND_KIND = (
    'struct { APIVersion string "json:\\"apiVersion,omitempty\\""; '
    'Kind string "json:\\"kind,omitempty\\"" }'
)


class BodyError(ValueError):
    """A body the decoder cannot read; the message is the decoder's."""


# ---- JSON ---------------------------------------------------------------------------------------


def decode_json(text: str) -> Any:
    """The value of a JSON text, read as encoding/json reads it."""
    if "\\u" in text or "\\U" in text:
        text = _replace_lone_surrogates(text)
    depth = _depth(text)
    if depth > MAX_DEPTH:
        opener = _deepest_opener(text)
        raise BodyError(f"invalid character {_quote_char(opener)} exceeded max depth")
    try:
        return json.loads(
            text, parse_float=GoFloat, parse_int=_integer, parse_constant=_refuse_constant
        )
    except _Constant as constant:
        raise BodyError(constant.message) from None
    except json.JSONDecodeError as error:
        raise BodyError(_syntax_error(text, error)) from None
    except RecursionError:
        raise BodyError("invalid character '[' exceeded max depth") from None


def _integer(literal: str) -> int | float:
    if len(literal.lstrip("-")) > _MAX_INT_DIGITS:
        return GoFloat(literal)
    return int(literal)


class _Constant(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _refuse_constant(name: str) -> Any:
    """NaN and Infinity are not JSON; the scanner stops at their first letter."""
    if name.startswith("-"):
        raise _Constant("invalid character 'I' in numeric literal")
    raise _Constant(f"invalid character {_quote_char(name[0])} looking for beginning of value")


_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = re.compile(r"[\[\]{}]")


def _depth(text: str) -> int:
    """The deepest nesting of arrays and objects (brackets in strings do not count)."""
    if "[" not in text and "{" not in text:
        return 0
    bare = _STRING.sub("", text) if '"' in text else text
    depth = deepest = 0
    for bracket in _BRACKETS.findall(bare):
        if bracket in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def _deepest_opener(text: str) -> str:
    """The bracket that went one level too deep."""
    bare = _STRING.sub("", text) if '"' in text else text
    depth = 0
    for bracket in _BRACKETS.findall(bare):
        depth += 1 if bracket in "[{" else -1
        if depth > MAX_DEPTH:
            return bracket
    return "["


_ESCAPE = re.compile(r"\\(?:u([0-9a-fA-F]{4})|.)", re.DOTALL)


def _replace_lone_surrogates(text: str) -> str:
    """`\\ud800` without its pair decodes to U+FFFD in Go (decode.go unquoteBytes); Python
    would keep a lone surrogate, which no UTF-8 text can carry."""
    matches = [m for m in _ESCAPE.finditer(text) if m.group(1)]
    lone: list[re.Match[str]] = []
    index = 0
    while index < len(matches):
        code = int(matches[index].group(1), 16)
        if 0xD800 <= code <= 0xDBFF and index + 1 < len(matches):
            following = matches[index + 1]
            low = int(following.group(1), 16)
            if following.start() == matches[index].end() and 0xDC00 <= low <= 0xDFFF:
                index += 2
                continue
        if 0xD800 <= code <= 0xDFFF:
            lone.append(matches[index])
        index += 1
    if not lone:
        return text
    parts: list[str] = []
    last = 0
    for match in lone:
        parts += [text[last : match.start()], "\\ufffd"]
        last = match.end()
    parts.append(text[last:])
    return "".join(parts)


def _syntax_error(text: str, error: json.JSONDecodeError) -> str:
    """The scanner's message for where Python's parser stopped."""
    position, problem = error.pos, error.msg
    if position >= len(text.rstrip(" \t\r\n")) and problem != "Extra data":
        return "unexpected end of JSON input"
    char = text[position]
    if problem.startswith("Unterminated string"):
        return "unexpected end of JSON input"
    if problem.startswith("Invalid control character"):
        return f"invalid character {_quote_char(char)} in string literal"
    if problem.startswith("Invalid \\escape"):
        escaped = text[position + 1] if position + 1 < len(text) else ""
        if not escaped:
            return "unexpected end of JSON input"
        return f"invalid character {_quote_char(escaped)} in string escape code"
    if problem.startswith("Invalid \\uXXXX"):
        start = text.find("u", position) + 1
        for offset, digit in enumerate(text[start : start + 4]):
            if digit not in "0123456789abcdefABCDEF":
                return f"invalid character {_quote_char(digit)} in \\u hexadecimal character escape"
            if offset == 3:
                break
        return "unexpected end of JSON input"
    if problem == "Extra data":
        return f"invalid character {_quote_char(char)} after top-level value"
    if problem.startswith("Expecting property name"):
        return f"invalid character {_quote_char(char)} looking for beginning of object key string"
    if problem == "Expecting ':' delimiter":
        return f"invalid character {_quote_char(char)} after object key"
    if problem == "Expecting ',' delimiter":
        inside = "object key:value pair" if _innermost(text, position) == "{" else "array element"
        return f"invalid character {_quote_char(char)} after {inside}"
    return _value_error(text, position)


def _value_error(text: str, position: int) -> str:
    """Where a value should start: a literal or a number gone wrong, or no value at all."""
    char = text[position]
    for word in ("true", "false", "null"):
        if char == word[0]:
            for offset, expected in enumerate(word):
                if position + offset >= len(text):
                    return "unexpected end of JSON input"
                if text[position + offset] != expected:
                    got, wanted = _quote_char(text[position + offset]), _quote_char(expected)
                    return f"invalid character {got} in literal {word} (expecting {wanted})"
    if char == "-":
        if position + 1 >= len(text):
            return "unexpected end of JSON input"
        return f"invalid character {_quote_char(text[position + 1])} in numeric literal"
    return f"invalid character {_quote_char(char)} looking for beginning of value"


def _innermost(text: str, position: int) -> str:
    """The container open at `position`: `{` or `[`."""
    bare = _STRING.sub('""', text[:position])
    stack: list[str] = []
    for bracket in _BRACKETS.findall(bare):
        if bracket in "[{":
            stack.append(bracket)
        elif stack:
            stack.pop()
    return stack[-1] if stack else "["


def _quote_char(char: str) -> str:
    """scanner.go quoteChar: the byte (a non-ASCII character shows its first UTF-8 byte)."""
    if not char:
        return "''"
    byte = char.encode("utf-8", "surrogatepass")[0]
    if byte == ord("'"):
        return "'\\''"
    if byte == ord('"'):
        return "'\"'"
    return "'" + go_quote(chr(byte))[1:-1] + "'"


# ---- YAML ---------------------------------------------------------------------------------------


def decode_yaml(text: str, limit: int) -> Any:
    """The first document of a YAML text as YAMLToJSON leaves it (None when there is none)."""
    if text.lstrip(" \t\r\n")[:1] in ("{", "["):
        # JSON, as clients send even with a YAML type (kubectl's server-side apply): read as
        # JSON, its numbers are what go-yaml makes of them (`1e3` is a number, not a string
        # as YAML 1.1 would have it).
        try:
            return decode_json(text)
        except BodyError:
            pass  # not JSON after all: YAML says what is wrong with it
    try:
        documents = yamlsafe.load_all(text, limit)
    except yamlsafe.YAMLTooLargeError as error:
        # goyaml.v2 decode.go refuses alias bombs as `document contains excessive aliasing`.
        if "alias" in str(error):
            raise BodyError("yaml: document contains excessive aliasing") from None
        raise BodyError(f"yaml: {error}") from None
    except yaml.YAMLError as error:
        raise BodyError(yaml_problem(error)) from None
    except ValueError:  # an integer of more digits than Python converts
        raise BodyError("yaml: cannot decode an integer that long") from None
    document = documents[0] if documents else None
    try:
        return jsonable(document)
    except RecursionError:
        raise BodyError("invalid character '[' exceeded max depth") from None


def yaml_problem(error: yaml.YAMLError) -> str:
    """PyYAML's complaint in go-yaml's shape: `yaml: line N: <problem>`."""
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None) or str(error)
    problem = {
        "mapping values are not allowed here": "mapping values are not allowed in this context",
    }.get(problem, problem)
    if mark is not None:
        return f"yaml: line {mark.line + 1}: {problem}"
    return f"yaml: {problem}"


def jsonable(value: Any) -> Any:
    """sigs.k8s.io/yaml convertToJSONableObject, then json.Marshal's refusals (BodyError): what
    every YAML reader of Kubernetes does after go-yaml, kubectl's as well as the API server's."""
    if isinstance(value, dict):
        return {_key(key, item): jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(item) for item in value]
    if isinstance(value, set):
        return {_key(key, None): None for key in value}
    if isinstance(value, float) and not math.isfinite(value):
        raise BodyError(f"json: unsupported value: {go_g(value)}")
    if isinstance(value, datetime.date):
        # goyaml keeps a timestamp decoded into interface{} as its text.
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value


def _key(key: Any, value: Any) -> str:
    if isinstance(key, str):
        return key
    if isinstance(key, bool):
        return "true" if key else "false"
    if isinstance(key, int):
        return str(key)
    if isinstance(key, float):
        return go_g(key)
    raise BodyError(
        f"unsupported map key of type: {_go_type_of(key)}, key: {key!r}, value: {value!r}"
    )


def _go_type_of(value: Any) -> str:
    if value is None:
        return "%!s(<nil>)"
    if isinstance(value, datetime.date):
        return "time.Time"
    return type(value).__name__


# ---- what the decoders say around it ----------------------------------------------------------


def interpret(body: Any) -> tuple[str, str]:
    """SimpleMetaFactory.Interpret: (apiVersion, kind) as given, or BodyError as it words it.
    encoding/json matches the two keys case-insensitively; null leaves them empty."""
    found = {"apiversion": "", "kind": ""}
    if body is None:
        return "", ""
    if not isinstance(body, dict):
        raise BodyError(
            "couldn't get version/kind; json parse error: json: cannot unmarshal "
            f"{json_kind(body)} into Go value of type {FIND_KIND}"
        )
    problem = ""
    for key, value in body.items():
        folded = key.lower() if isinstance(key, str) else ""
        if folded not in found or value is None:
            continue
        if isinstance(value, str):
            found[folded] = value
        elif not problem:
            name = "apiVersion" if folded == "apiversion" else "kind"
            problem = (
                "couldn't get version/kind; json parse error: json: cannot unmarshal "
                f"{json_kind(value)} into Go struct field .{name} of type string"
            )
    if problem:
        raise BodyError(problem)
    if found["apiversion"].count("/") > 1:
        # schema.ParseGroupVersion
        raise BodyError(f"unexpected GroupVersion string: {found['apiversion']}")
    return found["apiversion"], found["kind"]


def summarize(raw: Any) -> str:
    """create.go summarizeData: the first 30 bytes, as text for an object, else in hex."""
    if isinstance(raw, str):
        data = raw.encode("utf-8", "surrogatepass")
    elif isinstance(raw, bytes):
        data = raw
    else:
        data = json.dumps(raw, separators=(",", ":"), ensure_ascii=False).encode(
            "utf-8", "surrogatepass"
        )
    if not data:
        return "<empty>"
    more = " ..." if len(data) > 30 else ""
    if data[:1] == b"{":
        return data[:30].decode("utf-8", "replace") + more
    return data[:30].hex() + more


def patched_json(obj: Any) -> str:
    """The patched object as the JSON text a patch handler quotes: compact, HTML-escaped as
    Go's json.Marshal writes it."""
    text = json.dumps(obj, separators=(",", ":"), ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
