"""The cmp.Diff that a rejected pod update prints under "pod updates may not change fields".

ValidatePodUpdate (pkg/apis/core/validation/validation.go) appends
cmp.Diff(oldPod.Spec, mungedPodSpec) to its Forbidden error.
"""

from __future__ import annotations

from typing import Any

from engine.apimachinery import field
from engine.apiserver.validation.common import Obj, semantic_equal


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def spec_diff(old: Obj, new: Obj) -> str:
    """A short cmp.Diff-style rendering of which PodSpec fields differ.

    Upstream prints github.com/google/go-cmp's full struct diff of the internal core.PodSpec;
    this keeps its shape (header, `-`/`+` lines, elided identical fields) at field level.
    """
    return struct_diff("core.PodSpec", _POD_SPEC_DIFF_ORDER, old, new)


def struct_diff(type_name: str, order: list[str], old: Obj, new: Obj) -> str:
    """spec_diff for any struct of the internal API whose fields are `order` (Go's order)."""
    lines = [f"  {type_name}{{"]
    identical = 0
    for key in order + sorted(set(old) | set(new) - set(order)):
        if semantic_equal(old.get(key), new.get(key)):
            identical += 1 if key in old or key in new or key in order else 0
            continue
        if identical:
            lines.append(f"  \t... // {identical} identical fields")
            identical = 0
        name = _go_field_name(key)
        if not _empty(old.get(key)) or key in old:
            lines.append(f"- \t{name}: {_go_diff_value(old.get(key))},")
        if not _empty(new.get(key)) or key in new:
            lines.append(f"+ \t{name}: {_go_diff_value(new.get(key))},")
    if identical:
        lines.append(f"  \t... // {identical} identical fields")
    lines.append("  }")
    return "\n".join(lines) + "\n"


_POD_SPEC_DIFF_ORDER = [
    "volumes",
    "initContainers",
    "containers",
    "ephemeralContainers",
    "restartPolicy",
    "terminationGracePeriodSeconds",
    "activeDeadlineSeconds",
    "dnsPolicy",
    "nodeSelector",
    "serviceAccountName",
    "automountServiceAccountToken",
    "nodeName",
    "securityContext",
    "imagePullSecrets",
    "hostname",
    "subdomain",
    "setHostnameAsFQDN",
    "affinity",
    "schedulerName",
    "tolerations",
    "hostAliases",
    "priorityClassName",
    "priority",
    "preemptionPolicy",
    "dnsConfig",
    "readinessGates",
    "runtimeClassName",
    "overhead",
    "enableServiceLinks",
    "topologySpreadConstraints",
    "os",
    "schedulingGates",
    "resourceClaims",
    "resources",
]
_GO_FIELD_NAMES = {"dnsPolicy": "DNSPolicy", "dnsConfig": "DNSConfig", "os": "OS"}


def _go_field_name(key: str) -> str:
    return _GO_FIELD_NAMES.get(key, key[:1].upper() + key[1:])


def _go_diff_value(value: Any) -> str:
    if value is None:
        return "nil"
    if isinstance(value, dict):
        inner = ", ".join(f"{_go_field_name(k)}: {_go_diff_value(v)}" for k, v in value.items())
        return "{" + inner + "}"
    if isinstance(value, list):
        return "{" + ", ".join(_go_diff_value(v) for v in value) + "}"
    return field.go_format(value)
