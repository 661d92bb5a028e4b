"""The DaemonSet controller with the whole control plane: a pod per eligible node (node
selector, taints and the tolerations it adds), nodes joining and leaving, self-healing, a
rolling update node by node, status, and what kubectl prints of it."""

from __future__ import annotations

import json
import re

import yaml

from engine.cluster import Cluster, NodeSpec
from engine.names import ALPHANUMS
from tests.controller_kit import call

DS_YAML = """
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: fluentd
  labels:
    k8s-app: fluentd-logging
spec:
  selector:
    matchLabels:
      name: fluentd
  template:
    metadata:
      labels:
        name: fluentd
    spec:
{extra}      containers:
      - name: fluentd
        image: quay.io/fluentd_elasticsearch/fluentd:v2.5.2
"""
CONTROL_PLANE_TAINT = {"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}
TOLERATE_CONTROL_PLANE = """      tolerations:
      - key: node-role.kubernetes.io/control-plane
        operator: Exists
        effect: NoSchedule
"""
POD_NAME = re.compile(rf"^fluentd-[{ALPHANUMS}]{{5}}$")


def cluster(*extra: NodeSpec) -> Cluster:
    c = Cluster(seed=3, node_specs=[NodeSpec(name=f"node-{i}") for i in (1, 2, 3)] + list(extra))
    c.settle()
    return c


def apply(c: Cluster, extra: str = "") -> None:
    result = c.kubectl("apply -f -", DS_YAML.format(extra=extra))
    assert result.stdout == "daemonset.apps/fluentd created\n", result.text
    c.settle()


def daemon_pods(c: Cluster) -> list[dict]:
    body = call(c, "GET", "/api/v1/namespaces/default/pods").body
    return [p for p in body["items"] if not p["metadata"].get("deletionTimestamp")]


def by_node(c: Cluster) -> dict[str, str]:
    return {p["spec"].get("nodeName", ""): p["metadata"]["name"] for p in daemon_pods(c)}


def status(c: Cluster) -> dict:
    return call(c, "GET", "/apis/apps/v1/namespaces/default/daemonsets/fluentd").body["status"]


def test_one_pod_per_node_pinned_by_affinity_bound_by_the_scheduler():
    c = cluster()
    apply(c)
    pods = daemon_pods(c)
    assert sorted(p["spec"]["nodeName"] for p in pods) == ["node-1", "node-2", "node-3"]
    ds = call(c, "GET", "/apis/apps/v1/namespaces/default/daemonsets/fluentd").body
    for pod in pods:
        meta, spec = pod["metadata"], pod["spec"]
        assert POD_NAME.match(meta["name"])
        assert meta["ownerReferences"] == [
            {
                "apiVersion": "apps/v1",
                "kind": "DaemonSet",
                "name": "fluentd",
                "uid": ds["metadata"]["uid"],
                "controller": True,
                "blockOwnerDeletion": True,
            }
        ]
        assert meta["labels"]["name"] == "fluentd"
        assert meta["labels"]["pod-template-generation"] == "1"
        assert re.fullmatch(r"[4-9bcdf]{1,10}", meta["labels"]["controller-revision-hash"])
        term = spec["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]
        assert term == {
            "nodeSelectorTerms": [
                {
                    "matchFields": [
                        {"key": "metadata.name", "operator": "In", "values": [spec["nodeName"]]}
                    ]
                }
            ]
        }
        keys = [(t["key"], t["effect"]) for t in spec["tolerations"]]
        assert keys[:6] == [
            ("node.kubernetes.io/not-ready", "NoExecute"),
            ("node.kubernetes.io/unreachable", "NoExecute"),
            ("node.kubernetes.io/disk-pressure", "NoSchedule"),
            ("node.kubernetes.io/memory-pressure", "NoSchedule"),
            ("node.kubernetes.io/pid-pressure", "NoSchedule"),
            ("node.kubernetes.io/unschedulable", "NoSchedule"),
        ]
        # The scheduler bound it (the controller does not set nodeName itself since 1.12).
    binds = [e for e in c.trace if e.source == "scheduler" and e.kind.value == "milestone"]
    assert len(binds) == 3
    assert status(c) == {
        "currentNumberScheduled": 3,
        "numberMisscheduled": 0,
        "desiredNumberScheduled": 3,
        "numberReady": 3,
        "observedGeneration": 1,
        "updatedNumberScheduled": 3,
        "numberAvailable": 3,
    }
    reasons = c.kubectl("get events --field-selector involvedObject.kind=DaemonSet").stdout
    assert reasons.count("SuccessfulCreate") == 3
    assert "daemonset/fluentd   Created pod: fluentd-" in reasons


def test_node_selector_limits_the_nodes():
    c = cluster(NodeSpec(name="node-4", labels={"disktype": "ssd"}))
    apply(c, "      nodeSelector:\n        disktype: ssd\n")
    assert list(by_node(c)) == ["node-4"]
    assert status(c)["desiredNumberScheduled"] == 1
    out = c.kubectl("get ds").stdout.splitlines()
    assert out[0].split() == [
        "NAME", "DESIRED", "CURRENT", "READY", "UP-TO-DATE", "AVAILABLE", "NODE", "SELECTOR", "AGE"
    ]  # fmt: skip
    assert out[1].split()[:7] == ["fluentd", "1", "1", "1", "1", "1", "disktype=ssd"]


def test_a_tainted_control_plane_node_is_skipped_unless_tolerated():
    c = cluster(NodeSpec(name="control-plane", taints=[CONTROL_PLANE_TAINT]))
    apply(c)
    assert sorted(by_node(c)) == ["node-1", "node-2", "node-3"]
    c.kubectl("delete ds fluentd")
    c.settle()
    assert daemon_pods(c) == []
    revisions = call(c, "GET", "/apis/apps/v1/namespaces/default/controllerrevisions").body
    assert revisions["items"] == []  # the garbage collector takes them with their DaemonSet
    apply(c, TOLERATE_CONTROL_PLANE)
    assert sorted(by_node(c)) == ["control-plane", "node-1", "node-2", "node-3"]


def test_a_cordoned_node_still_gets_its_daemon_pod():
    c = cluster()
    c.kubectl("cordon node-2")
    c.settle()
    apply(c)
    assert sorted(by_node(c)) == ["node-1", "node-2", "node-3"]


def test_a_new_node_gets_a_pod():
    c = cluster()
    apply(c)
    c.add_node(NodeSpec(name="node-4"))
    c.settle()
    assert sorted(by_node(c)) == ["node-1", "node-2", "node-3", "node-4"]
    assert status(c)["numberReady"] == 4
    story = [e.summary for e in c.trace if e.kind.value == "milestone"]
    assert "The DaemonSet controller sees node-4 without a pod of fluentd and creates one" in story


def test_a_removed_nodes_pod_is_deleted_by_the_pod_garbage_collector():
    c = cluster()
    apply(c)
    gone = by_node(c)["node-3"]
    c.remove_node("node-3")
    c.settle()
    assert status(c)["desiredNumberScheduled"] == 3  # no node delete handler upstream
    assert gone in by_node(c).values()
    c.advance(65)  # the next gc pass after 40 s of quarantine
    c.settle()
    assert sorted(by_node(c)) == ["node-1", "node-2"]
    assert status(c)["desiredNumberScheduled"] == status(c)["currentNumberScheduled"] == 2
    story = [e.summary for e in c.trace if e.kind.value == "milestone"]
    assert (
        f"The pod garbage collector deletes pod {gone}: its node node-3 no longer exists, so no "
        "kubelet will ever stop it"
    ) in story


def test_a_node_relabelled_out_of_the_selector_loses_its_pod():
    c = cluster(NodeSpec(name="node-4", labels={"disktype": "ssd"}))
    apply(c, "      nodeSelector:\n        disktype: ssd\n")
    c.kubectl("label node node-4 disktype-")
    c.settle()
    assert daemon_pods(c) == []
    assert status(c)["desiredNumberScheduled"] == 0
    events = c.kubectl("get events --field-selector reason=SuccessfulDelete").stdout
    assert "Deleted pod: fluentd-" in events
    story = [e.summary for e in c.trace if e.kind.value == "milestone"]
    assert any(
        s.startswith("The DaemonSet controller sees a pod of fluentd on node-4") for s in story
    )


def test_a_deleted_daemon_pod_is_replaced_on_the_same_node():
    c = cluster()
    apply(c)
    before = by_node(c)
    c.kubectl(f"delete pod {before['node-2']}")
    c.settle()
    after = by_node(c)
    assert sorted(after) == ["node-1", "node-2", "node-3"]
    assert after["node-2"] != before["node-2"]
    assert after["node-1"] == before["node-1"]


def test_a_template_change_rolls_node_by_node():
    c = cluster()
    apply(c)
    old = set(by_node(c).values())
    c.kubectl("set image ds/fluentd fluentd=nginx:1.27")
    c.settle()
    pods = daemon_pods(c)
    assert not old & {p["metadata"]["name"] for p in pods}
    assert {p["spec"]["containers"][0]["image"] for p in pods} == {"nginx:1.27"}
    assert {p["metadata"]["labels"]["pod-template-generation"] for p in pods} == {"2"}
    ds = call(c, "GET", "/apis/apps/v1/namespaces/default/daemonsets/fluentd").body
    assert ds["metadata"]["annotations"]["deprecated.daemonset.template.generation"] == "2"
    replaced = [
        e.summary
        for e in c.trace
        if e.kind.value == "milestone" and "replaces the pod of fluentd" in e.summary
    ]
    # One node at a time: each replacement is its own decision.
    assert [s.split(" on ")[1].split(" ")[0] for s in replaced] == ["node-1", "node-2", "node-3"]
    assert all("at most 1 of 3 nodes" in s for s in replaced)
    revisions = call(c, "GET", "/apis/apps/v1/namespaces/default/controllerrevisions").body
    by_revision = {r["revision"]: r for r in revisions["items"]}
    assert sorted(by_revision) == [1, 2]
    current = by_revision[2]
    hash_ = current["metadata"]["labels"]["controller-revision-hash"]
    assert current["metadata"]["name"] == f"fluentd-{hash_}"
    assert {p["metadata"]["labels"]["controller-revision-hash"] for p in pods} == {hash_}
    template = current["data"]["spec"]["template"]
    assert template["$patch"] == "replace"
    assert template["spec"]["containers"][0]["image"] == "nginx:1.27"
    assert c.kubectl("get controllerrevisions").stdout.splitlines()[0].split() == [
        "NAME", "CONTROLLER", "REVISION", "AGE"
    ]  # fmt: skip
    assert (
        f"fluentd-{hash_}   daemonset.apps/fluentd   2"
        in c.kubectl("get controllerrevisions").stdout
    )
    # Back to the first template: its revision is renumbered 3, not made again.
    c.kubectl("set image ds/fluentd fluentd=quay.io/fluentd_elasticsearch/fluentd:v2.5.2")
    c.settle()
    revisions = call(c, "GET", "/apis/apps/v1/namespaces/default/controllerrevisions").body
    assert sorted(r["revision"] for r in revisions["items"]) == [2, 3]
    running = c.kubectl("rollout status ds/fluentd").stdout
    assert running == 'daemon set "fluentd" successfully rolled out\n'


def test_defaults_and_validation():
    c = cluster()
    apply(c)
    ds = call(c, "GET", "/apis/apps/v1/namespaces/default/daemonsets/fluentd").body
    assert ds["spec"]["updateStrategy"] == {
        "type": "RollingUpdate",
        "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 0},
    }
    assert ds["spec"]["revisionHistoryLimit"] == 10
    bad = DS_YAML.format(extra="      restartPolicy: Never\n").replace(
        "name: fluentd\n  template", "name: other\n  template"
    )
    result = c.kubectl("apply -f -", bad.replace("name: fluentd\n  labels", "name: bad\n  labels"))
    assert result.exit_code == 1
    assert result.stderr == (
        'The DaemonSet "bad" is invalid: \n'
        "* spec.template.metadata.labels: Invalid value: "
        'map[string]string{"name":"fluentd"}: `selector` does not match template `labels`\n'
        '* spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: '
        '"Always"\n'
    )
    both = json.loads(c.kubectl("get ds fluentd -o json").stdout)
    both["spec"]["updateStrategy"]["rollingUpdate"]["maxSurge"] = 1
    result = c.kubectl("apply -f -", json.dumps(both))
    assert (
        "spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: 1: may not be set when "
        "maxUnavailable is non-zero" in result.stderr
    )


def test_describe_daemonset():
    c = cluster()
    apply(c)
    out = c.kubectl("describe ds fluentd").stdout
    head = out.split("Pod Template:")[0]
    assert head == (
        "Name:           fluentd\n"
        "Namespace:      default\n"
        "Selector:       name=fluentd\n"
        "Node-Selector:  <none>\n"
        "Labels:         k8s-app=fluentd-logging\n"
        "Annotations:    deprecated.daemonset.template.generation: 1\n"
        "Desired Number of Nodes Scheduled: 3\n"
        "Current Number of Nodes Scheduled: 3\n"
        "Number of Nodes Scheduled with Up-to-date Pods: 3\n"
        "Number of Nodes Scheduled with Available Pods: 3\n"
        "Number of Nodes Misscheduled: 0\n"
        "Pods Status:  3 Running / 0 Waiting / 0 Succeeded / 0 Failed\n"
    )
    assert "  Normal  SuccessfulCreate" in out and "daemonset-controller" in out


def test_update_strategy_validation_messages():
    c = cluster()
    ds = yaml.safe_load(DS_YAML.format(extra=""))

    def refused(strategy: dict) -> str:
        body = {**ds, "spec": {**ds["spec"], "updateStrategy": strategy}}
        result = c.kubectl("apply -f -", json.dumps(body))
        assert result.exit_code == 1
        return result.stderr

    assert refused({"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 0}}) == (
        'The DaemonSet "fluentd" is invalid: spec.updateStrategy.rollingUpdate.maxUnavailable: '
        "Required value: cannot be 0 when maxSurge is 0\n"
    )
    assert refused({"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "120%"}}) == (
        'The DaemonSet "fluentd" is invalid: spec.updateStrategy.rollingUpdate.maxUnavailable: '
        "Invalid value: 120%: must not be greater than 100%\n"
    )
    assert refused({"type": "Recreate"}) == (
        'The DaemonSet "fluentd" is invalid: spec.updateStrategy: Unsupported value: '
        'apps.DaemonSetUpdateStrategy{Type:"Recreate", '
        "RollingUpdate:(*apps.RollingUpdateDaemonSet)(nil)}: supported values: "
        '"RollingUpdate", "OnDelete"\n'
    )
    on_delete = {**ds, "spec": {**ds["spec"], "updateStrategy": {"type": "OnDelete"}}}
    assert c.kubectl("apply -f -", json.dumps(on_delete)).exit_code == 0
    c.settle()
    assert "rollingUpdate" not in status_and_spec(c)["spec"]["updateStrategy"]
    assert c.kubectl("rollout status ds/fluentd").stderr == (
        "error: rollout status is only available for RollingUpdate strategy type\n"
    )


def status_and_spec(c: Cluster) -> dict:
    return call(c, "GET", "/apis/apps/v1/namespaces/default/daemonsets/fluentd").body
