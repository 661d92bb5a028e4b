"""A StatefulSet's or DaemonSet's rollout history and undo, read from its ControllerRevisions
(staging/src/k8s.io/kubectl/pkg/polymorphichelpers/history.go StatefulSetHistoryViewer,
DaemonSetHistoryViewer, controlledHistory, printHistory; rollback.go StatefulSetRollbacker,
DaemonSetRollbacker, findHistory).

Each revision's data is a strategic merge patch that puts a pod template back; undo sends it
as it is."""

from __future__ import annotations

import copy
from collections.abc import Generator
from typing import Any

from engine.apimachinery.labels import selector_from_match
from engine.apiserver.request import Response
from engine.apiserver.resources import BY_NAME
from engine.kubectl import cmdutil, tabwriter
from engine.kubectl.builder import resource_path
from engine.kubectl.context import Context
from engine.kubectl.errors import KubectlError
from engine.kubectl.revisions import print_template, warn_if_applied
from engine.kubectl.selection import Info

Gen = Generator[Any, Any, Any]
Obj = dict[str, Any]

CHANGE_CAUSE = "kubernetes.io/change-cause"


# history.go's words for each kind it reads
_RETRIEVE = {"StatefulSet": "Statefulset", "DaemonSet": "DaemonSet"}


def _history(ctx: Context, info: Info) -> Gen:
    """statefulSetHistory / daemonSetHistory: the object, and the revisions it controls."""
    response: Response = yield from ctx.request(
        "GET", resource_path(info.resource, info.namespace, info.name)
    )
    if not response.ok:
        kind = _RETRIEVE[info.resource.kind]
        raise KubectlError(
            f"error: failed to retrieve {kind} {info.name}: {response.body.get('message', '')}"
        )
    sts = response.body
    selector = selector_from_match((sts.get("spec") or {}).get("selector")).string()
    listing: Response = yield from ctx.request(
        "GET",
        resource_path(BY_NAME["controllerrevisions"], info.namespace),
        query={"labelSelector": selector},
    )
    uid = sts["metadata"].get("uid")
    revisions = [
        r
        for r in ctx.must(listing).get("items") or []
        if any(
            o.get("controller") and o.get("uid") == uid
            for o in r["metadata"].get("ownerReferences") or []
        )
    ]
    return sts, revisions


def _template_of(sts: Obj, revision: Obj) -> Obj:
    """applyStatefulSetHistory: the template the revision's patch puts back."""
    template = copy.deepcopy(((revision.get("data") or {}).get("spec") or {}).get("template"))
    if not isinstance(template, dict):
        return copy.deepcopy((sts.get("spec") or {}).get("template") or {})
    template.pop("$patch", None)
    return template


def view_history(ctx: Context, info: Info, wanted: int) -> Gen:
    """ViewHistory with printHistory."""
    sts, revisions = yield from _history(ctx, info)
    by_number = {int(r.get("revision", 0)): r for r in revisions}
    if not by_number:
        return "No rollout history found."
    if wanted > 0:
        if wanted not in by_number:
            raise KubectlError("error: unable to find the specified revision")
        return print_template(_template_of(sts, by_number[wanted]))
    rows = ["REVISION\tCHANGE-CAUSE\n"]
    for number in sorted(by_number):
        cause = (by_number[number]["metadata"].get("annotations") or {}).get(CHANGE_CAUSE)
        rows.append(f"{number}\t{cause or '<none>'}\n")
    return tabwriter.align(
        "".join(rows), minwidth=tabwriter.DESCRIBE_MINWIDTH, padding=tabwriter.DESCRIBE_PADDING
    )


def rollback(ctx: Context, info: Info, to_revision: int, strategy: str) -> Gen:
    """StatefulSetRollbacker.Rollback; returns the name printer's operation."""
    missing = f"error: unable to find specified revision {to_revision} in history"
    if to_revision < 0:
        raise KubectlError(missing)
    sts, revisions = yield from _history(ctx, info)
    daemon_set = info.resource.kind == "DaemonSet"
    if daemon_set:  # the real kubectl warns before it looks for the revision
        warn_if_applied(ctx, info, sts)
    if to_revision == 0 and len(revisions) <= 1:
        raise KubectlError("error: no last revision to roll back to")
    revisions.sort(key=lambda r: int(r.get("revision", 0)))
    if to_revision == 0:
        target = revisions[-2]
    else:
        target = next((r for r in revisions if r.get("revision") == to_revision), None)
        if target is None:
            raise KubectlError(missing)
    if strategy == cmdutil.DRY_RUN_CLIENT:
        return print_template(_template_of(sts, target))
    if _template_of(sts, target) == (sts.get("spec") or {}).get("template"):
        return f"skipped rollback (current template already matches revision {to_revision})"
    if not daemon_set:
        warn_if_applied(ctx, info, sts)
    response: Response = yield from ctx.request(
        "PATCH",
        resource_path(info.resource, info.namespace, info.name),
        body=target.get("data"),
        query=cmdutil.dry_run_query(strategy),
        headers={"content-type": "application/strategic-merge-patch+json"},
    )
    if not response.ok:
        raise KubectlError(
            f"error: failed restoring revision {to_revision}: {response.body.get('message', '')}"
        )
    return "rolled back"
