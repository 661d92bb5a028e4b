"""Go's time.Parse for the two layouts metav1 timestamps use, for its error messages.

metav1.Time.UnmarshalJSON parses with time.RFC3339 and metav1.MicroTime.UnmarshalJSON with
RFC3339Micro (staging/src/k8s.io/apimachinery/pkg/apis/meta/v1/time.go, micro_time.go); a
string that does not parse fails the whole decode with time.ParseError's text:
`parsing time "x" as "2006-01-02T15:04:05Z07:00": cannot parse "x" as "2006"`. The walk below
follows src/time/format.go parse(): each layout element in turn, what it accepts, and which
remainder of the value the error quotes.
"""

from __future__ import annotations

from functools import lru_cache

RFC3339 = "2006-01-02T15:04:05Z07:00"
RFC3339_MICRO = "2006-01-02T15:04:05.000000Z07:00"

# (literal prefix, element) pairs of each layout, as nextStdChunk splits them.
_CHUNKS = {
    RFC3339: (("", "2006"), ("-", "01"), ("-", "02"), ("T", "15"), (":", "04"), (":", "05")),
    RFC3339_MICRO: (
        ("", "2006"),
        ("-", "01"),
        ("-", "02"),
        ("T", "15"),
        (":", "04"),
        (":", "05"),
        ("", ".000000"),
    ),
}
_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


class _Bad(Exception):
    """errBad: the element could not be parsed."""


@lru_cache(maxsize=4096)
def parse_error(layout: str, value: str) -> str | None:
    """time.Parse(layout, value)'s error text, or None if the value parses. Cached: every
    status write carries timestamps, most of them the same few seconds."""
    rest = value
    year = month = day = 0
    for prefix, element in (*_CHUNKS[layout], ("", "Z07:00")):
        if not rest.startswith(prefix):
            # skip() gives up at the first byte that differs; prefixes here are one byte.
            return _error(layout, value, prefix, rest)
        rest = rest[len(prefix) :]
        hold = rest
        try:
            rest, number, out_of_range = _element(element, rest, layout)
        except _Bad:
            return _error(layout, value, element, hold)
        if out_of_range:
            return _error(layout, value, element, rest, f": {out_of_range} out of range")
        if element == "2006":
            year = number
        elif element == "01":
            month = number
        elif element == "02":
            day = number
    if rest:
        return _error(layout, value, "", rest, ": extra text: " + _quote(rest))
    if day < 1 or day > _days_in(month, year):
        return _error(layout, value, "", rest, ": day out of range")
    return None


def _element(element: str, value: str, layout: str) -> tuple[str, int, str]:
    """Parse one layout element: (the rest of the value, the number read, range error)."""
    if element == "2006":
        if len(value) < 4 or not _is_digit(value, 0):
            raise _Bad
        return value[4:], _atoi(value[:4]), ""
    if element in ("01", "02", "04", "05", "15"):
        number, rest = _getnum(value, fixed=element != "15")
        limit = {"01": (1, 12), "02": (0, 99), "04": (0, 59), "05": (0, 59), "15": (0, 23)}
        low, high = limit[element]
        what = {"01": "month", "04": "minute", "05": "second", "15": "hour"}.get(element, "")
        if what and not low <= number <= high:
            return rest, number, what
        # Seconds followed by a fraction the layout does not name: Parse reads it anyway,
        # unless the next element is the fraction (RFC3339Micro's `.000000`).
        fraction = len(rest) >= 2 and rest[0] in ".," and _is_digit(rest, 1)
        if element == "05" and fraction and layout == RFC3339:
            return _fraction_without_layout(rest, number)
        return rest, number, ""
    if element == ".000000":
        if len(value) < 7:
            raise _Bad
        return value[7:], 0, _nanoseconds(value, 7)
    return _zone(value), 0, ""


def _fraction_without_layout(rest: str, second: int) -> tuple[str, int, str]:
    """RFC3339 has no fractional seconds, but Parse takes them after the seconds anyway."""
    end = 2
    while end < len(rest) and _is_digit(rest, end):
        end += 1
    return rest[end:], second, _nanoseconds(rest, end)


def _nanoseconds(value: str, count: int) -> str:
    """parseNanoseconds: the range error (if any) of a `.digits` run of `count` bytes."""
    if value[0] not in ".,":
        raise _Bad
    digits = value[1 : min(count, 10)]
    if _atoi(digits) < 0:
        return "fractional second"
    return ""


def _zone(value: str) -> str:
    """Z07:00: `Z`, or a sign, two digits, a colon and two digits."""
    if value[:1] == "Z":
        return value[1:]
    if len(value) < 6 or value[3] != ":":
        raise _Bad
    sign, hours, minutes = value[0], value[1:3], value[4:6]
    _getnum(hours, fixed=True)
    _getnum(minutes, fixed=True)
    if sign not in "+-":
        raise _Bad
    return value[6:]


def _is_digit(text: str, index: int) -> bool:
    return index < len(text) and "0" <= text[index] <= "9"


def _getnum(value: str, *, fixed: bool) -> tuple[int, str]:
    if not _is_digit(value, 0):
        raise _Bad
    if not _is_digit(value, 1):
        if fixed:
            raise _Bad
        return int(value[0]), value[1:]
    return int(value[:2]), value[2:]


def _atoi(text: str) -> int:
    """time's atoi: an optional sign, then only ASCII digits (none is zero)."""
    sign = -1 if text[:1] == "-" else 1
    digits = text[1:] if text[:1] in ("-", "+") else text
    if any(not ("0" <= c <= "9") for c in digits):
        raise _Bad
    return sign * int(digits or "0")


def _days_in(month: int, year: int) -> int:
    if month == 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0):
        return 29
    return _DAYS[month - 1] if 1 <= month <= 12 else 31


def _error(layout: str, value: str, element: str, rest: str, message: str = "") -> str:
    """time.ParseError.Error()."""
    if message:
        return "parsing time " + _quote(value) + message
    return (
        f"parsing time {_quote(value)} as {_quote(layout)}: "
        f"cannot parse {_quote(rest)} as {_quote(element)}"
    )


def _quote(text: str) -> str:
    """time's quote(): `"` and `\\` escaped, bytes outside printable ASCII as \\xNN."""
    out = ['"']
    for char in text:
        if char < " " or ord(char) >= 0x80:
            data = char.encode("utf-8", "replace")
            out.extend(f"\\x{byte:02x}" for byte in data)
        else:
            out.append("\\" + char if char in '"\\' else char)
    out.append('"')
    return "".join(out)
