"""Strategic merge patch's error texts.

staging/src/k8s.io/apimachinery/pkg/util/mergepatch/errors.go, word for word.
"""

from __future__ import annotations

from engine.apimachinery.jsonpatch import PatchError
from engine.apimachinery.value import JSON, go_value, json_kind

_GO_TYPES = {
    "map": "map[string]interface {}",
    "list": "[]interface {}",
    "string": "string",
    "number": "float64",
    "bool": "bool",
    "null": "<nil>",
}


def bad_arg_type(expected: str, actual: JSON) -> PatchError:
    return PatchError(
        f"expected a {_GO_TYPES[expected]}, but received a {_GO_TYPES[json_kind(actual)]}"
    )


def no_merge_key(item: JSON, key: str) -> PatchError:
    return PatchError(f"map: {go_value(item)} does not contain declared merge key: {key}")


def bad_patch_type(directive: JSON, item: JSON) -> PatchError:
    return PatchError(f"unknown patch type: {go_value(directive)} in map: {go_value(item)}")


BAD_RETAIN_KEYS = "invalid patch format of retainKeys"
BAD_ELEMENT_ORDER = "invalid patch format of setElementOrder list"
