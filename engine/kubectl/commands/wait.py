"""kubectl wait (staging/src/k8s.io/kubectl/pkg/cmd/wait/wait.go, condition.go, delete.go,
json.go, create.go).

For each object kubectl opens a watch-list on it (`metadata.name=<name>`: its current state
first, then every change) and checks each version against the condition: a status condition,
a JSONPath value, deletion, or (polling) creation. One --timeout covers the whole command.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import Any

from engine.apiserver.request import Response
from engine.apiserver.resources import ResourceType
from engine.kubectl import cmdutil, jsonpath
from engine.kubectl.builder import parse_targets, resource_path
from engine.kubectl.cli import command
from engine.kubectl.context import Context
from engine.kubectl.errors import KubectlError, api_error_text
from engine.kubectl.flags import Flag, Parsed
from engine.kubectl.selection import NO_RESOURCES
from engine.kubectl.watching import watch_until

Gen = Generator[Any, Any, Any]
Check = Callable[[dict[str, Any]], bool]

TIMED_OUT = "timed out waiting for the condition"
CREATE_POLL = 0.5  # create.go polls every half second


class WaitFailure(Exception):
    """One object's failure: plain text, or (api=True) already in kubectl's API-error words."""

    def __init__(self, text: str, api: bool = False) -> None:
        super().__init__(text)
        self.text, self.api = text, api


@dataclass
class Target:
    resource: ResourceType
    namespace: str
    name: str
    obj: dict[str, Any] | None

    @property
    def object_name(self) -> str:
        """info.ObjectName(): `pods/web`, `deployments.apps/web`."""
        return f"{self.resource.group_resource}/{self.name}"

    @property
    def timed_out(self) -> str:
        """extendErrWaitTimeout: the plain resource name, without its group."""
        return f"{TIMED_OUT} on {self.resource.name}/{self.name}"


@command(
    "wait",
    Flag("for", kind="array"),
    Flag("timeout", default="30s"),
    Flag("all", kind="bool", default=False),
    Flag("selector", "l", default=""),
    Flag("field-selector", default=""),
    Flag("all-namespaces", "A", kind="bool", default=False),
    summary="Experimental: Wait for a specific condition on one or many resources",
)
def wait(ctx: Context, flags: Parsed) -> Gen:
    timeout = cmdutil.parse_duration(flags.timeout, "timeout", "wait")
    conditions = list(flags.values["for"])
    if not conditions:
        raise KubectlError("error: unrecognized condition: []")
    checks = [_condition(condition) for condition in conditions]
    # One deadline for the whole command; a negative --timeout means a week: Podlife then
    # waits until the simulated cluster has nothing left to do.
    deadline = ctx.now + timeout if timeout >= 0 else None
    for condition, check in zip(conditions, checks, strict=True):
        kind = condition.lower()
        if kind == "create":
            yield from _wait_created(ctx, flags, deadline)
            continue
        yield from _wait_each(ctx, flags, kind == "delete", check, timeout, deadline)


def _condition(condition: str) -> Check | None:
    """conditionFuncFor."""
    lowered = condition.lower()
    if lowered in ("delete", "create"):
        return None
    if condition.startswith("condition="):
        name, _, status = condition[len("condition=") :].partition("=")
        return _status_condition(name, status or "true")
    if condition.startswith("jsonpath="):
        return _jsonpath_condition(condition)
    raise KubectlError(f'error: unrecognized condition: "{condition}"')


def _status_condition(name: str, status: str) -> Check:
    def check(obj: dict[str, Any]) -> bool:
        """ConditionalWait.checkCondition: case-insensitive, and not from an older spec."""
        for condition in (obj.get("status") or {}).get("conditions") or []:
            if str(condition.get("type", "")).lower() != name.lower():
                continue
            if "status" not in condition:
                continue
            generation = (obj.get("metadata") or {}).get("generation")
            observed = condition.get(
                "observedGeneration", (obj.get("status") or {}).get("observedGeneration")
            )
            if generation is not None and observed is not None and observed < generation:
                return False
            return str(condition["status"]).lower() == status.lower()
        return False

    return check


def _jsonpath_condition(condition: str) -> Check:
    parts = condition.split("=")[1:]
    try:
        expression = jsonpath.relaxed(parts[0])
    except jsonpath.JSONPathError as error:
        raise KubectlError(f"error: {error}") from None
    if not expression:
        raise KubectlError("error: jsonpath expression cannot be empty")
    if len(parts) > 2:
        raise KubectlError(
            "error: jsonpath wait format must be --for=jsonpath="
            "'{.status.readyReplicas}'=3 or --for=jsonpath="
            "'{.status.readyReplicas}'"
        )
    if len(parts) == 2 and not parts[1]:
        raise KubectlError("error: jsonpath wait value cannot be empty")
    wanted = parts[1].strip("'\"") if len(parts) == 2 else None

    def check(obj: dict[str, Any]) -> bool:
        """JSONPathWait.checkCondition."""
        try:
            found = jsonpath.find(expression, obj)
        except jsonpath.JSONPathError as error:
            raise WaitFailure(str(error)) from None
        if not found:
            return False
        if len(found) > 1:
            raise WaitFailure("given jsonpath expression matches more than one value")
        if wanted is None:
            return True
        if isinstance(found[0], dict | list):
            raise WaitFailure("jsonpath leads to a nested object or list which is not supported")
        return jsonpath.go_value(found[0]).strip() == wanted.strip()

    return check


def _targets(ctx: Context, flags: Parsed) -> list[Any]:
    targets = parse_targets(flags.args, ctx)
    if not targets:
        raise KubectlError(NO_RESOURCES)
    if any(not t.name for t in targets) and not (
        flags.selector or flags.field_selector or flags.all
    ):
        raise KubectlError("error: resource(s) were provided, but no name was specified")
    return targets


def _wait_each(
    ctx: Context,
    flags: Parsed,
    for_delete: bool,
    check: Check | None,
    timeout: float,
    deadline: float | None,
) -> Gen:
    """RunWait: visit each object (GET it, or LIST the selection), wait, report failures
    together; a missing object is no failure when waiting for deletion."""
    failures: list[WaitFailure] = []
    visited = 0
    for spec in _targets(ctx, flags):
        resource = spec.resource
        namespace = "" if not resource.namespaced or flags.all_namespaces else ctx.namespace
        if spec.name:
            here = ctx.namespace if resource.namespaced else ""
            response: Response = yield from ctx.request(
                "GET", resource_path(resource, here, spec.name)
            )
            if not response.ok:
                if not (for_delete and response.code == 404):
                    failures.append(WaitFailure(api_error_text(response.body), api=True))
                continue
            found = [response.body]
        else:
            query = {
                k: v
                for k, v in (
                    ("labelSelector", flags.selector),
                    ("fieldSelector", flags.field_selector),
                )
                if v
            }
            listing: Response = yield from ctx.request(
                "GET", resource_path(resource, namespace), query=query
            )
            if not listing.ok:
                failures.append(WaitFailure(api_error_text(listing.body), api=True))
                continue
            found = list(listing.body.get("items") or [])
        for obj in found:
            visited += 1
            meta = obj["metadata"]
            target = Target(resource, meta.get("namespace", ""), meta["name"], obj)
            try:
                if for_delete:
                    yield from _wait_deleted(ctx, target, timeout, deadline)
                else:
                    assert check is not None
                    yield from _wait_condition(ctx, target, check, timeout, deadline)
            except WaitFailure as failure:
                failures.append(failure)
                continue
            ctx.out(cmdutil.named(resource, target.name, "condition met"))
    if visited == 0 and not for_delete and not failures:
        failures.append(WaitFailure("no matching resources found"))
    _report(failures)


def _report(failures: list[WaitFailure]) -> None:
    """checkErr: one plain error gets `error: `; an aggregate prints a line per error."""
    if len(failures) == 1:
        failure = failures[0]
        raise KubectlError(failure.text if failure.api else f"error: {failure.text}")
    if failures:
        raise KubectlError("".join(f.text if f.api else f"{f.text}\n" for f in failures))


def _get(ctx: Context, target: Target) -> Gen:
    response: Response = yield from ctx.request(
        "GET", resource_path(target.resource, target.namespace, target.name)
    )
    return response


def _wait_condition(
    ctx: Context, target: Target, check: Check, timeout: float, deadline: float | None
) -> Gen:
    """getObjAndCheckCondition."""
    if timeout == 0:
        response = yield from _get(ctx, target)
        if not response.ok:
            raise WaitFailure(api_error_text(response.body), api=True)
        if not check(response.body):
            raise WaitFailure(f"condition not met for {target.object_name}")
        return
    outcome: list[WaitFailure | None] = []
    seen = False

    def on_event(event_type: str, obj: dict[str, Any]) -> None:
        nonlocal seen
        if event_type == "BOOKMARK":
            if not seen:  # the precondition: it is gone from the informer's store
                outcome.append(
                    WaitFailure(
                        f"Error from server (NotFound): {target.resource.group_resource} "
                        f'"{target.name}" not found\n',
                        api=True,
                    )
                )
            return
        if event_type in ("ADDED", "MODIFIED"):
            seen = True
            try:
                if check(obj):
                    outcome.append(None)
            except WaitFailure as failure:
                outcome.append(failure)

    yield from _watch(ctx, target, on_event, lambda: bool(outcome), deadline)
    if not outcome:
        raise WaitFailure(target.timed_out)
    if outcome[0] is not None:
        raise outcome[0]


def _wait_deleted(ctx: Context, target: Target, timeout: float, deadline: float | None) -> Gen:
    """delete.go IsDeleted."""
    response = yield from _get(ctx, target)
    if response.code == 404:
        return
    if not response.ok:
        raise WaitFailure(api_error_text(response.body), api=True)
    if timeout == 0:
        raise WaitFailure(f"condition not met for {target.object_name}")
    done: list[bool] = []
    present = False

    def on_event(event_type: str, obj: dict[str, Any]) -> None:
        nonlocal present
        if event_type == "DELETED" or (event_type == "BOOKMARK" and not present):
            done.append(True)
        elif event_type in ("ADDED", "MODIFIED"):
            present = True

    yield from _watch(ctx, target, on_event, lambda: bool(done), deadline)
    if not done:
        raise WaitFailure(target.timed_out)


def _watch(
    ctx: Context,
    target: Target,
    on_event: Callable[[str, dict[str, Any]], None],
    finished: Callable[[], bool],
    deadline: float | None,
) -> Gen:
    """watchtools.UntilWithSync: a watch-list on the one object until `finished`."""
    if deadline is not None and deadline - ctx.now <= 0:
        return
    query = {
        "fieldSelector": f"metadata.name={target.name}",
        "sendInitialEvents": "true",
        "allowWatchBookmarks": "true",
        "resourceVersionMatch": "NotOlderThan",
    }
    yield from watch_until(
        ctx,
        resource_path(target.resource, target.namespace),
        query,
        on_event,
        lambda _t, _o: finished(),
        0.0 if deadline is None else deadline - ctx.now,
    )


def _wait_created(ctx: Context, flags: Parsed, deadline: float | None) -> Gen:
    """create.go: poll every half second until every named object exists, then report
    each as met. (It never saw more than a name, so it cannot watch.)"""
    targets = _targets(ctx, flags)
    while True:
        missing = False
        for spec in targets:
            namespace = ctx.namespace if spec.resource.namespaced else ""
            response: Response = yield from ctx.request(
                "GET", resource_path(spec.resource, namespace, spec.name)
            )
            if response.code == 404 or (not spec.name and not response.body.get("items")):
                missing = True
                break
            if not response.ok:
                raise KubectlError(api_error_text(response.body))
        if not missing:
            break
        if deadline is None and not ctx.env.busy:
            raise KubectlError(f"error: {TIMED_OUT}")
        if deadline is not None and ctx.now + CREATE_POLL > deadline:
            yield max(deadline - ctx.now, 0.0)
            raise KubectlError(f"error: {TIMED_OUT}")
        yield CREATE_POLL
    for spec in targets:
        namespace = ctx.namespace if spec.resource.namespaced else ""
        response = yield from ctx.request("GET", resource_path(spec.resource, namespace, spec.name))
        ctx.out(cmdutil.named(spec.resource, spec.name, "condition met"))
