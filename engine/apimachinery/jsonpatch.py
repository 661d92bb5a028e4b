"""JSON merge patch (RFC 7386) and JSON patch (RFC 6902) over plain dicts.

The API server applies these for `Content-Type: application/merge-patch+json` and
`application/json-patch+json` (staging/src/k8s.io/apiserver/pkg/endpoints/handlers/patch.go,
jsonPatcher.applyJSPatch). Both use gopkg.in/evanphx/json-patch.v4, so the JSON-patch error texts
below are that library's (patch.go, v4.12): `add operation does not apply: doc is missing path:
"/spec/foo": missing value`, `testing value /x failed: test failed`.

Everything is pure: inputs are never mutated and results share no structure with them.
Strategic merge patch is strategicpatch.py; server-side apply is managedfields.py.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from engine.apimachinery.errors import StatusError
from engine.apimachinery.value import JSON, copy_json, json_equal

# What the API server answers when a JSON patch does not apply: NewGenericServerResponse(422)
# keeps only its generic text, the library's message is dropped
# (staging/src/k8s.io/apimachinery/pkg/api/errors/errors.go). kubectl prints it as
# `The request is invalid: the server rejected our request due to an error in our request`.
JSON_PATCH_REJECTED = "the server rejected our request due to an error in our request"

# evanphx/json-patch sentinel errors; errors.Wrapf(sentinel, msg) prints `msg: sentinel`.
_MISSING = "missing value"
_TEST_FAILED = "test failed"
_INVALID_INDEX = "invalid index referenced"


class PatchError(Exception):
    """A patch that cannot be applied; `message` is the text the Go library would produce."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def json_patch_status_error() -> StatusError:
    """The 422 the API server sends for any PatchError raised by apply_json_patch."""
    return StatusError(422, "Invalid", JSON_PATCH_REJECTED, {})


# ---------------------------------------------------------------------------------------------
# RFC 7386 JSON merge patch


def apply_merge_patch(original: JSON, patch: JSON) -> JSON:
    """RFC 7386 §2 MergePatch: objects merge key by key, null deletes, anything else replaces.

    Lists are replaced whole, which is why `kubectl scale` can use a merge patch but
    `kubectl apply` needs a strategic one.
    """
    if not isinstance(patch, dict):
        return copy_json(patch)
    result = copy_json(original) if isinstance(original, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = apply_merge_patch(result.get(key), value)
    return result


# ---------------------------------------------------------------------------------------------
# RFC 6902 JSON patch, with evanphx/json-patch v4 behaviour (what the API server runs):
# - negative array indices count from the end (SupportNegativeIndices = true);
# - `replace` of a missing *object member* adds it (partialDoc.get never fails), while a
#   missing array index fails: the library is laxer than RFC 6902 §4.3 here;
# - `test` treats a missing member and JSON null alike.

_POINTER_ESCAPE = re.compile(r"~[01]")


def _decode_token(token: str) -> str:
    # RFC 6901 §4: "~1" → "/" and "~0" → "~", in one left-to-right pass so "~01" is "~1".
    return _POINTER_ESCAPE.sub(lambda m: "/" if m.group() == "~1" else "~", token)


def _atoi(text: str) -> int | None:
    """strconv.Atoi: optional sign, then decimal digits only."""
    body = text[1:] if text[:1] in "+-" else text
    if not body or not body.isascii() or not body.isdigit():
        return None
    return int(text)


def _atoi_error(text: str) -> str:
    return f'strconv.Atoi: parsing "{text}": invalid syntax'


def _find_parent(doc: JSON, path: str) -> tuple[dict[str, JSON] | list[JSON] | None, str]:
    """findObject: the container holding the last token of `path`, or None."""
    parts = path.split("/")
    if len(parts) < 2:
        return None, ""
    node: JSON = doc
    for raw in parts[1:-1]:
        token = _decode_token(raw)
        if isinstance(node, dict):
            node = node.get(token)
        elif isinstance(node, list):
            index = _atoi(token)
            if index is None:
                return None, ""
            if index < 0:
                index += len(node)
            if not 0 <= index < len(node):
                return None, ""
            node = node[index]
        if not isinstance(node, dict | list):
            return None, ""
    return node, _decode_token(parts[-1])


def _array_index(container: list[JSON], key: str, *, inserting: bool) -> int:
    """An array position for get/set/remove (or insert, which may equal the length)."""
    index = _atoi(key)
    if index is None:
        raise PatchError(_atoi_error(key))
    size = len(container) + 1 if inserting else len(container)
    if index >= size or index < -size:
        raise PatchError(f"Unable to access invalid index: {index}: {_INVALID_INDEX}")
    return index + size if index < 0 else index


def _get(container: dict[str, JSON] | list[JSON], key: str) -> JSON:
    if isinstance(container, dict):
        return container.get(key)
    return container[_array_index(container, key, inserting=False)]


def _add(container: dict[str, JSON] | list[JSON], key: str, value: JSON, path: str) -> None:
    if isinstance(container, dict):
        container[key] = value
        return
    if key == "-":
        container.append(value)
        return
    try:
        index = _array_index(container, key, inserting=True)
    except PatchError as error:
        if _atoi(key) is None:
            detail = f"value was not a proper array index: '{key}': {error.message}"
            raise PatchError(f"error in add for path: '{path}': {detail}") from None
        raise PatchError(f"error in add for path: '{path}': {error.message}") from None
    container.insert(index, value)


def _remove(container: dict[str, JSON] | list[JSON], key: str) -> None:
    if isinstance(container, dict):
        if key not in container:
            raise PatchError(f"Unable to remove nonexistent key: {key}: {_MISSING}")
        del container[key]
        return
    del container[_array_index(container, key, inserting=False)]


def _op_field(op: Mapping[str, JSON], name: str) -> str | None:
    value = op.get(name)
    return value if isinstance(value, str) else None


def _apply_add(doc: JSON, op: Mapping[str, JSON]) -> JSON:
    path = _op_field(op, "path")
    if path is None:
        raise PatchError(f"add operation failed to decode path: {_MISSING}")
    parent, key = _find_parent(doc, path)
    if parent is None:
        raise PatchError(f'add operation does not apply: doc is missing path: "{path}": {_MISSING}')
    _add(parent, key, copy_json(op.get("value")), path)
    return doc


def _apply_remove(doc: JSON, op: Mapping[str, JSON]) -> JSON:
    path = _op_field(op, "path")
    if path is None:
        raise PatchError(f"remove operation failed to decode path: {_MISSING}")
    parent, key = _find_parent(doc, path)
    if parent is None:
        raise PatchError(
            f'remove operation does not apply: doc is missing path: "{path}": {_MISSING}'
        )
    try:
        _remove(parent, key)
    except PatchError as error:
        raise PatchError(f"error in remove for path: '{path}': {error.message}") from None
    return doc


def _apply_replace(doc: JSON, op: Mapping[str, JSON]) -> JSON:
    path = _op_field(op, "path")
    if path is None:
        raise PatchError(
            "replace operation failed to decode path: operation missing path field: " + _MISSING
        )
    value = copy_json(op.get("value"))
    if path == "":
        if not isinstance(value, dict | list):
            raise PatchError("replace operation value must be object or array")
        return value
    parent, key = _find_parent(doc, path)
    if parent is None:
        raise PatchError(
            f"replace operation does not apply: doc is missing path: {path}: {_MISSING}"
        )
    if isinstance(parent, list):
        try:
            parent[_array_index(parent, key, inserting=False)] = value
        except PatchError:
            raise PatchError(
                f"replace operation does not apply: doc is missing key: {path}: {_MISSING}"
            ) from None
    else:
        parent[key] = value
    return doc


def _take_from(doc: JSON, op: Mapping[str, JSON], verb: str) -> tuple[JSON, str]:
    source = _op_field(op, "from")
    if source is None:
        raise PatchError(
            f"{verb} operation failed to decode from: operation, missing from field: {_MISSING}"
        )
    parent, key = _find_parent(doc, source)
    if parent is None:
        raise PatchError(
            f"{verb} operation does not apply: doc is missing from path: {source}: {_MISSING}"
        )
    label = key if verb == "move" else source
    try:
        value = _get(parent, key)
        if verb == "move":
            _remove(parent, key)
    except PatchError as error:
        which = "path" if verb == "move" else "from"
        raise PatchError(f"error in {verb} for {which}: '{label}': {error.message}") from None
    return value, source


def _apply_move_or_copy(doc: JSON, op: Mapping[str, JSON], verb: str) -> JSON:
    value, _ = _take_from(doc, op, verb)
    path = _op_field(op, "path")
    if path is None:
        raise PatchError(f"{verb} operation failed to decode path: {_MISSING}")
    parent, key = _find_parent(doc, path)
    if parent is None:
        raise PatchError(
            f"{verb} operation does not apply: doc is missing destination path: {path}: {_MISSING}"
        )
    _add(parent, key, copy_json(value), path)
    return doc


def _apply_test(doc: JSON, op: Mapping[str, JSON]) -> JSON:
    path = _op_field(op, "path")
    if path is None:
        raise PatchError(f"test operation failed to decode path: {_MISSING}")
    expected = op.get("value")
    failed = PatchError(f"testing value {path} failed: {_TEST_FAILED}")
    if path == "":
        if not json_equal(doc, expected):
            raise failed
        return doc
    parent, key = _find_parent(doc, path)
    if parent is None:
        raise PatchError(f"test operation does not apply: is missing path: {path}: {_MISSING}")
    try:
        actual = _get(parent, key)
    except PatchError as error:
        raise PatchError(f"error in test for path: '{path}': {error.message}") from None
    if not json_equal(actual, expected):
        raise failed
    return doc


_OPERATIONS = {
    "add": _apply_add,
    "remove": _apply_remove,
    "replace": _apply_replace,
    "test": _apply_test,
    "move": lambda doc, op: _apply_move_or_copy(doc, op, "move"),
    "copy": lambda doc, op: _apply_move_or_copy(doc, op, "copy"),
}


def apply_json_patch(original: JSON, ops: Sequence[Mapping[str, JSON]]) -> JSON:
    """Apply RFC 6902 operations in order; all or nothing (the original is never touched).

    Raises PatchError with evanphx/json-patch's wording; the HTTP layer should answer with
    json_patch_status_error(), since that is all the real API server reveals.
    """
    doc = copy_json(original)
    for op in ops:
        if not isinstance(op, Mapping):
            raise PatchError("Unexpected kind: unknown")
        kind = op.get("op")
        handler = _OPERATIONS.get(kind) if isinstance(kind, str) else None
        if handler is None:
            raise PatchError(f"Unexpected kind: {kind if isinstance(kind, str) else 'unknown'}")
        doc = handler(doc, op)
    return doc
