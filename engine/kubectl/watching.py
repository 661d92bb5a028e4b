"""Waiting the way kubectl waits: a watch request, then events until a condition holds."""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Any

from engine.apiserver.request import Response
from engine.kubectl.context import Context
from engine.kubectl.errors import KubectlError, api_error_text

Gen = Generator[Any, Any, Any]
EventHandler = Callable[[str, dict[str, Any]], None]
Condition = Callable[[str, dict[str, Any]], bool]


def watch_until(
    ctx: Context,
    path: str,
    query: dict[str, str],
    on_event: EventHandler,
    done: Condition,
    timeout: float,
) -> Gen:
    """Watch `path` until `done` holds (True), `timeout` virtual seconds pass (False), or —
    with no timeout — until the simulated cluster has nothing left to do (False)."""
    response: Response = yield from ctx.request("GET", path, query={**query, "watch": "true"})
    if not response.ok:
        raise KubectlError(api_error_text(response.body))
    env = ctx.env
    finished = env.event()

    def finish(value: bool) -> None:
        if not finished.triggered:
            finished.succeed(value)

    def handle(event_type: str, obj: dict[str, Any]) -> None:
        if finished.triggered:
            return
        on_event(event_type, obj)
        if done(event_type, obj):
            finish(True)

    watch = response.watch
    watch.start(handle, lambda: finish(False))
    if timeout:
        env.schedule(timeout, lambda: finish(False), background=True)
    else:
        env.on_idle(lambda: finish(False))
    result: bool = yield finished
    watch.stop()
    return result
