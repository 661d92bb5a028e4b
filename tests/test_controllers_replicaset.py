"""The ReplicaSet controller, seen through kubectl and the API: what a Deployment's pods look
like, self-healing, scaling (with the deletion ranking), adoption, failures."""

from __future__ import annotations

import re

from engine.controllers.expectations import ControllerExpectations
from engine.controllers.hashing import compute_hash
from engine.names import ALPHANUMS
from tests.controller_kit import (
    bind,
    call,
    cluster_with,
    deployment,
    deployment_yaml,
    events,
    messages,
    pods,
    replicasets,
    report_ready,
    scaling_events,
)

POD_NAME = re.compile(rf"^web-([4-9bcdf]{{1,10}})-[{ALPHANUMS}]{{5}}$")

REPLICASET_YAML = """
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: front
spec:
  replicas: {replicas}
  selector:
    matchLabels:
      app: front
  template:
    metadata:
      labels:
        app: front
    spec:
      containers:
      - name: nginx
        image: nginx:1.25
"""

STANDALONE_POD = """
apiVersion: v1
kind: Pod
metadata:
  name: {name}
  labels:
    app: {app}
spec:
  containers:
  - name: nginx
    image: nginx:1.25
"""


def test_a_deployment_makes_one_replicaset_and_three_pending_pods():
    c = cluster_with()
    result = c.kubectl("apply -f -", deployment_yaml())
    assert result.stdout == "deployment.apps/web created\n"
    c.settle()

    d = deployment(c)
    (rs,) = replicasets(c)
    pod_template_hash = compute_hash(d["spec"]["template"], None)
    assert rs["metadata"]["name"] == f"web-{pod_template_hash}"
    assert re.fullmatch(r"[4-9bcdf]{1,10}", pod_template_hash)
    assert rs["metadata"]["labels"] == {"app": "web", "pod-template-hash": pod_template_hash}
    assert rs["spec"]["selector"] == {
        "matchLabels": {"app": "web", "pod-template-hash": pod_template_hash}
    }
    assert rs["spec"]["template"]["metadata"]["labels"] == rs["metadata"]["labels"]
    assert rs["metadata"]["annotations"] == {
        "deployment.kubernetes.io/desired-replicas": "3",
        "deployment.kubernetes.io/max-replicas": "4",
        "deployment.kubernetes.io/revision": "1",
    }
    assert rs["metadata"]["ownerReferences"] == [
        {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "name": "web",
            "uid": d["metadata"]["uid"],
            "controller": True,
            "blockOwnerDeletion": True,
        }
    ]
    assert d["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == "1"

    found = pods(c)
    assert len(found) == 3
    for pod in found:
        meta = pod["metadata"]
        assert POD_NAME.match(meta["name"]).group(1) == pod_template_hash
        assert meta["generateName"] == f"web-{pod_template_hash}-"
        assert meta["labels"] == {"app": "web", "pod-template-hash": pod_template_hash}
        assert meta["ownerReferences"] == [
            {
                "apiVersion": "apps/v1",
                "kind": "ReplicaSet",
                "name": rs["metadata"]["name"],
                "uid": rs["metadata"]["uid"],
                "controller": True,
                "blockOwnerDeletion": True,
            }
        ]
        assert pod["status"]["phase"] == "Pending"  # no scheduler in these tests

    creates = events(c, "SuccessfulCreate")
    assert sorted(e["message"] for e in creates) == sorted(
        f"Created pod: {p['metadata']['name']}" for p in found
    )
    assert {e["source"]["component"] for e in creates} == {"replicaset-controller"}
    assert {e["involvedObject"]["name"] for e in creates} == {rs["metadata"]["name"]}
    assert scaling_events(c) == [f"Scaled up replica set web-{pod_template_hash} from 0 to 3"]
    (scaling,) = events(c, "ScalingReplicaSet")
    assert scaling["source"] == {"component": "deployment-controller"}
    assert scaling["involvedObject"]["kind"] == "Deployment"

    assert rs["status"] == {
        "replicas": 3,
        "fullyLabeledReplicas": 3,
        "observedGeneration": 1,
        "terminatingReplicas": 0,
    }
    table = c.kubectl("get rs").stdout.splitlines()
    assert table[1].split()[:4] == [f"web-{pod_template_hash}", "3", "3", "0"]


def test_a_deleted_pod_is_replaced_and_a_standalone_pod_is_left_alone():
    c = cluster_with()
    c.kubectl("apply -f -", deployment_yaml())
    c.kubectl("apply -f -", STANDALONE_POD.format(name="loner", app="loner"))
    c.settle()
    victim = next(p["metadata"]["name"] for p in pods(c) if p["metadata"]["name"] != "loner")

    result = c.kubectl(f"delete pod {victim}")
    assert result.stdout == f'pod "{victim}" deleted from default namespace\n'
    c.settle()
    names = {p["metadata"]["name"] for p in pods(c)}
    assert victim not in names
    assert len(names) == 4  # three replicas again, and the loner
    assert len(events(c, "SuccessfulCreate")) == 4

    c.kubectl("delete pod loner")
    c.settle()
    assert len(pods(c)) == 3
    assert len(events(c, "SuccessfulCreate")) == 4  # nobody replaced the standalone pod


def test_scale_up_and_down_deletes_the_least_useful_pods_first():
    c = cluster_with()
    c.kubectl("apply -f -", deployment_yaml(replicas=5))
    c.settle()
    by_name = sorted(pods(c), key=lambda p: p["metadata"]["name"])
    # Two pods stay unscheduled; three are scheduled, of which one is Running and Ready.
    unassigned = [p["metadata"]["name"] for p in by_name[:2]]
    for pod in by_name[2:]:
        bind(c, pod, "node-1")
    ready = by_name[4]["metadata"]["name"]
    report_ready(c, by_name[4])
    c.settle()

    assert c.kubectl("scale deployment web --replicas=3").exit_code == 0
    c.settle()
    left = {p["metadata"]["name"] for p in pods(c)}
    assert not left & set(unassigned)  # unassigned pods go first
    assert ready in left
    deleted = sorted(m.removeprefix("Deleted pod: ") for m in messages(c, "SuccessfulDelete"))
    assert deleted == sorted(unassigned)

    assert c.kubectl("scale deployment web --replicas=2").exit_code == 0
    c.settle()
    # A scheduled pod is deleted gracefully: with no kubelet here it stays Terminating.
    going = [p for p in pods(c) if p["metadata"].get("deletionTimestamp")]
    assert len(going) == 1 and going[0]["metadata"]["name"] != ready  # Pending before Running
    assert c.kubectl("get pods").stdout.count("Terminating") == 1

    assert c.kubectl("scale deployment web --replicas=4").exit_code == 0
    c.settle()
    assert len([p for p in pods(c) if not p["metadata"].get("deletionTimestamp")]) == 4
    assert replicasets(c)[0]["status"]["terminatingReplicas"] == 1
    assert scaling_events(c)[-3:] == [
        f"Scaled down replica set {replicasets(c)[0]['metadata']['name']} from 5 to 3",
        f"Scaled down replica set {replicasets(c)[0]['metadata']['name']} from 3 to 2",
        f"Scaled up replica set {replicasets(c)[0]['metadata']['name']} from 2 to 4",
    ]


def test_pods_are_created_in_slow_start_batches():
    c = cluster_with(("replicaset-controller",))
    c.kubectl("apply -f -", REPLICASET_YAML.format(replicas=10))
    c.settle()
    creates = [
        e
        for e in c.trace
        if e.kind == "request"
        and e.source == "controller-manager/replicaset-controller"
        and e.data["method"] == "POST"
        and e.data["url"] == "/api/v1/namespaces/default/pods"
    ]
    batches: dict[float, int] = {}
    for e in creates:
        batches[e.time] = batches.get(e.time, 0) + 1
    assert list(batches.values()) == [1, 2, 4, 3]
    (note,) = [e for e in c.trace if e.kind == "reconcile"]
    assert note.summary == (
        "ReplicaSet default/front: too few replicas (have 0, need 10): creating 10"
    )


def test_a_replicaset_adopts_matching_orphans_and_releases_pods_that_stop_matching():
    c = cluster_with()
    c.kubectl("apply -f -", STANDALONE_POD.format(name="early", app="front"))
    c.settle()
    c.kubectl("apply -f -", REPLICASET_YAML.format(replicas=2))
    c.settle()
    rs = replicasets(c)[0]
    found = {p["metadata"]["name"]: p for p in pods(c)}
    assert len(found) == 2  # the orphan was adopted, so only one pod was created
    assert found["early"]["metadata"]["ownerReferences"][0]["uid"] == rs["metadata"]["uid"]
    assert len(events(c, "SuccessfulCreate")) == 1

    # Relabel the adopted pod: the ReplicaSet lets go of it and makes a new one.
    response = call(
        c,
        "PATCH",
        "/api/v1/namespaces/default/pods/early",
        {"metadata": {"labels": {"app": "debug"}}},
        {"content-type": "application/merge-patch+json"},
    )
    assert response.ok
    c.settle()
    found = {p["metadata"]["name"]: p for p in pods(c)}
    assert len(found) == 3
    assert not found["early"]["metadata"].get("ownerReferences")
    assert len(events(c, "SuccessfulCreate")) == 2


def test_a_pod_that_cannot_be_created_is_reported():
    c = cluster_with()
    extra = "      priorityClassName: high\n"
    c.kubectl("apply -f -", deployment_yaml(replicas=2) + extra)
    c.settle()
    rs = replicasets(c)[0]
    failures = messages(c, "FailedCreate")
    assert failures
    assert re.fullmatch(
        rf'Error creating: pods "{rs["metadata"]["name"]}-[{ALPHANUMS}]{{5}}" is forbidden: '
        "no PriorityClass with name high was found",
        failures[0],
    )
    (condition,) = rs["status"]["conditions"]
    assert condition["type"] == "ReplicaFailure"
    assert condition["status"] == "True"
    assert condition["reason"] == "FailedCreate"
    d_condition = [
        x for x in deployment(c)["status"]["conditions"] if x["type"] == "ReplicaFailure"
    ]
    assert d_condition and d_condition[0]["reason"] == "FailedCreate"
    assert pods(c) == []


def test_expectations_hold_the_controller_back_until_observed():
    now = [0.0]
    expectations = ControllerExpectations(lambda: now[0])
    assert expectations.satisfied("default/web")
    expectations.expect_creations("default/web", 2)
    assert not expectations.satisfied("default/web")
    expectations.creation_observed("default/web")
    assert not expectations.satisfied("default/web")
    expectations.creation_observed("default/web")
    assert expectations.satisfied("default/web")

    expectations.expect_deletions("default/web", ["default/a", "default/b"])
    expectations.deletion_observed("default/web", "default/zzz")  # not one it asked for
    expectations.deletion_observed("default/web", "default/a")
    assert not expectations.satisfied("default/web")
    now[0] = 301.0  # ExpectationsTimeout: five minutes
    assert expectations.satisfied("default/web")


def _pod(name, node="", phase="Pending", ready_at=None, created=0.0, restarts=0, cost=None):
    from engine import timeutil

    conditions = []
    if ready_at is not None:
        conditions.append(
            {"type": "Ready", "status": "True", "lastTransitionTime": timeutil.rfc3339(ready_at)}
        )
    meta = {"name": name, "uid": name, "creationTimestamp": timeutil.rfc3339(created)}
    if cost is not None:
        meta["annotations"] = {"controller.kubernetes.io/pod-deletion-cost": str(cost)}
    return {
        "metadata": meta,
        "spec": {"nodeName": node},
        "status": {
            "phase": phase,
            "conditions": conditions,
            "containerStatuses": [{"name": "c", "restartCount": restarts}],
        },
    }


def test_the_deletion_ranking_follows_active_pods_with_ranks():
    from engine.controllers.activepods import rank_for_deletion

    now = 100_000.0
    pods_ = [
        _pod("running-old", "n1", "Running", ready_at=10, created=0),
        _pod("running-new", "n2", "Running", ready_at=90_000, created=89_000),
        _pod("running-restarts", "n3", "Running", ready_at=10, created=0, restarts=5),
        _pod("running-costly", "n4", "Running", ready_at=90_000, created=89_000, cost=100),
        _pod("pending-assigned", "n1", "Pending"),
        _pod("unassigned", "", "Pending"),
        _pod("running-not-ready", "n1", "Running"),
    ]
    order = [p["metadata"]["name"] for p in rank_for_deletion(pods_, pods_, now)]
    assert order == [
        "unassigned",  # 1. not on a node yet
        "pending-assigned",  # 2. Pending before Running
        "running-not-ready",  # 3. not ready before ready
        "running-old",  # 5. on node n1 with two other pods: doubled up
        "running-new",  # 6. ready for less time (on the log2 scale)
        "running-restarts",  # 7. more restarts
        "running-costly",  # 4. a higher pod-deletion-cost goes last
    ]


def test_min_ready_seconds_delays_availability():
    c = cluster_with()
    c.kubectl("apply -f -", deployment_yaml(extra_spec="  minReadySeconds: 10\n"))
    c.settle()
    for pod in pods(c):
        report_ready(c, pod)
    c.advance(5)
    status = replicasets(c)[0]["status"]
    assert status["readyReplicas"] == 3
    assert "availableReplicas" not in status  # ready, but not for 10 s yet
    assert c.settle()  # the re-check after minReadySeconds is real work: settling waits for it
    assert replicasets(c)[0]["status"]["availableReplicas"] == 3
    assert deployment(c)["status"]["availableReplicas"] == 3
