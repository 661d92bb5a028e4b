"""kubectl logs (staging/src/k8s.io/kubectl/pkg/cmd/logs/logs.go,
staging/src/k8s.io/kubectl/pkg/polymorphichelpers/logsforobject.go, helpers.go GetFirstPod,
staging/src/k8s.io/kubectl/pkg/util/podutils ByLogging).

The API server answers `pods/<name>/log` by asking the pod's kubelet; kubectl only chooses the
pod and the container. For `deploy/web` it picks one pod by the controller's selector
(waiting --pod-running-timeout for one to appear); with `-l` it prints every selected pod's
logs. `-f` cannot stream here: the simulated kubelet answers with what the log holds.
"""

from __future__ import annotations

from collections.abc import Generator
from datetime import datetime
from typing import Any

from engine.apimachinery.labels import selector_from_match
from engine.apiserver.request import Response
from engine.apiserver.resources import BY_NAME
from engine.kubectl import cmdutil
from engine.kubectl.builder import parse_targets, resource_path
from engine.kubectl.cli import command
from engine.kubectl.context import Context
from engine.kubectl.errors import KubectlError, api_error_text
from engine.kubectl.flags import Flag, Parsed
from engine.kubectl.watching import watch_until
from engine.timeutil import parse_rfc3339

Gen = Generator[Any, Any, Any]

PODS = BY_NAME["pods"]
DEFAULT_CONTAINER = "kubectl.kubernetes.io/default-container"
USAGE = (
    "error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\n"
    "POD or TYPE/NAME is a required argument for the logs command\n"
    "See 'kubectl logs -h' for help and examples"
)


@command(
    "logs",
    Flag("container", "c", default=""),
    Flag("follow", "f", kind="bool", default=False),
    Flag("previous", "p", kind="bool", default=False),
    Flag("tail", kind="int", default=-1),
    Flag("timestamps", kind="bool", default=False),
    Flag("since", default="0s"),
    Flag("since-time", default=""),
    Flag("limit-bytes", kind="int", default=0),
    Flag("selector", "l", default=""),
    Flag("all-containers", kind="bool", default=False),
    Flag("prefix", kind="bool", default=False),
    Flag("ignore-errors", kind="bool", default=False),
    Flag("max-log-requests", kind="int", default=5),
    Flag("pod-running-timeout", default="20s"),
    summary="Print the logs for a container in a pod",
)
def logs(ctx: Context, flags: Parsed) -> Gen:
    since = cmdutil.parse_duration(flags.since, "since", "logs")
    running_timeout = cmdutil.parse_duration(
        flags.pod_running_timeout, "pod-running-timeout", "logs"
    )
    container = _complete(flags)
    if running_timeout <= 0:
        raise KubectlError("error: --pod-running-timeout must be higher than zero")
    if flags.since_time:
        _check_time(flags.since_time)
    tail = 10 if flags.selector and flags.tail == -1 else flags.tail
    if flags.selector:
        pods = yield from _selected_pods(ctx, flags)
    else:
        pods = yield from attachable_pod(ctx, flags, running_timeout)
    _validate(flags, container, since, tail)
    query = _log_query(flags, since, tail)
    requests = [(pod, name) for pod in pods for name in _containers(ctx, flags, pod, container)]
    if flags.follow and len(requests) > flags.max_log_requests:
        raise KubectlError(
            f"error: you are attempting to follow {len(requests)} log streams, "
            f"but maximum allowed concurrency is {flags.max_log_requests}, use "
            "--max-log-requests to increase the limit"
        )
    for pod, name in requests:
        yield from _print_log(ctx, flags, pod, name, query)


def _complete(flags: Parsed) -> str:
    """The container named by -c or by the old `logs POD CONTAINER` form."""
    if not flags.args and not flags.selector:
        raise KubectlError(USAGE)
    if flags.args and flags.selector:
        raise KubectlError(
            "error: only a selector (-l) or a POD name is allowed\n"
            "See 'kubectl logs -h' for help and examples"
        )
    if len(flags.args) > 2:
        raise KubectlError(USAGE)
    if len(flags.args) == 2:
        if flags.container:
            raise KubectlError("error: only one of -c or an inline [CONTAINER] arg is allowed")
        return str(flags.args[1])
    return str(flags.container)


def _check_time(text: str) -> None:
    """--since-time is parsed as RFC 3339 (time.Parse), before anything is fetched."""
    try:
        datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise KubectlError(
            f'error: parsing time "{text}" as "2006-01-02T15:04:05Z07:00": '
            f'cannot parse "{text}" as "2006"'
        ) from None


def _validate(flags: Parsed, container: str, since: float, tail: int) -> None:
    """LogsOptions.Validate (after the object was fetched)."""
    if flags.since_time and since:
        raise KubectlError("error: at most one of `sinceTime` or `sinceSeconds` may be specified")
    if flags.all_containers and container:
        raise KubectlError(
            f"error: --all-containers=true should not be specified with container name {container}"
        )
    if flags.limit_bytes < 0:
        raise KubectlError("error: --limit-bytes must be greater than 0")
    if since < 0:
        raise KubectlError("error: --since must be greater than 0")
    if tail < -1:
        raise KubectlError("error: --tail must be greater than or equal to -1")


def _log_query(flags: Parsed, since: float, tail: int) -> dict[str, str]:
    """PodLogOptions as query parameters, in url.Values.Encode's (sorted) order."""
    query: dict[str, str] = {}
    if flags.follow:
        query["follow"] = "true"
    if flags.limit_bytes:
        query["limitBytes"] = str(flags.limit_bytes)
    if flags.previous:
        query["previous"] = "true"
    if since:
        query["sinceSeconds"] = str(round(since))
    if flags.since_time:
        query["sinceTime"] = flags.since_time
    if tail != -1:
        query["tailLines"] = str(tail)
    if flags.timestamps:
        query["timestamps"] = "true"
    return query


def attachable_pod(
    ctx: Context, flags: Parsed, running_timeout: float, verb: str = "get the logs from"
) -> Gen:
    """The named pod, or the pod chosen for a controller (attachablePodForObject)."""
    targets = parse_targets(
        flags.args[:1] if "/" in flags.args[0] else ["pods", flags.args[0]], ctx
    )
    target = targets[0]
    namespace = ctx.namespace if target.resource.namespaced else ""
    response: Response = yield from ctx.request(
        "GET", resource_path(target.resource, namespace, target.name)
    )
    if not response.ok:
        message = response.body.get("message", "")
        if response.code == 404:
            raise KubectlError(
                f'error: error from server (NotFound): {message} in namespace "{ctx.namespace}"'
            )
        raise KubectlError(api_error_text(response.body))
    obj = response.body
    if target.resource.kind == "Pod":
        return [obj]
    if target.resource.kind == "Job":
        # logsForObject: a Job's pods by its selector's matchLabels alone
        labels = ((obj.get("spec") or {}).get("selector") or {}).get("matchLabels") or {}
        pod = yield from _first_pod(
            ctx, selector_from_match({"matchLabels": labels}).string(), running_timeout
        )
        return [pod]
    if target.resource.kind not in ("Deployment", "ReplicaSet", "StatefulSet"):
        kind = target.resource.kind
        raise KubectlError(
            f"error: cannot {verb} *v1.{kind}: selector for *v1.{kind} not implemented"
        )
    selector = selector_from_match((obj.get("spec") or {}).get("selector")).string()
    # logsforobject.go says which pod it chose; attachablePodForObject (exec) does not.
    pod = yield from _first_pod(ctx, selector, running_timeout, verb == "get the logs from")
    return [pod]


def _first_pod(ctx: Context, selector: str, timeout: float, announce: bool = True) -> Gen:
    """GetFirstPod: the best pod to read (ByLogging), or the first one to appear."""
    path = resource_path(PODS, ctx.namespace)
    listing: Response = yield from ctx.request("GET", path, query={"labelSelector": selector})
    body = ctx.must(listing)
    pods = sorted(body.get("items") or [], key=_by_logging)
    if pods:
        if len(pods) > 1 and announce:
            ctx.err(f"Found {len(pods)} pods, using pod/{pods[0]['metadata']['name']}\n")
        return pods[0]
    seen: list[dict[str, Any]] = []
    found = yield from watch_until(
        ctx,
        path,
        {"labelSelector": selector, "resourceVersion": body["metadata"].get("resourceVersion", "")},
        lambda kind, obj: seen.append(obj) if kind in ("ADDED", "MODIFIED") else None,
        lambda _kind, _obj: bool(seen),
        timeout,
    )
    if not found:
        raise KubectlError("error: timed out waiting for the condition")
    return seen[0]


def _by_logging(pod: dict[str, Any]) -> tuple[Any, ...]:
    """podutils.ByLogging as a sort key: assigned first; Running, Unknown, Pending; ready
    first, ready longest first; most restarts first; oldest first."""
    spec, status = pod.get("spec") or {}, pod.get("status") or {}
    phase = {"Running": 0, "Unknown": 1, "Pending": 2}.get(status.get("phase", ""), 0)
    ready = next(
        (
            c
            for c in status.get("conditions") or []
            if c.get("type") == "Ready" and c.get("status") == "True"
        ),
        None,
    )
    ready_since = (
        parse_rfc3339(ready["lastTransitionTime"])
        if ready and ready.get("lastTransitionTime")
        else 0.0
    )
    restarts = max(
        (c.get("restartCount", 0) for c in status.get("containerStatuses") or []), default=0
    )
    created = parse_rfc3339(pod["metadata"]["creationTimestamp"])
    return (
        not spec.get("nodeName"),
        phase,
        ready is None,
        ready_since if ready else 0.0,
        -restarts,
        created,
    )


def _selected_pods(ctx: Context, flags: Parsed) -> Gen:
    listing: Response = yield from ctx.request(
        "GET", resource_path(PODS, ctx.namespace), query={"labelSelector": flags.selector}
    )
    pods = list(ctx.must(listing).get("items") or [])
    if not pods:
        ctx.err(f"No resources found in {ctx.namespace} namespace.\n")
    return pods


def _containers(ctx: Context, flags: Parsed, pod: dict[str, Any], container: str) -> list[str]:
    """logsForObjectWithClient: every container, or the one asked for, or the default."""
    spec = pod.get("spec") or {}
    name = pod["metadata"]["name"]
    if flags.all_containers:
        return [
            c["name"]
            for field in ("initContainers", "containers", "ephemeralContainers")
            for c in spec.get(field) or []
        ]
    every = [
        c["name"]
        for field in ("containers", "initContainers", "ephemeralContainers")
        for c in spec.get(field) or []
    ]
    # podcmd.AllContainerNames: regular containers, then `name (init)`, `name (ephem)`
    described = (
        [c["name"] for c in spec.get("containers") or []]
        + [f"{c['name']} (init)" for c in spec.get("initContainers") or []]
        + [f"{c['name']} (ephem)" for c in spec.get("ephemeralContainers") or []]
    )
    if not container:
        preset = ((pod["metadata"].get("annotations") or {}).get(DEFAULT_CONTAINER)) or ""
        if preset and preset not in every:
            ctx.err(f'Default container name "{preset}" not found in pod {name}\n')
        elif preset:
            container = preset
    if not container:
        container = spec["containers"][0]["name"]
        if len(every) > 1:
            ctx.err(f'Defaulted container "{container}" out of: {", ".join(described)}\n')
    if container not in every:
        raise KubectlError(
            f"error: container {container} is not valid for pod {name} out of: "
            f"{', '.join(described)}"
        )
    return [container]


def _print_log(
    ctx: Context, flags: Parsed, pod: dict[str, Any], container: str, query: dict[str, str]
) -> Gen:
    meta = pod["metadata"]
    response: Response = yield from ctx.request(
        "GET",
        resource_path(PODS, meta.get("namespace", ""), meta["name"], "log"),
        query={"container": container, **query},
    )
    if not response.ok:
        if flags.ignore_errors:
            return
        raise KubectlError(api_error_text(response.body))
    text = response.body if isinstance(response.body, str) else ""
    if flags.prefix:
        prefix = f"[pod/{meta['name']}/{container}] "
        text = "".join(prefix + line for line in text.splitlines(keepends=True))
    ctx.out(text)
