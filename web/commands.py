"""A kubectl command the page is waiting for: its output streams as it prints, and the reply
goes back when it returns (or when it is interrupted by a fork, a reset or a lost page)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from gevent.event import Event

from engine import KubectlRun

Reply = dict[str, Any]


@dataclass
class Command:
    id: str | int | None  # the page's id for it, echoed in `kubectl-output` and the reply
    line: str
    run: KubectlRun
    started: float  # virtual time it started, for kubectl's wait limit
    decorate: Callable[[Reply], None] | None = None  # adds apply's editor errors to the reply
    streamed: int = 0  # output chunks already sent as `kubectl-output`
    reply: Reply | None = None
    finished: Event = field(default_factory=Event)

    def unsent(self) -> list[tuple[str, str]]:
        chunks = self.run.result.output[self.streamed :]
        self.streamed += len(chunks)
        return chunks

    def finish(self, seq: int) -> Reply:
        """The reply once kubectl has returned; `seq` is the last trace event by then."""
        result = self.run.result
        reply: Reply = {
            "ok": True,
            "id": self.id,
            "command": f"kubectl {self.line}",
            "output": [[stream, text] for stream, text in result.output],
            "exit_code": result.exit_code,
            "streamed": self.streamed,
            "seq": seq,
        }
        if self.decorate is not None:
            self.decorate(reply)
        return self._settle(reply)

    def interrupt(self, reason: str) -> Reply:
        return self._settle(
            {
                "ok": False,
                "id": self.id,
                "error": f"kubectl {self.line} was interrupted: {reason}",
                "output": [[stream, text] for stream, text in self.run.result.output],
                "streamed": self.streamed,
            }
        )

    def _settle(self, reply: Reply) -> Reply:
        if self.reply is not None:  # settled once: interrupted, it stays interrupted
            return self.reply
        self.reply = reply
        self.finished.set()
        return reply
