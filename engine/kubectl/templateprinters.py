"""The template output formats (cli-runtime/pkg/printers jsonpath.go JSONPathPrinter, template.go
GoTemplatePrinter; kubectl/pkg/cmd/get/customcolumn.go CustomColumnsPrinter): `-o
jsonpath=…`, `-o jsonpath-as-json=…`, `-o go-template=…` (also `template=`), `-o
custom-columns=…`, or the format alone with the template in `--template`.

Each prints one object as kubectl received it; a list request prints its v1 List (a template
reaches the objects through `.items`, custom columns print a row per item).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from engine.kubectl import gotemplate, jsonpath, tabwriter
from engine.kubectl.errors import KubectlError

Printer = Callable[[dict[str, Any]], str]

_JSONPATH = ("jsonpath", "jsonpath-as-json")
_GO_TEMPLATE = ("go-template", "template")
FORMATS = (*_JSONPATH, *_GO_TEMPLATE, "custom-columns")


def is_template(output: str) -> bool:
    return output.partition("=")[0] in FORMATS


def printer(output: str, template: str = "", no_headers: bool = False) -> Printer:
    """PrintFlags.ToPrinter for the template formats; kubectl's refusals as KubectlError."""
    kind, _, given = output.partition("=")
    text = given or template
    if not text:
        if kind == "custom-columns":
            raise KubectlError("error: custom-columns format specified but no custom columns given")
        raise KubectlError("error: template format specified but no template given")
    if kind in _JSONPATH:
        try:
            nodes = jsonpath.parse(text)
        except jsonpath.JSONPathError as error:
            raise KubectlError(f"error: error parsing jsonpath {text}, {error}") from None
        as_json = kind == "jsonpath-as-json"
        return lambda obj: _jsonpath(nodes, obj, text, as_json)
    if kind in _GO_TEMPLATE:
        try:
            parsed = gotemplate.parse(text)
        except gotemplate.TemplateError as error:
            raise KubectlError(f"error: error parsing template {text}, {error}") from None
        return lambda obj: _go_template(parsed, text, obj)
    return _custom_columns(text, no_headers)


def _jsonpath(nodes: list[Any], obj: dict[str, Any], text: str, as_json: bool) -> str:
    try:
        if not as_json:
            return jsonpath.execute_nodes(nodes, obj)
        # outputJSON: every path's results as one indented JSON array
        found = [
            value
            for node in nodes
            if node.kind == "path"
            for value in jsonpath.select(node.steps, obj)
        ]
        return json.dumps(found, indent=4, ensure_ascii=False) + "\n"
    except jsonpath.JSONPathError as error:
        raise KubectlError(f"error: error executing jsonpath {text!r}: {error}") from None


def _go_template(parsed: list[Any], text: str, obj: dict[str, Any]) -> str:
    try:
        return gotemplate.execute(parsed, obj)
    except gotemplate.TemplateError as error:
        raise KubectlError(f"error: error executing template {json.dumps(text)}: {error}") from None


def _custom_columns(spec: str, no_headers: bool) -> Printer:
    """NewCustomColumnsPrinterFromSpec: HEADER:PATH pairs, comma-separated."""
    columns: list[tuple[str, list[Any]]] = []
    for part in spec.split(","):
        pieces = part.split(":", 1)  # strings.SplitN(spec, ":", 2)
        if len(pieces) != 2:
            raise KubectlError(
                f"error: unexpected custom-columns spec: {part}, expected <header>:<json-path-expr>"
            )
        header, path = pieces
        try:
            nodes = jsonpath.parse(jsonpath.relaxed(path))
        except jsonpath.JSONPathError as error:
            raise KubectlError(f"error: {error}") from None
        columns.append((header, nodes))

    def print_rows(obj: dict[str, Any]) -> str:
        items = obj["items"] if obj.get("kind") == "List" else [obj]
        rows = [] if no_headers else ["\t".join(h for h, _ in columns) + "\n"]
        for item in items:
            cells = []
            for _, nodes in columns:
                values = [
                    v
                    for node in nodes
                    if node.kind == "path"
                    for v in jsonpath.select(node.steps, item)
                ]
                cells.append(",".join(jsonpath.go_value(v) for v in values) if values else "<none>")
            rows.append("\t".join(cells) + "\n")
        return tabwriter.align(
            "".join(rows), minwidth=tabwriter.GET_MINWIDTH, padding=tabwriter.GET_PADDING
        )

    return print_rows


def _values(nodes: list[Any], obj: Any) -> list[Any]:
    """What every path of a template selects, in order."""
    return [v for node in nodes if node.kind == "path" for v in jsonpath.select(node.steps, obj)]
