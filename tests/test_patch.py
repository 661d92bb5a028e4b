"""JSON merge patch, JSON patch and strategic merge patch, with the API server's texts."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from engine.apimachinery import fieldpath, managedfields
from engine.apimachinery.jsonpatch import (
    PatchError,
    apply_json_patch,
    apply_merge_patch,
    json_patch_status_error,
)
from engine.apimachinery.patchmeta import PATCH_META, field_meta
from engine.apimachinery.strategicpatch import (
    apply_strategic_merge_patch,
    create_three_way_merge_patch,
    create_two_way_merge_patch,
)

LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"


def deployment(image: str = "nginx:1.26", **labels: str) -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "default", "labels": {"app": "web", **labels}},
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{"name": "nginx", "image": image}]},
            },
        },
    }


def pod() -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "p", "labels": {"app": "web", "tier": "fe"}},
        "spec": {
            "containers": [
                {
                    "name": "app",
                    "image": "nginx",
                    "args": ["-g", "daemon off;"],
                    "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}],
                    "ports": [{"containerPort": 80, "protocol": "TCP"}],
                    "volumeMounts": [{"name": "data", "mountPath": "/data"}],
                },
                {"name": "sidecar", "image": "envoy"},
            ],
            "tolerations": [{"key": "a", "operator": "Exists"}],
            "volumes": [{"name": "data", "emptyDir": {}}],
        },
    }


# ---------------------------------------------------------------------------------------------
# RFC 7386


@pytest.mark.parametrize(
    ("target", "patch", "result"),
    [  # RFC 7386 Appendix A
        ({"a": "b"}, {"a": "c"}, {"a": "c"}),
        ({"a": "b"}, {"b": "c"}, {"a": "b", "b": "c"}),
        ({"a": "b"}, {"a": None}, {}),
        ({"a": "b", "b": "c"}, {"a": None}, {"b": "c"}),
        ({"a": ["b"]}, {"a": "c"}, {"a": "c"}),
        ({"a": "c"}, {"a": ["b"]}, {"a": ["b"]}),
        ({"a": {"b": "c"}}, {"a": {"b": "d", "c": None}}, {"a": {"b": "d"}}),
        ({"a": [{"b": "c"}]}, {"a": [1]}, {"a": [1]}),
        (["a", "b"], ["c", "d"], ["c", "d"]),
        ({"a": "b"}, ["c"], ["c"]),
        ({"a": "foo"}, None, None),
        ({"e": None}, {"a": 1}, {"e": None, "a": 1}),
        ([1, 2], {"a": "b", "c": None}, {"a": "b"}),
        ({}, {"a": {"bb": {"ccc": None}}}, {"a": {"bb": {}}}),
    ],
)
def test_merge_patch_rfc7386_examples(target: Any, patch: Any, result: Any) -> None:
    assert apply_merge_patch(target, patch) == result


def test_merge_patch_scale_replaces_lists_and_keeps_input() -> None:
    live = deployment()
    before = copy.deepcopy(live)
    patched = apply_merge_patch(live, {"spec": {"replicas": 3}})
    assert patched["spec"]["replicas"] == 3
    assert live == before
    patched = apply_merge_patch(live, {"spec": {"template": {"spec": {"containers": []}}}})
    assert patched["spec"]["template"]["spec"]["containers"] == []


# ---------------------------------------------------------------------------------------------
# RFC 6902


def test_json_patch_operations() -> None:
    doc = {"metadata": {"labels": {"a": "1"}, "annotations": {}}, "list": [1, 2, 3]}
    ops: list[dict[str, Any]] = [
        {"op": "test", "path": "/metadata/labels/a", "value": "1"},
        {"op": "add", "path": "/metadata/labels/b", "value": "2"},
        {"op": "replace", "path": "/metadata/labels/a", "value": "one"},
        {"op": "add", "path": "/list/1", "value": 9},
        {"op": "add", "path": "/list/-", "value": 4},
        {"op": "remove", "path": "/list/0"},
        {"op": "copy", "from": "/metadata/labels/b", "path": "/metadata/labels/c"},
        {"op": "move", "from": "/metadata/labels/b", "path": "/metadata/annotations/b"},
    ]
    assert apply_json_patch(doc, ops) == {
        "metadata": {"labels": {"a": "one", "c": "2"}, "annotations": {"b": "2"}},
        "list": [9, 2, 3, 4],
    }
    assert doc["list"] == [1, 2, 3]


def test_json_patch_pointer_escaping_for_annotation_keys() -> None:
    doc: dict[str, Any] = {"metadata": {"annotations": {"a~b": "x"}}}
    ops = [
        {"op": "add", "path": "/metadata/annotations/example.com~1owner", "value": "me"},
        {"op": "remove", "path": "/metadata/annotations/a~0b"},
    ]
    assert apply_json_patch(doc, ops) == {"metadata": {"annotations": {"example.com/owner": "me"}}}
    # "~01" is "~1" literally, not "/": decoding is a single left-to-right pass.
    assert apply_json_patch({}, [{"op": "add", "path": "/~01", "value": 1}]) == {"~1": 1}


def test_json_patch_rollout_undo_replaces_template() -> None:
    live = deployment("nginx:1.27")
    template = deployment("nginx:1.26")["spec"]["template"]
    ops = [{"op": "replace", "path": "/spec/template", "value": template}]
    assert apply_json_patch(live, ops)["spec"]["template"] == template


def test_json_patch_negative_index_counts_from_the_end() -> None:
    assert apply_json_patch({"l": [1, 2, 3]}, [{"op": "remove", "path": "/l/-1"}]) == {"l": [1, 2]}


def test_json_patch_replace_of_missing_member_adds_it_like_the_api_server() -> None:
    # evanphx/json-patch v4 (what kube-apiserver runs) does not check object members here.
    assert apply_json_patch({"spec": {}}, [{"op": "replace", "path": "/spec/x", "value": 1}]) == {
        "spec": {"x": 1}
    }


@pytest.mark.parametrize(
    ("ops", "message"),
    [
        (
            [{"op": "add", "path": "/spec/foo/bar", "value": 1}],
            'add operation does not apply: doc is missing path: "/spec/foo/bar": missing value',
        ),
        (
            [{"op": "test", "path": "/metadata/name", "value": "other"}],
            "testing value /metadata/name failed: test failed",
        ),
        (
            [{"op": "test", "path": "/metadata/labels/x", "value": "1"}],
            "testing value /metadata/labels/x failed: test failed",
        ),
        (
            [{"op": "remove", "path": "/metadata/labels/x"}],
            "error in remove for path: '/metadata/labels/x': "
            "Unable to remove nonexistent key: x: missing value",
        ),
        (
            [{"op": "remove", "path": "/spec/nothing/x"}],
            'remove operation does not apply: doc is missing path: "/spec/nothing/x": '
            "missing value",
        ),
        (
            [{"op": "replace", "path": "/spec/containers/5", "value": {}}],
            "replace operation does not apply: doc is missing key: /spec/containers/5: "
            "missing value",
        ),
        (
            [{"op": "replace", "path": "/spec/nothing/x", "value": 1}],
            "replace operation does not apply: doc is missing path: /spec/nothing/x: missing value",
        ),
        (
            [{"op": "add", "path": "/spec/containers/7", "value": {}}],
            "error in add for path: '/spec/containers/7': "
            "Unable to access invalid index: 7: invalid index referenced",
        ),
        (
            [{"op": "add", "path": "/spec/containers/x", "value": {}}],
            "error in add for path: '/spec/containers/x': value was not a proper array index: "
            "'x': strconv.Atoi: parsing \"x\": invalid syntax",
        ),
        (
            [{"op": "move", "from": "/spec/nothing/x", "path": "/spec/y"}],
            "move operation does not apply: doc is missing from path: /spec/nothing/x: "
            "missing value",
        ),
        (
            [{"op": "test", "path": "/spec/nothing/x", "value": 1}],
            "test operation does not apply: is missing path: /spec/nothing/x: missing value",
        ),
        ([{"op": "frobnicate", "path": "/x"}], "Unexpected kind: frobnicate"),
        ([{"path": "/x"}], "Unexpected kind: unknown"),
    ],
)
def test_json_patch_errors_use_evanphx_wording(ops: list[dict[str, Any]], message: str) -> None:
    with pytest.raises(PatchError) as caught:
        apply_json_patch(pod(), ops)
    assert caught.value.message == message
    assert str(caught.value) == message


def test_json_patch_is_all_or_nothing() -> None:
    live = pod()
    ops = [
        {"op": "add", "path": "/metadata/labels/new", "value": "x"},
        {"op": "test", "path": "/metadata/name", "value": "nope"},
    ]
    with pytest.raises(PatchError):
        apply_json_patch(live, ops)
    assert "new" not in live["metadata"]["labels"]


def test_json_patch_null_test_matches_missing_member() -> None:
    assert apply_json_patch({}, [{"op": "test", "path": "/a", "value": None}]) == {}


def test_json_patch_failure_status_is_the_generic_422() -> None:
    assert json_patch_status_error().status == {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": "the server rejected our request due to an error in our request",
        "reason": "Invalid",
        "details": {},
        "code": 422,
    }


# ---------------------------------------------------------------------------------------------
# patch metadata


def test_patch_meta_table_resolves_per_kind() -> None:
    assert field_meta("Pod", ("spec", "containers")).merge_key == "name"
    assert field_meta("Deployment", ["spec", "template", "spec", "containers"]).merge_key == "name"
    assert field_meta(
        "ReplicaSet", ["spec", "template", "spec", "containers", "env"]
    ).merge_key == ("name")
    assert field_meta("Pod", ["spec", "initContainers", "volumeMounts"]).merge_key == "mountPath"
    assert field_meta("Pod", ["spec", "containers", "ports"]).merge_key == "containerPort"
    assert field_meta("Pod", ("metadata", "ownerReferences")).merge_key == "uid"
    assert field_meta("Node", ("metadata", "finalizers")).strategy == "merge"
    assert field_meta("Node", ("status", "addresses")).merge_key == "type"
    assert field_meta("Pod", ("spec", "tolerations")).strategy == ""
    assert field_meta("Pod", ("spec", "containers", "args")).strategy == ""
    assert field_meta("Event", ("spec", "containers")).strategy == ""  # Event has no pod spec
    assert field_meta("Deployment", ("spec", "strategy")).retain_keys
    assert "<pod>.hostAliases" in PATCH_META


# ---------------------------------------------------------------------------------------------
# strategic merge patch (server side)


def test_smp_merges_keyed_lists_and_replaces_the_rest() -> None:
    patch = {
        "spec": {
            "containers": [
                {
                    "name": "app",
                    "image": "nginx:1.27",
                    "args": ["-v"],
                    "env": [{"name": "B", "value": "two"}, {"name": "C", "value": "3"}],
                    "ports": [{"containerPort": 443}],
                    "volumeMounts": [{"name": "data", "mountPath": "/data", "readOnly": True}],
                }
            ],
            "tolerations": [{"key": "b", "operator": "Exists"}],
        }
    }
    result = apply_strategic_merge_patch(pod(), patch, "Pod")
    app, sidecar = result["spec"]["containers"]
    assert sidecar == {"name": "sidecar", "image": "envoy"}
    assert app["image"] == "nginx:1.27"
    assert app["args"] == ["-v"]
    assert app["env"] == [
        {"name": "A", "value": "1"},
        {"name": "B", "value": "two"},
        {"name": "C", "value": "3"},
    ]
    # mergeSortedSlice: a patch item the live list lacks goes before the server-only items.
    assert app["ports"] == [{"containerPort": 443}, {"containerPort": 80, "protocol": "TCP"}]
    assert app["volumeMounts"] == [{"name": "data", "mountPath": "/data", "readOnly": True}]
    assert result["spec"]["tolerations"] == [{"key": "b", "operator": "Exists"}]


def test_smp_null_deletes_and_input_is_untouched() -> None:
    live = pod()
    result = apply_strategic_merge_patch(live, {"metadata": {"labels": {"tier": None}}}, "Pod")
    assert result["metadata"]["labels"] == {"app": "web"}
    assert live["metadata"]["labels"] == {"app": "web", "tier": "fe"}


def test_smp_list_directives() -> None:
    deleted = apply_strategic_merge_patch(
        pod(), {"spec": {"containers": [{"name": "sidecar", "$patch": "delete"}]}}, "Pod"
    )
    assert [c["name"] for c in deleted["spec"]["containers"]] == ["app"]

    replaced = apply_strategic_merge_patch(
        pod(),
        {"spec": {"containers": [{"name": "only", "image": "x"}, {"$patch": "replace"}]}},
        "Pod",
    )
    assert replaced["spec"]["containers"] == [{"name": "only", "image": "x"}]

    with pytest.raises(PatchError) as caught:
        apply_strategic_merge_patch(pod(), {"spec": {"volumes": [{"$patch": "merge"}]}}, "Pod")
    assert caught.value.message == "merging lists cannot yet be specified in the patch"


def test_smp_map_directives() -> None:
    live = pod()
    live["spec"]["nodeSelector"] = {"zone": "a", "disk": "ssd"}
    replaced = apply_strategic_merge_patch(
        live, {"spec": {"nodeSelector": {"$patch": "replace", "zone": "b"}}}, "Pod"
    )
    assert replaced["spec"]["nodeSelector"] == {"zone": "b"}
    deleted = apply_strategic_merge_patch(
        live, {"spec": {"nodeSelector": {"$patch": "delete"}}}, "Pod"
    )
    assert deleted["spec"]["nodeSelector"] == {}  # mergeMap returns an empty map, not a removal
    with pytest.raises(PatchError) as caught:
        apply_strategic_merge_patch(live, {"spec": {"$patch": "merge"}}, "Pod")
    assert caught.value.message.startswith("unknown patch type: merge in map: map[$patch:merge]")


def test_smp_retain_keys_clears_the_old_strategy() -> None:
    live = deployment()
    live["spec"]["strategy"] = {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%"}}
    patch = {"spec": {"strategy": {"$retainKeys": ["type"], "type": "Recreate"}}}
    result = apply_strategic_merge_patch(live, patch, "Deployment")
    assert result["spec"]["strategy"] == {"type": "Recreate"}
    bad = {"spec": {"strategy": {"$retainKeys": ["type"], "rollingUpdate": {"maxSurge": 1}}}}
    with pytest.raises(PatchError) as caught:
        apply_strategic_merge_patch(live, bad, "Deployment")
    assert caught.value.message == "invalid patch format of retainKeys"


def test_smp_primitive_merge_list_finalizers() -> None:
    live = {"metadata": {"finalizers": ["a.io/x", "b.io/y"]}}
    added = apply_strategic_merge_patch(
        live, {"metadata": {"finalizers": ["c.io/z", "a.io/x"]}}, "Pod"
    )
    assert added["metadata"]["finalizers"] == ["c.io/z", "a.io/x", "b.io/y"]
    patch = {"metadata": {"$deleteFromPrimitiveList/finalizers": ["a.io/x"]}}
    removed = apply_strategic_merge_patch(live, patch, "Pod")
    assert removed["metadata"]["finalizers"] == ["b.io/y"]


def test_smp_set_element_order_reorders_and_keeps_server_only_items() -> None:
    live = pod()
    live["spec"]["containers"].insert(1, {"name": "injected", "image": "proxy"})
    patch = {"spec": {"$setElementOrder/containers": [{"name": "sidecar"}, {"name": "app"}]}}
    result = apply_strategic_merge_patch(live, patch, "Pod")
    # The server-only item keeps its place before the item that followed it live (sidecar).
    assert [c["name"] for c in result["spec"]["containers"]] == ["injected", "sidecar", "app"]


def test_smp_keyed_status_and_metadata_lists() -> None:
    live_pod = {
        "metadata": {"ownerReferences": [{"uid": "u1", "kind": "ReplicaSet", "name": "rs"}]},
        "spec": {"hostAliases": [{"ip": "10.0.0.1", "hostnames": ["a"]}]},
        "status": {"conditions": [{"type": "Ready", "status": "False"}, {"type": "Initialized"}]},
    }
    patch = {
        "metadata": {"ownerReferences": [{"uid": "u1", "controller": True}]},
        "spec": {"hostAliases": [{"ip": "10.0.0.1", "hostnames": ["b"]}]},
        "status": {"conditions": [{"type": "Ready", "status": "True"}]},
    }
    result = apply_strategic_merge_patch(live_pod, patch, "Pod")
    assert result["metadata"]["ownerReferences"] == [
        {"uid": "u1", "kind": "ReplicaSet", "name": "rs", "controller": True}
    ]
    assert result["spec"]["hostAliases"] == [{"ip": "10.0.0.1", "hostnames": ["b"]}]
    assert result["status"]["conditions"] == [
        {"type": "Ready", "status": "True"},
        {"type": "Initialized"},
    ]

    node = {"status": {"conditions": [{"type": "Ready", "status": "True"}], "addresses": []}}
    node["status"]["addresses"] = [{"type": "InternalIP", "address": "10.0.0.5"}]
    node_patch = {
        "status": {
            "conditions": [{"type": "Ready", "status": "Unknown"}],
            "addresses": [{"type": "Hostname", "address": "n1"}],
        }
    }
    merged = apply_strategic_merge_patch(node, node_patch, "Node")
    assert merged["status"]["conditions"] == [{"type": "Ready", "status": "Unknown"}]
    assert [a["type"] for a in merged["status"]["addresses"]] == ["Hostname", "InternalIP"]

    rs = {"status": {"conditions": [{"type": "ReplicaFailure", "status": "True"}]}}
    rs_patch = {"status": {"conditions": [{"type": "ReplicaFailure", "$patch": "delete"}]}}
    assert apply_strategic_merge_patch(rs, rs_patch, "ReplicaSet")["status"]["conditions"] == []


def test_smp_missing_merge_key_error() -> None:
    with pytest.raises(PatchError) as caught:
        apply_strategic_merge_patch(pod(), {"spec": {"containers": [{"image": "x"}]}}, "Pod")
    assert caught.value.message == "map: map[image:x] does not contain declared merge key: name"


def test_smp_kubectl_rollout_restart_patch() -> None:
    stamp = "2026-01-01T00:00:00Z"
    annotations = {"kubectl.kubernetes.io/restartedAt": stamp}
    patch = {"spec": {"template": {"metadata": {"annotations": annotations}}}}
    result = apply_strategic_merge_patch(deployment(), patch, "Deployment")
    assert result["spec"]["template"]["metadata"] == {
        "labels": {"app": "web"},
        "annotations": annotations,
    }


# ---------------------------------------------------------------------------------------------
# kubectl apply: CreateThreeWayMergePatch


def applied(manifest: dict[str, Any]) -> dict[str, Any]:
    """What kubectl apply sends as `modified`: the manifest plus its own annotation."""
    modified = copy.deepcopy(manifest)
    annotations = modified["metadata"].setdefault("annotations", {})
    annotations[LAST_APPLIED] = json.dumps(manifest, sort_keys=True, separators=(",", ":")) + "\n"
    return modified


def live_from(manifest: dict[str, Any]) -> dict[str, Any]:
    """The object as the API server stores it after the first apply: defaults and status added."""
    live = applied(manifest)
    live["metadata"] |= {"uid": "6f1c", "resourceVersion": "812", "generation": 1}
    live["spec"] |= {"progressDeadlineSeconds": 600, "revisionHistoryLimit": 10}
    live["spec"]["strategy"] = {
        "type": "RollingUpdate",
        "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"},
    }
    container = live["spec"]["template"]["spec"]["containers"][0]
    container |= {
        "imagePullPolicy": "IfNotPresent",
        "terminationMessagePath": "/dev/termination-log",
    }
    live["spec"]["template"]["spec"] |= {"restartPolicy": "Always", "dnsPolicy": "ClusterFirst"}
    live["status"] = {"replicas": 2, "readyReplicas": 2, "observedGeneration": 1}
    return live


def test_three_way_image_change_mirrors_kubectl_apply() -> None:
    old_manifest = deployment("nginx:1.26")
    new_manifest = deployment("nginx:1.27")
    modified = applied(new_manifest)
    live = live_from(old_manifest)
    patch = create_three_way_merge_patch(old_manifest, modified, live, "Deployment")
    assert patch == {
        "metadata": {
            "annotations": {LAST_APPLIED: modified["metadata"]["annotations"][LAST_APPLIED]}
        },
        "spec": {
            "template": {
                "spec": {
                    "$setElementOrder/containers": [{"name": "nginx"}],
                    "containers": [{"image": "nginx:1.27", "name": "nginx"}],
                }
            }
        },
    }
    # json.Marshal order: "$setElementOrder/containers" sorts before "containers".
    text = json.dumps(patch["spec"], separators=(",", ":"))
    assert text == (
        '{"template":{"spec":{"$setElementOrder/containers":[{"name":"nginx"}],'
        '"containers":[{"image":"nginx:1.27","name":"nginx"}]}}}'
    )
    result = apply_strategic_merge_patch(live, patch, "Deployment")
    container = result["spec"]["template"]["spec"]["containers"][0]
    assert container["image"] == "nginx:1.27"
    assert container["imagePullPolicy"] == "IfNotPresent"  # server default survives


def test_three_way_removing_a_label_from_last_applied_sends_null() -> None:
    old_manifest = deployment(tier="frontend")
    new_manifest = deployment()
    modified = applied(new_manifest)
    live = live_from(old_manifest)
    live["metadata"]["labels"]["team"] = "payments"  # added by `kubectl label`, never applied
    patch = create_three_way_merge_patch(old_manifest, modified, live, "Deployment")
    assert patch == {
        "metadata": {
            "annotations": {LAST_APPLIED: modified["metadata"]["annotations"][LAST_APPLIED]},
            "labels": {"tier": None},
        }
    }
    result = apply_strategic_merge_patch(live, patch, "Deployment")
    assert result["metadata"]["labels"] == {"app": "web", "team": "payments"}


def test_three_way_server_set_fields_survive_and_unchanged_is_empty() -> None:
    manifest = deployment()
    live = live_from(manifest)
    live["spec"]["replicas"] = (
        5  # scaled by kubectl scale / an HPA, but replicas is in the manifest
    )
    patch = create_three_way_merge_patch(manifest, applied(manifest), live, "Deployment")
    assert patch == {"spec": {"replicas": 2}}  # applied fields are restored...

    live["spec"]["replicas"] = 2
    assert create_three_way_merge_patch(manifest, applied(manifest), live, "Deployment") == {}
    # ...while defaults, status and the uid, set only by the server, are never touched.
    no_replicas = deployment()
    del no_replicas["spec"]["replicas"]
    patch = create_three_way_merge_patch(no_replicas, applied(no_replicas), live, "Deployment")
    assert patch == {
        "metadata": {
            "annotations": {
                LAST_APPLIED: applied(no_replicas)["metadata"]["annotations"][LAST_APPLIED]
            }
        }
    }


def test_three_way_field_dropped_from_manifest_is_deleted() -> None:
    old_manifest = deployment()
    new_manifest = deployment()
    del new_manifest["spec"]["replicas"]
    patch = create_three_way_merge_patch(
        old_manifest, new_manifest, live_from(old_manifest), "Deployment"
    )
    assert patch == {"spec": {"replicas": None}}


def test_three_way_removed_container_gets_delete_directive() -> None:
    old_manifest = deployment()
    old_manifest["spec"]["template"]["spec"]["containers"].append(
        {"name": "log", "image": "busybox"}
    )
    new_manifest = deployment()
    live = live_from(old_manifest)
    live["spec"]["template"]["spec"]["containers"].append({"name": "istio-proxy", "image": "envoy"})
    patch = create_three_way_merge_patch(old_manifest, new_manifest, live, "Deployment")
    assert patch["spec"] == {
        "template": {
            "spec": {
                "$setElementOrder/containers": [{"name": "nginx"}],
                "containers": [{"$patch": "delete", "name": "log"}],
            }
        }
    }
    result = apply_strategic_merge_patch(live, patch, "Deployment")
    names = [c["name"] for c in result["spec"]["template"]["spec"]["containers"]]
    assert names == ["nginx", "istio-proxy"]


def test_three_way_primitive_list_and_retain_keys() -> None:
    old_manifest = deployment()
    old_manifest["metadata"]["finalizers"] = ["a.io/x", "b.io/y"]
    new_manifest = deployment()
    new_manifest["metadata"]["finalizers"] = ["b.io/y", "c.io/z"]
    new_manifest["spec"]["strategy"] = {"type": "Recreate"}
    live = live_from(old_manifest)
    patch = create_three_way_merge_patch(old_manifest, new_manifest, live, "Deployment")
    assert patch["metadata"] == {
        "$deleteFromPrimitiveList/finalizers": ["a.io/x"],
        "$setElementOrder/finalizers": ["b.io/y", "c.io/z"],
        "finalizers": ["c.io/z"],
    }
    assert patch["spec"] == {"strategy": {"$retainKeys": ["type"], "type": "Recreate"}}
    result = apply_strategic_merge_patch(live, patch, "Deployment")
    assert result["metadata"]["finalizers"] == ["b.io/y", "c.io/z"]
    assert result["spec"]["strategy"] == {"type": "Recreate"}


def test_three_way_then_apply_reaches_the_manifest() -> None:
    old_manifest = pod()
    new_manifest = pod()
    app = new_manifest["spec"]["containers"][0]
    app["env"] = [{"name": "B", "value": "22"}, {"name": "C", "value": "3"}]
    app["args"] = ["-q"]
    new_manifest["spec"]["containers"].reverse()
    live = copy.deepcopy(old_manifest)
    live["spec"]["nodeName"] = "node-1"
    patch = create_three_way_merge_patch(old_manifest, new_manifest, live, "Pod")
    result = apply_strategic_merge_patch(live, patch, "Pod")
    assert result["spec"]["nodeName"] == "node-1"
    assert result["spec"]["containers"] == new_manifest["spec"]["containers"]


# ---------------------------------------------------------------------------------------------
# CreateTwoWayMergePatch (kubectl edit / label / set image)


def test_two_way_kubectl_set_image() -> None:
    before = deployment("nginx:1.26")
    patch = create_two_way_merge_patch(before, deployment("nginx:1.27"), "Deployment")
    assert json.dumps(patch, separators=(",", ":")) == (
        '{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"nginx"}],'
        '"containers":[{"image":"nginx:1.27","name":"nginx"}]}}}}'
    )


def test_two_way_kubectl_label_and_unlabel() -> None:
    before = pod()
    after = pod()
    after["metadata"]["labels"]["env"] = "prod"
    del after["metadata"]["labels"]["tier"]
    patch = create_two_way_merge_patch(before, after, "Pod")
    assert patch == {"metadata": {"labels": {"env": "prod", "tier": None}}}
    assert create_two_way_merge_patch(before, pod(), "Pod") == {}


# ---------------------------------------------------------------------------------------------
# server-side apply and managedFields

T0, T1, T2 = "2026-01-01T00:00:00Z", "2026-01-01T00:05:00Z", "2026-01-01T00:10:00Z"


def created_pod() -> dict[str, Any]:
    """A pod as `kubectl run nginx --image=nginx` leaves it, defaults included."""
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": "nginx",
            "namespace": "default",
            "uid": "u1",
            "labels": {"run": "nginx"},
        },
        "spec": {
            "containers": [
                {
                    "name": "nginx",
                    "image": "nginx",
                    "imagePullPolicy": "Always",
                    "ports": [{"containerPort": 80, "protocol": "TCP"}],
                    "resources": {},
                    "terminationMessagePath": "/dev/termination-log",
                }
            ],
            "dnsPolicy": "ClusterFirst",
            "restartPolicy": "Always",
        },
        "status": {"phase": "Pending"},
    }


def test_update_managed_fields_on_create_matches_the_real_shape() -> None:
    obj = managedfields.update_managed_fields(None, created_pod(), "kubectl-run", "Pod", T0)
    assert obj["metadata"]["managedFields"] == [
        {
            "manager": "kubectl-run",
            "operation": "Update",
            "apiVersion": "v1",
            "time": T0,
            "fieldsType": "FieldsV1",
            "fieldsV1": {
                "f:metadata": {"f:labels": {".": {}, "f:run": {}}},
                "f:spec": {
                    "f:containers": {
                        'k:{"name":"nginx"}': {
                            ".": {},
                            "f:image": {},
                            "f:imagePullPolicy": {},
                            "f:name": {},
                            "f:ports": {
                                ".": {},
                                'k:{"containerPort":80,"protocol":"TCP"}': {
                                    ".": {},
                                    "f:containerPort": {},
                                    "f:protocol": {},
                                },
                            },
                            "f:resources": {},
                            "f:terminationMessagePath": {},
                        }
                    },
                    "f:dnsPolicy": {},
                    "f:restartPolicy": {},
                },
            },
        }
    ]


def test_fields_v1_of_an_apply_configuration() -> None:
    manifest = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "p", "labels": {"app": "web"}, "finalizers": ["example.com/x"]},
        "spec": {
            "containers": [{"name": "app", "image": "nginx", "ports": [{"containerPort": 8080}]}],
            "tolerations": [{"key": "a", "operator": "Exists"}],
        },
    }
    assert fieldpath.fields_v1_of(manifest, "Pod") == {
        "f:metadata": {"f:finalizers": {'v:"example.com/x"': {}}, "f:labels": {"f:app": {}}},
        "f:spec": {
            "f:containers": {
                'k:{"name":"app"}': {
                    ".": {},
                    "f:image": {},
                    "f:name": {},
                    "f:ports": {
                        'k:{"containerPort":8080,"protocol":"TCP"}': {
                            ".": {},
                            "f:containerPort": {},
                        }
                    },
                }
            },
            "f:tolerations": {},
        },
    }
    paths = fieldpath.from_fields_v1(fieldpath.fields_v1_of(manifest, "Pod"))
    assert fieldpath.to_fields_v1(paths) == fieldpath.fields_v1_of(manifest, "Pod")
    item = ("f:spec", "f:containers", 'k:{"name":"app"}', "f:ports")
    port = (*item, 'k:{"containerPort":8080,"protocol":"TCP"}', "f:containerPort")
    assert fieldpath.path_text(port) == (
        '.spec.containers[name="app"].ports[containerPort=8080,protocol="TCP"].containerPort'
    )
    assert fieldpath.path_text(("f:metadata", "f:finalizers", 'v:"example.com/x"')) == (
        '.metadata.finalizers[="example.com/x"]'
    )


def image_config(image: str, **extra: Any) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "nginx", **extra},
        "spec": {"containers": [{"name": "nginx", "image": image}]},
    }


def test_ssa_conflict_with_client_side_apply() -> None:
    live = managedfields.update_managed_fields(
        None, created_pod(), "kubectl-client-side-apply", "Pod", T0
    )
    obj, conflicts = managedfields.server_side_apply(
        live, image_config("nginx:1.27"), "kubectl", False, "Pod", T1
    )
    assert obj == live
    assert managedfields.conflict_message(conflicts) == (
        'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using v1: '
        '.spec.containers[name="nginx"].image'
    )
    assert managedfields.apply_conflict_error(conflicts).status == {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": managedfields.conflict_message(conflicts),
        "reason": "Conflict",
        "details": {
            "causes": [
                {
                    "reason": "FieldManagerConflict",
                    "message": 'conflict with "kubectl-client-side-apply" using v1',
                    "field": '.spec.containers[name="nginx"].image',
                }
            ]
        },
        "code": 409,
    }


def test_ssa_force_takes_ownership() -> None:
    live = managedfields.update_managed_fields(None, created_pod(), "kubectl-create", "Pod", T0)
    obj, conflicts = managedfields.server_side_apply(
        live, image_config("nginx:1.27"), "kubectl", True, "Pod", T1
    )
    assert conflicts == []
    assert obj["spec"]["containers"][0]["image"] == "nginx:1.27"
    assert obj["spec"]["containers"][0]["imagePullPolicy"] == "Always"
    applier, creator = obj["metadata"]["managedFields"]  # Apply sorts before Update
    assert applier == {
        "manager": "kubectl",
        "operation": "Apply",
        "apiVersion": "v1",
        "time": T1,
        "fieldsType": "FieldsV1",
        "fieldsV1": {
            "f:spec": {
                "f:containers": {'k:{"name":"nginx"}': {".": {}, "f:image": {}, "f:name": {}}}
            }
        },
    }
    container = creator["fieldsV1"]["f:spec"]["f:containers"]['k:{"name":"nginx"}']
    assert "f:image" not in container and "f:name" in container


def test_ssa_same_value_is_shared_not_a_conflict() -> None:
    live = managedfields.update_managed_fields(None, created_pod(), "kubectl-create", "Pod", T0)
    obj, conflicts = managedfields.server_side_apply(
        live, image_config("nginx"), "kubectl", False, "Pod", T1
    )
    assert conflicts == []
    managers = {e["manager"]: e for e in obj["metadata"]["managedFields"]}
    assert (
        "f:image" in managers["kubectl"]["fieldsV1"]["f:spec"]["f:containers"]['k:{"name":"nginx"}']
    )
    created = managers["kubectl-create"]["fieldsV1"]["f:spec"]["f:containers"]['k:{"name":"nginx"}']
    assert "f:image" in created


def test_ssa_several_conflicts_are_grouped_by_manager() -> None:
    live = managedfields.update_managed_fields(
        None, deployment("nginx:1.26"), "kubectl-client-side-apply", "Deployment", T0
    )
    config = deployment("nginx:1.27")
    config["spec"]["replicas"] = 5
    _, conflicts = managedfields.server_side_apply(live, config, "kubectl", False, "Deployment", T1)
    assert managedfields.conflict_message(conflicts) == (
        'Apply failed with 2 conflicts: conflicts with "kubectl-client-side-apply" using apps/v1:\n'
        "- .spec.replicas\n"
        '- .spec.template.spec.containers[name="nginx"].image'
    )


def test_ssa_conflict_with_another_applier_and_a_subresource() -> None:
    live, _ = managedfields.server_side_apply(
        None, image_config("nginx"), "team-a", False, "Pod", T0
    )
    _, conflicts = managedfields.server_side_apply(
        live, image_config("nginx:2"), "team-b", False, "Pod", T1
    )
    assert managedfields.conflict_message(conflicts) == (
        'Apply failed with 1 conflict: conflict with "team-a": .spec.containers[name="nginx"].image'
    )
    scale = managedfields.Conflict(
        "kubectl", ("f:spec", "f:replicas"), "Update", "apps/v1", "scale"
    )
    assert managedfields.conflict_message([scale]) == (
        'Apply failed with 1 conflict: conflict with "kubectl" with subresource "scale" '
        "using apps/v1: .spec.replicas"
    )


def test_ssa_prunes_what_only_the_applier_owned() -> None:
    live, _ = managedfields.server_side_apply(
        None,
        image_config("nginx", labels={"app": "web", "tier": "fe"}),
        "kubectl",
        False,
        "Pod",
        T0,
    )
    obj, _ = managedfields.server_side_apply(
        live, image_config("nginx", labels={"app": "web"}), "kubectl", False, "Pod", T1
    )
    assert obj["metadata"]["labels"] == {"app": "web"}

    # Another manager also set the label: dropping it from the applied config only drops ownership.
    relabelled = copy.deepcopy(live)
    relabelled["metadata"]["labels"]["tier"] = "backend"
    relabelled = managedfields.update_managed_fields(live, relabelled, "kubectl-label", "Pod", T1)
    obj, _ = managedfields.server_side_apply(
        relabelled, image_config("nginx", labels={"app": "web"}), "kubectl", False, "Pod", T2
    )
    assert obj["metadata"]["labels"] == {"app": "web", "tier": "backend"}


def test_ssa_unchanged_reapply_keeps_the_time() -> None:
    live, _ = managedfields.server_side_apply(
        None, image_config("nginx"), "kubectl", False, "Pod", T0
    )
    again, conflicts = managedfields.server_side_apply(
        live, image_config("nginx"), "kubectl", False, "Pod", T1
    )
    assert conflicts == []
    assert again == live
    assert again["metadata"]["managedFields"][0]["time"] == T0


def test_update_takes_changed_fields_from_other_managers() -> None:
    live = managedfields.update_managed_fields(
        None, deployment(), "kubectl-client-side-apply", "Deployment", T0
    )
    scaled = copy.deepcopy(live)
    scaled["spec"]["replicas"] = 5
    scaled = managedfields.update_managed_fields(
        live, scaled, "kubectl", "Deployment", T1, subresource="scale"
    )
    csa, scaler = scaled["metadata"]["managedFields"]
    assert "f:replicas" not in csa["fieldsV1"]["f:spec"]
    assert scaler == {
        "manager": "kubectl",
        "operation": "Update",
        "apiVersion": "apps/v1",
        "time": T1,
        "fieldsType": "FieldsV1",
        "fieldsV1": {"f:spec": {"f:replicas": {}}},
        "subresource": "scale",
    }
    # A status write by the controller is tracked apart and ignores spec.
    status = copy.deepcopy(scaled)
    status["status"] = {"replicas": 5}
    status = managedfields.update_managed_fields(
        scaled, status, "kube-controller-manager", "Deployment", T2, subresource="status"
    )
    entry = status["metadata"]["managedFields"][-1]
    assert (entry["manager"], entry["fieldsV1"]) == (
        "kube-controller-manager",
        {"f:status": {"f:replicas": {}}},
    )
