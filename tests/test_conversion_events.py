"""events.k8s.io/v1 Events through the API server (engine/apiserver/conversion/): one storage
with core/v1's Events, each request converted from and to its URL's version."""

from __future__ import annotations

import json
from typing import Any

from engine.apiserver.request import Request, Response
from engine.cluster import Cluster

V1 = "/apis/events.k8s.io/v1/namespaces/default/events"
CORE = "/api/v1/namespaces/default/events"


def call(c: Cluster, method: str, path: str, body: Any = None, **headers: str) -> Response:
    content_type = headers.pop("content_type", "application/json")
    text = None if body is None else json.dumps(body)
    return c.call(
        Request.from_url(method, path, body=text, headers={"content-type": content_type, **headers})
    )


def event(name: str = "e1", **changes: Any) -> dict[str, Any]:
    return {
        "apiVersion": "events.k8s.io/v1",
        "kind": "Event",
        "metadata": {"name": name},
        "eventTime": "2026-01-01T00:00:00.000000Z",
        "reportingController": "example.com/tester",
        "reportingInstance": "tester-1",
        "action": "Testing",
        "reason": "Tested",
        "regarding": {"kind": "Pod", "name": "web", "namespace": "default"},
        "related": {"kind": "Node", "name": "node-1"},
        "note": "hi",
        "type": "Warning",
        "series": {"count": 2, "lastObservedTime": "2026-01-01T00:00:01.000000Z"},
        **changes,
    }


def test_one_storage_two_versions() -> None:
    c = Cluster(seed=1, control_plane=False)
    created = call(c, "POST", V1, event())
    assert created.code == 201, created.body
    assert created.body["apiVersion"] == "events.k8s.io/v1"
    # Written as the Go struct is: its order, the structs always, zero Times as null.
    assert list(created.body)[:5] == ["kind", "apiVersion", "metadata", "eventTime", "series"]
    assert created.body["deprecatedSource"] == {}
    assert created.body["deprecatedFirstTimestamp"] is None
    assert "deprecatedCount" not in created.body
    stored = call(c, "GET", f"{CORE}/e1").body
    assert stored["apiVersion"] == "v1"
    assert (stored["message"], stored["involvedObject"]["name"]) == ("hi", "web")
    assert (stored["reportingComponent"], stored["related"]["name"]) == (
        "example.com/tester",
        "node-1",
    )
    assert stored["series"]["count"] == 2
    # A core/v1 Event (a kubelet's) read at events.k8s.io/v1
    old = {
        "metadata": {"name": "k1", "namespace": "default"},
        "involvedObject": {"kind": "Pod", "name": "web", "namespace": "default"},
        "reason": "Pulled",
        "message": "pulled",
        "source": {"component": "kubelet", "host": "node-1"},
        "firstTimestamp": "2026-01-01T00:00:00Z",
        "lastTimestamp": "2026-01-01T00:00:00Z",
        "count": 3,
        "type": "Normal",
    }
    assert call(c, "POST", CORE, old).code == 201
    read = call(c, "GET", f"{V1}/k1").body
    assert read["eventTime"] is None
    assert read["deprecatedSource"] == {"component": "kubelet", "host": "node-1"}
    assert (read["deprecatedCount"], read["note"]) == (3, "pulled")
    listed = call(c, "GET", V1).body
    assert listed["kind"] == "EventList" and listed["apiVersion"] == "events.k8s.io/v1"
    assert {e["apiVersion"] for e in listed["items"]} == {"events.k8s.io/v1"}


def test_field_labels_are_the_versions() -> None:
    c = Cluster(seed=1, control_plane=False)
    call(c, "POST", V1, event())
    mine = call(
        c, "GET", V1 + "?fieldSelector=regarding.name=web,reportingController=example.com/tester"
    )
    assert [e["metadata"]["name"] for e in mine.body["items"]] == ["e1"]
    refused = call(c, "GET", V1 + "?fieldSelector=involvedObject.name=web")
    assert (refused.code, refused.body["message"]) == (
        400,
        "field label not supported: involvedObject.name",
    )


def test_watch_sends_the_versions_objects() -> None:
    c = Cluster(seed=1, control_plane=False)
    call(c, "POST", V1, event())
    watch = call(c, "GET", V1 + "?watch=true").watch
    seen: list[tuple[str, dict[str, Any]]] = []
    watch.start(lambda kind, obj: seen.append((kind, obj)))
    call(c, "PATCH", f"{V1}/e1", {"note": "again"}, content_type="application/merge-patch+json")
    c.settle()
    assert [(kind, obj["apiVersion"], obj.get("note")) for kind, obj in seen] == [
        ("ADDED", "events.k8s.io/v1", "hi"),
        ("MODIFIED", "events.k8s.io/v1", "again"),
    ]
    assert call(c, "GET", f"{CORE}/e1").body["message"] == "again"


def test_the_versions_validation_and_errors() -> None:
    c = Cluster(seed=1, control_plane=False)
    bad = call(c, "POST", V1, event(series={"count": 1}, eventTime=None, type="", note="n" * 1025))
    assert bad.code == 422
    assert [(cause["field"], cause["reason"]) for cause in bad.body["details"]["causes"]] == [
        ("series.count", "FieldValueInvalid"),
        ("series.lastObservedTime", "FieldValueRequired"),
        ("eventTime", "FieldValueRequired"),
        ("type", "FieldValueInvalid"),
    ]
    # legacyValidateEvent, for every version: an Event with eventTime says who reported it
    core = call(
        c,
        "POST",
        CORE,
        {
            "metadata": {"name": "c1"},
            "eventTime": "2026-01-01T00:00:00.000000Z",
            "message": "m" * 1025,
        },
    )
    assert core.code == 422
    # (an empty reportingController is also not a qualified name: IsQualifiedName says so too)
    assert list(dict.fromkeys(cause["field"] for cause in core.body["details"]["causes"])) == [
        "reportingController",
        "reportingInstance",
        "action",
        "reason",
        "message",
    ]
    # Validation runs on the stored form: its errors name core/v1's fields, as upstream's do.
    count = call(c, "POST", V1, event("e2", deprecatedCount=2)).body["message"]
    assert count == 'Event "e2" is invalid: count: Invalid value: "": needs to be unset'
    unknown = call(c, "POST", V1 + "?fieldValidation=Strict", event("e3", involvedObject={}))
    assert unknown.code == 400 and 'unknown field "involvedObject"' in unknown.body["message"]
    missing = call(c, "GET", f"{V1}/nope")
    assert missing.body["message"] == 'events "nope" not found'
    applied = call(
        c, "PATCH", f"{V1}/e1?fieldManager=me", event(), content_type="application/apply-patch+yaml"
    )
    assert applied.code == 415


def test_discovery_and_openapi() -> None:
    c = Cluster(seed=1, control_plane=False)
    resources = call(c, "GET", "/apis/events.k8s.io/v1").body["resources"]
    assert [(r["name"], r["kind"], r.get("shortNames")) for r in resources] == [
        ("events", "Event", ["ev"])
    ]
    document = call(c, "GET", "/openapi/v3/apis/events.k8s.io/v1").body
    assert "io.k8s.api.events.v1.Event" in document["components"]["schemas"]
    assert "/apis/events.k8s.io/v1/namespaces/{namespace}/events" in document["paths"]


def test_a_watch_asked_for_tables_prints_the_stored_kind() -> None:
    c = Cluster(seed=1, control_plane=False)
    call(c, "POST", V1, event())
    table = "application/json;as=Table;v=v1;g=meta.k8s.io"
    watch = call(c, "GET", V1 + "?watch=true", accept=table).watch
    rows: list[list[Any]] = []
    watch.start(lambda kind, obj: rows.extend(row["cells"] for row in obj["rows"]))
    assert (rows[0][1:4], rows[0][6]) == (["Warning", "Tested", "pod/web"], "hi")  # note → MESSAGE
