"""The API server's request path, driven with raw requests (no kubectl)."""

import json

from engine.apiserver.request import Request
from engine.cluster import Cluster

PODS = "/api/v1/namespaces/default/pods"


def pod(name="web", **spec):
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "labels": {"app": name}},
        "spec": {"containers": [{"name": "app", "image": "nginx:1.27"}], **spec},
    }


def call(cluster, method, path, body=None, **kwargs):
    return cluster.call(Request.from_url(method, path, body=body, **kwargs))


def test_create_sets_system_metadata_and_defaults():
    c = Cluster(seed=1, control_plane=False)
    r = call(c, "POST", PODS, pod())
    assert r.code == 201
    meta = r.body["metadata"]
    assert meta["uid"] and meta["creationTimestamp"] == "2026-01-01T00:00:00Z"
    assert int(meta["resourceVersion"]) == c.etcd.revision
    assert r.body["spec"]["restartPolicy"] == "Always"
    assert r.body["status"] == {"phase": "Pending", "qosClass": "BestEffort"}


def test_stored_key_follows_kube_apiserver_layout():
    c = Cluster(seed=1, control_plane=False)
    call(c, "POST", PODS, pod())
    assert c.etcd.get("/registry/pods/default/web") is not None
    assert c.etcd.get("/registry/minions/node-1") is not None


def test_update_with_stale_resource_version_is_a_conflict():
    c = Cluster(seed=1, control_plane=False)
    created = call(c, "POST", PODS, pod()).body
    stale = json.loads(json.dumps(created))
    created["metadata"]["labels"]["tier"] = "a"
    assert call(c, "PUT", f"{PODS}/web", created).code == 200
    stale["metadata"]["labels"]["tier"] = "b"
    r = call(c, "PUT", f"{PODS}/web", stale)
    assert r.code == 409
    assert r.body["message"] == (
        'Operation cannot be fulfilled on pods "web": the object has been modified; '
        "please apply your changes to the latest version and try again"
    )


def test_status_is_only_written_through_the_status_subresource():
    c = Cluster(seed=1, control_plane=False)
    obj = call(c, "POST", PODS, pod()).body
    obj["status"]["phase"] = "Running"
    assert call(c, "PUT", f"{PODS}/web", obj).body["status"]["phase"] == "Pending"
    patch = {"status": {"phase": "Running"}}
    r = call(
        c,
        "PATCH",
        f"{PODS}/web/status",
        patch,
        headers={"content-type": "application/merge-patch+json"},
    )
    assert r.body["status"]["phase"] == "Running"


def test_binding_sets_node_and_condition_once():
    c = Cluster(seed=1, control_plane=False)
    call(c, "POST", PODS, pod())
    binding = {
        "apiVersion": "v1",
        "kind": "Binding",
        "metadata": {"name": "web"},
        "target": {"kind": "Node", "name": "node-2"},
    }
    assert call(c, "POST", f"{PODS}/web/binding", binding).code == 201
    bound = call(c, "GET", f"{PODS}/web").body
    assert bound["spec"]["nodeName"] == "node-2"
    assert [x["type"] for x in bound["status"]["conditions"]] == ["PodScheduled"]
    again = call(c, "POST", f"{PODS}/web/binding", binding)
    assert again.code == 409
    assert again.body["message"].endswith('pod web is already assigned to node "node-2"')


def test_pod_on_a_node_is_deleted_gracefully():
    c = Cluster(seed=1, control_plane=False)
    call(c, "POST", PODS, pod(nodeName="node-1"))
    r = call(c, "DELETE", f"{PODS}/web")
    assert r.code == 200
    assert r.body["metadata"]["deletionGracePeriodSeconds"] == 30
    assert r.body["metadata"]["deletionTimestamp"] == "2026-01-01T00:00:30Z"
    assert call(c, "GET", f"{PODS}/web").code == 200  # still there until the kubelet is done
    final = {"gracePeriodSeconds": 0, "preconditions": {"uid": r.body["metadata"]["uid"]}}
    assert call(c, "DELETE", f"{PODS}/web", final).code == 200
    assert call(c, "GET", f"{PODS}/web").code == 404


def test_an_unscheduled_pod_is_deleted_at_once():
    c = Cluster(seed=1, control_plane=False)
    call(c, "POST", PODS, pod())
    assert "deletionTimestamp" not in call(c, "DELETE", f"{PODS}/web").body["metadata"]
    assert call(c, "GET", f"{PODS}/web").code == 404


def test_watch_delivers_changes_and_expires_after_compaction():
    c = Cluster(seed=1, control_plane=False)
    start = c.etcd.revision
    call(c, "POST", PODS, pod("a"))
    call(c, "POST", PODS, pod("b"))
    seen = []
    r = (
        call(c, "GET", PODS, query=None)
        if False
        else c.call(Request("GET", PODS, {"watch": "true", "resourceVersion": str(start)}))
    )
    r.watch.start(lambda kind, obj: seen.append((kind, obj["metadata"]["name"])))
    call(c, "DELETE", f"{PODS}/a")
    c.settle()
    assert seen == [("ADDED", "a"), ("ADDED", "b"), ("DELETED", "a")]
    c.apiserver.compact()
    expired = c.call(Request("GET", PODS, {"watch": "true", "resourceVersion": str(start)}))
    assert expired.code == 410
    assert expired.body["reason"] == "Expired"
    assert expired.body["message"].startswith(f"too old resource version: {start} (")


def test_watch_list_sends_initial_events_then_a_bookmark():
    c = Cluster(seed=1, control_plane=False)
    call(c, "POST", PODS, pod("a"))
    seen = []
    r = c.call(Request("GET", PODS, {"watch": "true", "sendInitialEvents": "true"}))
    r.watch.start(lambda kind, obj: seen.append((kind, obj["metadata"].get("annotations"))))
    assert seen == [("ADDED", None), ("BOOKMARK", {"k8s.io/initial-events-end": "true"})]


def test_label_selector_watch_sees_objects_leave_the_selection():
    c = Cluster(seed=1, control_plane=False)
    call(c, "POST", PODS, pod("a"))
    seen = []
    since = str(c.etcd.revision)  # without a resourceVersion a watch starts with ADDED events
    r = c.call(
        Request("GET", PODS, {"watch": "true", "labelSelector": "app=a", "resourceVersion": since})
    )
    r.watch.start(lambda kind, obj: seen.append(kind))
    merge = {"content-type": "application/merge-patch+json"}
    call(c, "PATCH", f"{PODS}/a", {"metadata": {"labels": {"app": "x"}}}, headers=merge)
    c.settle()
    assert seen == ["DELETED"]


def test_json_patch_and_strategic_merge_patch():
    c = Cluster(seed=1, control_plane=False)
    call(c, "POST", PODS, pod())
    ops = [{"op": "replace", "path": "/spec/containers/0/image", "value": "nginx:1.28"}]
    r = call(
        c, "PATCH", f"{PODS}/web", ops, headers={"content-type": "application/json-patch+json"}
    )
    assert r.body["spec"]["containers"][0]["image"] == "nginx:1.28"
    bad = [{"op": "test", "path": "/metadata/name", "value": "nope"}]
    r = call(
        c, "PATCH", f"{PODS}/web", bad, headers={"content-type": "application/json-patch+json"}
    )
    assert r.code == 422
    smp = {"spec": {"containers": [{"name": "app", "image": "nginx:1.29"}]}}
    r = call(
        c,
        "PATCH",
        f"{PODS}/web",
        smp,
        headers={"content-type": "application/strategic-merge-patch+json"},
    )
    assert r.body["spec"]["containers"][0]["image"] == "nginx:1.29"
    assert r.body["spec"]["containers"][0]["terminationMessagePath"] == "/dev/termination-log"
    odd = call(c, "PATCH", f"{PODS}/web", smp, headers={"content-type": "text/plain"})
    assert odd.code == 415


def test_server_side_apply_creates_then_reports_conflicts():
    c = Cluster(seed=1, control_plane=False)
    path = f"{PODS}/web"
    apply = {"content-type": "application/apply-patch+yaml"}
    r = c.call(Request("PATCH", path, {"fieldManager": "alice"}, apply, json.dumps(pod())))
    assert r.code == 201
    assert r.body["metadata"]["managedFields"][0]["manager"] == "alice"
    changed = pod()
    changed["spec"]["containers"][0]["image"] = "nginx:1.28"
    r = c.call(Request("PATCH", path, {"fieldManager": "bob"}, apply, json.dumps(changed)))
    assert r.code == 409
    assert 'conflict with "alice"' in r.body["message"]
    forced = {"fieldManager": "bob", "force": "true"}
    r = c.call(Request("PATCH", path, forced, apply, json.dumps(changed)))
    assert r.code == 200 and r.body["spec"]["containers"][0]["image"] == "nginx:1.28"


def test_dry_run_writes_nothing():
    c = Cluster(seed=1, control_plane=False)
    revision = c.etcd.revision
    r = c.call(Request("POST", PODS, {"dryRun": "All"}, {}, pod()))
    assert r.code == 201 and c.etcd.revision == revision


def test_bad_requests_get_kubernetes_statuses():
    c = Cluster(seed=1, control_plane=False)
    assert call(c, "POST", PODS, "{not json").code == 400
    assert call(c, "POST", PODS, "x" * (3 * 1024 * 1024 + 1)).code == 413
    assert call(c, "GET", "/api/v1/namespaces/default/widgets").code == 404
    r = call(c, "POST", "/api/v1/namespaces/nowhere/pods", pod())
    assert (r.code, r.body["message"]) == (404, 'namespaces "nowhere" not found')
    r = (
        call(c, "GET", PODS, query=None)
        if False
        else c.call(Request("GET", PODS, {"fieldSelector": "spec.color=blue"}))
    )
    assert (r.code, r.body["message"]) == (400, "field label not supported: spec.color")


def test_scale_subresource_reads_and_writes_replicas():
    c = Cluster(seed=1, control_plane=False)
    deploy = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web"},
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": {"app": "web"}},
            "template": {"metadata": {"labels": {"app": "web"}}, "spec": pod()["spec"]},
        },
    }
    base = "/apis/apps/v1/namespaces/default/deployments"
    assert call(c, "POST", base, deploy).code == 201
    scale = call(c, "GET", f"{base}/web/scale").body
    assert scale["kind"] == "Scale" and scale["spec"] == {"replicas": 2}
    assert scale["status"]["selector"] == "app=web"
    r = call(
        c,
        "PATCH",
        f"{base}/web/scale",
        {"spec": {"replicas": 5}},
        headers={"content-type": "application/merge-patch+json"},
    )
    assert r.body["spec"]["replicas"] == 5
    assert call(c, "GET", f"{base}/web").body["metadata"]["generation"] == 2


def test_finalizers_hold_deletion_until_removed():
    c = Cluster(seed=1, control_plane=False)
    obj = pod()
    obj["metadata"]["finalizers"] = ["example.com/hold"]
    call(c, "POST", PODS, obj)
    r = call(c, "DELETE", f"{PODS}/web")
    assert r.body["metadata"]["deletionTimestamp"]
    assert call(c, "GET", f"{PODS}/web").code == 200
    merge = {"content-type": "application/merge-patch+json"}
    call(c, "PATCH", f"{PODS}/web", {"metadata": {"finalizers": None}}, headers=merge)
    assert call(c, "GET", f"{PODS}/web").code == 404


def test_every_stage_of_a_create_is_in_the_trace():
    c = Cluster(seed=1, control_plane=False)
    c.kubectl("apply -f -", json.dumps(pod()))
    kinds = [e.kind for e in c.trace]
    for stage in [
        "request",
        "authentication",
        "authorization",
        "mutating-admission",
        "validation",
        "validating-admission",
        "etcd-write",
        "etcd-reply",
        "response",
    ]:
        assert stage in kinds
    assert [e.seq for e in c.trace] == list(range(1, len(c.trace) + 1))


def test_same_seed_same_trace_byte_for_byte():
    def run(seed):
        c = Cluster(seed=seed, control_plane=False)
        c.kubectl("apply -f -", json.dumps(pod()))
        uid = call(c, "GET", f"{PODS}/web").body["metadata"]["uid"]
        c.kubectl("get pods -o yaml")
        c.kubectl("delete pod web")
        return c.trace.jsonl(), uid

    assert run(3) == run(3)
    assert run(3)[1] != run(4)[1]
