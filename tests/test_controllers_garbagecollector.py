"""The garbage collector: `kubectl delete --cascade=background|foreground|orphan`."""

from __future__ import annotations

from tests.controller_kit import (
    bind,
    cluster_with,
    deployment_yaml,
    get,
    pods,
    replicasets,
    watch,
)


def deployed():
    c = cluster_with()
    c.kubectl("apply -f -", deployment_yaml())
    c.settle()
    return c


def gc_notes(c) -> list[str]:
    return [
        e.summary
        for e in c.trace
        if e.kind == "reconcile" and e.source == "controller-manager/garbage-collector-controller"
    ]


def test_background_deletion_removes_the_owner_first_then_its_dependents():
    c = deployed()
    rs_name = replicasets(c)[0]["metadata"]["name"]
    seen = watch(c, "/apis/apps/v1/namespaces/default/replicasets")
    result = c.kubectl("delete deployment web")
    assert result.stdout == 'deployment.apps "web" deleted from default namespace\n'
    c.settle()
    assert replicasets(c) == []
    assert pods(c) == []
    assert [kind for kind, _ in seen] == ["DELETED"]  # no finalizer, no waiting: just gone
    notes = gc_notes(c)
    assert notes[0] == (
        f"ReplicaSet default/{rs_name}: Deployment web gone or being deleted, no owner left: "
        "deleting it (propagationPolicy Background)"
    )
    assert len(notes) == 4  # the ReplicaSet, then its three pods


def test_foreground_deletion_deletes_blocking_dependents_before_the_owner():
    c = deployed()
    seen = watch(c, "/apis/apps/v1/namespaces/default/deployments")
    result = c.kubectl("delete deployment web --cascade=foreground")
    assert result.exit_code == 0
    c.settle()
    assert replicasets(c) == [] and pods(c) == []
    kinds = [(kind, obj["metadata"].get("finalizers")) for kind, obj in seen]
    assert kinds[0] == ("MODIFIED", ["foregroundDeletion"])
    assert kinds[-1][0] == "DELETED"
    notes = gc_notes(c)
    assert notes[-1] == (
        "Deployment default/web: no dependent blocks its deletion any more: removing the "
        "foregroundDeletion finalizer"
    )
    assert "propagationPolicy Foreground" in notes[0]  # the ReplicaSet has pods of its own


def test_foreground_deletion_waits_for_terminating_pods():
    c = deployed()
    for pod in pods(c):
        bind(c, pod, "node-1")  # scheduled pods terminate gracefully (30 s)
    c.kubectl(["delete", "deployment", "web", "--cascade=foreground", "--wait=false"])
    c.settle()
    d = get(c, "/apis/apps/v1/namespaces/default/deployments/web")
    assert d["metadata"]["finalizers"] == ["foregroundDeletion"]  # pods still Terminating
    assert all(p["metadata"].get("deletionTimestamp") for p in pods(c))


def test_orphan_deletion_leaves_the_dependents_without_an_owner():
    c = deployed()
    rs = replicasets(c)[0]
    result = c.kubectl("delete deployment web --cascade=orphan")
    assert result.exit_code == 0
    c.settle()
    (left,) = replicasets(c)
    assert left["metadata"]["uid"] == rs["metadata"]["uid"]
    assert not left["metadata"].get("ownerReferences")
    assert len(pods(c)) == 3
    assert all(p["metadata"]["ownerReferences"][0]["uid"] == rs["metadata"]["uid"] for p in pods(c))
    assert gc_notes(c) == [
        "Deployment default/web is deleted with propagationPolicy Orphan: removing its "
        "ownerReference from 1 dependent(s)"
    ]
    # The orphaned ReplicaSet still keeps its pods alive.
    c.kubectl(f"delete pod {pods(c)[0]['metadata']['name']}")
    c.settle()
    assert len(pods(c)) == 3


def test_deleting_a_replicaset_collects_its_pods():
    c = deployed()
    rs = replicasets(c)[0]["metadata"]["name"]
    c.kubectl(f"delete replicaset {rs}")
    c.settle()
    # The Deployment makes a new ReplicaSet (same template, same name) with new pods.
    (again,) = replicasets(c)
    assert again["metadata"]["name"] == rs
    assert len(pods(c)) == 3
    assert {p["metadata"]["ownerReferences"][0]["uid"] for p in pods(c)} == {
        again["metadata"]["uid"]
    }
