"""The framework runner: calls the plugins of each extension point in their configured order
(pkg/scheduler/framework/runtime/framework.go).

One profile, `default-scheduler`, with the default plugins and weights (plugins/registry.py).

A plugin that raises (a bug, or a pod or node too malformed for it) gives the internal error
Status a Go plugin returns when it fails, wrapped with the extension point as framework.go
wraps it (`running PreFilter plugin "NodeAffinity": ...`), raised as a StatusError: the cycle
of that one pod fails.
"""

from __future__ import annotations

import operator
from collections.abc import Generator
from typing import Any

from engine.scheduler.framework import (
    SKIP,
    BindPlugin,
    ClusterEvent,
    Code,
    CycleState,
    EnqueueExtensions,
    FilterPlugin,
    NodeToStatus,
    PermitPlugin,
    Plugin,
    PostBindPlugin,
    PostFilterPlugin,
    PostFilterResult,
    PreBindPlugin,
    PreEnqueuePlugin,
    PreFilterPlugin,
    PreFilterResult,
    PreScorePlugin,
    QueueingHintFn,
    QueueSortPlugin,
    ReservePlugin,
    ScorePlugin,
    Status,
    StatusError,
)
from engine.scheduler.types import NodeInfo, PodInfo, QueuedPodInfo
from engine.utilruntime import describe

Gen = Generator[Any, Any, Any]
FilterFn = Any  # bound FilterPlugin.filter


class Framework:
    def __init__(self, plugins: list[tuple[Plugin, int]]) -> None:
        only = [plugin for plugin, _ in plugins]
        self.plugins = only
        self.weights = {plugin.name: weight for plugin, weight in plugins}

        def of(kind: type) -> list[Any]:
            return [p for p in only if isinstance(p, kind)]

        sorts = of(QueueSortPlugin)
        self.queue_sort: QueueSortPlugin = sorts[0]
        self.pre_enqueue: list[PreEnqueuePlugin] = of(PreEnqueuePlugin)
        self.pre_filter: list[PreFilterPlugin] = of(PreFilterPlugin)
        self.filter: list[FilterPlugin] = of(FilterPlugin)
        self.post_filter: list[PostFilterPlugin] = of(PostFilterPlugin)
        self.pre_score: list[PreScorePlugin] = of(PreScorePlugin)
        self.score: list[ScorePlugin] = of(ScorePlugin)
        self.reserve: list[ReservePlugin] = of(ReservePlugin)
        self.permit: list[PermitPlugin] = of(PermitPlugin)
        self.pre_bind: list[PreBindPlugin] = of(PreBindPlugin)
        self.bind: list[BindPlugin] = of(BindPlugin)
        self.post_bind: list[PostBindPlugin] = of(PostBindPlugin)
        self._events: list[tuple[ClusterEvent, str, QueueingHintFn | None]] = [
            (registered.event, plugin.name, registered.hint)
            for plugin in of(EnqueueExtensions)
            for registered in plugin.events_to_register()
        ]
        self._hints: dict[ClusterEvent, list[tuple[str, QueueingHintFn | None]]] = {}

    # ---- queue -------------------------------------------------------------------------------
    def queue_sort_key(self, qpi: QueuedPodInfo) -> tuple[Any, ...]:
        key: tuple[Any, ...] = self.queue_sort.sort_key(qpi)  # type: ignore[attr-defined]
        return key

    def run_pre_enqueue_plugins(self, pod: PodInfo) -> Status | None:
        for plugin in self.pre_enqueue:
            status = plugin.pre_enqueue(pod)
            if status is not None and not status.is_success():
                return status.with_plugin(plugin.name)
        return None

    def hints_for(self, event: ClusterEvent) -> list[tuple[str, QueueingHintFn | None]]:
        """The (plugin, queueing hint) pairs registered for events matching `event`."""
        found = self._hints.get(event)
        if found is None:
            found = [(name, hint) for ev, name, hint in self._events if ev.match(event)]
            self._hints[event] = found
        return found

    def is_event_of_interest(self, event: ClusterEvent) -> bool:
        return event.is_wildcard() or bool(self.hints_for(event))

    # ---- scheduling cycle --------------------------------------------------------------------
    def run_pre_filter_plugins(
        self, state: CycleState, pod: PodInfo, nodes: list[NodeInfo]
    ) -> tuple[PreFilterResult | None, Status | None, set[str]]:
        """RunPreFilterPlugins: (which nodes to try, a rejection, plugins that narrowed it)."""
        result: PreFilterResult | None = None
        rejection: Status | None = None
        narrowing: set[str] = set()
        skipped: set[str] = set()
        for plugin in self.pre_filter:
            try:
                answer, status = plugin.pre_filter(state, pod, nodes)
            except Exception as error:
                raise StatusError(
                    Status(
                        Code.ERROR,
                        f'running PreFilter plugin "{plugin.name}": {describe(error)}',
                        plugin=plugin.name,
                    )
                ) from error
            if status is not None and status.is_skip():
                skipped.add(plugin.name)
                continue
            if status is not None and not status.is_success():
                status.with_plugin(plugin.name)
                if status.code is Code.UNSCHEDULABLE_AND_UNRESOLVABLE:
                    return None, status, narrowing
                if status.code is Code.UNSCHEDULABLE:
                    rejection = status  # go on: preemption needs every plugin's state
                    continue
                return (
                    None,
                    Status(
                        Code.ERROR,
                        f'running PreFilter plugin "{plugin.name}": {status.message()}',
                        plugin=plugin.name,
                    ),
                    narrowing,
                )
            if answer is not None and not answer.all_nodes():
                narrowing.add(plugin.name)
            result = answer if result is None else result.merge(answer)
            if result is not None and not result.all_nodes() and not result.node_names:
                names = sorted(narrowing)
                message = (
                    f"node(s) didn't satisfy plugin {names[0]}"
                    if len(names) == 1
                    else f"node(s) didn't satisfy plugin(s) [{' '.join(names)}] simultaneously"
                )
                return result, Status(Code.UNSCHEDULABLE_AND_UNRESOLVABLE, message), narrowing
        state.skip_filter_plugins = frozenset(skipped)
        return result, rejection, narrowing

    def active_filters(self, state: CycleState) -> list[tuple[str, FilterFn]]:
        """The Filter plugins that did not Skip at PreFilter, as (name, bound method)."""
        skip = state.skip_filter_plugins
        return [(p.name, p.filter) for p in self.filter if p.name not in skip]

    def run_filter_plugins_batch(
        self, state: CycleState, pod: PodInfo, nodes: list[NodeInfo]
    ) -> dict[int, Status]:
        """RunFilterPlugins for many nodes at once, plugin by plugin: each plugin sees only
        the nodes every earlier plugin passed, so each node's verdict is still that of the
        first plugin (in order) that rejects it. Returns the rejections by position."""
        verdicts: dict[int, Status] = {}
        remaining = nodes
        positions = list(range(len(nodes)))
        skip = state.skip_filter_plugins
        for plugin in self.filter:
            if plugin.name in skip:
                continue
            try:
                failed = plugin.filter_nodes(state, pod, remaining)
            except Exception as error:
                raise StatusError(_filter_error(plugin.name, error)) from error
            if not failed:
                continue
            dropped = set()
            for index, status in failed:
                status.plugin = plugin.name
                verdicts[positions[index]] = status
                dropped.add(index)
            keep = [i for i in range(len(remaining)) if i not in dropped]
            remaining = [remaining[i] for i in keep]
            positions = [positions[i] for i in keep]
            if not remaining:
                break
        return verdicts

    def run_filter_plugins(
        self, state: CycleState, pod: PodInfo, node_info: NodeInfo
    ) -> Status | None:
        """RunFilterPlugins: the first plugin that rejects the node decides."""
        for name, filter_fn in self.active_filters(state):
            try:
                status = filter_fn(state, pod, node_info)
            except Exception as error:
                raise StatusError(_filter_error(name, error)) from error
            if status is not None:
                status.plugin = name
                return status
        return None

    def run_pre_filter_extension_add_pod(
        self, state: CycleState, pod: PodInfo, to_add: PodInfo, node_info: NodeInfo
    ) -> None:
        for plugin in self.pre_filter:
            if plugin.name not in state.skip_filter_plugins:
                plugin.add_pod(state, pod, to_add, node_info)

    def run_pre_filter_extension_remove_pod(
        self, state: CycleState, pod: PodInfo, to_remove: PodInfo, node_info: NodeInfo
    ) -> None:
        for plugin in self.pre_filter:
            if plugin.name not in state.skip_filter_plugins:
                plugin.remove_pod(state, pod, to_remove, node_info)

    def run_filter_plugins_with_nominated_pods(
        self,
        state: CycleState,
        pod: PodInfo,
        node_info: NodeInfo,
        nominated: list[PodInfo],
    ) -> Status | None:
        """RunFilterPluginsWithNominatedPods: when pods of equal or higher priority are
        nominated to the node, the pod must fit both with them counted and without them."""
        others = [p for p in nominated if p.uid != pod.uid and p.priority >= pod.priority]
        if not others:
            return self.run_filter_plugins(state, pod, node_info)
        with_them, state_with = node_info.clone(), state.clone()
        for other in others:
            assumed = other.with_node(node_info.name)
            with_them.add_pod(assumed)
            self.run_pre_filter_extension_add_pod(state_with, pod, assumed, with_them)
        status = self.run_filter_plugins(state_with, pod, with_them)
        if status is not None:
            return status
        return self.run_filter_plugins(state, pod, node_info)

    def run_post_filter_plugins(
        self, state: CycleState, pod: PodInfo, statuses: NodeToStatus
    ) -> tuple[PostFilterResult | None, Status]:
        result: PostFilterResult | None = None
        reasons: list[str] = []
        rejector = ""
        for plugin in self.post_filter:
            answer, status = plugin.post_filter(state, pod, statuses)
            if status.is_success():
                return answer, status
            if status.code is Code.UNSCHEDULABLE_AND_UNRESOLVABLE:
                return answer, status.with_plugin(plugin.name)
            if not status.is_rejected():
                return None, Status(Code.ERROR, status.message(), plugin=plugin.name)
            if answer is not None and answer.nominating_info is not None:
                result = answer
            reasons.extend(status.reasons)
            rejector = rejector or plugin.name
        return result, Status(Code.UNSCHEDULABLE, *reasons, plugin=rejector)

    def run_pre_score_plugins(
        self, state: CycleState, pod: PodInfo, nodes: list[NodeInfo]
    ) -> Status | None:
        skipped: set[str] = set()
        for plugin in self.pre_score:
            try:
                status = plugin.pre_score(state, pod, nodes)
            except Exception as error:
                # RunPreScorePlugins: "running PreScore plugin %q: %w"
                raise StatusError(
                    Status(
                        Code.ERROR,
                        f'running PreScore plugin "{plugin.name}": {describe(error)}',
                        plugin=plugin.name,
                    )
                ) from error
            if status is SKIP or (status is not None and status.is_skip()):
                skipped.add(plugin.name)
            elif status is not None and not status.is_success():
                return Status(Code.ERROR, status.message(), plugin=plugin.name)
        state.skip_score_plugins = frozenset(skipped)
        return None

    def run_score_plugins(
        self, state: CycleState, pod: PodInfo, nodes: list[NodeInfo]
    ) -> tuple[dict[str, list[int]], list[int]]:
        """Score, NormalizeScore, then weight: ({plugin: weighted scores}, totals), in the
        order of `nodes`."""
        per_plugin: dict[str, list[int]] = {}
        totals = [0] * len(nodes)
        for plugin in self.score:
            if plugin.name in state.skip_score_plugins:
                continue
            try:
                scores = plugin.score_nodes(state, pod, nodes)
            except Exception as error:
                # RunScorePlugins: "running Score plugins: %w" of "plugin %q failed with: %w"
                raise StatusError(
                    Status(
                        Code.ERROR,
                        f'running Score plugins: plugin "{plugin.name}" failed with: '
                        f"{describe(error)}",
                        plugin=plugin.name,
                    )
                ) from error
            try:
                plugin.normalize_score(state, pod, nodes, scores)
            except Exception as error:
                raise StatusError(
                    Status(
                        Code.ERROR,
                        f'running Normalize on Score plugins: plugin "{plugin.name}" failed '
                        f"with: {describe(error)}",
                        plugin=plugin.name,
                    )
                ) from error
            weight = self.weights.get(plugin.name, 1)
            if weight != 1:
                scores = [score * weight for score in scores]
            per_plugin[plugin.name] = scores
            totals = list(map(operator.add, totals, scores))
        return per_plugin, totals

    def run_reserve_plugins_reserve(
        self, state: CycleState, pod: PodInfo, node_name: str
    ) -> Status | None:
        for plugin in self.reserve:
            status = plugin.reserve(state, pod, node_name)
            if status is not None and not status.is_success():
                return status.with_plugin(plugin.name)
        return None

    def run_reserve_plugins_unreserve(
        self, state: CycleState, pod: PodInfo, node_name: str
    ) -> None:
        for plugin in reversed(self.reserve):
            plugin.unreserve(state, pod, node_name)

    def run_permit_plugins(
        self, state: CycleState, pod: PodInfo, node_name: str
    ) -> tuple[Status | None, float]:
        """(the first rejection, or Wait with the longest wait asked, or None)."""
        wait = 0.0
        for plugin in self.permit:
            status, timeout = plugin.permit(state, pod, node_name)
            if status is None or status.is_success():
                continue
            if status.code is Code.WAIT:
                wait = max(wait, timeout)
                continue
            return status.with_plugin(plugin.name), 0.0
        return (Status(Code.WAIT), wait) if wait else (None, 0.0)

    def run_pre_bind_plugins(self, state: CycleState, pod: PodInfo, node_name: str) -> Gen:
        for plugin in self.pre_bind:
            status = yield from plugin.pre_bind(state, pod, node_name)
            if status is not None and not status.is_success():
                if status.is_rejected():
                    return status.with_plugin(plugin.name)
                return Status(
                    Code.ERROR,
                    f'running PreBind plugin "{plugin.name}": {status.message()}',
                    plugin=plugin.name,
                )
        return None

    def run_bind_plugins(self, state: CycleState, pod: PodInfo, node_name: str) -> Gen:
        for plugin in self.bind:
            status = yield from plugin.bind(state, pod, node_name)
            if status is not None and status.is_skip():
                continue
            if status is not None and not status.is_success():
                if status.is_rejected():
                    return status.with_plugin(plugin.name)
                return Status(
                    Code.ERROR,
                    f'running Bind plugin "{plugin.name}": {status.message()}',
                    plugin=plugin.name,
                )
            return None
        return Status(Code.ERROR, "no bind plugin bound the pod")

    def run_post_bind_plugins(self, state: CycleState, pod: PodInfo, node_name: str) -> None:
        for plugin in self.post_bind:
            plugin.post_bind(state, pod, node_name)


def _filter_error(plugin: str, error: Exception) -> Status:
    """RunFilterPlugins: fwk.AsStatus(fmt.Errorf("running %q filter plugin: %w", ...))."""
    return Status(Code.ERROR, f'running "{plugin}" filter plugin: {describe(error)}', plugin=plugin)
