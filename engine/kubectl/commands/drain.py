"""kubectl drain (staging/src/k8s.io/kubectl/pkg/cmd/drain/drain.go RunDrain,
staging/src/k8s.io/kubectl/pkg/drain/drain.go DeleteOrEvictPods, evictPods, deletePods,
waitForDelete).

Cordon the node, check every pod on it (drainfilters), then evict them through the
`pods/eviction` subresource — or DELETE them when the server offers no eviction or with
--disable-eviction — and poll each pod once a second until it is gone. kubectl evicts in
parallel goroutines; Podlife sends the requests one after another, in list order.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from typing import Any

from engine.apimachinery.labels import SelectorError, parse_label_selector
from engine.apiserver.request import Response
from engine.apiserver.resources import BY_NAME
from engine.kubectl import cmdutil, drainfilters
from engine.kubectl.builder import resource_path
from engine.kubectl.cli import command
from engine.kubectl.context import Context
from engine.kubectl.cordon import NODES, check_node_args, cordon_or_uncordon, select_nodes
from engine.kubectl.errors import KubectlError
from engine.kubectl.flags import Flag, Parsed
from engine.timeutil import go_duration

Gen = Generator[Any, Any, Any]

PODS = BY_NAME["pods"]
POLL_INTERVAL = 1.0  # waitForDelete's wait.PollUntilContextTimeout interval
EVICT_RETRY_DELAY = 5.0  # EvictErrorRetryDelay, after a 429 from a PodDisruptionBudget
DEADLINE = "context deadline exceeded"
FOREVER = "2562047h47m16.854775807s"  # the global timeout without --timeout: math.MaxInt64 ns


@dataclass
class DrainError:
    """One node's failure: an error aggregate (utilerrors.NewAggregate) or a plain error;
    kubectl prints the two differently at the end."""

    messages: list[str]
    aggregate: bool = True

    @property
    def text(self) -> str:
        """Aggregate.Error(): one message as is, several as `[a, b]` (duplicates dropped)."""
        unique = list(dict.fromkeys(self.messages))
        return unique[0] if len(unique) == 1 else "[" + ", ".join(unique) + "]"


@command(
    "drain",
    Flag("force", kind="bool", default=False),
    Flag("ignore-daemonsets", kind="bool", default=False),
    Flag("delete-emptydir-data", kind="bool", default=False),
    Flag("grace-period", kind="int", default=-1),
    Flag("timeout", default="0s"),
    Flag("selector", "l", default=""),
    Flag("pod-selector", default=""),
    Flag("disable-eviction", kind="bool", default=False),
    Flag("skip-wait-for-delete-timeout", kind="int", default=0),
    Flag("chunk-size", kind="int", default=500),
    Flag("dry-run", default="none"),
    summary="Drain node in preparation for maintenance",
)
def drain(ctx: Context, flags: Parsed) -> Gen:
    timeout = cmdutil.parse_duration(flags.timeout, "timeout", "drain")
    strategy = check_node_args(flags, "drain NODE")
    if flags.pod_selector:
        try:
            parse_label_selector(flags.pod_selector)
        except SelectorError:
            raise KubectlError(
                "error: --pod-selector=<pod_selector> must be a valid label selector"
            ) from None
    options = drainfilters.DrainOptions(
        force=flags.force,
        ignore_daemonsets=flags.ignore_daemonsets,
        delete_emptydir_data=flags.delete_emptydir_data,
        pod_selector=flags.pod_selector,
        skip_wait_seconds=flags.skip_wait_for_delete_timeout,
    )
    nodes = yield from select_nodes(ctx, flags)
    yield from cordon_or_uncordon(ctx, nodes, True, strategy)
    fatal: list[DrainError] = []
    remaining: list[str] = []
    for node in nodes:
        name = node["metadata"]["name"]
        error = yield from _drain_node(ctx, flags, name, options, strategy, timeout)
        if error is None:
            ctx.out(cmdutil.named(NODES, name, "drained", strategy))
            continue
        ctx.err(
            f'error: unable to drain node "{name}" due to error: {error.text}, '
            "continuing command...\n"
        )
        fatal.append(error)
        remaining.append(name)
    if remaining:
        ctx.err("There are pending nodes to be drained:\n" + "".join(f" {n}\n" for n in remaining))
    if fatal:
        raise KubectlError(_final_text(fatal))


def _final_text(fatal: list[DrainError]) -> str:
    """checkErr on the aggregate of node errors: an aggregate of one is unwrapped once; an
    aggregate prints one unprefixed line per error, a plain error gets `error: `."""
    if len(fatal) == 1 and not fatal[0].aggregate:
        return f"error: {fatal[0].text}"
    errors = fatal[0].messages if len(fatal) == 1 else [e.text for e in fatal]
    return "".join(f"{message}\n" for message in dict.fromkeys(errors))


def _drain_node(
    ctx: Context,
    flags: Parsed,
    node: str,
    options: drainfilters.DrainOptions,
    strategy: str,
    timeout: float,
) -> Gen:
    """deleteOrEvictPodsSimple: None when the node is drained, else its DrainError."""
    verdicts = yield from drainfilters.pods_for_deletion(ctx, node, options)
    errors = drainfilters.errors(verdicts)
    if errors:
        return DrainError(errors)
    warnings = drainfilters.warnings(verdicts)
    if warnings:
        ctx.err(f"Warning: {warnings}\n")
    pods = [v.pod for v in verdicts if v.delete]
    if strategy == cmdutil.DRY_RUN_CLIENT:
        for pod in pods:
            ctx.out(f"evicting pod {_key(pod)} (dry run)\n")
        return None
    error = yield from _delete_or_evict(ctx, flags, pods, strategy, timeout)
    if error is None:
        return None
    pending = yield from drainfilters.pods_for_deletion(ctx, node, options)
    left = [v.pod["metadata"]["name"] for v in pending if v.delete]
    if left:
        ctx.err(
            f'There are pending pods in node "{node}" when an error occurred: '
            f"{error.text}\n" + "".join(f"pod/{name}\n" for name in left)
        )
    return error


def _delete_or_evict(
    ctx: Context, flags: Parsed, pods: list[dict[str, Any]], strategy: str, timeout: float
) -> Gen:
    if not pods:
        return None
    deadline = ctx.now + timeout if timeout else None
    if not flags.disable_eviction:
        supported = yield from _eviction_supported(ctx)
        if supported:
            return (yield from _evict(ctx, flags, pods, strategy, deadline))
    return (yield from _delete(ctx, flags, pods, strategy, deadline))


def _eviction_supported(ctx: Context) -> Gen:
    """CheckEvictionSupport: discovery of the core group lists `pods/eviction`."""
    response: Response = yield from ctx.request("GET", "/api/v1")
    resources = (response.body or {}).get("resources", []) if response.ok else []
    return any(
        r.get("name") == "pods/eviction"
        and r.get("kind") == "Eviction"
        and r.get("group")
        and r.get("version")
        for r in resources
    )


def _delete_options(flags: Parsed, strategy: str) -> dict[str, Any]:
    """Helper.makeDeleteOptions."""
    options: dict[str, Any] = {}
    if flags.grace_period >= 0:
        options["gracePeriodSeconds"] = flags.grace_period
    if strategy == cmdutil.DRY_RUN_SERVER:
        options["dryRun"] = ["All"]
    return options


def _evict(
    ctx: Context,
    flags: Parsed,
    pods: list[dict[str, Any]],
    strategy: str,
    deadline: float | None,
) -> Gen:
    errors: list[str] = []
    evicted: list[dict[str, Any]] = []
    for pod in pods:
        meta = pod["metadata"]
        name, namespace = meta["name"], meta.get("namespace", "")
        while True:
            note = " (server dry run)" if strategy == cmdutil.DRY_RUN_SERVER else ""
            ctx.out(f"evicting pod {namespace}/{name}{note}\n")
            eviction = {
                "kind": "Eviction",
                "apiVersion": "policy/v1",
                "metadata": {"name": name, "namespace": namespace},
                "deleteOptions": _delete_options(flags, strategy),
            }
            response: Response = yield from ctx.request(
                "POST", resource_path(PODS, namespace, name, "eviction"), body=eviction
            )
            message = (response.body or {}).get("message", "") if not response.ok else ""
            if response.code == 429:  # a PodDisruptionBudget says not now: wait and retry
                ctx.err(
                    f'error when evicting pods/"{name}" -n "{namespace}" (will retry after '
                    f"5s): {message}\n"
                )
                # The retries end at the global timeout (--timeout; none: forever, which
                # Podlife takes to be when the cluster has nothing left to do).
                if deadline is None and not ctx.env.busy:
                    ends = FOREVER
                elif deadline is not None and ctx.now + EVICT_RETRY_DELAY >= deadline:
                    yield max(deadline - ctx.now, 0.0)
                    ends = go_duration(cmdutil.parse_duration(flags.timeout, "timeout", "drain"))
                else:
                    yield EVICT_RETRY_DELAY
                    continue
                errors.append(
                    f'error when evicting pods/"{name}" -n "{namespace}": global timeout '
                    f"reached: {ends}"
                )
                break
            if response.ok:
                evicted.append(pod)
            elif response.code != 404:
                errors.append(f'error when evicting pods/"{name}" -n "{namespace}": {message}')
            break
    if strategy != cmdutil.DRY_RUN_SERVER:
        stuck = yield from _wait_for_delete(ctx, flags, evicted, deadline, "evicted")
        errors += [
            f'error when waiting for pod "{p["metadata"]["name"]}" in namespace '
            f'"{p["metadata"].get("namespace", "")}" to terminate: {DEADLINE}'
            for p in stuck
        ]
    return DrainError(errors) if errors else None


def _delete(
    ctx: Context,
    flags: Parsed,
    pods: list[dict[str, Any]],
    strategy: str,
    deadline: float | None,
) -> Gen:
    for pod in pods:
        meta = pod["metadata"]
        body = {"kind": "DeleteOptions", "apiVersion": "v1", **_delete_options(flags, strategy)}
        response: Response = yield from ctx.request(
            "DELETE", resource_path(PODS, meta.get("namespace", ""), meta["name"]), body=body
        )
        if not response.ok and response.code != 404:
            return DrainError([response.body.get("message", "")], aggregate=False)
    if strategy == cmdutil.DRY_RUN_SERVER:
        return None
    stuck = yield from _wait_for_delete(ctx, flags, pods, deadline, "deleted")
    return DrainError([DEADLINE], aggregate=False) if stuck else None


def _wait_for_delete(
    ctx: Context, flags: Parsed, pods: list[dict[str, Any]], deadline: float | None, verb: str
) -> Gen:
    """Poll every pod each second until it is gone (or replaced: another UID); returns the
    pods still there at the deadline. With no --timeout kubectl would poll forever; Podlife
    stops when the simulated cluster has nothing left to do, as if the deadline had come."""
    pending = list(pods)
    while True:
        still = []
        for pod in pending:
            meta = pod["metadata"]
            response: Response = yield from ctx.request(
                "GET", resource_path(PODS, meta.get("namespace", ""), meta["name"])
            )
            gone = response.code == 404 or (
                response.ok and response.body["metadata"].get("uid") != meta.get("uid")
            )
            if gone:
                ctx.out(cmdutil.named(PODS, meta["name"], verb))
            elif response.ok and drainfilters.should_skip_pod(
                response.body, flags.skip_wait_for_delete_timeout, ctx.now
            ):
                ctx.out(
                    f'pod "{meta["name"]}" has DeletionTimestamp older than '
                    f"{flags.skip_wait_for_delete_timeout} seconds, skipping\n"
                )
            else:
                still.append(pod)
        pending = still
        if not pending:
            return []
        if deadline is None and not ctx.env.busy:
            return pending
        if deadline is not None and ctx.now + POLL_INTERVAL >= deadline:
            yield max(deadline - ctx.now, 0.0)
            return pending
        yield POLL_INTERVAL


def _key(pod: dict[str, Any]) -> str:
    return f"{pod['metadata'].get('namespace', '')}/{pod['metadata']['name']}"
