"""A []byte field on the wire: base64 text that Go's base64.StdEncoding must read.

encoding/json decodes a JSON string into a []byte with base64.StdEncoding.Decode and reports
a base64.CorruptInputError as it is: `illegal base64 data at input byte 4`, the offset where
decodeQuantum (src/encoding/base64/base64.go) gave up. Python's decoder neither stops where Go
does nor says where, so the walk is Go's own: padding is required, CR and LF are skipped
anywhere, nothing may follow the padding. The stored value is the one Go encodes back: the
canonical base64 of the bytes (a value written with line breaks is stored without them).
"""

from __future__ import annotations

import base64
import string

_ALPHABET = {
    c: i
    for i, c in enumerate(string.ascii_uppercase + string.ascii_lowercase + string.digits + "+/")
}
_NEWLINES = "\r\n"


class CorruptInputError(ValueError):
    def __init__(self, offset: int) -> None:
        super().__init__(f"illegal base64 data at input byte {offset}")
        self.offset = offset


def decode(text: str) -> bytes:
    """base64.StdEncoding.DecodeString, with Go's error offsets (over the UTF-8 bytes)."""
    src = text.encode()
    out = bytearray()
    si = 0
    while True:
        quantum: list[int] = []
        si, done = _quantum(src, si, quantum)
        value = 0
        for sextet in quantum + [0] * (4 - len(quantum)):
            value = value << 6 | sextet
        out += value.to_bytes(3, "big")[: max(len(quantum) - 1, 0)]
        if done:
            return bytes(out)


def _quantum(src: bytes, si: int, quantum: list[int]) -> tuple[int, bool]:
    """decodeQuantum: up to four sextets into `quantum`; whether the input is over."""
    while len(quantum) < 4:
        if si == len(src):
            if not quantum:
                return si, True
            raise CorruptInputError(si - len(quantum))  # StdEncoding pads: a short tail is bad
        char = chr(src[si])
        si += 1
        if char in _ALPHABET:
            quantum.append(_ALPHABET[char])
            continue
        if char in _NEWLINES:
            continue
        if char != "=" or len(quantum) < 2:
            raise CorruptInputError(si - 1)
        if len(quantum) == 2:  # "==" expected: the first was just read
            si = _skip_newlines(src, si)
            if si == len(src):
                raise CorruptInputError(len(src))
            if src[si] != ord("="):
                raise CorruptInputError(si - 1)
            si += 1
        si = _skip_newlines(src, si)
        if si < len(src):
            raise CorruptInputError(si)  # trailing garbage after the padding
        return si, True
    return si, si == len(src)


def _skip_newlines(src: bytes, si: int) -> int:
    while si < len(src) and chr(src[si]) in _NEWLINES:
        si += 1
    return si


def canonical(text: str) -> str:
    """What the API server stores for a valid value: Go re-encodes the decoded bytes."""
    return base64.b64encode(decode(text)).decode()


def size(text: str) -> int:
    """len() of the bytes a stored (canonical) value holds."""
    padding = text.count("=", max(len(text) - 2, 0))
    return len(text) // 4 * 3 - padding
