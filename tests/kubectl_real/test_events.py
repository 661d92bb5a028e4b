"""events.k8s.io/v1 Events with the real kubectl and the in-engine one, side by side: the same
Events core/v1 serves (one storage), listed at the other group-version (the Table comes from
the server: LAST SEEN TYPE REASON OBJECT MESSAGE), read as YAML in that version's field names,
selected by its own field labels, and an Event created there with its version's validation."""

from __future__ import annotations

import re

import pytest

from tests.kubectl_real.conftest import RUNS_PODS, Twin, normalized
from tests.kubectl_real.test_config import same

EVENT = """\
apiVersion: events.k8s.io/v1
kind: Event
metadata:
  name: tested
eventTime: "2025-12-31T23:59:00.000000Z"
reportingController: example.com/tester
reportingInstance: tester-1
action: Testing
reason: Tested
regarding:
  apiVersion: v1
  kind: ConfigMap
  name: kube-root-ca.crt
  namespace: default
note: The certificate was tested
type: Normal
"""

_NAME = re.compile(r"web\.[0-9a-f]+")

# What core/v1 takes but events.k8s.io/v1 refuses (ValidateEventCreate's requestVersion).
BAD_EVENT = """\
apiVersion: events.k8s.io/v1
kind: Event
metadata:
  name: bad
reportingController: example.com/tester
action: Testing
reason: Tested
type: Info
deprecatedCount: 3
"""


def test_an_event_created_listed_and_read_at_events_k8s_io(twin: Twin) -> None:
    twin.file("event.yaml", EVENT)
    twin.file("bad.yaml", BAD_EVENT)
    assert same(twin, "create -f event.yaml") == "event.events.k8s.io/tested created\n"
    out = same(twin, "get events.events.k8s.io")
    assert out.split()[:5] == ["LAST", "SEEN", "TYPE", "REASON", "OBJECT"]
    assert "configmap/kube-root-ca.crt" in out
    same(twin, "get events.v1.events.k8s.io tested -o yaml")
    same(twin, "get ev tested -o yaml")  # core/v1's names for the same Event
    same(twin, "get events.events.k8s.io --field-selector regarding.name=kube-root-ca.crt")
    same(twin, "get events.events.k8s.io --field-selector involvedObject.name=kube-root-ca.crt")
    same(twin, "create -f bad.yaml")
    # A list the server refuses: kubectl says what it listed (cli-runtime resource/selector.go)
    same(twin, "get pods -l 'app in (web'")
    same(twin, "delete events.events.k8s.io tested")
    same(twin, "get events.events.k8s.io tested")


@pytest.mark.skipif(not RUNS_PODS, reason="the cluster does not run pods yet")
def test_the_schedulers_events_at_both_versions(twin: Twin) -> None:
    same(twin, "run web --image=nginx")
    twin.advance(20)
    out = same(twin, "get events.events.k8s.io --field-selector reason=Scheduled")
    assert "pod/web" in out
    # -o wide adds the Event's name: the recorder's UnixNano, which the twins' clocks set apart
    real, engine = twin.both("get events.events.k8s.io -o wide --field-selector reason=Scheduled")
    assert _NAME.sub("web.N", normalized(engine.stdout)) == _NAME.sub(
        "web.N", normalized(real.stdout)
    )
