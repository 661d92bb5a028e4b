"""kubectl's printers: table layout, -o yaml/json/name, list wrapping.

The golden files under tests/golden/printing/get_*.txt and yaml_*.txt are the output of the
real kubectl 1.37.1 binary, run against a throwaway API server that served these fixtures
(and, for tables, the Table this engine computes): they are ground truth, not snapshots of
this code. Never regenerate them from Podlife's own output.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from engine.apiserver.registry.kinds import STRATEGIES
from engine.apiserver.tables import to_table
from engine.kubectl import printers, tabwriter
from tests import printing_fixtures as F

GOLDEN = Path(__file__).parent / "golden" / "printing"
T0, NOW = 0, 330


def golden(name: str) -> str:
    return (GOLDEN / f"{name}.txt").read_text()


def _objects() -> dict[str, list[dict[str, Any]]]:
    return {
        "pods": [
            F.running_pod(T0),
            F.pending_pod(T0),
            F.crashloop_pod(T0),
            F.terminating_pod(T0),
            F.rich_pod(T0),
            F.completed_pod(T0),
            F.evicted_pod(T0),
        ],
        "deployments": [F.deployment(T0)],
        "replicasets": [F.replica_set(T0, new=False), F.replica_set(T0, new=True)],
        "nodes": [F.node(T0), F.cordoned_node(T0)],
        "namespaces": [F.namespace(T0)],
        "events": F.running_pod_events(T0)
        + F.crashloop_pod_events(T0)
        + F.pending_pod_events(T0)
        + F.deployment_events(T0)
        + F.replica_set_events(T0)
        + F.node_events(T0),
    }


def table(resource: str) -> dict[str, Any]:
    return to_table(STRATEGIES[resource].printer, _objects()[resource], NOW)


# --- tabwriter --------------------------------------------------------------------------------


def test_tabwriter_pads_columns_but_never_the_last_cell() -> None:
    text = "NAME\tAGE\nweb\t5m\nlonger-name\t1d\n"
    assert tabwriter.align(text, minwidth=6, padding=3) == (
        "NAME          AGE\nweb           5m\nlonger-name   1d\n"
    )


def test_tabwriter_aligns_blocks_of_consecutive_lines_only() -> None:
    # A line without a tab ends the block: describe's sections align independently.
    text = "Name:\tweb\nNamespace:\tdefault\nContainers:\n  app:\n    Image:\tnginx\n"
    assert tabwriter.align(text, minwidth=0, padding=2) == (
        "Name:       web\nNamespace:  default\nContainers:\n  app:\n    Image:  nginx\n"
    )


def test_tabwriter_minwidth_and_empty_cells() -> None:
    assert tabwriter.align("a\tb\tc\n\t\tz\n", minwidth=6, padding=3) == (
        "a     b     c\n            z\n"
    )


# --- tables -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "resource", ["pods", "deployments", "replicasets", "nodes", "events", "namespaces"]
)
def test_default_and_wide_tables_match_kubectl(resource: str) -> None:
    assert printers.print_table(table(resource)) == golden(f"get_{resource}")
    assert printers.print_table(table(resource), wide=True) == golden(f"get_{resource}_wide")


def test_pods_table_decorations_match_kubectl() -> None:
    pods = table("pods")
    assert printers.print_table(pods, show_namespace=True) == golden("get_pods_all_namespaces")
    assert printers.print_table(pods, show_labels=True) == golden("get_pods_show_labels")
    # -L: header from the part after the last "/"; a missing label leaves trailing padding
    assert printers.print_table(pods, label_columns=["app", "example.com/tier"]) == golden(
        "get_pods_label_columns"
    )
    assert printers.print_table(pods, no_headers=True) == golden("get_pods_no_headers")
    assert printers.print_table(
        table("deployments"), show_namespace=True, wide=True, show_labels=True
    ) == golden("get_deployments_all_wide_labels")


def test_running_pod_row_text() -> None:
    assert golden("get_pods").splitlines()[:2] == [
        "NAME                  READY   STATUS             RESTARTS        AGE",
        "web-7d4b9c8f6-x8kq2   1/1     Running            0               5m29s",
    ]


def test_empty_table_prints_nothing_and_no_resources_found_goes_to_stderr() -> None:
    empty = to_table(STRATEGIES["pods"].printer, [], NOW)
    assert printers.print_table(empty) == ""
    assert printers.print_table(empty, no_headers=True) == ""
    assert printers.no_resources_found("default") == "No resources found in default namespace.\n"
    assert printers.no_resources_found() == "No resources found\n"


def test_kind_prefix_names_rows_like_get_with_several_kinds() -> None:
    text = printers.print_table(table("deployments"), kind_prefix="deployment.apps")
    assert text.splitlines()[1].startswith("deployment.apps/web   3/3")


def test_cells_are_cut_at_line_breaks_and_escaped() -> None:
    t = table("namespaces")
    t["rows"][0]["cells"] = ["multi\nline", "a\x1bb", None]
    assert printers.print_table(t) == "NAME       STATUS   AGE\nmulti...   a^[b     \n"


def test_rows_without_objects_get_blank_namespace_and_label_cells() -> None:
    t = to_table(STRATEGIES["namespaces"].printer, [F.namespace(T0)], NOW, "None")
    assert t["rows"][0]["object"] is None
    text = printers.print_table(t, show_namespace=True, show_labels=True)
    assert (
        text
        == "NAMESPACE   NAME      STATUS   AGE   LABELS\n            default   Active   20m   \n"
    )


def test_format_labels() -> None:
    assert printers.format_labels({}) == "<none>"
    assert printers.format_labels({"b": "2", "a": "1"}) == "a=1,b=2"


# --- -o yaml / json / name --------------------------------------------------------------------


def test_single_named_object_prints_as_itself() -> None:
    pod = F.running_pod(T0)
    assert printers.print_objects([pod], "yaml", single_item_implied=True) == golden(
        "get_pod_running_yaml"
    )
    rich = F.rich_pod(T0)
    assert printers.print_yaml(rich) == golden("get_pod_rich_yaml")
    assert printers.print_json(rich) == golden("get_pod_rich_json")


def test_lists_print_as_a_v1_list() -> None:
    objects = _objects()
    assert printers.print_objects(objects["pods"], "yaml", single_item_implied=False) == golden(
        "get_pods_yaml"
    )
    assert printers.print_objects(
        objects["deployments"], "json", single_item_implied=False
    ) == golden("get_deployments_json")
    assert printers.print_yaml(printers.as_list([])) == (
        'apiVersion: v1\nitems: []\nkind: List\nmetadata:\n  resourceVersion: ""\n'
    )


def test_names() -> None:
    objects = _objects()
    text = printers.print_objects(
        objects["pods"] + objects["deployments"], "name", single_item_implied=False
    )
    assert text == golden("get_pods_deployments_name")
    assert printers.print_name(F.replica_set(T0, new=True)) == "replicaset.apps/web-5b944d484\n"


@pytest.mark.parametrize("name", ["yaml_scalars", "yaml_shapes"])
def test_yaml_quoting_folding_and_key_order_match_kubectl(name: str) -> None:
    # Inputs exercise quoting ("true", "123", timestamps, ": ", leading "- "), literal
    # blocks (|, |-, |+, |2-), folding past column 80, go-yaml's natural key order
    # (a9 < a10), flow-style empties, nulls and numbers.
    obj = json.loads((GOLDEN / f"{name}_input.json").read_text())
    assert printers.print_yaml(obj) == golden(name)


def test_yaml_long_keys_and_floats() -> None:
    key = "k" * 130
    assert printers.print_yaml({key: "v"}) == f"? {key}\n: v\n"
    assert printers.print_yaml({"f": [1.5, 2.0, 1e-05, 1e21, float("inf")]}) == (
        "f:\n- 1.5\n- 2\n- 1e-05\n- 1e+21\n- .inf\n"
    )


def test_json_escapes_like_go() -> None:
    obj: dict[str, Any] = {
        "b": '<a&b>\u2028\x01\n\t"\\',
        "a": {},
        "c": [],
        "d": None,
        "e": 1.5e-5,
        "f": 1e-7,
    }
    assert printers.print_json(obj) == (
        "{\n"
        '    "a": {},\n'
        '    "b": "\\u003ca\\u0026b\\u003e\\u2028\\u0001\\n\\t\\"\\\\",\n'
        '    "c": [],\n'
        '    "d": null,\n'
        '    "e": 0.000015,\n'
        '    "f": 1e-7\n'
        "}\n"
    )


def test_printing_does_not_modify_the_table() -> None:
    t = table("pods")
    before = copy.deepcopy(t)
    printers.print_table(t, show_namespace=True, show_labels=True, label_columns=["app"])
    assert t == before
