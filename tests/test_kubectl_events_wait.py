"""kubectl events and kubectl wait.

Expected texts were checked against the real kubectl 1.37.1 talking to the same API server.
"""

from __future__ import annotations

from engine.cluster import Cluster
from tests.kubectl_helpers import call, out, quiet_cluster, sent

EVENTS = "/api/v1/namespaces/default/events"


def event(
    cluster: Cluster,
    name: str,
    reason: str,
    message: str,
    *,
    kind: str = "Pod",
    obj: str = "web",
    type_: str = "Normal",
    first: str = "2026-01-01T00:00:01Z",
    last: str = "",
    count: int = 1,
) -> None:
    api_version = "apps/v1" if kind == "Deployment" else "v1"
    call(
        cluster,
        "POST",
        EVENTS,
        {
            "apiVersion": "v1",
            "kind": "Event",
            "metadata": {"name": name},
            "involvedObject": {
                "kind": kind,
                "namespace": "default",
                "name": obj,
                "apiVersion": api_version,
            },
            "reason": reason,
            "message": message,
            "source": {"component": "kubelet"},
            "type": type_,
            "firstTimestamp": first,
            "lastTimestamp": last or first,
            "count": count,
        },
    )


def test_events_table_sorted_by_time() -> None:
    cluster = quiet_cluster()
    event(
        cluster,
        "web.2",
        "BackOff",
        "Back-off restarting failed container web",
        count=5,
        type_="Warning",
        first="2026-01-01T00:00:02Z",
        last="2026-01-01T00:01:30Z",
    )
    event(cluster, "web.1", "Pulling", 'Pulling image "nginx"')
    event(
        cluster,
        "d.1",
        "ScalingReplicaSet",
        "Scaled up replica set web-1 from 0 to 1",
        kind="Deployment",
        first="2026-01-01T00:00:00Z",
    )
    cluster.advance(100)
    result, requests = sent(cluster, "events")
    assert out(result) == (
        "LAST SEEN           TYPE      REASON              OBJECT           MESSAGE\n"
        "100s                Normal    ScalingReplicaSet   Deployment/web   Scaled up replica "
        "set web-1 from 0 to 1\n"
        "99s                 Normal    Pulling             Pod/web          Pulling image "
        '"nginx"\n'
        "10s (x5 over 98s)   Warning   BackOff             Pod/web          Back-off restarting "
        "failed container web\n",
        "",
        0,
    )
    assert requests == [f"GET {EVENTS}?limit=500"]
    result, requests = sent(cluster, "events --for pod/web --types=Warning")
    assert result.stdout.splitlines()[1].startswith("10s (x5 over 98s)   Warning   BackOff")
    assert requests == [
        f"GET {EVENTS}?fieldSelector=involvedObject.kind=Pod,involvedObject.apiVersion=v1,"
        "involvedObject.name=web&limit=500"
    ]
    assert cluster.kubectl("events -A --no-headers").stdout.startswith("default   100s    ")


def test_events_messages() -> None:
    cluster = quiet_cluster()
    assert out(cluster.kubectl("events")) == ("", "No events found in default namespace.\n", 0)
    assert out(cluster.kubectl("events -A")) == ("", "No events found.\n", 0)
    assert out(cluster.kubectl("events --types=Bogus")) == (
        "",
        "error: valid --types are Normal or Warning\n",
        1,
    )
    assert out(cluster.kubectl("events --for web")) == (
        "",
        "error: --for must be in resource/name form\n",
        1,
    )
    assert out(cluster.kubectl("events --for nope/web")) == (
        "",
        'the server doesn\'t have a resource type "nope"\n',
        1,
    )


def test_events_watch_prints_each_event_as_it_comes() -> None:
    cluster = Cluster(seed=1)
    cluster.kubectl("run web --image=nginx")
    cluster.settle()
    result = cluster.kubectl("events -w --request-timeout=1s --types=Normal")
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["LAST", "SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"]
    reasons = [line.split()[2] for line in lines[1:]]
    assert reasons[-3:] == ["Pulled", "Created", "Started"]
    assert "Scheduled" in reasons


def test_wait_for_a_condition() -> None:
    cluster = Cluster(seed=1)
    cluster.kubectl("run web --image=nginx")
    result, requests = sent(cluster, "wait --for=condition=Ready pod/web")
    assert out(result) == ("pod/web condition met\n", "", 0)
    assert requests[0] == "GET /api/v1/namespaces/default/pods/web"
    assert requests[1] == (
        "GET /api/v1/namespaces/default/pods?fieldSelector=metadata.name=web"
        "&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan"
        "&watch=true"
    )
    assert out(cluster.kubectl("wait --for=jsonpath='{.status.phase}'=Running pod/web")) == (
        "pod/web condition met\n",
        "",
        0,
    )
    cluster.kubectl("delete pod web --wait=false")
    assert out(cluster.kubectl("wait --for=delete pod/web --timeout=60s")) == (
        "pod/web condition met\n",
        "",
        0,
    )


def test_wait_times_out() -> None:
    cluster = quiet_cluster()  # nothing will ever make the pod Ready
    cluster.kubectl("run web --image=nginx")
    start = cluster.now
    assert out(cluster.kubectl("wait --for=condition=Ready pod/web --timeout=2s")) == (
        "",
        "error: timed out waiting for the condition on pods/web\n",
        1,
    )
    assert 2 <= cluster.now - start < 2.5
    assert out(cluster.kubectl("wait --for=condition=Ready pod/web --timeout=0")) == (
        "",
        "error: condition not met for pods/web\n",
        1,
    )
    assert out(cluster.kubectl("wait --for=condition=Ready pod/web pod/nope --timeout=1s")) == (
        "",
        "timed out waiting for the condition on pods/web\n"
        'Error from server (NotFound): pods "nope" not found\n',
        1,
    )


def test_wait_messages() -> None:
    cluster = quiet_cluster()
    cluster.kubectl("run web --image=nginx")
    cases = {
        "wait pod/web": "error: unrecognized condition: []\n",
        "wait --for=bogus pod/web": 'error: unrecognized condition: "bogus"\n',
        "wait --for=jsonpath= pod/web": "error: jsonpath expression cannot be empty\n",
        "wait --for=condition=Ready pods -l app=nope": "error: no matching resources found\n",
        "wait --for=create pod/nope --timeout=1s": ("error: timed out waiting for the condition\n"),
    }
    for line, stderr in cases.items():
        assert out(cluster.kubectl(line)) == ("", stderr, 1), line
    assert out(cluster.kubectl("wait --for=delete pod/nope")) == ("", "", 0)
    assert out(cluster.kubectl("wait --for=create pod/web")) == ("pod/web condition met\n", "", 0)
    assert out(cluster.kubectl("wait --for=jsonpath={.status.phase}=Pending pods -l run=web")) == (
        "pod/web condition met\n",
        "",
        0,
    )
