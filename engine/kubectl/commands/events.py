"""kubectl events (staging/src/k8s.io/kubectl/pkg/cmd/events/events.go, event_printer.go).

Lists core/v1 Events (optionally those of one object, `--for kind/name`), oldest first, as
`LAST SEEN  TYPE  REASON  OBJECT  MESSAGE`; `-w` keeps watching and prints each new event.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from engine.apiserver.registry import strategy
from engine.apiserver.request import Response
from engine.apiserver.resources import BY_NAME
from engine.kubectl import cmdutil, printers, tabwriter
from engine.kubectl.builder import resolve_type, resource_path
from engine.kubectl.cli import command
from engine.kubectl.context import Context
from engine.kubectl.errors import KubectlError
from engine.kubectl.flags import Flag, Parsed
from engine.kubectl.watching import watch_until
from engine.timeutil import human_duration, parse_rfc3339

Gen = Generator[Any, Any, Any]

EVENTS = BY_NAME["events"]
HEADINGS = ("LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE")
# events.go AllowedFormats
FORMATS = (
    "go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,kyaml,"
    "name,template,templatefile,yaml"
)


@command(
    "events",
    Flag("all-namespaces", "A", kind="bool", default=False),
    Flag("for", default=""),
    Flag("types", kind="list"),
    Flag("watch", "w", kind="bool", default=False),
    Flag("no-headers", kind="bool", default=False),
    Flag("output", "o", default=""),
    Flag("chunk-size", kind="int", default=500),
    summary="List events",
)
def events(ctx: Context, flags: Parsed) -> Gen:
    if flags.output not in ("", "yaml", "json", "name"):
        raise KubectlError(
            f"error: unable to match a printer suitable for the output format "
            f'"{flags.output}", allowed formats are: {FORMATS}'
        )
    types = [t for t in flags.types]
    if any(t.lower() not in ("normal", "warning") for t in types):
        raise KubectlError("error: valid --types are Normal or Warning")
    query = {"limit": str(flags.chunk_size)} if flags.chunk_size > 0 else {}
    if flags.values["for"]:
        query = {"fieldSelector": _for_selector(flags.values["for"]), **query}
    path = resource_path(EVENTS, "" if flags.all_namespaces else ctx.namespace)
    wanted = {t.lower() for t in types}

    def shown(event: dict[str, Any]) -> bool:
        return not wanted or str(event.get("type", "")).lower() in wanted

    if flags.watch:
        yield from _watch(ctx, flags, path, query, shown)
        return
    response: Response = yield from ctx.request("GET", path, query=query)
    listed = [e for e in ctx.must(response).get("items") or [] if shown(e)]
    if not listed:
        ctx.err(
            "No events found.\n"
            if flags.all_namespaces
            else f"No events found in {ctx.namespace} namespace.\n"
        )
        return
    listed.sort(key=_event_time)  # SortableEvents (a stable sort for lists this short)
    if flags.output == "name":
        return  # the name printer finds no kind on the typed list items: it prints nothing
    if flags.output in ("yaml", "json"):
        document = {
            "kind": "EventList",
            "apiVersion": "v1",
            "metadata": {},
            "items": [_typed(e) for e in listed],
        }
        ctx.out(
            printers.print_yaml(document)
            if flags.output == "yaml"
            else cmdutil.typed_json(document)
        )
        return
    rows = [] if flags.no_headers else [_headings(flags)]
    rows += [_row(e, flags, ctx.now) for e in listed]
    text = "".join("\t".join(row) + "\n" for row in rows)
    ctx.out(tabwriter.align(text, minwidth=tabwriter.GET_MINWIDTH, padding=tabwriter.GET_PADDING))


def _for_selector(target: str) -> str:
    """--for kind/name: the object's kind and apiVersion from discovery, and its name."""
    kind, slash, name = target.partition("/")
    if not slash or not kind or not name:
        raise KubectlError("error: --for must be in resource/name form")
    try:
        resource = resolve_type(kind)
    except KubectlError:
        # events.go prints the RESTMapper's error as is, without kubectl's "error: "
        raise KubectlError(f'the server doesn\'t have a resource type "{kind}"') from None
    return (
        f"involvedObject.kind={resource.kind},involvedObject.apiVersion="
        f"{resource.api_version},involvedObject.name={name}"
    )


def _watch(ctx: Context, flags: Parsed, path: str, query: dict[str, str], shown: Any) -> Gen:
    """-w: one watch (its synthetic ADDED events first), a row per event, each flushed at
    once through a tabwriter that remembers column widths (liggitt/tabwriter
    RememberWidths), until --request-timeout or until the cluster has nothing left to do."""
    widths: list[int] = []
    headed = flags.no_headers

    def show(event_type: str, event: dict[str, Any]) -> None:
        nonlocal headed
        if event_type in ("DELETED", "BOOKMARK") or not shown(event):
            return
        rows = [] if headed else [_headings(flags)]
        headed = True
        ctx.out(_flush([*rows, _row(event, flags, ctx.now)], widths))

    timeout = cmdutil.request_timeout(str(flags.request_timeout))
    yield from watch_until(ctx, path, query, show, lambda _t, _o: False, timeout)


def _flush(rows: list[list[str]], widths: list[int]) -> str:
    """One tabwriter Flush with RememberWidths: a column is never narrower than before."""
    columns = len(rows[0]) - 1  # the last cell is never padded
    for index in range(columns):
        cells = max(len(row[index]) + tabwriter.GET_PADDING for row in rows)
        width = max(tabwriter.GET_MINWIDTH, cells)
        if index < len(widths):
            widths[index] = max(widths[index], width)
        else:
            widths.append(width)
    return "".join(
        "".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:-1])) + row[-1] + "\n"
        for row in rows
    )


def _headings(flags: Parsed) -> list[str]:
    return (["NAMESPACE"] if flags.all_namespaces else []) + list(HEADINGS)


def _row(event: dict[str, Any], flags: Parsed, now: float) -> list[str]:
    """EventPrinter.printOneEvent."""
    involved = event.get("involvedObject") or {}
    row = [event["metadata"].get("namespace", "")] if flags.all_namespaces else []
    row += [
        _interval(event, now),
        event.get("type", ""),
        event.get("reason", ""),
        f"{involved.get('kind', '')}/{involved.get('name', '')}",
        str(event.get("message", "")).strip(),
    ]
    return [printers.write_escaped(cell) for cell in row]


def _interval(event: dict[str, Any], now: float) -> str:
    """event_printer.go getInterval: `<last> (x<count> over <first>)` for repeats."""
    first = (
        _since(event.get("eventTime"), now)
        if event.get("eventTime")
        else _since(event.get("firstTimestamp"), now)
    )
    series = event.get("series")
    if series:
        return (
            f"{_since(series.get('lastObservedTime'), now)} (x{series.get('count', 0)} "
            f"over {first})"
        )
    if event.get("count", 0) > 1:
        return f"{_since(event.get('lastTimestamp'), now)} (x{event['count']} over {first})"
    return first


def _since(stamp: str | None, now: float) -> str:
    if not stamp:
        return "<unknown>"
    return human_duration(now - parse_rfc3339(stamp))


def _event_time(event: dict[str, Any]) -> float:
    """events.go eventTime: series.lastObservedTime, else lastTimestamp, else eventTime."""
    series = event.get("series") or {}
    for stamp in (
        series.get("lastObservedTime"),
        event.get("lastTimestamp"),
        event.get("eventTime"),
    ):
        if stamp:
            return parse_rfc3339(stamp)
    return float("-inf")


# core/v1 Event's fields in struct order; kubectl holds events as typed objects, so fields
# without omitempty print even when unset (times as null, strings as "").
_TYPED_FIELDS: tuple[tuple[str, Any], ...] = (
    ("metadata", {}),
    ("involvedObject", {}),
    ("reason", None),
    ("message", None),
    ("source", {}),
    ("firstTimestamp", "null"),
    ("lastTimestamp", "null"),
    ("count", None),
    ("type", None),
    ("eventTime", "null"),
    ("series", None),
    ("action", None),
    ("related", None),
    ("reportingComponent", ""),
    ("reportingInstance", ""),
)


def _typed(event: dict[str, Any]) -> dict[str, Any]:
    typed: dict[str, Any] = {"kind": "Event", "apiVersion": "v1"}
    for field, default in _TYPED_FIELDS:
        value = event.get(field)
        if value in (None, "", 0, {}) and default is None:
            continue
        if value is None:
            value = None if default == "null" else default
        typed[field] = value
    meta = {k: v for k, v in typed["metadata"].items() if k != "managedFields"}
    typed["metadata"] = strategy.ordered({"metadata": meta})["metadata"]  # ObjectMeta order
    return typed
