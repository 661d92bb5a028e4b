"""Kubernetes resource quantities ("500m", "128Mi", "1e3") as exact fractions.

Mirrors staging/src/k8s.io/apimachinery/pkg/api/resource/quantity.go: the same scanner, the
same three formats (DecimalSI, BinarySI, DecimalExponent), the same rounding up to nano
precision on parse, and the same canonical form on output ("1.5" -> "1500m",
"1.5Gi" -> "1536Mi", "1000" -> "1k"). Fractions, never floats: a quantity is fixed-point so
that 0.1 + 0.2 is exactly 0.3 CPU, which is the whole point of the Go type.
"""

from __future__ import annotations

import math
from fractions import Fraction

# quantity.go splitREString and its three parse errors, word for word.
SPLIT_RE = "^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$"
FORMAT_ERROR = "quantities must match the regular expression '" + SPLIT_RE + "'"
NUMERIC_ERROR = "unable to parse numeric part of quantity"
SUFFIX_ERROR = "unable to parse quantity's suffix"

DECIMAL_SI = "DecimalSI"
BINARY_SI = "BinarySI"
DECIMAL_EXPONENT = "DecimalExponent"

# suffix.go: decimal SI powers of ten and binary SI powers of two.
_DECIMAL_SUFFIXES = {
    "n": -9,
    "u": -6,
    "m": -3,
    "": 0,
    "k": 3,
    "M": 6,
    "G": 9,
    "T": 12,
    "P": 15,
    "E": 18,
}
_BINARY_SUFFIXES = {"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60}
_DECIMAL_BY_EXPONENT = {exp: suffix for suffix, exp in _DECIMAL_SUFFIXES.items()}
_BINARY_BY_POWER = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"]
_SUFFIX_CHARS = "eEinumkKMGTP"
_NANO = Fraction(1, 10**9)
_MAX_ALLOWED = 2**63 - 1  # BinarySI values are capped here ("maxAllowed")
# Podlife's own bounds, so that "1e999999999" cannot make Python build a billion-digit number.
# Go keeps such values as a scaled decimal; nothing in a cluster comes near these limits.
_MAX_DIGITS = 100
_MAX_EXPONENT = 200


def _scan(text: str) -> tuple[bool, str, str, str]:
    """parseQuantityString: split into (positive, num, denom, suffix) or raise ValueError."""
    positive = True
    pos, end = 0, len(text)
    if pos < end and text[0] in "+-":
        positive = text[0] == "+"
        pos += 1
    while pos < end and text[pos] == "0":  # leading zeros
        pos += 1
    if pos >= end:
        return positive, "0", "", ""
    start = pos
    while pos < end and text[pos].isascii() and text[pos].isdigit():
        pos += 1
    num = text[start:pos] or "0"
    denom = ""
    if pos < end and text[pos] == ".":
        pos += 1
        start = pos
        while pos < end and text[pos].isascii() and text[pos].isdigit():
            pos += 1
        denom = text[start:pos]
    suffix_start = pos
    while pos < end and text[pos] in _SUFFIX_CHARS:
        pos += 1
    if pos < end and text[pos] in "+-":
        pos += 1
    while pos < end and text[pos].isascii() and text[pos].isdigit():
        pos += 1
    if pos < end:
        raise ValueError(FORMAT_ERROR)
    return positive, num, denom, text[suffix_start:end]


def _interpret(suffix: str) -> tuple[int, int, str]:
    """suffixHandler.interpret: (base, exponent, format) for a suffix, or raise."""
    if suffix in _DECIMAL_SUFFIXES:
        return 10, _DECIMAL_SUFFIXES[suffix], DECIMAL_SI
    if suffix in _BINARY_SUFFIXES:
        return 2, _BINARY_SUFFIXES[suffix], BINARY_SI
    if len(suffix) > 1 and suffix[0] in "eE":
        exponent = suffix[1:]
        digits = exponent[1:] if exponent[0] in "+-" else exponent
        if digits.isascii() and digits.isdigit():
            return 10, int(exponent), DECIMAL_EXPONENT
    raise ValueError(SUFFIX_ERROR)


def _round_up(value: Fraction, step: Fraction) -> Fraction:
    """Round away from zero to a multiple of `step` (inf.RoundUp)."""
    units = value / step
    whole = math.ceil(abs(units))
    return step * (whole if units >= 0 else -whole)


def _as_text(text: str | int | float) -> str:
    # JSON numbers reach the Go decoder as their literal text; bools never decode.
    if isinstance(text, bool):
        raise ValueError(FORMAT_ERROR)
    if isinstance(text, int):
        return str(text)
    if isinstance(text, float):
        return repr(text)
    if isinstance(text, str):
        return text
    raise ValueError(FORMAT_ERROR)


def parse_quantity_with_format(text: str | int | float) -> tuple[Fraction, str]:
    """ParseQuantity: the exact value and the format it will be printed in."""
    raw = _as_text(text)
    if raw == "":
        raise ValueError(FORMAT_ERROR)
    if raw == "0":
        return Fraction(0), DECIMAL_SI
    positive, num, denom, suffix = _scan(raw)
    base, exponent, fmt = _interpret(suffix)
    if len(num) + len(denom) > _MAX_DIGITS or exponent > _MAX_EXPONENT:
        raise ValueError(NUMERIC_ERROR)
    mantissa = Fraction(int(num + denom), 10 ** len(denom))
    if exponent < -_MAX_EXPONENT:
        amount = _NANO if mantissa else Fraction(0)  # far below a nano: rounds up to 1n
    else:
        amount = mantissa * (Fraction(base) ** exponent)
    # "rounds non-zero values up to the minimum representable value" (nano).
    amount = _round_up(amount, _NANO)
    if fmt == BINARY_SI and amount > _MAX_ALLOWED:
        amount = Fraction(_MAX_ALLOWED)
    if fmt == BINARY_SI and 0 < amount < 1:
        fmt = DECIMAL_SI
    return (amount if positive else -amount), fmt


def parse_quantity(text: str | int | float) -> Fraction:
    """The exact value of a quantity; ValueError with the API server's message if malformed."""
    return parse_quantity_with_format(text)[0]


def format_quantity(value: Fraction | int, fmt: str = DECIMAL_SI) -> str:
    """Quantity.String(): the canonical form (CanonicalizeBytes) of `value` in `fmt`."""
    value = Fraction(value)
    if value == 0:
        return "0"
    if fmt == BINARY_SI and (-1024 < value < 1024 or value.denominator != 1):
        fmt = DECIMAL_SI  # small or fractional binary values print as decimal, losing nothing
    sign = "-" if value < 0 else ""
    magnitude = abs(value)
    if fmt == BINARY_SI:
        number, power = int(magnitude), 0
        while number % 1024 == 0 and power < len(_BINARY_BY_POWER) - 1:
            number //= 1024
            power += 1
        return f"{sign}{number}{_BINARY_BY_POWER[power]}"
    # Decimal: move every factor of ten into the exponent, then lower the exponent to a
    # multiple of three (AsCanonicalBytes) so that a suffix exists for it.
    magnitude = _round_up(magnitude, _NANO)
    exponent = -9
    number = int(magnitude * 10**9)
    while number % 10 == 0:
        number //= 10
        exponent += 1
    while exponent % 3 != 0:
        number *= 10
        exponent -= 1
    if fmt == DECIMAL_SI and exponent in _DECIMAL_BY_EXPONENT:
        return f"{sign}{number}{_DECIMAL_BY_EXPONENT[exponent]}"
    return f"{sign}{number}" + (f"e{exponent}" if exponent else "")


def canonical_quantity(text: str | int | float) -> str:
    """What the API server stores for a quantity the user wrote (e.g. 0.5 -> "500m")."""
    value, fmt = parse_quantity_with_format(text)
    return format_quantity(value, fmt)


def round_up_milli(text: str | int | float) -> str:
    """SetDefaults_ResourceList: round up to milli-scale (Quantity.RoundUp(-3)), canonical form."""
    value, fmt = parse_quantity_with_format(text)
    return format_quantity(_round_up(value, Fraction(1, 1000)), fmt)


def _value(q: str | int | float | Fraction) -> Fraction:
    return q if isinstance(q, Fraction) else parse_quantity(q)


def cpu_millis(q: str | int | float | Fraction) -> int:
    """MilliValue(): the quantity in thousandths, rounded up ("0.1m" -> 1)."""
    return math.ceil(_value(q) * 1000)


def to_bytes(q: str | int | float | Fraction) -> int:
    """Value(): the quantity as a whole number, rounded up ("1Ki" -> 1024, "1.5" -> 2)."""
    return math.ceil(_value(q))
