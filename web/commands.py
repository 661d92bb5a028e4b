"""A kubectl command the page is waiting for: its output streams as it prints, and the reply
goes back when it returns (or when it is interrupted by a fork, a reset or a lost page)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
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
    since: int  # how many trace events there were when it started: its requests come after
    decorate: Callable[[Reply], None] | None = None  # adds apply's editor errors to the reply
    streamed: int = 0  # output chunks already sent as `kubectl-output`
    reply: Reply | None = None
    finished: Event = field(default_factory=Event)

    def unsent(self) -> list[tuple[str, str]]:
        chunks = self.run.result.output[self.streamed :]
        self.streamed += len(chunks)
        return chunks

    def finish(self, events: Sequence[Any]) -> Reply:
        """The reply once kubectl has returned; `events` is the trace by then."""
        result = self.run.result
        reply: Reply = {
            "ok": True,
            "id": self.id,
            "command": f"kubectl {self.line}",
            "output": [[stream, text] for stream, text in result.output],
            "exit_code": result.exit_code,
            "streamed": self.streamed,
            "seq": len(events),
            "answer_seq": self.answer_seq(events),
        }
        if self.decorate is not None:
            self.decorate(reply)
        return self._settle(reply)

    def answer_seq(self, events: Sequence[Any]) -> int | None:
        """The seq of the API server's response to kubectl's last request: where the stage
        shows kubectl getting the answer it prints. None when kubectl answered by itself (a
        manifest it cannot read, a flag it does not know)."""
        for index in range(len(events) - 1, self.since - 1, -1):
            if events[index].kind == "response" and events[index].target == "kubectl":
                return int(events[index].seq)
        return None

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
