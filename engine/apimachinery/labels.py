"""Label selectors, as the API server and every controller parse, print and match them.

staging/src/k8s.io/apimachinery/pkg/labels/selector.go (lexer, parser, Requirement.String) and
pkg/apis/meta/v1/helpers.go (LabelSelectorAsSelector, FormatLabelSelector). Key/value validation
texts: pkg/util/validation/validation.go. Field selectors are fields.py.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

Obj = Mapping[str, Any]


class SelectorError(ValueError):
    """A selector the API server rejects; str() is its message (sent as a 400 BadRequest)."""


# ---------------------------------------------------------------------------------------------
# validation messages (pkg/util/validation/validation.go)

_QUALIFIED_NAME_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
_QUALIFIED_NAME = re.compile(f"^{_QUALIFIED_NAME_FMT}$")
_QUALIFIED_NAME_MSG = (
    "must consist of alphanumeric characters, '-', '_' or '.', "
    "and must start and end with an alphanumeric character"
)
_LABEL_VALUE_FMT = f"({_QUALIFIED_NAME_FMT})?"
_LABEL_VALUE = re.compile(f"^{_LABEL_VALUE_FMT}$")
_LABEL_VALUE_MSG = (
    "a valid label must be an empty string or consist of alphanumeric characters, "
    "'-', '_' or '.', and must start and end with an alphanumeric character"
)
_DNS1123_SUBDOMAIN_FMT = r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*"
_DNS1123_SUBDOMAIN = re.compile(f"^{_DNS1123_SUBDOMAIN_FMT}$")
_DNS1123_SUBDOMAIN_MSG = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, "
    "'-' or '.', and must start and end with an alphanumeric character"
)


def _regex_error(message: str, fmt: str, *examples: str) -> str:
    """RegexError; note Go's double space before "or"."""
    if not examples:
        return f"{message} (regex used for validation is '{fmt}')"
    shown = " or ".join(f"'{example}', " for example in examples)
    return f"{message} (e.g. {shown}regex used for validation is '{fmt}')"


def _qualified_name_errors(value: str) -> list[str]:
    """IsQualifiedName: label keys are `[prefix/]name`."""
    parts = value.split("/")
    errors: list[str] = []
    if len(parts) > 2:
        return [
            "a qualified name "
            + _regex_error(_QUALIFIED_NAME_MSG, _QUALIFIED_NAME_FMT, "MyName", "my.name", "123-abc")
            + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
        ]
    name = parts[-1]
    if len(parts) == 2:
        prefix = parts[0]
        if not prefix:
            errors.append("prefix part must be non-empty")
        else:
            if len(prefix) > 253:
                errors.append("prefix part must be no more than 253 characters")
            if not _DNS1123_SUBDOMAIN.match(prefix):
                errors.append(
                    "prefix part "
                    + _regex_error(_DNS1123_SUBDOMAIN_MSG, _DNS1123_SUBDOMAIN_FMT, "example.com")
                )
    if not name:
        errors.append("name part must be non-empty")
    elif len(name) > 63:
        errors.append("name part must be no more than 63 characters")
    if not _QUALIFIED_NAME.match(name):
        errors.append(
            "name part "
            + _regex_error(_QUALIFIED_NAME_MSG, _QUALIFIED_NAME_FMT, "MyName", "my.name", "123-abc")
        )
    return errors


def _label_value_errors(value: str) -> list[str]:
    """IsValidLabelValue."""
    errors = []
    if len(value) > 63:
        errors.append("must be no more than 63 characters")
    if not _LABEL_VALUE.match(value):
        errors.append(
            _regex_error(_LABEL_VALUE_MSG, _LABEL_VALUE_FMT, "MyValue", "my_value", "12345")
        )
    return errors


def _go_quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _invalid(path: str, shown: str, detail: str) -> str:
    """field.Invalid(...).Error(); a nil *field.Path prints as `<nil>`."""
    return f"{path}: Invalid value: {shown}: {detail}"


def _go_strings(values: tuple[str, ...]) -> str:
    """%#v of a []string."""
    return "[]string{" + ", ".join(_go_quote(v) for v in values) + "}"


def _aggregate(errors: list[str]) -> str:
    """utilerrors.NewAggregate(...).Error()."""
    return errors[0] if len(errors) == 1 else "[" + ", ".join(errors) + "]"


# ---------------------------------------------------------------------------------------------
# label selectors

# selection.Operator values.
EQUALS, DOUBLE_EQUALS, NOT_EQUALS = "=", "==", "!="
IN, NOT_IN, EXISTS, DOES_NOT_EXIST, GREATER_THAN, LESS_THAN = (
    "in",
    "notin",
    "exists",
    "!",
    "gt",
    "lt",
)
_BINARY_OPERATORS = (IN, NOT_IN, EQUALS, DOUBLE_EQUALS, NOT_EQUALS, GREATER_THAN, LESS_THAN)


@dataclass(frozen=True)
class Requirement:
    key: str
    operator: str
    values: tuple[str, ...] = ()

    def matches(self, labels: Mapping[str, str]) -> bool:
        """Requirement.Matches: NotIn and != also match labels that lack the key."""
        has = self.key in labels
        if self.operator in (IN, EQUALS, DOUBLE_EQUALS):
            return has and labels[self.key] in self.values
        if self.operator in (NOT_IN, NOT_EQUALS):
            return not has or labels[self.key] not in self.values
        if self.operator == EXISTS:
            return has
        if self.operator == DOES_NOT_EXIST:
            return not has
        if self.operator in (GREATER_THAN, LESS_THAN) and has and len(self.values) == 1:
            try:
                actual, bound = int(labels[self.key]), int(self.values[0])
            except ValueError:
                return False
            return actual > bound if self.operator == GREATER_THAN else actual < bound
        return False

    def string(self) -> str:
        """Requirement.String: `app=web`, `tier in (a,b)`, `!canary`, `replicas>2`."""
        if self.operator == EXISTS:
            return self.key
        if self.operator == DOES_NOT_EXIST:
            return "!" + self.key
        symbol = {IN: " in ", NOT_IN: " notin ", GREATER_THAN: ">", LESS_THAN: "<"}.get(
            self.operator, self.operator
        )
        values = ",".join(sorted(self.values))
        if self.operator in (IN, NOT_IN):
            values = f"({values})"
        return f"{self.key}{symbol}{values}"


def new_requirement(key: str, operator: str, values: list[str] | tuple[str, ...]) -> Requirement:
    """labels.NewRequirement with its validation; raises SelectorError."""
    vals = tuple(values)
    errors = []
    if key_errors := _qualified_name_errors(key):
        errors.append(_invalid("key", _go_quote(key), "; ".join(key_errors)))
    if operator in (IN, NOT_IN) and not vals:
        detail = "for 'in', 'notin' operators, values set can't be empty"
        errors.append(_invalid("values", _go_strings(vals), detail))
    elif operator in (EQUALS, DOUBLE_EQUALS, NOT_EQUALS) and len(vals) != 1:
        detail = "exact-match compatibility requires one single value"
        errors.append(_invalid("values", _go_strings(vals), detail))
    elif operator in (EXISTS, DOES_NOT_EXIST) and vals:
        detail = "values set must be empty for exists and does not exist"
        errors.append(_invalid("values", _go_strings(vals), detail))
    elif operator in (GREATER_THAN, LESS_THAN):
        if len(vals) != 1:
            detail = "for 'Gt', 'Lt' operators, exactly one value is required"
            errors.append(_invalid("values", _go_strings(vals), detail))
        for i, value in enumerate(vals):
            if not re.fullmatch(r"[+-]?[0-9]+", value):
                detail = "for 'Gt', 'Lt' operators, the value must be an integer"
                errors.append(_invalid(f"values[{i}]", _go_quote(value), detail))
    elif operator not in (*_BINARY_OPERATORS, EXISTS, DOES_NOT_EXIST):
        supported = ", ".join(_go_quote(op) for op in (*_BINARY_OPERATORS, EXISTS, DOES_NOT_EXIST))
        errors.append(
            f"operator: Unsupported value: {_go_quote(operator)}: supported values: {supported}"
        )
    for i, value in enumerate(vals):
        if value_errors := _label_value_errors(value):
            path = f"values[{i}][{key}]"
            errors.append(_invalid(path, _go_quote(value), "; ".join(value_errors)))
    if errors:
        raise SelectorError(_aggregate(errors))
    return Requirement(key, operator, vals)


@dataclass(frozen=True)
class LabelSelector:
    """A parsed selector: requirements ANDed, sorted by key. `nothing` is labels.Nothing()."""

    requirements: tuple[Requirement, ...] = ()
    nothing: bool = False

    def matches(self, labels: Mapping[str, str] | None) -> bool:
        if self.nothing:
            return False
        return all(r.matches(labels or {}) for r in self.requirements)

    def empty(self) -> bool:
        """True when the selector selects everything."""
        return not self.nothing and not self.requirements

    def string(self) -> str:
        """The canonical text (`Selector:` lines, Scale status.selector)."""
        return ",".join(r.string() for r in self.requirements)

    def requires_exact_match(self, key: str) -> str | None:
        for r in self.requirements:
            if r.key == key:
                exact = r.operator in (EQUALS, DOUBLE_EQUALS, IN) and len(r.values) == 1
                return r.values[0] if exact else None
        return None

    def __str__(self) -> str:
        return self.string()


def _by_key(requirements: list[Requirement]) -> tuple[Requirement, ...]:
    return tuple(sorted(requirements, key=lambda r: r.key))


# lexer tokens
_IDENTIFIER, _END, _ERROR = "identifier", "end", "error"
_KEYWORDS = {"in": IN, "notin": NOT_IN}
_SYMBOLS = {")", ",", "!", "==", "=", ">", "<", "!=", "("}
_SPECIAL = set("=!(),><")
_WHITESPACE = set(" \t\r\n")


def _lex(text: str) -> list[tuple[str, str]]:
    """Lexer.Lex until the end: (token, literal); keywords and symbols are their own token."""
    items: list[tuple[str, str]] = []
    pos = 0
    while True:
        while pos < len(text) and text[pos] in _WHITESPACE:
            pos += 1
        if pos >= len(text):
            items.append((_END, ""))
            return items
        if text[pos] in _SPECIAL:
            # Longest run of special characters that is still a known symbol.
            end, best = pos, ""
            while end < len(text) and text[end] in _SPECIAL:
                end += 1
                if text[pos:end] in _SYMBOLS:
                    best = text[pos:end]
                elif best:
                    break
            if not best:
                items.append((_ERROR, f"error expected: keyword found '{text[pos:end]}'"))
                pos = end
            else:
                items.append((best, best))
                pos += len(best)
            continue
        end = pos
        while end < len(text) and text[end] not in _SPECIAL and text[end] not in _WHITESPACE:
            end += 1
        word = text[pos:end]
        items.append((_KEYWORDS.get(word, _IDENTIFIER), word))
        pos = end


class _Parser:
    """labels.Parser: a recursive descent over the scanned items."""

    def __init__(self, text: str) -> None:
        self.items = _lex(text)
        self.position = 0

    def lookahead(self, values: bool = True) -> tuple[str, str]:
        token, literal = self.items[self.position]
        # In value context `in` and `notin` are ordinary identifiers (`x in (in)`).
        return (_IDENTIFIER, literal) if values and token in (IN, NOT_IN) else (token, literal)

    def consume(self, values: bool = True) -> tuple[str, str]:
        item = self.lookahead(values)
        self.position += 1
        return item

    def parse(self) -> list[Requirement]:
        requirements: list[Requirement] = []
        while True:
            token, literal = self.lookahead()
            if token == _END:
                return requirements
            if token not in (_IDENTIFIER, "!"):
                raise SelectorError(
                    f"found '{literal}', expected: !, identifier, or 'end of string'"
                )
            try:
                requirements.append(self.requirement())
            except SelectorError as error:
                raise SelectorError(f"unable to parse requirement: {error}") from None
            token, literal = self.consume()
            if token == _END:
                return requirements
            if token != ",":
                raise SelectorError(f"found '{literal}', expected: ',' or 'end of string'")
            token, literal = self.lookahead()
            if token not in (_IDENTIFIER, "!"):
                raise SelectorError(f"found '{literal}', expected: identifier after ','")

    def requirement(self) -> Requirement:
        operator = ""
        token, literal = self.consume()
        if token == "!":
            operator = DOES_NOT_EXIST
            token, literal = self.consume()
        if token != _IDENTIFIER:
            raise SelectorError(f"found '{literal}', expected: identifier")
        if key_errors := _qualified_name_errors(literal):
            raise SelectorError(_invalid("<nil>", _go_quote(literal), "; ".join(key_errors)))
        key = literal
        # `!key` never takes an operator: in "!a=b" the caller then trips over the "=".
        if operator == DOES_NOT_EXIST or self.lookahead()[0] in (_END, ","):
            return new_requirement(key, operator or EXISTS, [])
        token, literal = self.consume(values=False)
        operators = {IN: IN, NOT_IN: NOT_IN, "=": EQUALS, "==": DOUBLE_EQUALS, "!=": NOT_EQUALS}
        operators |= {">": GREATER_THAN, "<": LESS_THAN}
        if token not in operators:
            raise SelectorError(f"found '{literal}', expected: {', '.join(_BINARY_OPERATORS)}")
        operator = operators[token]
        values = self.set_values() if operator in (IN, NOT_IN) else self.exact_value()
        return new_requirement(key, operator, sorted(values))

    def set_values(self) -> set[str]:
        token, literal = self.consume()
        if token != "(":
            raise SelectorError(f"found '{literal}' expected: '('")
        token, literal = self.lookahead()
        if token == ")":
            self.consume()
            return {""}
        if token not in (_IDENTIFIER, ","):
            raise SelectorError(f"found '{literal}', expected: ',', ')' or identifier")
        values = self.identifiers()
        if self.consume()[0] != ")":
            raise SelectorError(f"found '{literal}', expected: ')'")
        return values

    def identifiers(self) -> set[str]:
        """parseIdentifiersList: empty entries (`(a,,b)`, `(,a)`) stand for ""."""
        values: set[str] = set()
        while True:
            token, literal = self.consume()
            if token == _IDENTIFIER:
                values.add(literal)
                following, text = self.lookahead()
                if following == ",":
                    continue
                if following == ")":
                    return values
                raise SelectorError(f"found '{text}', expected: ',' or ')'")
            if token != ",":
                raise SelectorError(f"found '{literal}', expected: ',', or identifier")
            if not values:
                values.add("")
            following = self.lookahead()[0]
            if following == ")":
                values.add("")
                return values
            if following == ",":
                self.consume()
                values.add("")

    def exact_value(self) -> set[str]:
        token, _ = self.lookahead()
        if token in (_END, ","):
            return {""}
        token, literal = self.consume()
        if token != _IDENTIFIER:
            raise SelectorError(f"found '{literal}', expected: identifier")
        return {literal}


def parse_label_selector(text: str) -> LabelSelector:
    """labels.Parse: `app=web,tier in (a,b),!canary`; "" selects everything."""
    return LabelSelector(_by_key(_Parser(text).parse()))


_MATCH_OPERATORS = {"In": IN, "NotIn": NOT_IN, "Exists": EXISTS, "DoesNotExist": DOES_NOT_EXIST}


def selector_from_match(spec_selector: Mapping[str, Any] | None) -> LabelSelector:
    """metav1.LabelSelectorAsSelector: None selects nothing, {} selects everything."""
    if spec_selector is None:
        return LabelSelector(nothing=True)
    match_labels = spec_selector.get("matchLabels") or {}
    expressions = spec_selector.get("matchExpressions") or []
    requirements = [new_requirement(k, EQUALS, [v]) for k, v in match_labels.items()]
    for expression in expressions:
        operator = expression.get("operator", "")
        if operator not in _MATCH_OPERATORS:
            raise SelectorError(f"{_go_quote(operator)} is not a valid label selector operator")
        values = expression.get("values") or []
        requirements.append(
            new_requirement(expression.get("key", ""), _MATCH_OPERATORS[operator], values)
        )
    return LabelSelector(_by_key(requirements))


def selector_from_set(labels: Mapping[str, str] | None) -> LabelSelector:
    """labels.SelectorFromSet: equality on every label; empty selects everything."""
    return LabelSelector(_by_key([Requirement(k, EQUALS, (v,)) for k, v in (labels or {}).items()]))


def format_labels(labels: Mapping[str, str] | None) -> str:
    """labels.FormatLabels: sorted `k=v` joined by commas, `<none>` when empty."""
    if not labels:
        return "<none>"
    return ",".join(f"{key}={labels[key]}" for key in sorted(labels))


def format_label_selector(spec_selector: Mapping[str, Any] | None) -> str:
    """metav1.FormatLabelSelector, used by kubectl describe: `<none>` when empty."""
    try:
        text = selector_from_match(spec_selector).string()
    except SelectorError:
        return "<error>"
    return text or "<none>"
