"""The kubelet's pod source (pkg/kubelet/config/apiserver.go): a reflector on the pods bound to
this node (`fieldSelector=spec.nodeName=<node>`, which the API server's watch cache indexes).

Unlike a controller's informer it can be stopped and started again: a kubelet that fails stops
watching, and one that comes back lists again — the differences reach its handlers as adds,
updates and deletes.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from typing import Any

from engine.apiserver.request import Response
from engine.client.informer import Informer
from engine.sim import Event

Gen = Generator[Any, Any, Any]


@dataclass
class PodSource(Informer):
    generation: int = 0
    current_watch: Any = None

    def start(self) -> Event:
        env = self.client.cluster.env
        self.generation += 1
        self.synced = env.event()
        self._running = True
        env.process(self._reflect_until_stopped(self.generation), "kubelet pod source")
        return self.synced

    def stop(self) -> None:
        self.generation += 1
        self._running = False
        if self.current_watch is not None:
            self.current_watch.stop()
            self.current_watch = None

    def _reflect_until_stopped(self, generation: int) -> Gen:
        env = self.client.cluster.env
        while self.generation == generation:
            listing: Response = yield from self.client.request(
                "GET", self._path(), query=self._query()
            )
            if self.generation != generation:
                return
            if not listing.ok:
                yield 1.0
                continue
            self._replace(listing.body["items"])
            assert self.synced is not None
            if not self.synced.triggered:
                self.synced.succeed(True)
            since = listing.body["metadata"]["resourceVersion"]
            response: Response = yield from self.client.request(
                "GET",
                self._path(),
                query={
                    **self._query(),
                    "watch": "true",
                    "resourceVersion": since,
                    "allowWatchBookmarks": "true",
                },
            )
            if self.generation != generation:
                if response.watch is not None:
                    response.watch.stop()
                return
            if not response.ok:
                yield 1.0
                continue
            ended = env.event()
            self.current_watch = response.watch

            def finish(ended: Event = ended) -> None:
                if not ended.triggered:
                    ended.succeed()

            response.watch.start(self._on_event, finish)
            yield ended
