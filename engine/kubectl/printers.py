"""kubectl's output printers: tables (`kubectl get`), `-o yaml`, `-o json`, `-o name`.

The API server does the per-kind work (a meta.k8s.io/v1 Table, see engine/apiserver/tables.py);
kubectl only decorates and aligns it. Sources:
- staging/src/k8s.io/cli-runtime/pkg/printers/tableprinter.go (HumanReadablePrinter.PrintObj,
  decorateTable, printTable, formatLabelHeaders, appendLabelCells),
- staging/src/k8s.io/cli-runtime/pkg/printers/tabwriter.go (GetNewTabWriter),
- staging/src/k8s.io/cli-runtime/pkg/printers/{json,yaml,name}.go,
- staging/src/k8s.io/kubectl/pkg/cmd/get/get.go (printGeneric's List, "No resources found").
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from engine.apimachinery.labels import format_labels
from engine.kubectl import tabwriter, yaml_printer


def print_table(
    table: dict[str, Any],
    *,
    wide: bool = False,
    show_namespace: bool = False,
    show_labels: bool = False,
    no_headers: bool = False,
    label_columns: Sequence[str] | None = (),
    kind_prefix: str = "",
) -> str:
    """What `kubectl get` writes to stdout for a server-side Table.

    `show_namespace` is `-A`; `label_columns` is `-L key`; `kind_prefix` (e.g. `pod`, or
    `deployment.apps`) is set when one command prints several kinds and names become
    `pod/web`. An empty table prints nothing: the caller then writes
    `no_resources_found()` to stderr.
    """
    columns, rows = _decorate(
        table, show_namespace, show_labels, list(label_columns or ()), kind_prefix
    )
    lines: list[str] = []
    if not no_headers:
        if not rows:  # printTable: "avoid printing headers if we have no rows to display"
            return ""
        lines.append("\t".join(c["name"].upper() for c in columns if wide or not c["priority"]))
    for cells in rows:
        shown = []
        for index, cell in enumerate(cells):
            if index >= len(columns):  # https://issue.k8s.io/66379: ignore extra cells
                break
            if wide or not columns[index]["priority"]:
                shown.append(_format_cell(cell))
        lines.append("\t".join(shown))
    text = "".join(line + "\n" for line in lines)
    return tabwriter.align(text, minwidth=tabwriter.GET_MINWIDTH, padding=tabwriter.GET_PADDING)


def no_resources_found(namespace: str = "") -> str:
    """get.go's stderr line when nothing was printed. Pass "" for cluster-scoped resources
    and `--all-namespaces`, which get the namespace-less wording."""
    if not namespace:
        return "No resources found\n"
    return f"No resources found in {namespace} namespace.\n"


def _decorate(
    table: dict[str, Any],
    show_namespace: bool,
    show_labels: bool,
    label_columns: list[str],
    kind_prefix: str,
) -> tuple[list[dict[str, Any]], list[list[Any]]]:
    """tableprinter.go decorateTable: NAMESPACE first, `-L` columns then LABELS last."""
    columns = [
        {"name": c["name"], "priority": c.get("priority", 0), "format": c.get("format", "")}
        for c in table.get("columnDefinitions") or []
    ]
    name_column = -1
    if kind_prefix:
        name_column = next((i for i, c in enumerate(columns) if c["format"] == "name"), -1)
    if show_namespace:
        columns.insert(0, {"name": "Namespace", "priority": 0, "format": ""})
    for key in label_columns:
        # formatLabelHeaders: only the part after the last "/" names the column
        columns.append({"name": key.split("/")[-1], "priority": 0, "format": ""})
    if show_labels:
        columns.append({"name": "Labels", "priority": 0, "format": ""})

    rows = []
    for row in table.get("rows") or []:
        cells = list(row.get("cells") or [])
        if name_column != -1:
            cells[name_column] = f"{kind_prefix}/{cells[name_column]}"
        obj = row.get("object")
        metadata = obj.get("metadata") if isinstance(obj, dict) else None
        if metadata is None:
            # Without the object kubectl cannot fill these columns: it leaves them blank.
            if show_namespace:
                cells.insert(0, None)
            cells.extend([None] * (len(columns) - len(cells)))
        else:
            if show_namespace:
                cells.insert(0, metadata.get("namespace", ""))
            labels = metadata.get("labels") or {}
            cells.extend(labels.get(key, "") for key in label_columns)
            if show_labels:
                cells.append(format_labels(labels))
        rows.append(cells)
    return columns, rows


def _format_cell(cell: Any) -> str:
    """printTable: strings are cut at the first line break (with `...`), other values go
    through fmt.Sprint; a nil cell prints nothing."""
    if cell is None:
        return ""
    if isinstance(cell, str):
        for index, char in enumerate(cell):
            if char in "\f\n\r":
                return write_escaped(cell[:index]) + "..."
        return write_escaped(cell)
    if isinstance(cell, bool):
        return "true" if cell else "false"
    if isinstance(cell, float):
        # Cells arrive as JSON numbers; integral ones decode as int64.
        return str(int(cell)) if cell.is_integer() else repr(cell)
    return write_escaped(str(cell))


def write_escaped(text: str) -> str:
    """printers.WriteEscaped: never let a value drive the terminal (ESC) or rewind a line."""
    return text.replace("\x1b", "^[").replace("\r", "\\r")


# --- -o yaml / -o json / -o name ------------------------------------------------------------


def as_list(objects: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """get.go printGeneric: several objects (or a list request) are printed as one v1 List."""
    return {
        "apiVersion": "v1",
        "items": list(objects),
        "kind": "List",
        "metadata": {"resourceVersion": ""},
    }


def print_objects(
    objects: Sequence[dict[str, Any]], output: str, *, single_item_implied: bool
) -> str:
    """`kubectl get -o yaml|json|name`: one named object prints as itself, anything else as a
    List (`-o name` prints one line per object either way)."""
    if output == "name":
        return "".join(print_name(obj) for obj in objects)
    obj = objects[0] if single_item_implied and len(objects) == 1 else as_list(objects)
    if output == "yaml":
        return print_yaml(obj)
    if output == "json":
        return print_json(obj)
    raise ValueError(f"unsupported output format {output!r}")


def print_yaml(obj: dict[str, Any]) -> str:
    """`-o yaml` (cli-runtime printers/yaml.go via sigs.k8s.io/yaml)."""
    return yaml_printer.dump(obj)


def print_json(obj: Any) -> str:
    """`-o json`: json.MarshalIndent(obj, "", "    ") plus a newline (printers/json.go).

    kubectl holds fetched objects as unstructured maps, and Go marshals maps with sorted
    keys, so every object's keys come out in alphabetical order, not the server's.
    """
    return _json(obj, "") + "\n"


def print_name(obj: dict[str, Any]) -> str:
    """`-o name` (printers/name.go): `<kind>[.<group>]/<name>`, e.g. `deployment.apps/web`."""
    api_version = obj.get("apiVersion", "")
    group = api_version.split("/")[0] if "/" in api_version else ""
    kind = obj.get("kind", "").lower()
    resource = f"{kind}.{group}" if group else kind
    return f"{resource}/{obj.get('metadata', {}).get('name', '')}\n"


def _json(value: Any, indent: str) -> str:
    inner = indent + "    "
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = [f"{inner}{_json_string(str(k))}: {_json(value[k], inner)}" for k in sorted(value)]
        return "{\n" + ",\n".join(items) + "\n" + indent + "}"
    if isinstance(value, list | tuple):
        if not value:
            return "[]"
        return "[\n" + ",\n".join(inner + _json(v, inner) for v in value) + "\n" + indent + "]"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _json_float(value)
    return _json_string(str(value))


_JSON_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _json_string(text: str) -> str:
    """encoding/json: HTML-safe escaping (<, >, & as \\u003c...), \\u2028/\\u2029 escaped,
    other control characters as lower-case \\u00XX."""
    out = ['"']
    for char in text:
        if char in _JSON_ESCAPES:
            out.append(_JSON_ESCAPES[char])
        elif char < " " or char in "<>&\u2028\u2029":
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def _json_float(value: float) -> str:
    """encoding/json floatEncoder: shortest 'f' format, or 'e' when tiny or huge (e-07 -> e-7)."""
    if math.isnan(value) or math.isinf(value):
        raise ValueError(f"json: unsupported value: {value}")
    if value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    text = repr(value)  # shortest round-trip digits, like Go's precision -1
    if abs(value) < 1e-6 or abs(value) >= 1e21:
        if len(text) >= 4 and text[-4:-1] == "e-0":
            text = text[:-2] + text[-1]
        return text
    return format(Decimal(text), "f")
