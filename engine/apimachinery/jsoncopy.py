"""A deep copy of a decoded JSON value, as runtime.DeepCopyJSONValue makes one
(k8s.io/apimachinery/pkg/runtime/converter.go).

The controllers copy what their informers cache before changing it (Go's `DeepCopy()`), a few
times per object and sync. `copy.deepcopy` keeps a memo of every container it has seen, to
preserve shared parts and cycles, which a JSON value has none of (nor does Go's DeepCopy keep
them): copying dicts and lists directly is several times faster and gives an equal value.
Anything that is not JSON is left to `copy.deepcopy`.
"""

from __future__ import annotations

import copy
from typing import Any, TypeVar, cast

_SCALARS = frozenset({str, int, float, bool, type(None)})

T = TypeVar("T")


def deep_copy_json(value: T) -> T:
    return cast(T, _copy(value))


def _copy(value: Any) -> Any:
    kind = type(value)
    if kind is dict:
        return {k: v if type(v) in _SCALARS else _copy(v) for k, v in value.items()}
    if kind is list:
        return [v if type(v) in _SCALARS else _copy(v) for v in value]
    if kind in _SCALARS:
        return value
    return copy.deepcopy(value)
