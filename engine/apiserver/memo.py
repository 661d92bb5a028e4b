"""Memoized forms of pure helpers the API server calls on every write.

Quantities ("10m", "16Mi") and timestamps repeat across thousands of objects, and parsing them
(exact Fractions, datetime formatting) is a visible share of what a write costs. The functions
here give exactly what the originals give, raising the same errors; only strings are cached
(a number in a quantity field is rare, and JSON numbers 1 and 1.0 must not share an entry).
"""

from __future__ import annotations

from fractions import Fraction
from functools import lru_cache

from engine import timeutil
from engine.apimachinery import quantity


@lru_cache(maxsize=4096)
def _parsed(text: str) -> tuple[Fraction, str] | ValueError:
    try:
        return quantity.parse_quantity_with_format(text)
    except ValueError as error:
        return error


def parse_quantity_with_format(text: str | int | float) -> tuple[Fraction, str]:
    """quantity.parse_quantity_with_format, cached for strings."""
    if type(text) is not str:
        return quantity.parse_quantity_with_format(text)
    parsed = _parsed(text)
    if isinstance(parsed, ValueError):
        raise ValueError(*parsed.args)
    return parsed


def parse_quantity(text: str | int | float) -> Fraction:
    """quantity.parse_quantity, cached for strings."""
    return parse_quantity_with_format(text)[0]


@lru_cache(maxsize=4096)
def _rounded(text: str) -> str | ValueError:
    try:
        return quantity.round_up_milli(text)
    except ValueError as error:
        return error


def round_up_milli(text: str | int | float) -> str:
    """quantity.round_up_milli, cached for strings."""
    if type(text) is not str:
        return quantity.round_up_milli(text)
    rounded = _rounded(text)
    if isinstance(rounded, ValueError):
        raise ValueError(*rounded.args)
    return rounded


@lru_cache(maxsize=256)
def _rfc3339(second: int) -> str:
    return timeutil.rfc3339(second)


def rfc3339(seconds: float) -> str:
    """timeutil.rfc3339 (second precision, so it depends only on the whole second)."""
    return _rfc3339(int(seconds))
