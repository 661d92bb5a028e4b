"""A trace's story as text: what `podlife play --story` prints and tests/golden/stories hold.

One line per story-level event (docs/trace.md, "Levels"): a milestone with its seed step first
(`Step 2/5` of a Pod's story, `Step 1/4` of a Deployment's), then its headline; a narration,
or a milestone outside the seeds' steps (a node failing), with no step, indented to match.
Reviewed like the kubectl transcripts, so a change to what a beginner is told shows up as a
diff.
"""

from __future__ import annotations

from collections.abc import Iterable

from engine.trace import TraceEvent
from engine.tracekinds import EventKind, Level


def story_lines(events: Iterable[TraceEvent]) -> list[str]:
    lines = []
    for event in events:
        if event.level is not Level.STORY:
            continue
        text = " ".join(event.summary.split())  # a narration may wrap over lines
        if event.kind is EventKind.MILESTONE and event.data["step"] is not None:
            lines.append(f"Step {event.data['step']}/{event.data['of']}  {text}")
        else:
            lines.append(f"          {text}")
    return lines


def story(events: Iterable[TraceEvent]) -> str:
    return "".join(line + "\n" for line in story_lines(events))
