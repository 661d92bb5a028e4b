"""kubectl's generic describer (staging/src/k8s.io/kubectl/pkg/describe/describe.go
genericDescriber, printUnstructuredContent, smartLabelFor): for a kind kubectl has no describer
of its own, every field of the object, sorted, each name turned into words ("apiGroups" is
"API Groups"), then the events."""

from __future__ import annotations

from typing import Any

from engine.kubectl.describe_writer import (
    LEVEL_0,
    PrefixWriter,
    describe_events,
    print_annotations,
    print_labels,
    tabbed,
)

Obj = dict[str, Any]
_SKIPPED = (
    ".metadata.managedFields",
    ".metadata.name",
    ".metadata.namespace",
    ".metadata.labels",
    ".metadata.annotations",
)
_ACRONYMS = ("API", "URL", "UID", "OSB", "GUID")


def describe_generic(obj: Obj, events: list[Obj] | None, now: float) -> str:
    meta = obj.get("metadata") or {}

    def body(w: PrefixWriter) -> None:
        w.write(LEVEL_0, f"Name:\t{meta.get('name', '')}\n")
        w.write(LEVEL_0, f"Namespace:\t{meta.get('namespace', '')}\n")
        print_labels(w, "Labels", meta.get("labels"))
        print_annotations(w, "Annotations", meta.get("annotations"))
        _content(w, LEVEL_0, obj, "")
        if events is not None:
            describe_events(w, events, now)

    return tabbed(body)


def _content(w: PrefixWriter, level: int, content: Obj, prefix: str) -> None:
    """printUnstructuredContent."""
    for name in sorted(content):
        value, path = content[name], f"{prefix}.{name}"
        if path in _SKIPPED:
            continue
        if isinstance(value, dict):
            w.write(level, f"{smart_label(name)}:\n")
            _content(w, level + 1, value, path)
        elif isinstance(value, list):
            w.write(level, f"{smart_label(name)}:\n")
            for item in value:
                if isinstance(item, dict):
                    _content(w, level + 1, item, path)
                else:
                    w.write(level + 1, f"{_go_value(item)}\n")
        else:
            w.write(level, f"{smart_label(name)}:\t{_go_value(value)}\n")


def _go_value(value: Any) -> str:
    """%v of a JSON value as unstructured holds it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "<nil>"
    return str(value)


def smart_label(name: str) -> str:
    """smartLabelFor: camelCase split into Title Case words, acronyms upper-cased; a name
    with anything but letters and '-' is kept as it is."""
    if any(not (c.isalpha() or c == "-") for c in name):
        return name
    words = []
    for part in _camelcase_split(name):
        if part == "_":
            continue
        words.append(part.upper() if part.upper() in _ACRONYMS else part[:1].upper() + part[1:])
    return " ".join(words)


def _camelcase_split(text: str) -> list[str]:
    """github.com/fatih/camelcase Split: runs of one character class (lower, upper, digit,
    other); an upper-case run followed by a lower-case one gives it its last letter
    ("PDFLoader" is "PDF", "Loader")."""

    def kind(c: str) -> int:
        return 1 if c.islower() else 2 if c.isupper() else 3 if c.isdigit() else 4

    runs: list[list[str]] = []
    for c in text:
        if runs and kind(runs[-1][0]) == kind(c):
            runs[-1].append(c)
        else:
            runs.append([c])
    for i in range(len(runs) - 1):
        if runs[i][0].isupper() and runs[i + 1][0].islower():
            runs[i + 1].insert(0, runs[i].pop())
    return ["".join(run) for run in runs if run]
