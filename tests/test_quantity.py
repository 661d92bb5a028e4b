"""resource.Quantity: parsing, canonical form, rounding (apimachinery pkg/api/resource)."""

from __future__ import annotations

from fractions import Fraction

import pytest

from engine.apimachinery.quantity import (
    BINARY_SI,
    DECIMAL_SI,
    FORMAT_ERROR,
    SUFFIX_ERROR,
    canonical_quantity,
    cpu_millis,
    format_quantity,
    parse_quantity,
    parse_quantity_with_format,
    round_up_milli,
    to_bytes,
)

REGEX_MESSAGE = (
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("500m", Fraction(1, 2)),
        ("1", Fraction(1)),
        ("1k", Fraction(1000)),
        ("1Ki", Fraction(1024)),
        ("128Mi", Fraction(128 * 2**20)),
        ("1.5Gi", Fraction(3 * 2**29)),
        ("2G", Fraction(2 * 10**9)),
        ("1e3", Fraction(1000)),
        ("1E3", Fraction(1000)),
        ("1E", Fraction(10**18)),  # a plain E is exa, not an exponent
        ("5e-3", Fraction(5, 1000)),
        ("250u", Fraction(250, 10**6)),
        ("7n", Fraction(7, 10**9)),
        ("+3", Fraction(3)),
        ("-2", Fraction(-2)),
        ("0", Fraction(0)),
        ("000", Fraction(0)),
        (".5", Fraction(1, 2)),
        (2, Fraction(2)),
        (0.25, Fraction(1, 4)),
    ],
)
def test_parse_values(text: str | int | float, value: Fraction) -> None:
    assert parse_quantity(text) == value


def test_precision_beyond_nano_rounds_up() -> None:
    assert parse_quantity("0.1n") == Fraction(1, 10**9)
    assert parse_quantity("1.0000000001") == Fraction(1_000_000_001, 10**9)


def test_parse_remembers_the_format() -> None:
    assert parse_quantity_with_format("1Gi") == (Fraction(2**30), BINARY_SI)
    assert parse_quantity_with_format("1G")[1] == DECIMAL_SI
    # A binary value below one prints as decimal.
    assert parse_quantity_with_format("0.5Ki") == (Fraction(512), BINARY_SI)


@pytest.mark.parametrize("bad", ["abc", "1Gb", "1.5.5", "", "12 Mi", "1x"])
def test_malformed_quantities_get_the_api_servers_message(bad: str) -> None:
    with pytest.raises(ValueError) as exc:
        parse_quantity(bad)
    assert str(exc.value) == REGEX_MESSAGE == FORMAT_ERROR


@pytest.mark.parametrize("bad", ["1mi", "1e", "1ee3", "1kk", "--1", "1Mi5"])
def test_unknown_suffix(bad: str) -> None:
    with pytest.raises(ValueError, match="unable to parse quantity's suffix"):
        parse_quantity(bad)
    assert SUFFIX_ERROR == "unable to parse quantity's suffix"


def test_booleans_are_not_quantities() -> None:
    with pytest.raises(ValueError):
        parse_quantity(True)


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("0.5", "500m"),
        ("1.5", "1500m"),
        ("1000m", "1"),
        ("1000", "1k"),
        ("1200", "1200"),
        ("1500000", "1500k"),
        ("1.5Gi", "1536Mi"),
        ("2048Mi", "2Gi"),
        ("1024Ki", "1Mi"),
        ("1536", "1536"),
        ("0.5Ki", "512"),
        ("1.1Ki", "1126400m"),
        ("1e3", "1e3"),
        ("12e2", "1200"),
        ("1e-5", "10e-6"),
        ("0.1m", "100u"),
        ("-1.5", "-1500m"),
        ("0", "0"),
        ("0Mi", "0"),
        (0.1, "100m"),
        (3, "3"),
    ],
)
def test_canonical_form(text: str | int | float, canonical: str) -> None:
    assert canonical_quantity(text) == canonical


def test_format_quantity() -> None:
    assert format_quantity(Fraction(3, 2)) == "1500m"
    assert format_quantity(Fraction(2**31), BINARY_SI) == "2Gi"
    assert format_quantity(1000) == "1k"
    assert format_quantity(0) == "0"


def test_defaulting_rounds_up_to_milli_scale() -> None:
    assert round_up_milli("0.1m") == "1m"
    assert round_up_milli("1.0001") == "1001m"
    assert round_up_milli("250m") == "250m"
    assert round_up_milli("1.5Gi") == "1536Mi"


@pytest.mark.parametrize(
    ("text", "millis"),
    [("500m", 500), ("1", 1000), ("0.1m", 1), (0.5, 500), ("2", 2000), ("1.5", 1500)],
)
def test_cpu_millis(text: str | float, millis: int) -> None:
    assert cpu_millis(text) == millis


def test_to_bytes() -> None:
    assert to_bytes("1Ki") == 1024
    assert to_bytes("128Mi") == 134_217_728
    assert to_bytes("1G") == 1_000_000_000
    assert to_bytes("1.5") == 2
    assert to_bytes(Fraction(10)) == 10


def test_absurd_exponents_stay_cheap() -> None:
    assert parse_quantity("1e-999999999") == Fraction(1, 10**9)
    with pytest.raises(ValueError, match="unable to parse numeric part of quantity"):
        parse_quantity("1e999999999")
    with pytest.raises(ValueError, match="unable to parse numeric part of quantity"):
        parse_quantity("1" * 5000)
