"""ValidateServiceAccount / ValidateServiceAccountUpdate (pkg/apis/core/validation/
validation.go): only the metadata, the name a DNS subdomain (ValidateServiceAccountName)."""

from __future__ import annotations

from engine.apiserver.validation.common import Errors, Obj, _d
from engine.apiserver.validation.meta import validate_meta, validate_object_meta
from engine.apiserver.validation.names import name_is_dns_subdomain


def validate_service_account(obj: Obj, old: Obj | None) -> Errors:
    errs = validate_meta(obj, old, True, name_is_dns_subdomain)
    if old is not None:
        # The update runs the create validation again, metadata included.
        errs += validate_object_meta(_d(obj.get("metadata")), True, name_is_dns_subdomain)
    return errs
