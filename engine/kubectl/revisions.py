"""A Deployment's rollout history as kubectl reconstructs it from ReplicaSets
(staging/src/k8s.io/kubectl/pkg/util/deployment/deployment.go GetAllReplicaSets,
FindNewReplicaSet, EqualIgnoreHash, Revision; staging/src/k8s.io/kubectl/pkg/polymorphichelpers
history.go and rollback.go).

There is no history object: every ReplicaSet the Deployment controls carries its revision in
the `deployment.kubernetes.io/revision` annotation and its pod template, and the "new"
ReplicaSet is the one whose template equals the Deployment's, pod-template-hash aside.
"""

from __future__ import annotations

import copy
from collections.abc import Generator
from typing import Any

from engine.apimachinery.labels import selector_from_match
from engine.apiserver.request import Response
from engine.apiserver.resources import BY_NAME
from engine.kubectl.builder import resource_path
from engine.kubectl.context import Context
from engine.kubectl.describe_pod import describe_pod_template
from engine.kubectl.describe_writer import PrefixWriter
from engine.timeutil import parse_rfc3339

Gen = Generator[Any, Any, Any]

LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
REVISION = "deployment.kubernetes.io/revision"
CHANGE_CAUSE = "kubernetes.io/change-cause"
POD_TEMPLATE_HASH = "pod-template-hash"


def controlled_replica_sets(ctx: Context, deployment: dict[str, Any]) -> Gen:
    """listReplicaSets: LIST by the Deployment's selector, keep those it controls, oldest
    first (replicaSetsByCreationTimestamp)."""
    meta = deployment["metadata"]
    selector = selector_from_match((deployment.get("spec") or {}).get("selector")).string()
    listing: Response = yield from ctx.request(
        "GET",
        resource_path(BY_NAME["replicasets"], meta.get("namespace", "")),
        query={"labelSelector": selector},
    )
    items = ctx.must(listing).get("items") or []
    owned = [rs for rs in items if _controller_uid(rs) == meta.get("uid")]
    return sorted(
        owned,
        key=lambda rs: (parse_rfc3339(rs["metadata"]["creationTimestamp"]), rs["metadata"]["name"]),
    )


def new_and_old(
    deployment: dict[str, Any], replica_sets: list[dict[str, Any]]
) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """FindNewReplicaSet and FindOldReplicaSets' "all old" list."""
    template = (deployment.get("spec") or {}).get("template")
    new = next(
        (
            rs
            for rs in replica_sets
            if equal_ignore_hash((rs.get("spec") or {}).get("template"), template)
        ),
        None,
    )
    old = [
        rs
        for rs in replica_sets
        if new is None or rs["metadata"].get("uid") != new["metadata"].get("uid")
    ]
    return new, old


def revision(obj: dict[str, Any]) -> int | None:
    """deploymentutil.Revision: the annotation as an int64, 0 when absent, None when it does
    not parse (strconv.ParseInt fails)."""
    text = ((obj.get("metadata") or {}).get("annotations") or {}).get(REVISION)
    if text is None:
        return 0
    try:
        return int(text)
    except ValueError:
        return None


def equal_ignore_hash(left: Any, right: Any) -> bool:
    """EqualIgnoreHash: apiequality.Semantic.DeepEqual of two pod templates without their
    pod-template-hash label (nil and empty maps and lists count as equal)."""
    return _semantic(without_hash(left)) == _semantic(without_hash(right))


def without_hash(template: Any) -> Any:
    clean = copy.deepcopy(template or {})
    labels = (clean.get("metadata") or {}).get("labels")
    if isinstance(labels, dict):
        labels.pop(POD_TEMPLATE_HASH, None)
    return clean


def _semantic(value: Any) -> Any:
    if isinstance(value, dict):
        kept = {k: _semantic(v) for k, v in value.items()}
        return {k: v for k, v in kept.items() if v not in (None, {}, [])}
    if isinstance(value, list):
        return [_semantic(v) for v in value]
    return value


def _controller_uid(obj: dict[str, Any]) -> str | None:
    refs = (obj.get("metadata") or {}).get("ownerReferences") or []
    return next((ref.get("uid") for ref in refs if ref.get("controller")), None)


def print_template(template: dict[str, Any]) -> str:
    """history.go printTemplate: DescribePodTemplate into a plain buffer — no tabwriter, so
    the tabs stay in the text."""
    writer = PrefixWriter()
    describe_pod_template(writer, template)
    return "".join(writer.parts)


def warn_if_applied(ctx: Context, info: Any, obj: dict[str, Any]) -> None:
    """rollback.go: a rollback leaves kubectl apply's annotation behind; kubectl says so."""
    if LAST_APPLIED in (obj["metadata"].get("annotations") or {}):
        ctx.err(
            f"Warning: resource {info.resource.name}/{info.name} was previously managed with "
            f"'kubectl apply'. Rolling back will not update the {LAST_APPLIED} annotation, "
            "which may cause unexpected behavior on future 'kubectl apply' operations. Consider "
            "using 'kubectl apply' with your previous configuration file instead.\n"
        )
