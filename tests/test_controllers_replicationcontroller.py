"""ReplicationControllers with the whole control plane: the official docs' example
(https://k8s.io/examples/controllers/replication.yaml) served, defaulted and validated as core/v1
does it, run by the replication manager (the ReplicaSet controller's own logic on RCs), its
Scale, its story, cascading deletes, the selector it may change, and the RBAC it runs with."""

from __future__ import annotations

import json
import re

import pytest

from engine.cluster import Cluster, NodeSpec
from engine.controllers.replicaset import ReplicaSetController
from engine.controllers.replication import ReplicationManager
from engine.names import ALPHANUMS
from tests.controller_kit import call, get, messages, pods
from tests.docs_examples import REPLICATION

RC_PATH = "/api/v1/namespaces/default/replicationcontrollers/nginx"
POD_NAME = re.compile(rf"^nginx-[{ALPHANUMS}]{{5}}$")


def cluster() -> Cluster:
    c = Cluster(seed=5, node_specs=[NodeSpec(name="node-1"), NodeSpec(name="node-2")])
    c.settle()
    return c


def applied(manifest: str = REPLICATION) -> Cluster:
    c = cluster()
    result = c.kubectl("apply -f -", manifest)
    assert result.stdout == "replicationcontroller/nginx created\n", result.text
    c.settle()
    return c


def live(c: Cluster) -> list[dict]:
    return [p for p in pods(c) if not p["metadata"].get("deletionTimestamp")]


def test_the_replication_manager_is_the_replicaset_controller_with_its_own_names():
    assert issubclass(ReplicationManager, ReplicaSetController)
    assert ReplicationManager.sync is ReplicaSetController.sync  # one syncReplicaSet
    assert (ReplicationManager.service_account, ReplicationManager.event_source) == (
        "replication-controller",
        "replication-controller",
    )


def test_the_docs_example_runs_three_owned_pods_with_status():
    c = applied()
    rc = get(c, RC_PATH)
    found = live(c)
    assert len(found) == 3
    for pod in found:
        meta = pod["metadata"]
        assert POD_NAME.match(meta["name"])
        assert meta["labels"] == {"app": "nginx"}
        assert pod["status"]["phase"] == "Running"
        assert meta["ownerReferences"] == [
            {
                "apiVersion": "v1",
                "kind": "ReplicationController",
                "name": "nginx",
                "uid": rc["metadata"]["uid"],
                "controller": True,
                "blockOwnerDeletion": True,
            }
        ]
    # No terminatingReplicas: a ReplicationControllerStatus has none.
    assert rc["status"] == {
        "replicas": 3,
        "fullyLabeledReplicas": 3,
        "readyReplicas": 3,
        "availableReplicas": 3,
        "observedGeneration": 1,
    }
    created = messages(c, "SuccessfulCreate")
    assert sorted(created) == sorted(f"Created pod: {p['metadata']['name']}" for p in found)
    sources = {
        e["source"]["component"]
        for e in get(c, "/api/v1/namespaces/default/events")["items"]
        if e["involvedObject"]["kind"] == "ReplicationController"
    }
    assert sources == {"replication-controller"}


def test_defaults_selector_labels_and_replicas_from_the_template():
    bare = REPLICATION.replace("  replicas: 3\n", "").replace("  selector:\n    app: nginx\n", "")
    c = applied(bare)
    rc = get(c, RC_PATH)
    assert rc["spec"]["selector"] == {"app": "nginx"}
    assert rc["metadata"]["labels"] == {"app": "nginx"}
    assert rc["spec"]["replicas"] == 1
    assert rc["spec"]["template"]["spec"]["restartPolicy"] == "Always"
    assert list(rc["spec"]) == ["replicas", "selector", "template"]  # Go's field order
    assert len(live(c)) == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ("  selector:\n    app: nginx\n", "  selector:\n    app: web\n"),
            'The ReplicationController "nginx" is invalid: spec.template.metadata.labels: '
            'Invalid value: map[string]string{"app":"nginx"}: `selector` does not match '
            "template `labels`",
        ),
        (
            ("replicas: 3", "replicas: -1"),
            'The ReplicationController "nginx" is invalid: spec.replicas: Invalid value: -1: '
            "must be greater than or equal to 0",
        ),
        (
            ("  selector:\n    app: nginx\n", ""),  # and, below, no template labels
            'The ReplicationController "nginx" is invalid: spec.selector: Required value',
        ),
        (
            (
                "    spec:\n",
                "    spec:\n      restartPolicy: Never\n      activeDeadlineSeconds: 9\n",
            ),
            'The ReplicationController "nginx" is invalid: \n'
            '* spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: '
            '"Always"\n'
            "* spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in "
            "ReplicationController is not Supported",
        ),
    ],
)
def test_validation_texts(change: tuple[str, str], message: str):
    manifest = REPLICATION.replace(*change)
    if "Required" in message:  # nothing to default the selector from
        manifest = manifest.replace("      labels:\n        app: nginx\n", "")
    result = cluster().kubectl("apply -f -", manifest)
    assert (result.exit_code, result.stderr) == (1, message + "\n")


def test_a_deleted_pod_is_replaced_and_the_story_says_so():
    c = applied()
    victim = live(c)[0]["metadata"]["name"]
    start = len(c.trace.events)
    c.kubectl(f"delete pod {victim}")
    c.settle()
    names = {p["metadata"]["name"] for p in live(c)}
    assert victim not in names and len(names) == 3
    headlines = [e.summary for e in c.trace.events[start:] if e.kind == "milestone"]
    assert "The replication manager sees nginx with 2 of 3 pods and creates 1 pod" in headlines


def test_scale_through_the_scale_subresource_and_kubectl():
    c = applied()
    scale = get(c, RC_PATH + "/scale")
    assert scale["kind"] == "Scale" and scale["apiVersion"] == "autoscaling/v1"
    assert scale["spec"] == {"replicas": 3}
    assert scale["status"] == {"replicas": 3, "selector": "app=nginx"}
    assert c.kubectl("scale rc nginx --replicas=5").stdout == "replicationcontroller/nginx scaled\n"
    c.settle()
    assert len(live(c)) == 5
    c.kubectl("scale rc nginx --replicas=2")
    c.settle()
    assert len(live(c)) == 2
    assert len(messages(c, "SuccessfulDelete")) == 3
    assert get(c, RC_PATH)["status"]["replicas"] == 2


def test_a_changed_selector_releases_pods_that_no_longer_match():
    c = applied()
    labels = {"app": "nginx", "tier": "web"}  # selector and template alike
    patch = json.dumps({"spec": {"selector": labels, "template": {"metadata": {"labels": labels}}}})
    assert c.kubectl(f"patch rc nginx -p '{patch}'").exit_code == 0
    c.settle()
    owned = [p for p in live(c) if p["metadata"].get("ownerReferences")]
    orphans = [p for p in live(c) if not p["metadata"].get("ownerReferences")]
    assert len(owned) == 3 and len(orphans) == 3  # the old pods were released, not deleted
    assert all(p["metadata"]["labels"]["tier"] == "web" for p in owned)


@pytest.mark.parametrize("cascade", ["background", "foreground", "orphan"])
def test_delete_cascades_as_for_a_replicaset(cascade: str):
    c = applied()
    result = c.kubectl(f"delete rc nginx --cascade={cascade}")
    assert result.stdout == 'replicationcontroller "nginx" deleted from default namespace\n'
    c.settle()
    assert call(c, "GET", RC_PATH).code == 404
    left = live(c)
    if cascade == "orphan":
        assert len(left) == 3
        assert all(not p["metadata"].get("ownerReferences") for p in left)
    else:
        assert left == []


def test_printing_get_wide_and_describe():
    c = applied()
    wide = c.kubectl("get rc -o wide").stdout.splitlines()
    assert wide[0].split() == [
        "NAME", "DESIRED", "CURRENT", "READY", "AGE", "CONTAINERS", "IMAGES", "SELECTOR",
    ]  # fmt: skip
    assert wide[1].split()[:4] + wide[1].split()[5:] == [
        "nginx",
        "3",
        "3",
        "3",
        "nginx",
        "nginx",
        "app=nginx",
    ]
    described = c.kubectl("describe rc nginx").stdout
    assert "Selector:     app=nginx\n" in described
    assert "Replicas:     3 current / 3 desired\n" in described
    assert "Pods Status:  3 Running / 0 Waiting / 0 Succeeded / 0 Failed\n" in described
    assert "Controlled By" not in described


def test_the_manager_is_never_refused():
    c = applied()
    c.kubectl("scale rc nginx --replicas=1")
    c.kubectl("delete rc nginx")
    c.settle()
    refused = [
        e
        for e in c.trace.events
        if e.kind == "authorization" and not (e.data or {}).get("allowed", True)
    ]
    assert refused == []
    rbac = c.kubectl(
        "auth can-i update replicationcontrollers/status "
        "--as=system:serviceaccount:kube-system:replication-controller"
    )
    assert rbac.stdout == "yes\n"


def test_the_scheduler_spreads_its_pods_as_a_replicasets():
    """helper.DefaultSelector: the default topology spread selects the pod's siblings through
    its ReplicationController too, so three replicas land on three nodes."""
    c = Cluster(seed=5, node_specs=[NodeSpec(name=f"node-{i}") for i in (1, 2, 3)])
    c.settle()
    c.kubectl("apply -f -", REPLICATION)
    c.settle()
    assert sorted(p["spec"]["nodeName"] for p in live(c)) == ["node-1", "node-2", "node-3"]
    c.kubectl(f"delete pod {live(c)[0]['metadata']['name']}")
    c.settle()
    assert sorted(p["spec"]["nodeName"] for p in live(c)) == ["node-1", "node-2", "node-3"]


def test_a_disruption_budget_counts_the_replicas_it_wants():
    """getPodReplicationController: a PodDisruptionBudget with maxUnavailable expects as many
    pods as the ReplicationController wants, and allows one eviction of its three."""
    c = applied()
    created = c.kubectl("create pdb nginx --selector=app=nginx --max-unavailable=1")
    assert created.stdout == "poddisruptionbudget.policy/nginx created\n", created.text
    c.settle()
    status = get(c, "/apis/policy/v1/namespaces/default/poddisruptionbudgets/nginx")["status"]
    assert (status["expectedPods"], status["desiredHealthy"], status["disruptionsAllowed"]) == (
        3,
        2,
        1,
    )


def test_an_autoscaler_scales_it_through_its_scale_subresource():
    c = applied()
    made = c.kubectl("autoscale rc nginx --min=4 --max=5")
    assert made.stdout == "horizontalpodautoscaler.autoscaling/nginx autoscaled\n", made.text
    c.advance(40)  # the HPA controller's 15 s sync: below minReplicas, it rescales at once
    c.settle()
    assert get(c, RC_PATH)["spec"]["replicas"] == 4
    assert len(live(c)) == 4
