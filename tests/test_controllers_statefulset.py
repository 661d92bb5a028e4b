"""The StatefulSet controller with the whole control plane: pods named web-0..N-1 created one
at a time (each waiting for the one before to be Running and Ready), a claim per pod created
first and kept, a deleted pod re-created with its name, scale-down from the highest ordinal,
rolling updates from the highest ordinal down to the partition, OnDelete, Parallel, status,
events, and the API server's validation of StatefulSets."""

from __future__ import annotations

import copy

import yaml

from engine.cluster import Cluster
from engine.controllers.statefulset.utils import POD_INDEX_LABEL, POD_NAME_LABEL, REVISION_LABEL
from tests.controller_kit import call, get, items, watch

STS = "/apis/apps/v1/namespaces/default/statefulsets"
WEB_YAML = """
apiVersion: v1
kind: Service
metadata:
  name: nginx
  labels: {app: nginx}
spec:
  ports: [{port: 80, name: web}]
  clusterIP: None
  selector: {app: nginx}
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: nginx
  replicas: 3
  selector:
    matchLabels: {app: nginx}
  template:
    metadata:
      labels: {app: nginx}
    spec:
      containers:
      - name: nginx
        image: registry.k8s.io/nginx-slim:0.24
        volumeMounts: [{name: www, mountPath: /usr/share/nginx/html}]
  volumeClaimTemplates:
  - metadata: {name: www}
    spec:
      accessModes: [ReadWriteOnce]
      resources: {requests: {storage: 1Gi}}
"""


def cluster(**spec_changes: object) -> Cluster:
    docs = list(yaml.safe_load_all(WEB_YAML))
    docs[1]["spec"].update(spec_changes)
    c = Cluster(seed=5)
    c.settle()
    result = c.kubectl("apply -f -", yaml.safe_dump_all(docs))
    assert result.exit_code == 0, result.text
    return c


def live_pods(c: Cluster) -> dict[str, dict]:
    return {
        p["metadata"]["name"]: p
        for p in items(c, "/api/v1/namespaces/default/pods")
        if not p["metadata"].get("deletionTimestamp")
    }


def image_of(pod: dict) -> str:
    return str(pod["spec"]["containers"][0]["image"])


def ready(pod: dict) -> bool:
    conditions = (pod.get("status") or {}).get("conditions") or []
    return any(c["type"] == "Ready" and c["status"] == "True" for c in conditions)


def set_image(c: Cluster, image: str) -> None:
    patch = (
        f'[{{"op":"replace","path":"/spec/template/spec/containers/0/image","value":"{image}"}}]'
    )
    result = c.kubectl(["patch", "statefulset", "web", "--type=json", f"-p={patch}"])
    assert result.exit_code == 0, result.text


def events(c: Cluster, reason: str) -> list[str]:
    return [
        e["message"]
        for e in items(c, "/api/v1/namespaces/default/events")
        if e["reason"] == reason and e["involvedObject"]["kind"] == "StatefulSet"
    ]


def test_pods_are_created_in_order_each_after_the_one_before_is_ready():
    c = Cluster(seed=5)
    c.settle()
    seen = watch(c, "/api/v1/namespaces/default/pods")
    c.kubectl("apply -f -", WEB_YAML)
    c.settle()
    created = [obj["metadata"]["name"] for kind, obj in seen if kind == "ADDED"]
    assert created == ["web-0", "web-1", "web-2"]
    for before, after in (("web-0", "web-1"), ("web-1", "web-2")):
        added = next(
            i for i, (k, o) in enumerate(seen) if k == "ADDED" and o["metadata"]["name"] == after
        )
        assert any(o["metadata"]["name"] == before and ready(o) for _, o in seen[:added])
    pods = live_pods(c)
    pod = pods["web-1"]
    assert pod["spec"]["hostname"] == "web-1" and pod["spec"]["subdomain"] == "nginx"
    labels = pod["metadata"]["labels"]
    status = get(c, f"{STS}/web")["status"]
    assert labels[POD_NAME_LABEL] == "web-1" and labels[POD_INDEX_LABEL] == "1"
    assert labels[REVISION_LABEL] == status["updateRevision"] == status["currentRevision"]
    assert pod["spec"]["volumes"][0] == {
        "name": "www",
        "persistentVolumeClaim": {"claimName": "www-web-1"},
    }
    assert pod["metadata"]["ownerReferences"][0]["kind"] == "StatefulSet"
    assert {
        k: status[k]
        for k in (
            "replicas",
            "readyReplicas",
            "currentReplicas",
            "updatedReplicas",
            "availableReplicas",
        )
    } == dict.fromkeys(
        ("replicas", "readyReplicas", "currentReplicas", "updatedReplicas", "availableReplicas"), 3
    )
    assert status["observedGeneration"] == 1 and status["collisionCount"] == 0
    assert events(c, "SuccessfulCreate")[:2] == [
        "create Claim www-web-0 Pod web-0 in StatefulSet web success",
        "create Pod web-0 in StatefulSet web successful",
    ]


def test_each_pod_gets_its_own_bound_claim_kept_when_the_statefulset_goes():
    c = cluster()
    c.settle()
    claims = items(c, "/api/v1/namespaces/default/persistentvolumeclaims")
    assert sorted(p["metadata"]["name"] for p in claims) == ["www-web-0", "www-web-1", "www-web-2"]
    assert all(p["status"]["phase"] == "Bound" for p in claims)
    assert all(p["metadata"]["labels"] == {"app": "nginx"} for p in claims)
    assert c.kubectl("delete statefulset web").exit_code == 0
    c.settle()
    assert live_pods(c) == {}
    kept = items(c, "/api/v1/namespaces/default/persistentvolumeclaims")
    assert sorted(p["metadata"]["name"] for p in kept) == ["www-web-0", "www-web-1", "www-web-2"]


def test_a_deleted_pod_comes_back_with_its_name_and_claim():
    c = cluster()
    c.settle()
    old_uid = live_pods(c)["web-1"]["metadata"]["uid"]
    assert c.kubectl("delete pod web-1").exit_code == 0
    c.settle()
    pod = live_pods(c)["web-1"]
    assert pod["metadata"]["uid"] != old_uid
    assert pod["spec"]["volumes"][0]["persistentVolumeClaim"]["claimName"] == "www-web-1"
    assert ready(pod)
    assert len(items(c, "/api/v1/namespaces/default/persistentvolumeclaims")) == 3


def test_scale_down_goes_in_reverse_order_one_at_a_time_and_keeps_the_claims():
    c = cluster(replicas=4)
    c.settle()
    seen = watch(c, "/api/v1/namespaces/default/pods")
    assert c.kubectl("scale sts web --replicas=2").exit_code == 0
    c.settle()
    going = [
        o["metadata"]["name"]
        for k, o in seen
        if k == "MODIFIED" and o["metadata"].get("deletionTimestamp")
    ]
    assert list(dict.fromkeys(going)) == ["web-3", "web-2"]
    gone_3 = next(
        i for i, (k, o) in enumerate(seen) if k == "DELETED" and o["metadata"]["name"] == "web-3"
    )
    first_2 = next(i for i, (k, o) in enumerate(seen) if o["metadata"]["name"] == "web-2")
    assert first_2 > gone_3  # web-2 waits for web-3 to be gone
    assert sorted(live_pods(c)) == ["web-0", "web-1"]
    assert len(items(c, "/api/v1/namespaces/default/persistentvolumeclaims")) == 4
    assert events(c, "SuccessfulDelete") == [
        "delete Pod web-3 in StatefulSet web successful",
        "delete Pod web-2 in StatefulSet web successful",
    ]


def test_parallel_creates_without_waiting():
    c = Cluster(seed=5)
    c.settle()
    seen = watch(c, "/api/v1/namespaces/default/pods")
    docs = list(yaml.safe_load_all(WEB_YAML))
    docs[1]["spec"]["podManagementPolicy"] = "Parallel"
    c.kubectl("apply -f -", yaml.safe_dump_all(docs))
    c.settle()
    added = [i for i, (k, _o) in enumerate(seen) if k == "ADDED"]
    assert len(added) == 3
    assert not any(ready(o) for _, o in seen[: added[-1]])  # all created before any was ready


def test_rolling_update_goes_from_the_highest_ordinal_down_and_honours_the_partition():
    c = cluster()
    c.settle()
    seen = watch(c, "/api/v1/namespaces/default/pods")
    set_image(c, "registry.k8s.io/nginx-slim:0.27")
    c.settle()
    replaced = [o["metadata"]["name"] for k, o in seen if k == "ADDED"]
    assert replaced == ["web-2", "web-1", "web-0"]
    assert {image_of(p) for p in live_pods(c).values()} == {"registry.k8s.io/nginx-slim:0.27"}
    status = get(c, f"{STS}/web")["status"]
    assert status["currentRevision"] == status["updateRevision"]
    revisions = items(c, "/apis/apps/v1/namespaces/default/controllerrevisions")
    assert sorted(r["revision"] for r in revisions) == [1, 2]
    assert c.kubectl("rollout status sts/web").stdout == (
        "partitioned roll out complete: 3 new pods have been updated...\n"
    )

    patch = '{"spec":{"updateStrategy":{"rollingUpdate":{"partition":2}}}}'
    assert c.kubectl(["patch", "sts", "web", "-p", patch]).exit_code == 0
    set_image(c, "registry.k8s.io/nginx-slim:0.24")
    c.settle()
    images = {name: image_of(p) for name, p in live_pods(c).items()}
    assert images == {
        "web-0": "registry.k8s.io/nginx-slim:0.27",
        "web-1": "registry.k8s.io/nginx-slim:0.27",
        "web-2": "registry.k8s.io/nginx-slim:0.24",
    }
    status = get(c, f"{STS}/web")["status"]
    assert (status["currentReplicas"], status["updatedReplicas"]) == (2, 1)
    # Below the partition, a deleted pod comes back on the current revision.
    c.kubectl("delete pod web-0")
    c.settle()
    assert image_of(live_pods(c)["web-0"]) == "registry.k8s.io/nginx-slim:0.27"
    history = c.kubectl("rollout history sts/web").stdout
    assert (
        history
        == "statefulset.apps/web \nREVISION  CHANGE-CAUSE\n2         <none>\n3         <none>\n\n"
    )
    assert c.kubectl("rollout undo sts/web").stdout == "statefulset.apps/web rolled back\n"


def test_on_delete_updates_a_pod_only_once_it_is_deleted():
    c = cluster(updateStrategy={"type": "OnDelete"})
    c.settle()
    set_image(c, "registry.k8s.io/nginx-slim:0.27")
    c.settle()
    assert {image_of(p) for p in live_pods(c).values()} == {"registry.k8s.io/nginx-slim:0.24"}
    c.kubectl("delete pod web-1")
    c.settle()
    assert image_of(live_pods(c)["web-1"]) == "registry.k8s.io/nginx-slim:0.27"
    assert image_of(live_pods(c)["web-2"]) == "registry.k8s.io/nginx-slim:0.24"


def test_defaults_and_validation_texts():
    c = cluster()
    sts = get(c, f"{STS}/web")
    spec = sts["spec"]
    assert spec["podManagementPolicy"] == "OrderedReady"
    assert spec["updateStrategy"] == {
        "type": "RollingUpdate",
        "rollingUpdate": {"partition": 0, "maxUnavailable": 1},
    }
    assert spec["persistentVolumeClaimRetentionPolicy"] == {
        "whenDeleted": "Retain",
        "whenScaled": "Retain",
    }
    assert spec["revisionHistoryLimit"] == 10
    assert spec["volumeClaimTemplates"][0]["spec"]["volumeMode"] == "Filesystem"

    changed = copy.deepcopy(sts)
    changed["spec"]["serviceName"] = "other"
    response = call(c, "PUT", f"{STS}/web", changed)
    assert response.code == 422
    assert response.body["message"] == (
        'StatefulSet.apps "web" is invalid: spec: Forbidden: updates to statefulset spec for '
        "fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', "
        "'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and "
        "'minReadySeconds' are forbidden"
    )

    bad = list(yaml.safe_load_all(WEB_YAML))[1]
    bad["metadata"]["name"] = "bad"
    bad["spec"]["template"]["metadata"]["labels"] = {"app": "other"}
    bad["spec"]["podManagementPolicy"] = "Sometimes"
    bad["spec"]["updateStrategy"] = {"type": "RollingUpdate", "rollingUpdate": {"partition": -1}}
    response = call(c, "POST", STS, bad)
    assert response.code == 422
    assert response.body["message"] == (
        'StatefulSet.apps "bad" is invalid: [spec.podManagementPolicy: Invalid value: '
        "\"Sometimes\": must be 'OrderedReady' or 'Parallel', "
        "spec.updateStrategy.rollingUpdate.partition: Invalid value: -1: must be greater "
        "than or equal to 0, spec.template.metadata.labels: Invalid value: "
        'map[string]string{"app":"other"}: `selector` does not match template `labels`]'
    )


def test_discovery_and_openapi_serve_statefulsets_with_scale_and_status():
    from engine.apiserver import openapi_v2

    c = Cluster(seed=5)
    resources = get(c, "/apis/apps/v1")["resources"]
    served = {r["name"]: r for r in resources if r["name"].startswith("statefulsets")}
    assert sorted(served) == ["statefulsets", "statefulsets/scale", "statefulsets/status"]
    assert served["statefulsets"]["shortNames"] == ["sts"]
    assert served["statefulsets"]["categories"] == ["all"]
    assert served["statefulsets/scale"]["kind"] == "Scale"
    paths = openapi_v2.document()["paths"]
    assert "/apis/apps/v1/namespaces/{namespace}/statefulsets/{name}/scale" in paths


def test_an_orphaning_delete_keeps_the_pods_and_a_new_statefulset_adopts_them():
    c = cluster()
    c.settle()
    uids = {name: p["metadata"]["uid"] for name, p in live_pods(c).items()}
    assert c.kubectl("delete statefulset web --cascade=orphan").exit_code == 0
    c.settle()
    assert items(c, STS) == []
    assert {n: p["metadata"]["uid"] for n, p in live_pods(c).items()} == uids
    assert all(not p["metadata"].get("ownerReferences") for p in live_pods(c).values())
    assert c.kubectl("apply -f -", WEB_YAML).exit_code == 0
    c.settle()
    adopted = live_pods(c)
    assert {n: p["metadata"]["uid"] for n, p in adopted.items()} == uids
    owner = get(c, f"{STS}/web")["metadata"]["uid"]
    assert all(p["metadata"]["ownerReferences"][0]["uid"] == owner for p in adopted.values())
    # Its bootstrap role allows all it asks for (adoption re-reads the StatefulSet: get).
    refused = [
        e.summary
        for e in c.trace.events
        if (e.data or {}).get("allowed") is False and "statefulset-controller" in e.source
    ]
    assert refused == []


def test_on_delete_needs_the_rolling_update_removed_as_the_tutorial_patches_it():
    c = cluster()
    refused = c.kubectl(
        ["patch", "statefulset", "web", "-p", '{"spec":{"updateStrategy":{"type":"OnDelete"}}}']
    )
    assert refused.stderr == (
        'The StatefulSet "web" is invalid: spec.updateStrategy.rollingUpdate: Invalid value: '
        "apps.RollingUpdateStatefulSetStrategy{Partition:0, "
        "MaxUnavailable:(*intstr.IntOrString)(0xc0004a8f60)}: only allowed for updateStrategy "
        "'RollingUpdate'\n"
    )
    patch = '{"spec":{"updateStrategy":{"type":"OnDelete", "rollingUpdate": null}}}'
    assert c.kubectl(["patch", "statefulset", "web", "-p", patch]).exit_code == 0
    assert get(c, f"{STS}/web")["spec"]["updateStrategy"] == {"type": "OnDelete"}


def test_ordinals_start_numbers_the_pods_from_it():
    c = cluster(replicas=2, ordinals={"start": 3})
    c.settle()
    assert sorted(live_pods(c)) == ["web-3", "web-4"]
    claims = items(c, "/api/v1/namespaces/default/persistentvolumeclaims")
    assert sorted(p["metadata"]["name"] for p in claims) == ["www-web-3", "www-web-4"]


def claim_names(c: Cluster) -> list[str]:
    claims = items(c, "/api/v1/namespaces/default/persistentvolumeclaims")
    return sorted(p["metadata"]["name"] for p in claims)


def test_retention_policy_delete_deletes_the_claims_with_the_set_or_the_condemned_pods():
    c = cluster(
        persistentVolumeClaimRetentionPolicy={"whenDeleted": "Retain", "whenScaled": "Delete"}
    )
    c.settle()
    assert c.kubectl("scale sts web --replicas=1").exit_code == 0
    c.settle()
    assert claim_names(c) == ["www-web-0"]  # the condemned pods' claims went with them

    c = cluster(
        persistentVolumeClaimRetentionPolicy={"whenDeleted": "Delete", "whenScaled": "Retain"}
    )
    c.settle()
    [claim] = [
        p
        for p in items(c, "/api/v1/namespaces/default/persistentvolumeclaims")
        if p["metadata"]["name"] == "www-web-0"
    ]
    owner = claim["metadata"]["ownerReferences"]
    assert [(o["kind"], o["name"], o["controller"]) for o in owner] == [
        ("StatefulSet", "web", True)
    ]
    assert c.kubectl("scale sts web --replicas=1").exit_code == 0
    c.settle()
    assert claim_names(c) == ["www-web-0", "www-web-1", "www-web-2"]  # kept on scale-down
    assert c.kubectl("delete sts web").exit_code == 0
    c.settle()
    assert claim_names(c) == []  # the garbage collector deleted them with the StatefulSet


def test_the_service_name_must_be_a_dns_label():
    c = Cluster(seed=5)
    docs = list(yaml.safe_load_all(WEB_YAML))
    docs[1]["spec"]["serviceName"] = "Nginx.svc"
    result = c.kubectl("apply -f -", yaml.safe_dump_all(docs))
    assert result.stderr.splitlines()[-1].startswith(
        'The StatefulSet "web" is invalid: spec.serviceName: Invalid value: "Nginx.svc": a '
        "lowercase RFC 1123 label must consist of"
    )
