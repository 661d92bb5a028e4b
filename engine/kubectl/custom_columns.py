"""`kubectl get -o custom-columns=HEADER:PATH,...` (staging/src/k8s.io/kubectl/pkg/cmd/get/
customcolumn.go): one column per spec entry under its header as given, each cell the values its
relaxed JSONPath selects, printed as Go's fmt `%v` prints the decoded JSON, `<none>` when it
selects nothing; aligned by the tabwriter every `get` table uses."""

from __future__ import annotations

from typing import Any

from engine.kubectl import jsonpath, tabwriter
from engine.kubectl.errors import KubectlError


def columns(spec: str) -> list[tuple[str, str]]:
    """NewCustomColumnsPrinterFromSpec: (header, `{.path}`) for each `HEADER:PATH`."""
    if not spec:
        raise KubectlError("error: custom-columns format specified but no custom columns given")
    found = []
    for part in spec.split(","):
        header, sep, path = part.partition(":")
        if not sep:
            raise KubectlError(
                f"error: unexpected custom-columns spec: {part}, expected <header>:<json-path-expr>"
            )
        try:
            found.append((header, jsonpath.relaxed(path)))
        except jsonpath.JSONPathError as error:
            raise KubectlError(f"error: {error}") from None
    return found


def print_objects(spec: list[tuple[str, str]], objects: list[Any], no_headers: bool) -> str:
    lines = [] if no_headers else ["\t".join(header for header, _ in spec)]
    for obj in objects:
        cells = []
        for _, path in spec:
            try:
                values = jsonpath.find(path, obj)
            except jsonpath.JSONPathError as error:
                raise KubectlError(f"error: {error}") from None
            cells.append(",".join(go_value(v) for v in values) if values else "<none>")
        lines.append("\t".join(cells))
    text = "".join(line + "\n" for line in lines)
    return tabwriter.align(text, minwidth=tabwriter.GET_MINWIDTH, padding=tabwriter.GET_PADDING)


def go_value(value: Any) -> str:
    """fmt.Sprintf("%v") of an unstructured JSON value: maps with sorted keys, lists with
    spaces, numbers as Go decodes them (integers stay integers)."""
    if isinstance(value, dict):
        return "map[" + " ".join(f"{k}:{go_value(value[k])}" for k in sorted(value)) + "]"
    if isinstance(value, list):
        return "[" + " ".join(go_value(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "<nil>"
    return str(value)
