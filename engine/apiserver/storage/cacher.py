"""Watch fan-out: etcd tells the API server's watch cache of each change, and the cache tells
every client whose watch it matches (the Cacher in staging/src/k8s.io/apiserver/pkg/storage/cacher).

Pods watched by node name (every kubelet watches `spec.nodeName=<its node>`) are found through an
index, as the real cacher's "indexed triggers" do, so a thousand kubelets do not each look at
every pod change.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from engine.apiserver.resources import ResourceType
from engine.sim import Environment
from engine.trace import Step, Trace, ref_of

WatchHandler = Callable[[str, dict[str, Any]], None]
Matcher = Callable[[dict[str, Any]], bool]


class Watch:
    """One client's watch stream. The consumer sets `on_event` (and `on_close`)."""

    def __init__(
        self,
        resource: ResourceType,
        watcher_id: str,
        matches: Matcher,
        node_name: str | None,
        step: Step,
    ) -> None:
        self.resource = resource
        self.watcher_id = watcher_id  # the component id, for the trace
        self.matches = matches
        self.node_name = node_name  # set when the watch selects spec.nodeName=<node>
        self.step = step
        self.on_event: WatchHandler | None = None
        self.on_close: Callable[[], None] | None = None
        self.closed = False
        self.backlog: list[tuple[str, dict[str, Any]]] = []  # events before on_event is set
        # The etcd revision its initial events (or history) were read at: changes up to it,
        # still on their way to the watch cache, are not sent again.
        self.covered = 0

    def deliver(self, kind: str, obj: dict[str, Any]) -> None:
        if self.closed:
            return
        if self.on_event is None:
            self.backlog.append((kind, obj))
        else:
            self.on_event(kind, obj)

    def start(self, on_event: WatchHandler, on_close: Callable[[], None] | None = None) -> None:
        self.on_event, self.on_close = on_event, on_close
        backlog, self.backlog = self.backlog, []
        for kind, obj in backlog:
            on_event(kind, obj)

    def stop(self) -> None:
        if not self.closed:
            self.closed = True
            if self.on_close:
                self.on_close()


class WatchCache:
    """Per-resource registry of client watches, fed by one etcd watch per resource."""

    def __init__(self, env: Environment, trace: Trace, delivery: float) -> None:
        self.env = env
        self.trace = trace
        self.delivery = delivery
        self._general: dict[str, list[Watch]] = {}
        self._by_node: dict[str, dict[str, list[Watch]]] = {}

    def add(self, watch: Watch) -> None:
        if watch.node_name is not None:
            nodes = self._by_node.setdefault(watch.resource.name, {})
            nodes.setdefault(watch.node_name, []).append(watch)
        else:
            self._general.setdefault(watch.resource.name, []).append(watch)

    def remove(self, watch: Watch) -> None:
        if watch.node_name is not None:
            bucket = self._by_node.get(watch.resource.name, {}).get(watch.node_name, [])
        else:
            bucket = self._general.get(watch.resource.name, [])
        if watch in bucket:
            bucket.remove(watch)

    def watched(self, resource: str) -> bool:
        """Whether any watch on `resource` is registered (closed ones included)."""
        return bool(self._general.get(resource)) or any(self._by_node.get(resource, {}).values())

    def candidates(self, resource: str, *objs: dict[str, Any] | None) -> list[Watch]:
        found = list(self._general.get(resource, ()))
        nodes = self._by_node.get(resource)
        if nodes:
            seen: set[str] = set()
            for obj in objs:
                node = (obj or {}).get("spec", {}).get("nodeName", "")
                if node not in seen:
                    seen.add(node)
                    found.extend(nodes.get(node, ()))
        return found

    def dispatch(
        self, resource: ResourceType, old: dict[str, Any] | None, new: dict[str, Any] | None
    ) -> None:
        """Send one stored change to every watch it concerns, as ADDED/MODIFIED/DELETED.

        A change that moves an object into or out of a watch's selector is an ADDED or a
        DELETED for that watch, as the cacher does. A watch opened after the change was
        stored, while it was still on its way here, read it from etcd already: the cacher
        registers a watch at the revision of the state it starts from and sends only what is
        newer (cacher.go Watch, watch_cache.go getAllEventsSinceLocked), so neither a
        duplicate nor an older version follows the newer one.
        """
        changed = new if new is not None else old
        assert changed is not None
        revision = int(changed["metadata"]["resourceVersion"])
        for watch in self.candidates(resource.name, old, new):
            if watch.closed or revision <= watch.covered:
                continue
            was = old is not None and watch.matches(old)
            now = new is not None and watch.matches(new)
            if was and now:
                kind, obj = "MODIFIED", new
            elif now:
                kind, obj = "ADDED", new
            elif was:
                kind, obj = "DELETED", old
            else:
                continue
            assert obj is not None
            self.send(watch, kind, obj)

    def send(self, watch: Watch, kind: str, obj: dict[str, Any]) -> None:
        ref = ref_of(obj)
        self.trace.emit(
            "api-server",
            watch.watcher_id,
            "watch-event",
            f"{kind} {watch.resource.singular} {_name(ref.namespace, ref.name)}"
            f" (resourceVersion {obj['metadata'].get('resourceVersion', '')})",
            step=watch.step,
            obj=ref,
            duration=self.delivery,
            data={"type": kind, "resourceVersion": obj["metadata"].get("resourceVersion", "")},
        )
        self.env.schedule(self.delivery, lambda: watch.deliver(kind, obj))


def _name(namespace: str, name: str) -> str:
    return f"{namespace}/{name}" if namespace else name
