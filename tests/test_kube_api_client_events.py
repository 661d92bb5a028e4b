"""events.k8s.io/v1 Events through the official Python client (`kubernetes`, EventsV1Api)
against the real web server: the same Events core/v1 serves, over one storage, converted on the
way in and out (engine/apiserver/conversion/). Create, read, list with events.k8s.io's field
labels, watch, patch, the version's own validation, delete."""

from __future__ import annotations

from typing import Any

import pytest

from tests.test_kube_api_client import api_client, kubeconfig  # noqa: F401 (fixtures)

kubernetes = pytest.importorskip("kubernetes")

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _event(name: str, **changes: Any) -> dict[str, Any]:
    event = {
        "apiVersion": "events.k8s.io/v1",
        "kind": "Event",
        "metadata": {"name": name},
        # The client reads the string as a datetime and writes it back with isoformat():
        # microseconds keep it in MicroTime's layout.
        "eventTime": "2026-01-01T10:00:00.123456Z",
        "reportingController": "example.com/tester",
        "reportingInstance": "tester-1",
        "action": "Testing",
        "reason": "Tested",
        "regarding": {"kind": "Pod", "name": "web", "namespace": "default", "apiVersion": "v1"},
        "note": "The pod was tested",
        "type": "Normal",
    }
    event.update(changes)
    return event


def test_events_v1_create_read_list_watch_patch_delete(api_client: Any) -> None:  # noqa: F811
    events = kubernetes.client.EventsV1Api(api_client)
    core = kubernetes.client.CoreV1Api(api_client)
    created = events.create_namespaced_event("default", _event("client-ev"))
    assert (created.note, created.regarding.name) == ("The pod was tested", "web")
    assert created.reporting_controller == "example.com/tester"
    assert created.deprecated_source.component is None  # written as {}, as Go writes it

    # One storage: core/v1 shows the same Event under its own names.
    same = core.read_namespaced_event("client-ev", "default")
    assert (same.message, same.involved_object.name) == ("The pod was tested", "web")
    assert same.reporting_component == "example.com/tester"
    assert events.read_namespaced_event("client-ev", "default").action == "Testing"

    # events.k8s.io's field labels, converted to core's (regarding.name → involvedObject.name)
    listed = events.list_namespaced_event("default", field_selector="regarding.name=web")
    assert [e.metadata.name for e in listed.items] == ["client-ev"]
    assert listed.items[0].api_version in (None, "events.k8s.io/v1")
    with pytest.raises(kubernetes.client.ApiException) as refused:
        events.list_namespaced_event("default", field_selector="involvedObject.name=web")
    assert refused.value.status == 400
    assert "field label not supported: involvedObject.name" in refused.value.body

    watch = kubernetes.watch.Watch()
    seen = []
    for change in watch.stream(
        events.list_namespaced_event,
        "default",
        field_selector="metadata.name=client-ev",
        timeout_seconds=5,
    ):
        seen.append((change["type"], change["object"].note))
        watch.stop()
    assert seen == [("ADDED", "The pod was tested")]

    patched = events.patch_namespaced_event("client-ev", "default", {"note": "Tested again"})
    assert patched.note == "Tested again"
    assert core.read_namespaced_event("client-ev", "default").message == "Tested again"

    events.delete_namespaced_event("client-ev", "default")
    with pytest.raises(kubernetes.client.ApiException) as gone:
        events.read_namespaced_event("client-ev", "default")
    assert gone.value.status == 404


def test_events_v1_validation_is_the_versions_own(api_client: Any) -> None:  # noqa: F811
    """ValidateEventCreate at events.k8s.io/v1: what core/v1 lets through is refused."""
    events = kubernetes.client.EventsV1Api(api_client)
    body = _event("bad-ev", type="Info", note="x" * 1025, reportingInstance="")
    with pytest.raises(kubernetes.client.ApiException) as refused:
        events.create_namespaced_event("default", body)
    assert refused.value.status == 422
    text = refused.value.body
    assert 'Event \\"bad-ev\\" is invalid' in text
    assert "reportingInstance: Required value" in text
    assert 'message: Invalid value: \\"\\": can have at most 1024 characters' in text
    assert 'type: Invalid value: \\"\\": has invalid value: Info' in text
