"""`kubectl describe` for Pods, Deployments, ReplicaSets, Nodes and Namespaces.

Pure functions over the objects the real describers fetch (the object, its events, and for
some kinds related objects), with `now` in virtual seconds for every "age". Source:
staging/src/k8s.io/kubectl/pkg/describe/describe.go (describeDeployment,
printReplicaSetsByLabels, describeReplicaSet, getPodStatusForController, describeNamespace) and
staging/src/k8s.io/kubectl/pkg/util/deployment/deployment.go (GetAllReplicaSetsInChunks,
FindNewReplicaSet, EqualIgnoreHash). Pods and nodes have their own modules.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from engine.apimachinery.labels import format_labels
from engine.apiserver.table_cells import format_label_selector, selector_string
from engine.kubectl.describe_node import describe_node
from engine.kubectl.describe_pod import describe_pod, describe_pod_template
from engine.kubectl.describe_policy import namespace_quotas_and_limits
from engine.kubectl.describe_writer import (
    LEVEL_0,
    LEVEL_1,
    Obj,
    PrefixWriter,
    controlled_by,
    describe_events,
    print_annotations,
    print_labels,
    rfc1123z,
    tabbed,
    time_text,
)
from engine.timeutil import parse_rfc3339

__all__ = [
    "describe_deployment",
    "describe_namespace",
    "describe_node",
    "describe_pod",
    "describe_replicaset",
]


POD_TEMPLATE_HASH = "pod-template-hash"  # appsv1.DefaultDeploymentUniqueLabelKey


def describe_deployment(
    deploy: Obj, replicasets: list[Obj], events: list[Obj] | None, now: float
) -> str:
    """`kubectl describe deployment`; `replicasets` are the namespace's ReplicaSets (those the
    Deployment controls are picked out, as GetAllReplicaSetsInChunks does)."""
    meta, spec, status = (
        deploy.get("metadata", {}),
        deploy.get("spec", {}),
        deploy.get("status", {}),
    )
    old, new = _old_and_new_replica_sets(deploy, replicasets)

    def body(w: PrefixWriter) -> None:
        w.write(LEVEL_0, f"Name:\t{meta.get('name', '')}\n")
        w.write(LEVEL_0, f"Namespace:\t{meta.get('namespace', '')}\n")
        w.write(LEVEL_0, f"CreationTimestamp:\t{rfc1123z(meta['creationTimestamp'])}\n")
        print_labels(w, "Labels", meta.get("labels"))
        print_annotations(w, "Annotations", meta.get("annotations"))
        w.write(LEVEL_0, f"Selector:\t{selector_string(spec.get('selector'))}\n")
        w.write(
            LEVEL_0,
            f"Replicas:\t{spec.get('replicas', 1)} desired | {status.get('updatedReplicas', 0)} "
            f"updated | {status.get('replicas', 0)} total | {status.get('availableReplicas', 0)} "
            f"available | {status.get('unavailableReplicas', 0)} unavailable\n",
        )
        strategy = spec.get("strategy") or {}
        w.write(LEVEL_0, f"StrategyType:\t{strategy.get('type', '')}\n")
        w.write(LEVEL_0, f"MinReadySeconds:\t{spec.get('minReadySeconds', 0)}\n")
        rolling = strategy.get("rollingUpdate")
        if rolling is not None:
            w.write(
                LEVEL_0,
                f"RollingUpdateStrategy:\t{_int_or_string(rolling.get('maxUnavailable'))} max "
                f"unavailable, {_int_or_string(rolling.get('maxSurge'))} max surge\n",
            )
        describe_pod_template(w, spec.get("template"))
        _conditions_type_status_reason(w, status.get("conditions") or [])
        if old or new:
            w.write(LEVEL_0, f"OldReplicaSets:\t{_replica_sets_text(old)}\n")
            w.write(LEVEL_0, f"NewReplicaSet:\t{_replica_sets_text(new)}\n")
        describe_events(w, events, now)

    return tabbed(body)


def _int_or_string(value: Any) -> str:
    """intstr.IntOrString.String(); an unset value prints as 0."""
    return "0" if value is None else str(value)


def _conditions_type_status_reason(w: PrefixWriter, conditions: list[Obj]) -> None:
    if conditions:
        w.write(LEVEL_0, "Conditions:\n  Type\tStatus\tReason\n")
        w.write(LEVEL_1, "----\t------\t------\n")
        for c in conditions:
            w.write(
                LEVEL_1, f"{c.get('type', '')} \t{c.get('status', '')}\t{c.get('reason', '')}\n"
            )


def _replica_sets_text(replicasets: list[Obj]) -> str:
    """printReplicaSetsByLabels: `name (current/desired replicas created)`, `<none>` if none."""
    text = ", ".join(
        f"{rs['metadata']['name']} ({rs.get('status', {}).get('replicas', 0)}/"
        f"{rs.get('spec', {}).get('replicas', 1)} replicas created)"
        for rs in replicasets
    )
    return text or "<none>"


def _old_and_new_replica_sets(deploy: Obj, replicasets: list[Obj]) -> tuple[list[Obj], list[Obj]]:
    uid = deploy.get("metadata", {}).get("uid")
    owned = [rs for rs in replicasets if _controller_uid(rs) == uid]
    # FindNewReplicaSet sorts by creation time (then name) and picks the oldest whose template
    # matches the Deployment's, ignoring pod-template-hash; the old list keeps that order.
    owned.sort(key=lambda rs: (_created(rs), rs["metadata"]["name"]))
    template = _without_hash(deploy.get("spec", {}).get("template") or {})
    new = next(
        (rs for rs in owned if _without_hash(rs["spec"].get("template") or {}) == template), None
    )
    old = [rs for rs in owned if rs is not new]
    return old, [new] if new is not None else []


def _controller_uid(obj: Obj) -> str | None:
    for ref in obj.get("metadata", {}).get("ownerReferences") or []:
        if ref.get("controller"):
            return ref.get("uid")
    return None


def _created(obj: Obj) -> float:
    stamp = obj.get("metadata", {}).get("creationTimestamp")
    return parse_rfc3339(stamp) if stamp else float("-inf")


def _without_hash(template: Obj) -> Any:
    """Template for apiequality.Semantic.DeepEqual: hash label dropped; empty and unset fields
    compare equal, as Go zero values do."""
    copy = dict(template)
    meta = dict(copy.get("metadata") or {})
    labels = {k: v for k, v in (meta.get("labels") or {}).items() if k != POD_TEMPLATE_HASH}
    meta["labels"] = labels
    copy["metadata"] = meta
    return _semantic(copy)


def _semantic(value: Any) -> Any:
    if isinstance(value, dict):
        cleaned = {k: _semantic(v) for k, v in value.items()}
        return {k: v for k, v in cleaned.items() if v not in (None, "", 0, False, {}, [])}
    if isinstance(value, list):
        return [_semantic(v) for v in value]
    return value


def describe_replicaset(rs: Obj, pods: list[Obj], events: list[Obj] | None, now: float) -> str:
    """`kubectl describe replicaset`; `pods` are those matching its selector (only the ones
    it controls are counted, as getPodStatusForController does)."""
    selector = format_label_selector((rs.get("spec") or {}).get("selector"))
    return _describe_replicas(rs, selector, controlled_by(rs), pods, events, now)


def describe_replication_controller(
    rc: Obj, pods: list[Obj], events: list[Obj] | None, now: float
) -> str:
    """`kubectl describe rc` (describeReplicationController): a ReplicaSet's, but its
    selector is a map (labels.FormatLabels) and no Controlled By line."""
    selector = format_labels((rc.get("spec") or {}).get("selector"))
    return _describe_replicas(rc, selector, "", pods, events, now)


def _describe_replicas(
    obj: Obj, selector: str, owner: str, pods: list[Obj], events: list[Obj] | None, now: float
) -> str:
    meta, spec, status = obj.get("metadata", {}), obj.get("spec", {}), obj.get("status", {})
    counts = {"Running": 0, "Pending": 0, "Succeeded": 0, "Failed": 0}
    for pod in pods:
        if _controller_uid(pod) == meta.get("uid"):
            phase = pod.get("status", {}).get("phase", "")
            if phase in counts:
                counts[phase] += 1

    def body(w: PrefixWriter) -> None:
        w.write(LEVEL_0, f"Name:\t{meta.get('name', '')}\n")
        w.write(LEVEL_0, f"Namespace:\t{meta.get('namespace', '')}\n")
        w.write(LEVEL_0, f"Selector:\t{selector}\n")
        print_labels(w, "Labels", meta.get("labels"))
        print_annotations(w, "Annotations", meta.get("annotations"))
        if owner:
            w.write(LEVEL_0, f"Controlled By:\t{owner}\n")
        w.write(
            LEVEL_0,
            f"Replicas:\t{status.get('replicas', 0)} current / {spec.get('replicas', 1)} desired\n",
        )
        w.write(LEVEL_0, "Pods Status:\t")
        w.write(
            LEVEL_0,
            f"{counts['Running']} Running / {counts['Pending']} Waiting / "
            f"{counts['Succeeded']} Succeeded / {counts['Failed']} Failed\n",
        )
        describe_pod_template(w, spec.get("template"))
        _conditions_type_status_reason(w, status.get("conditions") or [])
        describe_events(w, events, now)

    return tabbed(body)


def describe_namespace(
    ns: Obj,
    resource_quotas: Sequence[Obj] | None = (),
    limit_ranges: Sequence[Obj] | None = (),
) -> str:
    """`kubectl describe namespace`. The describer also lists the namespace's ResourceQuotas
    and LimitRanges: empty lists print "No resource quota." / "No LimitRange resource.", and
    None leaves the section out (what kubectl does when the server lacks the kind)."""
    meta, status = ns.get("metadata", {}), ns.get("status", {})

    def body(w: PrefixWriter) -> None:
        w.write(LEVEL_0, f"Name:\t{meta.get('name', '')}\n")
        print_labels(w, "Labels", meta.get("labels"))
        print_annotations(w, "Annotations", meta.get("annotations"))
        w.write(LEVEL_0, f"Status:\t{status.get('phase', '')}\n")
        conditions = status.get("conditions") or []
        if conditions:
            w.write(LEVEL_0, "Conditions:\n")
            w.write(LEVEL_1, "Type\tStatus\tLastTransitionTime\tReason\tMessage\n")
            w.write(LEVEL_1, "----\t------\t------------------\t------\t-------\n")
            for c in conditions:
                w.write(
                    LEVEL_1,
                    f"{c.get('type', '')}\t{c.get('status', '')}\t"
                    f"{time_text(c.get('lastTransitionTime'))}\t{c.get('reason', '')}\t"
                    f"{c.get('message', '')}\n",
                )
        namespace_quotas_and_limits(
            w,
            None if resource_quotas is None else list(resource_quotas),
            None if limit_ranges is None else list(limit_ranges),
        )

    return tabbed(body)
