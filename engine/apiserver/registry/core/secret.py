"""Secrets: pkg/registry/core/secret/strategy.go, and what decoding does first (the v1 to
internal conversion, pkg/apis/core/v1/conversion.go Convert_v1_Secret_To_core_Secret):
stringData is merged into data, each value overriding a key data already has, and is never
stored or returned."""

from __future__ import annotations

import base64
from typing import Any

from engine.apiserver import tables
from engine.apiserver.registry.strategy import Obj, Strategy, generic_fields, text
from engine.apiserver.validation.common import Errors
from engine.apiserver.validation.config import validate_secret


def merge_string_data(obj: dict[str, Any]) -> None:
    """Convert_v1_Secret_To_core_Secret: stringData's plain values into data, base64-encoded
    (as the stored []byte is written back)."""
    string_data = obj.pop("stringData", None)
    if not isinstance(string_data, dict) or not string_data:
        return
    data = dict(obj["data"]) if isinstance(obj.get("data"), dict) else {}
    for key, value in string_data.items():
        data[key] = base64.b64encode(str(value or "").encode()).decode()
    obj["data"] = data


class SecretStrategy(Strategy):
    resource_name = "secrets"
    printer = tables.SECRET
    # pkg/apis/core/v1/conversion.go: the field labels a Secret's field selector may name.
    field_labels = ("metadata.name", "metadata.namespace", "type")

    def prepare_for_create(self, obj: dict[str, Any]) -> None:
        merge_string_data(obj)

    def prepare_for_update(
        self, new: dict[str, Any], old: dict[str, Any], subresource: str
    ) -> None:
        super().prepare_for_update(new, old, subresource)
        merge_string_data(new)

    def validate_object(self, obj: dict[str, Any], old: dict[str, Any] | None) -> Errors:
        return validate_secret(obj, old)

    def selectable_fields(self, obj: Obj) -> dict[str, str]:
        return {**generic_fields(obj), "type": text(obj.get("type"))}

    def stored_story(self, obj: dict[str, Any]) -> str:
        return ": its values are base64-encoded, which anyone who can read it can decode"
