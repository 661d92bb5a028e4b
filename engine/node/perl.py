"""What `perl -Mbignum=bpi -wle 'print bpi(N)'` prints: π to N significant digits, as
Math::BigFloat's bpi(N) rounds it (the docs' `pi` Job asks for 2000). The digits are computed
(Machin's formula in integers), not stored, up to 20,000 digits; other perl one-liners (and
longer ones) are not understood and run instantly, as any unknown command does.
"""

from __future__ import annotations

import re

_BPI = re.compile(r"^\s*print\s+bpi\(\s*(\d+)\s*\)\s*;?\s*$")
_GUARD = 10  # extra digits so that rounding to N is exact
MAX_DIGITS = 20_000  # computed in a fraction of a second; a longer one-liner is not understood
_CHUNK = 4_000  # int → str in pieces, under Python's 4300-digit conversion limit
SECONDS_PER_THOUSAND_DIGITS = 1.0  # how long perl takes, roughly, in a small container


def _arctan_inverse(x: int, unity: int) -> int:
    """arctan(1/x) scaled by `unity`, by its Taylor series."""
    total = term = unity // x
    x2, n, sign = x * x, 1, -1
    while term:
        term //= x2
        n += 2
        total += sign * (term // n)
        sign = -sign
    return total


def pi_digits(significant: int) -> str:
    """π rounded half up to `significant` digits: bpi(5) is 3.1416."""
    significant = max(significant, 1)
    unity = 10 ** (significant - 1 + _GUARD)
    pi = 4 * (4 * _arctan_inverse(5, unity) - _arctan_inverse(239, unity))
    rounded = (pi + 5 * 10 ** (_GUARD - 1)) // 10**_GUARD
    text = _decimal(rounded)
    return text if significant == 1 else f"{text[0]}.{text[1:]}"


def _decimal(number: int) -> str:
    """str(number) for any length, a chunk of digits at a time."""
    chunks: list[str] = []
    while number >= 10**_CHUNK:
        number, low = divmod(number, 10**_CHUNK)
        chunks.append(f"{low:0{_CHUNK}d}")
    return str(number) + "".join(reversed(chunks))


def one_liner(args: list[str]) -> tuple[str, float] | None:
    """(what it prints, how long it takes) for the `bpi` one-liner, else None."""
    modules = [a for a in args if a.startswith("-M")]
    script = next(
        (args[i + 1] for i, a in enumerate(args[:-1]) if a.startswith("-") and a.endswith("e")),
        None,
    )
    if script is None or not any("bpi" in m for m in modules):
        return None
    match = _BPI.match(script)
    if match is None:
        return None
    digits = int(match.group(1))
    if digits > MAX_DIGITS:
        return None
    return pi_digits(digits), digits / 1000 * SECONDS_PER_THOUSAND_DIGITS
