"""The building blocks every `kubectl describe` shares: the indenting PrefixWriter over one
tabwriter, labels/annotations/taints/tolerations blocks, timestamps and the Events table.

Source: staging/src/k8s.io/kubectl/pkg/describe/describe.go (PrefixWriter, tabbedString,
printLabelsMultiline, printAnnotationsMultiline, printNodeTaintsMultiline,
printPodTolerationsMultiline, DescribeEvents, translateTimestampSince).

All of describe's alignment comes from writing "Label:\tvalue" lines into a single Go
tabwriter (minwidth 0, padding 2) and flushing once at the end, so a value column lines up
across every consecutive line that has a tab, and a heading line without a tab ("Containers:")
starts a new block.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from engine.kubectl import tabwriter
from engine.kubectl.printers import write_escaped
from engine.timeutil import human_duration, parse_rfc3339, to_datetime

Obj = dict[str, Any]

LEVEL_0, LEVEL_1, LEVEL_2, LEVEL_3, LEVEL_4 = range(5)
MAX_ANNOTATION_LEN = 140  # describe.go maxAnnotationLen
LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"  # skipAnnotations


class PrefixWriter:
    """describe.go prefixWriter: each level indents two spaces; text is terminal-escaped."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def write(self, level: int, text: str) -> None:
        self.parts.append(write_escaped("  " * level + text))

    def write_line(self, *values: str) -> None:
        """fmt.Sprintln: values joined by spaces, then a newline."""
        self.parts.append(write_escaped(" ".join(values) + "\n"))


def tabbed(body: Callable[[PrefixWriter], None]) -> str:
    """tabbedString: run `body` against a PrefixWriter and align the result."""
    writer = PrefixWriter()
    body(writer)
    text = "".join(writer.parts)
    return tabwriter.align(
        text, minwidth=tabwriter.DESCRIBE_MINWIDTH, padding=tabwriter.DESCRIBE_PADDING
    )


def rfc1123z(timestamp: str) -> str:
    """Time.Format(time.RFC1123Z), e.g. `Thu, 01 Jan 2026 00:00:05 +0000` (kubectl's clock
    is UTC in the simulation)."""
    return to_datetime(parse_rfc3339(timestamp)).strftime("%a, %d %b %Y %H:%M:%S +0000")


def time_text(timestamp: str | None) -> str:
    """A metav1.Time field formatted with RFC1123Z; unset prints as Go's zero time."""
    return rfc1123z(timestamp) if timestamp else "Mon, 01 Jan 0001 00:00:00 +0000"


def since(timestamp: str | None, now: float) -> str:
    """translateTimestampSince / translateMicroTimestampSince."""
    if not timestamp:
        return "<unknown>"
    return human_duration(now - parse_rfc3339(timestamp))


def print_labels(w: PrefixWriter, title: str, labels: dict[str, str] | None) -> None:
    """printLabelsMultiline: `Title:\\t<none>` or one sorted `k=v` per line."""
    print_labels_with_indent(w, "", title, labels)


def print_labels_with_indent(
    w: PrefixWriter, initial_indent: str, title: str, labels: dict[str, str] | None
) -> None:
    w.write(LEVEL_0, f"{initial_indent}{title}:\t")
    if not labels:
        w.write_line("<none>")
        return
    for index, key in enumerate(sorted(labels)):
        if index:
            w.write(LEVEL_0, initial_indent)
            w.write(LEVEL_0, "\t")
        w.write(LEVEL_0, f"{key}={labels[key]}\n")


def print_annotations(w: PrefixWriter, title: str, annotations: dict[str, str] | None) -> None:
    """printAnnotationsMultiline: sorted `key: value`, skipping last-applied-configuration;
    long or multi-line values go on their own lines, cut at 140 characters."""
    w.write(LEVEL_0, f"{title}:\t")
    keys = sorted(k for k in annotations or {} if k != LAST_APPLIED)
    if not keys:
        w.write_line("<none>")
        return
    assert annotations is not None
    for index, key in enumerate(keys):
        if index:
            w.write(LEVEL_0, "\t")
        value = annotations[key].removesuffix("\n")
        if len(value) + len(key) + 2 > MAX_ANNOTATION_LEN or "\n" in value:
            w.write(LEVEL_0, f"{key}:\n")
            for line in value.split("\n"):
                w.write(LEVEL_0, f"\t  {_shorten(line, MAX_ANNOTATION_LEN - 2)}\n")
        else:
            w.write(LEVEL_0, f"{key}: {value}\n")


def _shorten(text: str, limit: int) -> str:
    return text[:limit] + "..." if len(text) > limit else text


def print_list(w: PrefixWriter, title: str, lines: list[str], initial_indent: str = "") -> None:
    """The shared shape of printTaintsMultiline/printTolerationsMultiline: first entry beside
    the title, the rest aligned under it, `<none>` if empty."""
    w.write(LEVEL_0, f"{initial_indent}{title}:\t")
    if not lines:
        w.write_line("<none>")
        return
    for index, line in enumerate(lines):
        if index:
            w.write(LEVEL_0, initial_indent)
            w.write(LEVEL_0, "\t")
        w.write(LEVEL_0, f"{line}\n")


def taint_string(taint: Obj) -> str:
    """Taint.ToString: `key=value:Effect`, `key:Effect` without a value."""
    text = taint.get("key", "")
    if taint.get("value"):
        text += "=" + taint["value"]
    return text + (":" + taint["effect"] if taint.get("effect") else "")


def print_taints(w: PrefixWriter, title: str, taints: list[Obj] | None) -> None:
    """printNodeTaintsMultiline: sorted by effect then key."""
    ordered = sorted(taints or [], key=lambda t: f"{t.get('effect', '')},{t.get('key', '')}")
    print_list(w, title, [taint_string(t) for t in ordered])


def toleration_string(toleration: Obj) -> str:
    """printTolerationsMultilineWithIndent's per-toleration text, e.g.
    `node.kubernetes.io/not-ready:NoExecute op=Exists for 300s`."""
    key, value, effect = (toleration.get(k, "") for k in ("key", "value", "effect"))
    text = key + (f"={value}" if value else "") + (f":{effect}" if effect else "")
    if toleration.get("operator") == "Exists" and not value:
        text += " op=Exists" if key or effect else "op=Exists"
    if toleration.get("tolerationSeconds") is not None:
        text += f" for {toleration['tolerationSeconds']}s"
    return text


def print_tolerations(
    w: PrefixWriter, title: str, tolerations: list[Obj] | None, initial_indent: str = ""
) -> None:
    """printPodTolerationsMultiline: sorted by key (sort.Slice; stable here)."""
    ordered = sorted(tolerations or [], key=lambda t: t.get("key", ""))
    print_list(w, title, [toleration_string(t) for t in ordered], initial_indent)


def controlled_by(obj: Obj) -> str:
    """printController: `Kind/name` of the controller owner reference."""
    for ref in obj.get("metadata", {}).get("ownerReferences") or []:
        if ref.get("controller"):
            return f"{ref.get('kind', '')}/{ref.get('name', '')}"
    return ""


def _event_time(event: Obj) -> float:
    """event.SortableEvents ordering key: series.lastObservedTime, else lastTimestamp, else
    eventTime."""
    series = event.get("series")
    for stamp in (
        series.get("lastObservedTime") if series else None,
        event.get("lastTimestamp"),
        event.get("eventTime"),
    ):
        if stamp:
            return parse_rfc3339(stamp)
    return float("-inf")


def describe_events(w: PrefixWriter, events: Iterable[Obj] | None, now: float) -> None:
    """DescribeEvents. kubectl 1.35+ prefixes each message with the event's
    involvedObject.fieldPath (kubectl commit 60fa575b8), e.g.
    `spec.containers{app}: Container created`."""
    if events is None:  # --show-events=false
        return
    ordered = sorted(events, key=_event_time)
    if not ordered:
        w.write(LEVEL_0, "Events:\t<none>\n")
        return
    w.write(LEVEL_0, "Events:\n  Type\tReason\tAge\tFrom\tMessage\n")
    w.write(LEVEL_1, "----\t------\t----\t----\t-------\n")
    for event in ordered:
        first = since(event.get("eventTime"), now)
        if not event.get("eventTime"):
            first = since(event.get("firstTimestamp"), now)
        series = event.get("series")
        if series:
            last = since(series.get("lastObservedTime"), now)
            interval = f"{last} (x{series.get('count', 0)} over {first})"
        elif (event.get("count") or 0) > 1:
            last = since(event.get("lastTimestamp"), now)
            interval = f"{last} (x{event['count']} over {first})"
        else:
            interval = first
        source = (event.get("source") or {}).get("component") or event.get("reportingComponent", "")
        message = (event.get("message") or "").strip()
        field_path = (event.get("involvedObject") or {}).get("fieldPath", "")
        if field_path:
            message = f"{field_path}: {message}"
        w.write(
            LEVEL_1,
            f"{event.get('type', '')}\t{event.get('reason', '')}\t{interval}\t{source}\t"
            f"{message}\n",
        )
