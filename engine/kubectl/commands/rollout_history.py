"""kubectl rollout history and undo (staging/src/k8s.io/kubectl/pkg/cmd/rollout/
rollout_history.go, rollout_undo.go; polymorphichelpers history.go DeploymentHistoryViewer,
rollback.go DeploymentRollbacker).

Both read the Deployment and the ReplicaSets it controls. `undo` copies the chosen revision's
pod template back into the Deployment with a JSON patch; the Deployment controller then finds
that old ReplicaSet again and scales it back up.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from engine.apiserver.request import Response
from engine.kubectl import cmdutil, controllerhistory, tabwriter
from engine.kubectl.builder import resource_path
from engine.kubectl.cli import command
from engine.kubectl.context import Context
from engine.kubectl.errors import KubectlError
from engine.kubectl.flags import Flag, Parsed
from engine.kubectl.revisions import (
    CHANGE_CAUSE,
    LAST_APPLIED,
    POD_TEMPLATE_HASH,
    controlled_replica_sets,
    equal_ignore_hash,
    new_and_old,
    print_template,
    revision,
    warn_if_applied,
)
from engine.kubectl.selection import Info, select

Gen = Generator[Any, Any, Any]


# rollback.go annotationsToSkip: bookkeeping annotations that stay the Deployment's own.
SKIPPED_ANNOTATIONS = (
    LAST_APPLIED,
    "deployment.kubernetes.io/revision",
    "deployment.kubernetes.io/revision-history",
    "deployment.kubernetes.io/desired-replicas",
    "deployment.kubernetes.io/max-replicas",
    "deprecated.deployment.rollback.to",
)


@command(
    "rollout history",
    Flag("revision", kind="int", default=0),
    Flag("selector", "l", default=""),
    summary="View rollout history",
)
def rollout_history(ctx: Context, flags: Parsed) -> Gen:
    infos = yield from _targets(ctx, flags)
    for info in infos:
        if info.resource.kind not in ("Deployment", "StatefulSet", "DaemonSet"):
            raise KubectlError(
                f'error: no history viewer has been implemented for "{info.resource.kind}"'
            )
        viewer = (
            _view_history if info.resource.kind == "Deployment" else controllerhistory.view_history
        )
        history = yield from viewer(ctx, info, flags.revision)
        heading = f"with revision #{flags.revision}" if flags.revision > 0 else ""
        # The name printer with the whole history as its "operation".
        ctx.out(cmdutil.named(info.resource, info.name, f"{heading}\n{history}"))


@command(
    "rollout undo",
    Flag("to-revision", kind="int", default=0),
    Flag("selector", "l", default=""),
    Flag("dry-run", default="none"),
    summary="Undo a previous rollout",
)
def rollout_undo(ctx: Context, flags: Parsed) -> Gen:
    strategy = cmdutil.dry_run_strategy(flags)
    infos = yield from _targets(ctx, flags)
    for info in infos:
        if info.resource.kind not in ("Deployment", "StatefulSet", "DaemonSet"):
            # The apply warning comes first, as the real kubectl writes it (a ReplicationController)
            warn_if_applied(ctx, info, info.obj)
            raise KubectlError(
                f'error: no rollbacker has been implemented for "{info.resource.kind}"'
            )
        rollbacker = _rollback if info.resource.kind == "Deployment" else controllerhistory.rollback
        result = yield from rollbacker(ctx, info, flags.to_revision, strategy)
        ctx.out(cmdutil.named(info.resource, info.name, result, strategy))


def _targets(ctx: Context, flags: Parsed) -> Gen:
    if not flags.args:
        raise KubectlError("error: required resource not specified")
    if flags.values.get("revision", 0) < 0:
        raise KubectlError(f"error: revision must be a positive integer: {flags.revision}")
    selection = yield from select(ctx, flags.args, selector=flags.selector, list_bare_types=True)
    selection.fail_if_errors()
    return selection.infos


def _deployment_and_replica_sets(ctx: Context, info: Info) -> Gen:
    """The typed client's own GET of the Deployment, then its ReplicaSets."""
    response: Response = yield from ctx.request(
        "GET", resource_path(info.resource, info.namespace, info.name)
    )
    if not response.ok:
        raise KubectlError(
            f"error: failed to retrieve deployment {info.name}: {response.body.get('message', '')}"
        )
    deployment = response.body
    replica_sets = yield from controlled_replica_sets(ctx, deployment)
    new, old = new_and_old(deployment, replica_sets)
    return deployment, old + ([new] if new is not None else [])


def _view_history(ctx: Context, info: Info, wanted: int) -> Gen:
    """DeploymentHistoryViewer.ViewHistory."""
    _deployment, replica_sets = yield from _deployment_and_replica_sets(ctx, info)
    templates: dict[int, dict[str, Any]] = {}
    for rs in replica_sets:
        number = revision(rs)
        if number is None:
            continue
        template = dict(rs["spec"].get("template") or {})
        cause = (rs["metadata"].get("annotations") or {}).get(CHANGE_CAUSE)
        metadata = dict(template.get("metadata") or {})
        annotations = dict(metadata.get("annotations") or {})
        if cause:
            annotations[CHANGE_CAUSE] = cause
        metadata["annotations"] = annotations
        template["metadata"] = metadata
        templates[number] = template
    if not templates:
        return "No rollout history found."
    if wanted > 0:
        if wanted not in templates:
            raise KubectlError("error: unable to find the specified revision")
        return print_template(templates[wanted])
    rows = ["REVISION\tCHANGE-CAUSE\n"] + [
        f"{number}\t{templates[number]['metadata']['annotations'].get(CHANGE_CAUSE) or '<none>'}\n"
        for number in sorted(templates)
    ]
    return tabwriter.align(
        "".join(rows), minwidth=tabwriter.DESCRIBE_MINWIDTH, padding=tabwriter.DESCRIBE_PADDING
    )


def _rollback(ctx: Context, info: Info, to_revision: int, strategy: str) -> Gen:
    """DeploymentRollbacker.Rollback; returns the name printer's operation."""
    if to_revision < 0:
        raise KubectlError(f"error: unable to find specified revision {to_revision} in history")
    deployment, replica_sets = yield from _deployment_and_replica_sets(ctx, info)
    target = _revision_to_restore(deployment, replica_sets, to_revision)
    template = target["spec"].get("template") or {}
    if strategy == cmdutil.DRY_RUN_CLIENT:
        return print_template(template)
    if deployment["spec"].get("paused"):
        raise KubectlError(
            "error: you cannot rollback a paused deployment; resume it first "
            "with 'kubectl rollout resume' and try again"
        )
    if equal_ignore_hash(template, deployment["spec"].get("template")):
        return f"skipped rollback (current template already matches revision {to_revision})"
    warn_if_applied(ctx, info, deployment)
    restored = _without_hash_label(template)
    current = deployment["metadata"].get("annotations") or {}
    annotations = {k: v for k, v in current.items() if k in SKIPPED_ANNOTATIONS}
    annotations.update(
        {
            k: v
            for k, v in (target["metadata"].get("annotations") or {}).items()
            if k not in SKIPPED_ANNOTATIONS
        }
    )
    patch = [
        {"op": "replace", "path": "/spec/template", "value": restored},
        {"op": "replace", "path": "/metadata/annotations", "value": annotations},
    ]
    response: Response = yield from ctx.request(
        "PATCH",
        resource_path(info.resource, info.namespace, info.name),
        body=patch,
        query=cmdutil.dry_run_query(strategy),
        headers={"content-type": "application/json-patch+json"},
    )
    if not response.ok:
        raise KubectlError(
            f"error: failed restoring revision {to_revision}: {response.body.get('message', '')}"
        )
    return "rolled back"


def _revision_to_restore(
    deployment: dict[str, Any], replica_sets: list[dict[str, Any]], to_revision: int
) -> dict[str, Any]:
    """rollback.go deploymentRevision: the ReplicaSet of that revision, or (0) the one before
    the newest."""
    latest: tuple[int, dict[str, Any] | None] = (-1, None)
    previous: tuple[int, dict[str, Any] | None] = (-1, None)
    for rs in replica_sets:
        number = revision(rs)
        if number is None:
            continue
        if to_revision == 0:
            if latest[0] < number:
                previous, latest = latest, (number, rs)
            elif previous[0] < number:
                previous = (number, rs)
        elif number == to_revision:
            return rs
    if to_revision > 0:
        raise KubectlError(f"error: unable to find specified revision {to_revision} in history")
    if previous[1] is None:
        name = deployment["metadata"]["name"]
        raise KubectlError(f'error: no rollout history found for deployment "{name}"')
    return previous[1]


def _without_hash_label(template: dict[str, Any]) -> dict[str, Any]:
    metadata = dict(template.get("metadata") or {})
    labels = {k: v for k, v in (metadata.get("labels") or {}).items() if k != POD_TEMPLATE_HASH}
    if labels or "labels" in metadata:
        metadata["labels"] = labels
    return {**template, "metadata": metadata}
