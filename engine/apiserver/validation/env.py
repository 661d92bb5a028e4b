"""Container environment: env (names, valueFrom sources) and envFrom.

Mirrors ValidateEnv, validateEnvVarValueFrom, validateConfigMapKeySelector,
validateSecretKeySelector and ValidateEnvFrom in pkg/apis/core/validation/validation.go, with
the RelaxedEnvironmentVariableValidation gate on (its 1.37 default).
"""

from __future__ import annotations

from typing import Any

from engine.apimachinery import field
from engine.apiserver.validation.common import Errors, Obj, _d, _l, _s
from engine.apiserver.validation.downward_api import (
    ENV_DOWNWARD_PATHS,
    validate_object_field_selector,
    validate_resource_field_selector,
)
from engine.apiserver.validation.names import (
    is_config_map_key,
    is_relaxed_env_var_name,
    name_is_dns_subdomain,
)


def _validate_name_ref(name: Any, path: str, prefix: bool) -> Errors:
    text = _s(name)
    return [field.invalid(path, text, m) for m in name_is_dns_subdomain(text, prefix)]


def _validate_key_selector(ref: Obj, path: str) -> Errors:
    errs = _validate_name_ref(ref.get("name"), field.child(path, "name"), False)
    key = _s(ref.get("key"))
    if not key:
        errs.append(field.required(field.child(path, "key")))
    else:
        errs += [field.invalid(field.child(path, "key"), key, m) for m in is_config_map_key(key)]
    return errs


def validate_env(env: Any, path: str) -> Errors:
    errs: Errors = []
    for i, var in enumerate(_l(env)):
        var, vpath = _d(var), field.index(path, i)
        name = _s(var.get("name"))
        if not name:
            errs.append(field.required(field.child(vpath, "name")))
        else:
            errs += [
                field.invalid(field.child(vpath, "name"), name, m)
                for m in is_relaxed_env_var_name(name)
            ]
        source = var.get("valueFrom")
        if source is None:
            continue
        source, spath = _d(source), field.child(vpath, "valueFrom")
        count = 0
        if source.get("fieldRef") is not None:
            count += 1
            errs += validate_object_field_selector(
                _d(source["fieldRef"]), ENV_DOWNWARD_PATHS, field.child(spath, "fieldRef")
            )
        if source.get("resourceFieldRef") is not None:
            count += 1
            errs += validate_resource_field_selector(
                _d(source["resourceFieldRef"]), field.child(spath, "resourceFieldRef"), False
            )
        for kind in ("configMapKeyRef", "secretKeyRef"):
            if source.get(kind) is not None:
                count += 1
                errs += _validate_key_selector(_d(source[kind]), field.child(spath, kind))
        if count == 0:
            errs.append(
                field.invalid(
                    spath,
                    "",
                    "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or "
                    "`secretKeyRef`",
                )
            )
        elif _s(var.get("value")):
            errs.append(field.invalid(spath, "", "may not be specified when `value` is not empty"))
        elif count > 1:
            errs.append(
                field.invalid(spath, "", "may not have more than one field specified at a time")
            )
    return errs


def validate_env_from(env_from: Any, path: str) -> Errors:
    errs: Errors = []
    for i, source in enumerate(_l(env_from)):
        source, spath = _d(source), field.index(path, i)
        prefix = _s(source.get("prefix"))
        if prefix:
            errs += [
                field.invalid(field.child(spath, "prefix"), prefix, m)
                for m in is_relaxed_env_var_name(prefix)
            ]
        count = 0
        for kind in ("configMapRef", "secretRef"):
            if source.get(kind) is None:
                continue
            count += 1
            ref, rpath = _d(source[kind]), field.child(spath, kind, "name")
            if not _s(ref.get("name")):
                errs.append(field.required(rpath))
            else:
                errs += _validate_name_ref(ref.get("name"), rpath, True)
        # Upstream reports these two against the envFrom list itself.
        if count == 0:
            errs.append(
                field.invalid(path, "", "must specify one of: `configMapRef` or `secretRef`")
            )
        elif count > 1:
            errs.append(
                field.invalid(path, "", "may not have more than one field specified at a time")
            )
    return errs
