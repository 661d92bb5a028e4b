"""The parameter objects a binding gives its policy (staging/src/k8s.io/apiserver/pkg/
admission/plugin/policy/generic/policy_dispatcher.go collectParams): for a policy with a
paramKind, the object the binding's paramRef names (in its namespace, or else the request's)
or those its selector selects; the policy is evaluated once per object, as `params`. Any
served kind can be a paramKind (a ConfigMap, say); custom resources are not served here."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engine.apiserver.resources import by_api_version_kind
from engine.apiserver.validation.label_selector import selector_matches

if TYPE_CHECKING:
    from engine.apiserver.storage.etcd3 import Storage

Obj = dict[str, Any]


class ConfigurationError(Exception):
    """A policy or binding that cannot be evaluated: its failurePolicy decides."""


def collect(storage: Storage, spec: Obj, binding_spec: Obj, namespace: str) -> list[Obj | None]:
    """[None] for a policy without paramKind; else the parameter objects, none when the
    binding's parameterNotFoundAction is Allow and there are none."""
    param_kind = spec.get("paramKind")
    if not isinstance(param_kind, dict):
        return [None]
    api_version, kind = param_kind.get("apiVersion", ""), param_kind.get("kind", "")
    resource = by_api_version_kind(api_version, kind)
    if resource is None:
        raise ConfigurationError(
            "failed to configure policy: failed to find resource referenced by paramKind: "
            f"'{api_version}, Kind={kind}'"
        )
    ref = binding_spec.get("paramRef")
    if not isinstance(ref, dict):
        raise ConfigurationError(
            f"failed to configure binding: paramKind kind `{kind}` is set but paramRef is nil"
        )
    where = ""
    if resource.namespaced:
        where = ref.get("namespace") or namespace
        if not where:
            raise ConfigurationError(
                "failed to configure binding: cannot use namespaced paramRef in policy binding "
                "that matches cluster-scoped resources"
            )
    found: list[Obj | None]
    if ref.get("name"):
        param = storage.get(resource.key(where, ref["name"]))
        found = [param] if param is not None else []
    else:
        selector = ref.get("selector") or {}
        found = [
            param
            for param in storage.range(resource.prefix(where))
            if selector_matches(selector, (param.get("metadata") or {}).get("labels"))
        ]
    if not found and ref.get("parameterNotFoundAction") == "Deny":
        raise ConfigurationError(
            "failed to configure binding: no params found for policy binding with `Deny` "
            "parameterNotFoundAction"
        )
    return found
