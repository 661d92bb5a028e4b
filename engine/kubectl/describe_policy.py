"""`kubectl describe` for the policy kinds (staging/src/k8s.io/kubectl/pkg/describe/describe.go
describeLimitRange, DescribeResourceQuota, describePriorityClass,
describePodDisruptionBudgetV1), and the ResourceQuota and LimitRange sections of `describe
namespace` (DescribeResourceQuotas, DescribeLimitRanges). Go ranges over the resource maps;
here they are sorted by name, so that the same object always reads the same."""

from __future__ import annotations

from engine.apiserver.policy_tables import quantity_text
from engine.apiserver.table_cells import selector_string
from engine.kubectl.describe_writer import (
    LEVEL_0,
    LEVEL_1,
    LEVEL_2,
    Obj,
    PrefixWriter,
    describe_events,
    print_annotations,
    tabbed,
)

_LIMIT_HEADER = (
    "Type\tResource\tMin\tMax\tDefault Request\tDefault Limit\tMax Limit/Request Ratio\n",
    "----\t--------\t---\t---\t---------------\t-------------\t-----------------------\n",
)


def _limit_rows(limit_range: Obj, indent: str) -> list[str]:
    rows: list[str] = []
    for item in (limit_range.get("spec") or {}).get("limits") or []:
        lists = [
            item.get(key) or {}
            for key in ("min", "max", "defaultRequest", "default", "maxLimitRequestRatio")
        ]
        for name in sorted({name for values in lists for name in values}):
            cells = [quantity_text(values[name]) if name in values else "-" for values in lists]
            rows.append(f"{indent}{item.get('type', '')}\t{name}\t" + "\t".join(cells) + "\n")
    return rows


def describe_limit_range(limit_range: Obj) -> str:
    meta = limit_range.get("metadata", {})

    def body(w: PrefixWriter) -> None:
        w.write(LEVEL_0, f"Name:\t{meta.get('name', '')}\n")
        w.write(LEVEL_0, f"Namespace:\t{meta.get('namespace', '')}\n")
        for line in (*_LIMIT_HEADER, *_limit_rows(limit_range, "")):
            w.write(LEVEL_0, line)

    return tabbed(body)


def _quota_rows(quota: Obj) -> list[tuple[str, str, str]]:
    status = quota.get("status") or {}
    hard, used = status.get("hard") or {}, status.get("used") or {}
    return [
        (name, quantity_text(used.get(name)), quantity_text(hard[name])) for name in sorted(hard)
    ]


def describe_resource_quota(quota: Obj) -> str:
    meta, spec = quota.get("metadata", {}), quota.get("spec") or {}

    def body(w: PrefixWriter) -> None:
        w.write(LEVEL_0, f"Name:\t{meta.get('name', '')}\n")
        w.write(LEVEL_0, f"Namespace:\t{meta.get('namespace', '')}\n")
        scopes = sorted(spec.get("scopes") or [])
        if scopes:
            w.write(LEVEL_0, f"Scopes:\t{', '.join(scopes)}\n")
            for scope in scopes:
                help_text = SCOPE_HELP.get(scope, "")
                if help_text:
                    w.write(LEVEL_0, f" * {help_text}\n")
        w.write(LEVEL_0, "Resource\tUsed\tHard\n")
        w.write(LEVEL_0, "--------\t----\t----\n")
        for name, used, hard in _quota_rows(quota):
            w.write(LEVEL_0, f"{name}\t{used}\t{hard}\n")

    return tabbed(body)


# helpTextForResourceQuotaScope
SCOPE_HELP = {
    "Terminating": "Matches all pods that have an active deadline. These pods have a limited "
    "lifespan on a node before being actively terminated by the system.",
    "NotTerminating": "Matches all pods that do not have an active deadline. These pods "
    "usually include long running pods whose container command is not expected to terminate.",
    "BestEffort": "Matches all pods that do not have resource requirements set. These pods "
    "have a best effort quality of service.",
    "NotBestEffort": "Matches all pods that have at least one resource requirement set. These "
    "pods have a burstable or guaranteed quality of service.",
}


def namespace_quotas_and_limits(
    w: PrefixWriter, quotas: list[Obj] | None, limit_ranges: list[Obj] | None
) -> None:
    """describeNamespace's last sections; None leaves a section out."""
    if quotas is not None:
        w.write(LEVEL_0, "\n")
        if not quotas:
            w.write(LEVEL_0, "No resource quota.\n")
        else:
            w.write(LEVEL_0, "Resource Quotas\n")
            for quota in sorted(quotas, key=lambda q: q["metadata"]["name"]):
                w.write(LEVEL_1, f"Name:\t{quota['metadata']['name']}\n")
                w.write(LEVEL_1, "Resource\tUsed\tHard\n")
                w.write(LEVEL_1, "--------\t---\t---\n")
                for name, used, hard in _quota_rows(quota):
                    w.write(LEVEL_1, f"{name}\t{used}\t{hard}\n")
    if limit_ranges is not None:
        w.write(LEVEL_0, "\n")
        if not limit_ranges:
            w.write(LEVEL_0, "No LimitRange resource.\n")
        else:
            w.write(LEVEL_0, "Resource Limits\n " + _LIMIT_HEADER[0])
            w.write(LEVEL_0, " " + _LIMIT_HEADER[1])
            for limit_range in limit_ranges:
                for line in _limit_rows(limit_range, " "):
                    w.write(LEVEL_0, line)


def describe_priority_class(pc: Obj, events: list[Obj] | None, now: float) -> str:
    meta = pc.get("metadata", {})

    def body(w: PrefixWriter) -> None:
        w.write(LEVEL_0, f"Name:\t{meta.get('name', '')}\n")
        w.write(LEVEL_0, f"Value:\t{pc.get('value', 0)}\n")
        w.write(LEVEL_0, f"GlobalDefault:\t{'true' if pc.get('globalDefault') else 'false'}\n")
        w.write(LEVEL_0, f"PreemptionPolicy:\t{pc.get('preemptionPolicy', '')}\n")
        w.write(LEVEL_0, f"Description:\t{pc.get('description', '')}\n")
        print_annotations(w, "Annotations", meta.get("annotations"))
        describe_events(w, events, now)

    return tabbed(body)


def describe_pod_disruption_budget(pdb: Obj, events: list[Obj] | None, now: float) -> str:
    meta, spec = pdb.get("metadata", {}), pdb.get("spec") or {}
    status = pdb.get("status") or {}

    def body(w: PrefixWriter) -> None:
        w.write(LEVEL_0, f"Name:\t{meta.get('name', '')}\n")
        w.write(LEVEL_0, f"Namespace:\t{meta.get('namespace', '')}\n")
        if spec.get("minAvailable") is not None:
            w.write(LEVEL_0, f"Min available:\t{spec['minAvailable']}\n")
        elif spec.get("maxUnavailable") is not None:
            w.write(LEVEL_0, f"Max unavailable:\t{spec['maxUnavailable']}\n")
        # LabelSelectorAsSelector: nothing (nil) and everything (empty) both print as "".
        w.write(LEVEL_0, f"Selector:\t{selector_string(spec.get('selector'))}\n")
        w.write(LEVEL_0, "Status:\n")
        w.write(LEVEL_2, f"Allowed disruptions:\t{status.get('disruptionsAllowed', 0)}\n")
        w.write(LEVEL_2, f"Current:\t{status.get('currentHealthy', 0)}\n")
        w.write(LEVEL_2, f"Desired:\t{status.get('desiredHealthy', 0)}\n")
        w.write(LEVEL_2, f"Total:\t{status.get('expectedPods', 0)}\n")
        describe_events(w, events, now)

    return tabbed(body)
