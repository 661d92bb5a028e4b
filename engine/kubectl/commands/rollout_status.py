"""kubectl rollout status (staging/src/k8s.io/kubectl/pkg/cmd/rollout/rollout_status.go,
staging/src/k8s.io/kubectl/pkg/polymorphichelpers/rollout_status.go DeploymentStatusViewer,
DaemonSetStatusViewer).

kubectl watches the one Deployment or DaemonSet (a watch-list: its current state first, then
changes) and prints the status viewer's line for every ADDED or MODIFIED event until the
rollout is done.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from engine.kubectl import cmdutil
from engine.kubectl.builder import resource_path
from engine.kubectl.cli import command
from engine.kubectl.context import Context
from engine.kubectl.errors import KubectlError
from engine.kubectl.flags import Flag, Parsed
from engine.kubectl.revisions import revision
from engine.kubectl.selection import Info, select
from engine.kubectl.watching import watch_until

Gen = Generator[Any, Any, Any]

TIMED_OUT = "timed out waiting for the condition"


class StatusError(Exception):
    """The status viewer's verdict that waiting is pointless."""


@command(
    "rollout status",
    Flag("watch", "w", kind="bool", default=True),
    Flag("revision", kind="int", default=0),
    Flag("timeout", default="0s"),
    Flag("selector", "l", default=""),
    summary="Show the status of the rollout",
)
def rollout_status(ctx: Context, flags: Parsed) -> Gen:
    timeout = cmdutil.parse_duration(flags.timeout, "timeout", "rollout status")
    if not flags.args:
        raise KubectlError("error: required resource not specified")
    if flags.revision < 0:
        raise KubectlError(f"error: revision must be a positive integer: {flags.revision}")
    selection = yield from select(ctx, flags.args, selector=flags.selector, list_bare_types=True)
    selection.fail_if_errors()
    # rollout_status.go visits every object in turn (ContinueOnError): each gets its own
    # watch and its own --timeout, and the failures are reported together at the end.
    failures: list[str] = []
    for info in selection.infos:
        if info.resource.kind not in STATUS_VIEWERS:
            failures.append(f"no status viewer has been implemented for {info.resource.kind}")
            continue
        failure = yield from _watch_status(ctx, flags, info, timeout)
        if failure:
            failures.append(failure)
    if len(failures) == 1:
        raise KubectlError(f"error: {failures[0]}")
    if failures:  # an Aggregate: one unprefixed line each
        raise KubectlError("".join(f"{failure}\n" for failure in failures))


def _watch_status(ctx: Context, flags: Parsed, info: Info, timeout: float) -> Gen:
    """UntilWithSync over an informer (a watch-list: the current object arrives first);
    returns the failure text, or "" once the rollout is done."""
    outcome: list[str] = []

    def show(event_type: str, obj: dict[str, Any]) -> None:
        if event_type == "DELETED":
            outcome.append("object has been deleted")
        elif event_type in ("ADDED", "MODIFIED"):
            try:
                text, done = STATUS_VIEWERS[info.resource.kind](obj, flags.revision)
            except StatusError as error:
                outcome.append(str(error))
                return
            ctx.out(text)
            if done or not flags.watch:
                outcome.append("")

    query = {
        "fieldSelector": f"metadata.name={info.name}",
        "sendInitialEvents": "true",
        "allowWatchBookmarks": "true",
        "resourceVersionMatch": "NotOlderThan",
    }
    finished = yield from watch_until(
        ctx,
        resource_path(info.resource, info.namespace),
        query,
        show,
        lambda _t, _o: bool(outcome),
        timeout,
    )
    # With no --timeout kubectl would wait forever; Podlife stops once the simulated
    # cluster has nothing left to do, and says what a timeout says.
    return outcome[0] if finished else TIMED_OUT


def deployment_status(deployment: dict[str, Any], wanted_revision: int) -> tuple[str, bool]:
    """DeploymentStatusViewer.Status: the line to print and whether the rollout is done."""
    name = deployment["metadata"]["name"]
    if wanted_revision > 0:
        current = revision(deployment)
        if current is None:
            raise StatusError(
                f'cannot get the revision of deployment "{name}": ' + _revision_problem(deployment)
            )
        if current != wanted_revision:
            raise StatusError(
                f"desired revision ({wanted_revision}) is different from the "
                f"running revision ({current})"
            )
    meta, spec = deployment["metadata"], deployment.get("spec") or {}
    status = deployment.get("status") or {}
    if meta.get("generation", 0) > status.get("observedGeneration", 0):
        return "Waiting for deployment spec update to be observed...\n", False
    progressing = next(
        (c for c in status.get("conditions") or [] if c.get("type") == "Progressing"), None
    )
    if progressing is not None and progressing.get("reason") == "ProgressDeadlineExceeded":
        raise StatusError(f'deployment "{name}" exceeded its progress deadline')
    replicas = spec.get("replicas", 1)
    updated = status.get("updatedReplicas", 0)
    total = status.get("replicas", 0)
    available = status.get("availableReplicas", 0)
    if updated < replicas:
        return (
            f'Waiting for deployment "{name}" rollout to finish: {updated} out of '
            f"{replicas} new replicas have been updated...\n",
            False,
        )
    if total > updated:
        return (
            f'Waiting for deployment "{name}" rollout to finish: {total - updated} old '
            "replicas are pending termination...\n",
            False,
        )
    if available < updated:
        return (
            f'Waiting for deployment "{name}" rollout to finish: {available} of {updated} '
            "updated replicas are available...\n",
            False,
        )
    return f'deployment "{name}" successfully rolled out\n', True


def _revision_problem(deployment: dict[str, Any]) -> str:
    """deploymentutil.Revision's error: strconv.ParseInt on a garbled annotation."""
    text = (deployment["metadata"].get("annotations") or {}).get(
        "deployment.kubernetes.io/revision", ""
    )
    return f'strconv.ParseInt: parsing "{text}": invalid syntax'


def daemonset_status(daemon: dict[str, Any], _revision: int) -> tuple[str, bool]:
    """DaemonSetStatusViewer.Status (it ignores --revision)."""
    name, spec = daemon["metadata"]["name"], daemon.get("spec") or {}
    if (spec.get("updateStrategy") or {}).get("type") != "RollingUpdate":
        raise StatusError("rollout status is only available for RollingUpdate strategy type")
    status = daemon.get("status") or {}
    if daemon["metadata"].get("generation", 0) > status.get("observedGeneration", 0):
        return "Waiting for daemon set spec update to be observed...\n", False
    desired = status.get("desiredNumberScheduled", 0)
    updated, available = status.get("updatedNumberScheduled", 0), status.get("numberAvailable", 0)
    if updated < desired:
        return (
            f'Waiting for daemon set "{name}" rollout to finish: {updated} out of {desired} '
            "new pods have been updated...\n",
            False,
        )
    if available < desired:
        return (
            f'Waiting for daemon set "{name}" rollout to finish: {available} of {desired} '
            "updated pods are available...\n",
            False,
        )
    return f'daemon set "{name}" successfully rolled out\n', True


def statefulset_status(sts: dict[str, Any], _revision: int) -> tuple[str, bool]:
    """StatefulSetStatusViewer.Status (it ignores --revision). The API server defaults a
    RollingUpdate's partition, so its last branch (rolling update complete at revision...)
    is only reached by a StatefulSet stored without one."""
    spec, status = sts.get("spec") or {}, sts.get("status") or {}
    strategy = spec.get("updateStrategy") or {}
    if strategy.get("type") != "RollingUpdate":
        raise StatusError("rollout status is only available for RollingUpdate strategy type")
    observed = status.get("observedGeneration", 0)
    if not observed or sts["metadata"].get("generation", 0) > observed:
        return "Waiting for statefulset spec update to be observed...\n", False
    replicas, ready = spec.get("replicas"), status.get("readyReplicas", 0)
    if replicas is not None and ready < replicas:
        return f"Waiting for {replicas - ready} pods to be ready...\n", False
    updated = status.get("updatedReplicas", 0)
    rolling = strategy.get("rollingUpdate")
    if rolling is not None:
        partition = rolling.get("partition")
        if replicas is not None and partition is not None and updated < replicas - partition:
            return (
                "Waiting for partitioned roll out to finish: "
                f"{updated} out of {replicas - partition} new pods have been updated...\n",
                False,
            )
        return f"partitioned roll out complete: {updated} new pods have been updated...\n", True
    if status.get("updateRevision") != status.get("currentRevision"):
        return (
            f"waiting for statefulset rolling update to complete {updated} pods at revision "
            f"{status.get('updateRevision', '')}...\n",
            False,
        )
    return (
        f"statefulset rolling update complete {status.get('currentReplicas', 0)} pods at "
        f"revision {status.get('currentRevision', '')}...\n",
        True,
    )


STATUS_VIEWERS = {
    "Deployment": deployment_status,
    "DaemonSet": daemonset_status,
    "StatefulSet": statefulset_status,
}
