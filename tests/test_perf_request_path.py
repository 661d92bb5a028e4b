"""The request path's fast paths give exactly what the straightforward code gave.

Not timing tests (performance is measured by `make bench`): each fast path is checked against a
reference — the code it replaced, kept here — on unit inputs and, differentially, on every call
a few real workloads make: scenarios and a small Deployment that is scaled, relabelled, given a
new image, loses a node and is deleted. Outputs are compared as JSON text, so key order counts,
and inputs must come back unchanged.
"""

from __future__ import annotations

import copy
import io
import json
import random
from collections.abc import Iterable, Iterator
from enum import StrEnum
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from engine import timeutil
from engine.apimachinery import fieldpath, managedfields, quantity, strategicpatch
from engine.apiserver import decoding, defaults, fieldorder, memo, validation
from engine.apiserver.registry import store
from engine.apiserver.request import Request, parse_resource_path
from engine.apiserver.storage.codec import decode
from engine.apiserver.storage.etcd3 import Storage
from engine.cluster import Cluster, NodeSpec
from engine.player import play
from engine.scenario import load
from engine.trace import ObjectRef, Step, Trace, TraceEvent, level_of, object_ref
from engine.tracekinds import EventKind

ROOT = Path(__file__).resolve().parent.parent
JSON = Any


def text(value: JSON) -> str:
    """Order-sensitive JSON text: two values with the same text are the same to every client."""
    return json.dumps(value, separators=(",", ":"))


# ---------------------------------------------------------------------------------------------
# References: the code the fast paths replaced.


def reference_scoped(paths: Iterable[fieldpath.Path], subresource: str) -> set[fieldpath.Path]:
    kept = set()
    for path in paths:
        if any(path[: len(stripped)] == stripped for stripped in fieldpath._STRIPPED) or path == (
            "f:metadata",
        ):
            continue
        if (path[:1] == ("f:status",)) != (subresource == "status"):
            continue
        kept.add(path)
    return kept


def reference_element_order(element: str) -> tuple[int, str]:
    return ("f:k:v:i:".index(element[:2]) // 2, element[2:])


def reference_to_fields_v1(paths: Iterable[fieldpath.Path]) -> dict[str, JSON]:
    members = set(paths)
    tree: dict[str, JSON] = {}
    for path in members:
        node = tree
        for element in path:
            node = node.setdefault(element, {})

    def render(node: dict[str, JSON], prefix: fieldpath.Path) -> dict[str, JSON]:
        out: dict[str, JSON] = {".": {}} if node and prefix in members else {}
        for element in sorted(node, key=reference_element_order):
            out[element] = render(node[element], (*prefix, element))
        return out

    return render(tree, ())


def reference_update_managed_fields(
    old: dict[str, JSON] | None,
    new: dict[str, JSON],
    manager: str,
    kind: str,
    time: str = "",
    *,
    subresource: str = "",
) -> dict[str, JSON]:
    """update_managed_fields as it was: whole copies, every field compared, every entry
    decoded and encoded again."""
    old, new = copy.deepcopy(old), copy.deepcopy(new)  # no value shared between the two
    api_version = str(new.get("apiVersion", ""))
    zero = managedfields._ZERO.get(kind, {})
    before = managedfields._with_zero(
        fieldpath.without_managed_fields(old) if old is not None else {}, zero
    )
    after = managedfields._with_zero(fieldpath.without_managed_fields(new), zero)
    changed: set[fieldpath.Path] = set()
    removed: set[fieldpath.Path] = set()
    fieldpath.compare(before, after, (), (), kind, changed, removed)
    changed, removed = (
        reference_scoped(changed, subresource),
        reference_scoped(removed, subresource),
    )
    me = (manager, "Update", api_version, subresource)
    entries = []
    mine = None
    for entry in managedfields._entries(old):
        paths = fieldpath.from_fields_v1(entry.get("fieldsV1") or {}) - removed
        if managedfields._identity(entry) == me:
            mine = (entry, paths)
        else:
            entries.append((entry, paths - changed))
    if changed:
        paths = (mine[1] if mine else set()) | changed
        entry = {"manager": manager, "operation": "Update", "apiVersion": api_version}
        if time:
            entry["time"] = time
        entry["fieldsType"] = "FieldsV1"
        entry["fieldsV1"] = reference_to_fields_v1(paths)
        if subresource:
            entry["subresource"] = subresource
        entries.append((entry, paths))
    elif mine:
        entries.append(mine)
    kept = []
    for entry, paths in entries:
        if paths:
            entry["fieldsV1"] = reference_to_fields_v1(paths)
            kept.append(entry)
    kept.sort(
        key=lambda e: tuple(
            str(e.get(k, "")) for k in ("operation", "time", "manager", "apiVersion", "subresource")
        )
    )
    metadata = after.setdefault("metadata", {})
    if kept:
        metadata["managedFields"] = kept
    else:
        metadata.pop("managedFields", None)
    return after


def reference_reorder(type_name: str, obj: dict[str, JSON]) -> None:
    fields = fieldorder._SCHEMA[type_name]
    for key, default in fieldorder._ALWAYS_WRITTEN.get(type_name, {}).items():
        obj.setdefault(key, default)
    ordered: dict[str, JSON] = {}
    for key, nested, shape, always in fields:
        if key not in obj:
            if not always:
                continue
            obj[key] = {}
        value = obj[key]
        if shape == "struct" and isinstance(value, dict):
            reference_reorder(nested, value)
        elif shape == "list" and isinstance(value, list):
            for item in value:
                if isinstance(item, dict):
                    reference_reorder(nested, item)
        elif shape == "map" and isinstance(value, dict):
            items = sorted(value.items())
            value.clear()
            value.update(items)
        ordered[key] = value
    for key, value in obj.items():
        ordered.setdefault(key, value)
    obj.clear()
    obj.update(ordered)


def reference_strip_directives(value: JSON) -> JSON:
    if isinstance(value, dict):
        return {k: reference_strip_directives(v) for k, v in value.items() if not k.startswith("$")}
    if isinstance(value, list):
        return [
            reference_strip_directives(v)
            for v in value
            if not (isinstance(v, dict) and strategicpatch.DIRECTIVE in v)
        ]
    return value


# ---------------------------------------------------------------------------------------------
# Unit checks


PATHS = [
    ("f:metadata", "f:labels", "f:app"),
    ("f:metadata", "f:labels"),
    ("f:spec", "f:containers", 'k:{"name":"app"}'),
    ("f:spec", "f:containers", 'k:{"name":"app"}', "f:image"),
    ("f:spec", "f:containers", 'k:{"name":"b"}', "f:ports", 'k:{"containerPort":80}'),
    ("f:spec", "f:finalizers", 'v:"a"'),
    ("f:spec", "f:finalizers", 'v:"b"'),
    ("f:spec", "f:args", "i:0"),
    ("f:spec", "f:args", "i:10"),
    ("f:spec", "f:args", "f:zz"),
    ("f:spec", "f:args", 'k:{"a":1}'),
    ("f:status", "f:phase"),
    ("f:status",),
    ("f:metadata",),
    ("f:metadata", "f:name"),
    ("f:kind",),
    (),
]


def test_to_fields_v1_is_the_reference_encoding() -> None:
    rng = random.Random(7)
    for _ in range(300):
        paths = set(rng.sample(PATHS, rng.randint(0, len(PATHS))))
        assert text(fieldpath.to_fields_v1(paths)) == text(reference_to_fields_v1(paths))
        without_indexes = {p for p in paths if not any(e.startswith("i:") for e in p)}
        assert text(fieldpath.to_fields_v1(without_indexes)) == text(
            reference_to_fields_v1(without_indexes)
        )


def test_scoped_drops_what_the_reference_drops() -> None:
    for subresource in ("", "status", "binding", "scale"):
        assert fieldpath.scoped(PATHS, subresource) == reference_scoped(PATHS, subresource)


def test_strip_directives_returns_unchanged_values_themselves() -> None:
    clean = {"a": [{"b": 1}, {"c": [1, 2]}], "d": None}
    assert apply_strip(clean) is clean
    dirty = {
        "a": [{"b": 1, "$patch": "delete"}, {"c": {"$retainKeys": ["x"], "x": 1}}],
        "$setElementOrder/a": [],
    }
    assert text(apply_strip(dirty)) == text(reference_strip_directives(dirty))
    assert "$setElementOrder/a" in dirty  # the input is left alone


def apply_strip(value: JSON) -> JSON:
    return strategicpatch._strip_directives(value)


def test_shared_strategic_merge_patch_equals_the_copying_one() -> None:
    live = {
        "metadata": {"name": "p", "labels": {"a": "1"}, "finalizers": ["x"]},
        "spec": {"containers": [{"name": "a", "image": "i:1"}, {"name": "b", "image": "j:1"}]},
        "status": {
            "conditions": [
                {"type": "Ready", "status": "False"},
                {"type": "PodScheduled", "status": "True"},
            ],
            "phase": "Pending",
        },
    }
    patches: list[dict[str, Any]] = [
        {"status": {"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}]}},
        {
            "status": {
                "$setElementOrder/conditions": [{"type": "PodScheduled"}, {"type": "Ready"}],
                "conditions": [{"type": "Ready", "status": "True"}],
            }
        },
        {"spec": {"containers": [{"name": "b", "image": "j:2"}]}},
        {"spec": {"containers": [{"name": "a", "$patch": "delete"}]}},
        {"spec": {"$retainKeys": ["containers"], "containers": [{"name": "c", "image": "k"}]}},
        {
            "metadata": {
                "labels": {"a": None, "b": "2"},
                "$deleteFromPrimitiveList/finalizers": ["x"],
            }
        },
        {"metadata": {"labels": {"$patch": "replace", "z": "9"}}},
        {"status": {"$patch": "delete"}},
        {},
    ]
    for body in patches:
        before = text(live)
        shared = strategicpatch.apply_strategic_merge_patch(live, body, "Pod", share=True)
        copied = strategicpatch.apply_strategic_merge_patch(live, body, "Pod")
        assert text(shared) == text(copied)
        assert text(live) == before


def test_copy_body_is_deepcopy() -> None:
    shared = {"x": 1}
    body = {"a": [shared, shared], "t": (1, [2]), 3: None, "f": 1.5, "b": True, "s": {1, 2}}
    copied = decoding.copy_body(body)
    assert copied == copy.deepcopy(body)
    assert copied["a"][0] is copied["a"][1]  # sharing kept, as deepcopy's memo keeps it
    assert copied["a"][0] is not shared
    assert isinstance(copied["t"], tuple)

    class Kind(StrEnum):
        POD = "Pod"

    odd = {"kind": Kind.POD, "items": [Kind.POD]}
    assert decoding.copy_body(odd) == copy.deepcopy(odd)
    assert decoding.copy_body(odd)["kind"] is Kind.POD


def test_parse_resource_path_gives_each_caller_its_own_object() -> None:
    first = parse_resource_path("/api/v1/namespaces/default/pods/web/status")
    assert first is not None
    first.name = "changed"
    second = parse_resource_path("/api/v1/namespaces/default/pods/web/status")
    assert second is not None and second.name == "web" and second.subresource == "status"
    assert parse_resource_path("/api/v1/nope") is None


@pytest.mark.parametrize("raw", ["10m", "16Mi", "0.5", "1e3", "", "1.0.0", "abc", 3, 2.5, True])
def test_memoized_quantities_are_the_quantities(raw: Any) -> None:
    for _ in range(2):  # the second call is answered from the cache
        for cached, original in (
            (memo.parse_quantity_with_format, quantity.parse_quantity_with_format),
            (memo.round_up_milli, quantity.round_up_milli),
        ):
            try:
                expected: Any = original(raw)
            except ValueError as error:
                with pytest.raises(ValueError) as caught:
                    cached(raw)
                assert str(caught.value) == str(error)
            else:
                assert cached(raw) == expected


def test_memoized_timestamps_are_the_timestamps() -> None:
    for seconds in (0.0, 0.4, 0.999, 1.0, 59.5, 3600.25, -0.5):
        assert memo.rfc3339(seconds) == timeutil.rfc3339(seconds)


def test_trusted_trace_events_are_validated_events() -> None:
    now = [0.0]
    trace = Trace(lambda: now[0])
    trace.check_data = False  # data of every shape, to see the fast path copy what it gets
    ref = ObjectRef(kind="Pod", name="web", namespace="default")
    calls: list[dict[str, Any]] = [
        {"step": Step.RUN, "obj": ref, "duration": 0.004, "data": {"code": 201}},
        {"duration": 0, "data": None},  # an int duration: the event holds 0.0
        {"step": "report", "obj": None},  # a plain string step: validated into a Step
        {"obj": ObjectRef(kind="Pod", name="a"), "data": {"nested": {"x": [1, 2]}}},
    ]
    for index, call in enumerate(calls):
        now[0] = index + 0.1234567
        event = trace.emit("kubelet/node-1", "api-server", "request", "hello", **call)
        assert event is not None
        expected = TraceEvent(
            seq=event.seq,
            time=round(now[0], 6),
            duration=round(call.get("duration", 0.0), 6),
            source="kubelet/node-1",
            target="api-server",
            kind="request",
            summary="hello",
            step=call.get("step", Step.OTHER),
            object=call.get("obj"),
            data=call.get("data") or {},
            flow=trace.flow_of(call.get("obj")),
            level=level_of(EventKind.REQUEST, Step(call.get("step", "other")), call.get("obj")),
        )
        assert event == expected
        assert event.model_dump_json() == expected.model_dump_json()
        assert type(event.step) is Step and type(event.duration) is float
        if call.get("data"):
            assert event.data is not call["data"]  # validation copies the map; so does this
        assert event.model_fields_set == expected.model_fields_set
    with pytest.raises(ValidationError):
        trace.emit("a", "b", "request", "s", data={1: "not a str key"})  # type: ignore[dict-item]
    # Trusted events share one fields-set; a copy with an update must not change it.
    first, second = trace.events[0], trace.events[1]
    assert first.model_copy(update={"summary": "x"}).summary == "x"
    assert second.model_fields_set == set(TraceEvent.model_fields)


def test_object_refs_are_shared_for_equal_names() -> None:
    ref = object_ref("Pod", "web", "default")
    assert ref == ObjectRef(kind="Pod", name="web", namespace="default")
    assert ref is object_ref("Pod", "web", "default")
    assert ref.model_fields_set == {"kind", "name", "namespace"}
    assert object_ref("Node", "n1") == ObjectRef(kind="Node", name="n1", namespace="")
    with pytest.raises(ValidationError):
        object_ref("Pod", None, "default")  # type: ignore[arg-type]


def test_reorder_is_the_reference_order() -> None:
    pod = {
        "status": {"phase": "Running", "conditions": [{"status": "True", "type": "Ready"}]},
        "zzz": 1,
        "spec": {
            "containers": [
                {"image": "x", "name": "a", "resources": {"requests": {"b": 1, "a": 2}}}
            ],
            "unknown": True,
            "restartPolicy": "Always",
        },
        "metadata": {"labels": {"b": "1", "a": "2"}, "name": "p"},
        "kind": "Pod",
    }
    rng = random.Random(3)
    for _ in range(50):
        shuffled = _shuffled(pod, rng)
        fast, slow = copy.deepcopy(shuffled), copy.deepcopy(shuffled)
        defaults.order_like_go("Pod", fast)
        reference_reorder("Pod", slow)
        assert text(fast) == text(slow)


def _shuffled(value: JSON, rng: random.Random) -> JSON:
    if isinstance(value, dict):
        keys = list(value)
        rng.shuffle(keys)
        return {k: _shuffled(value[k], rng) for k in keys}
    if isinstance(value, list):
        return [_shuffled(v, rng) for v in value]
    return value


# ---------------------------------------------------------------------------------------------
# Differential checks on real workloads


class Checked:
    """Wraps the fast paths for the duration of a workload, checking each call against its
    reference; counts calls so the test knows the paths were exercised."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls: dict[str, int] = {}
        fast_update = store.update_managed_fields
        fast_defaults = defaults.set_defaults
        fast_decode_error = validation.decode_error
        fast_smp = strategicpatch.apply_strategic_merge_patch
        fast_order = defaults.order_like_go
        fast_decode_change = Storage.decode_change

        def managed(old: Any, new: Any, *args: Any, **kwargs: Any) -> Any:
            inputs = text(old), text(new)
            result = fast_update(old, new, *args, **kwargs)
            assert (text(old), text(new)) == inputs
            assert text(result) == text(reference_update_managed_fields(old, new, *args, **kwargs))
            self.count("managed fields" + ("" if old is None else " update"))
            return result

        def set_defaults(kind: str, obj: Any, *, on_create: Any = None, old: Any = None) -> None:
            expected = copy.deepcopy(obj)
            stored = text(old)
            fast_defaults(kind, obj, on_create=on_create, old=old)
            fast_defaults(kind, expected, on_create=on_create)
            assert text(obj) == text(expected)
            assert text(old) == stored
            if old is not None:
                self.count("defaults with old")

        def decode_error(kind: str, obj: Any, old: Any = None) -> Any:
            result = fast_decode_error(kind, obj, old)
            assert result == fast_decode_error(kind, copy.deepcopy(obj))
            return result

        def strategic(original: Any, body: Any, kind: str, *, share: bool = False) -> Any:
            before = text(original), text(body)
            result = fast_smp(original, body, kind, share=share)
            assert (text(original), text(body)) == before
            assert text(result) == text(fast_smp(copy.deepcopy(original), body, kind))
            self.count("strategic merge patch")
            return result

        def order_like_go(kind: str, obj: Any, old: Any = None) -> None:
            expected = copy.deepcopy(obj)
            fast_order(kind, obj, old)
            if kind in fieldorder._SCHEMA:
                reference_reorder(kind, expected)
            assert text(obj) == text(expected)

        def decode_change(self_: Any, event: Any, replaced: Any = None) -> Any:
            if replaced is not None:
                fresh = decode(event.prev.value, event.prev.mod_revision)
                assert text(replaced) == text(fresh)
                self.count("previous object reused")
            return fast_decode_change(self_, event, replaced)

        monkeypatch.setattr(store, "update_managed_fields", managed)
        monkeypatch.setattr(defaults, "set_defaults", set_defaults)
        monkeypatch.setattr(validation, "decode_error", decode_error)
        monkeypatch.setattr(strategicpatch, "apply_strategic_merge_patch", strategic)
        monkeypatch.setattr(defaults, "order_like_go", order_like_go)
        monkeypatch.setattr(fieldorder, "order_like_go", order_like_go)
        monkeypatch.setattr(Storage, "decode_change", decode_change)

    def count(self, name: str) -> None:
        self.calls[name] = self.calls.get(name, 0) + 1


@pytest.fixture
def checked(monkeypatch: pytest.MonkeyPatch) -> Iterator[Checked]:
    yield Checked(monkeypatch)


DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 12
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      hostNetwork: false
      containers:
        - name: app
          image: registry.k8s.io/pause:3.10
          ports:
            - containerPort: 8080
          resources:
            requests:
              cpu: 10m
              memory: 16Mi
            limits:
              cpu: "0.5"
"""


def test_a_deployments_life_takes_the_fast_paths_to_the_reference_results(
    checked: Checked,
) -> None:
    specs = [NodeSpec(name=f"node-{i}") for i in (1, 2, 3)]
    cluster = Cluster(seed=5, node_specs=specs, control_plane=True)
    assert cluster.kubectl("apply -f -", DEPLOYMENT).exit_code == 0
    cluster.settle()
    for command in (
        "scale deployment web --replicas=7",
        "label pods --all tier=web",
        "annotate deployment web note=x",
        "set image deployment/web app=registry.k8s.io/pause:3.9",
    ):
        assert cluster.kubectl(command).exit_code == 0, command
        cluster.settle()
    pod = json.loads(cluster.kubectl("get pods -o json").stdout)["items"][0]["metadata"]["name"]
    pods = "/api/v1/namespaces/default/pods"
    for path, content_type, body, code in (
        (
            f"{pods}/{pod}",
            "application/strategic-merge-patch+json",
            {"spec": {"hostNetwork": True}},
            422,
        ),
        (
            f"{pods}/{pod}",
            "application/strategic-merge-patch+json",
            {"spec": {"containers": [{"name": "app", "image": "registry.k8s.io/pause:3.8"}]}},
            200,
        ),
        (
            f"{pods}/{pod}",
            "application/strategic-merge-patch+json",
            {
                "spec": {
                    "activeDeadlineSeconds": 600,
                    "containers": [{"name": "app", "imagePullPolicy": None}],
                }
            },
            200,
        ),
        (
            f"{pods}/{pod}",
            "application/merge-patch+json",
            {"metadata": {"labels": {"x": "y"}}},
            200,
        ),
        (
            f"{pods}/{pod}",
            "application/json-patch+json",
            [{"op": "add", "path": "/metadata/annotations", "value": {"a": "b"}}],
            200,
        ),
        (
            f"{pods}/{pod}/status",
            "application/strategic-merge-patch+json",
            {"status": {"conditions": [{"type": "Extra", "status": "True"}]}},
            200,
        ),
        (  # a new container and a removed default: both must be defaulted
            "/apis/apps/v1/namespaces/default/deployments/web",
            "application/strategic-merge-patch+json",
            {
                "spec": {
                    "template": {
                        "spec": {
                            "containers": [
                                {"name": "side", "image": "busybox", "resources": {}},
                                {"name": "app", "imagePullPolicy": None},
                            ],
                            "dnsPolicy": None,
                        }
                    }
                }
            },
            200,
        ),
        (  # hostNetwork is defaulted into the ports: a change must not reach the stored pod
            "/apis/apps/v1/namespaces/default/deployments/web",
            "application/strategic-merge-patch+json",
            {"spec": {"template": {"spec": {"hostNetwork": True}}}},
            200,
        ),
    ):
        request = Request("PATCH", path, body=body, headers={"content-type": content_type})
        response = cluster.call(request)
        assert response.code == code, (path, response.body)
        cluster.settle()
    cluster.fail_node("node-2")
    cluster.advance(120)
    cluster.recover_node("node-2")
    cluster.settle()
    assert cluster.kubectl("delete deployment web").exit_code == 0
    cluster.settle()
    for path in (
        "managed fields",
        "managed fields update",
        "defaults with old",
        "strategic merge patch",
        "previous object reused",
    ):
        assert checked.calls.get(path, 0) > 10, (path, checked.calls)


@pytest.mark.parametrize(
    "name", ["02-deployment", "04-exists-notfound-conflict", "06-namespaces", "08-deleting"]
)
def test_scenarios_take_the_fast_paths_to_the_reference_results(
    checked: Checked, name: str
) -> None:
    path = ROOT / "scenarios" / f"{name}.yaml"
    if not path.exists():
        pytest.skip(f"no scenario {name}")
    play(load(path), io.StringIO())
    assert checked.calls.get("managed fields", 0) > 0
