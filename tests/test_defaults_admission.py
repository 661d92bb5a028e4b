"""Defaulting and mutating admission: what a Pod looks like once the API server stores it."""

from __future__ import annotations

import copy
import json
import random
import re
from typing import Any

import pytest

from engine.apimachinery.errors import StatusError
from engine.apiserver import defaults
from engine.apiserver.admission import (
    ADMISSION_PLUGINS,
    admit_node_create,
    admit_pod_create,
    qos_class,
    token_volume,
)
from engine.apiserver.defaults import image_tag, order_like_go, pull_policy_for, set_defaults

SHA = "sha256:" + "a" * 64


def pod(*containers: dict[str, Any], **spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "web", "namespace": "default"},
        "spec": {"containers": list(containers) or [{"name": "app", "image": "nginx"}], **spec},
    }


def stored_pod(*containers: dict[str, Any], seed: int = 1, **spec: Any) -> dict[str, Any]:
    obj = pod(*containers, **spec)
    set_defaults("Pod", obj)
    admit_pod_create(obj, random.Random(seed))
    return obj


# ---- image pull policy ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("image", "policy"),
    [
        ("nginx", "Always"),
        ("nginx:latest", "Always"),
        ("nginx:1.25", "IfNotPresent"),
        (f"nginx@{SHA}", "IfNotPresent"),
        (f"nginx:latest@{SHA}", "Always"),
        ("registry.k8s.io/pause:3.9", "IfNotPresent"),
        ("localhost:5000/team/app", "Always"),
        ("localhost:5000/team/app:v2", "IfNotPresent"),
        ("Nginx", "IfNotPresent"),  # not a valid reference: no tag is found
        ("", "IfNotPresent"),
    ],
)
def test_pull_policy_follows_the_tag(image: str, policy: str) -> None:
    assert pull_policy_for(image) == policy


def test_image_tag() -> None:
    assert image_tag("busybox") == "latest"
    assert image_tag("busybox:1.36") == "1.36"
    assert image_tag(f"busybox@{SHA}") == ""
    assert image_tag("nginx@sha256:abc") == ""


def test_explicit_pull_policy_is_kept() -> None:
    obj = pod({"name": "app", "image": "nginx", "imagePullPolicy": "Never"})
    set_defaults("Pod", obj)
    assert obj["spec"]["containers"][0]["imagePullPolicy"] == "Never"


# ---- Pod defaults ---------------------------------------------------------------------------


def test_pod_spec_defaults() -> None:
    obj = pod()
    set_defaults("Pod", obj)
    spec = obj["spec"]
    assert spec["dnsPolicy"] == "ClusterFirst"
    assert spec["restartPolicy"] == "Always"
    assert spec["securityContext"] == {}
    assert spec["terminationGracePeriodSeconds"] == 30
    assert spec["schedulerName"] == "default-scheduler"
    assert spec["enableServiceLinks"] is True
    container = spec["containers"][0]
    assert container["terminationMessagePath"] == "/dev/termination-log"
    assert container["terminationMessagePolicy"] == "File"
    assert container["resources"] == {}  # always serialized, like the Go struct


def test_container_keys_in_go_struct_order() -> None:
    obj = pod(
        {
            "imagePullPolicy": "Always",
            "readinessProbe": {"tcpSocket": {"port": 80}},
            "env": [{"value": "1", "name": "A"}],
            "ports": [{"containerPort": 80}],
            "image": "nginx",
            "name": "app",
            "command": ["nginx"],
        }
    )
    set_defaults("Pod", obj)
    assert list(obj["spec"]["containers"][0]) == [
        "name",
        "image",
        "command",
        "ports",
        "env",
        "resources",
        "readinessProbe",
        "terminationMessagePath",
        "terminationMessagePolicy",
        "imagePullPolicy",
    ]
    assert list(obj["spec"]["containers"][0]["env"][0]) == ["name", "value"]


def test_stored_pod_json_key_order() -> None:
    obj = stored_pod()
    assert list(obj) == ["kind", "apiVersion", "metadata", "spec", "status"]
    assert list(obj["spec"]) == [
        "volumes",
        "containers",
        "restartPolicy",
        "terminationGracePeriodSeconds",
        "dnsPolicy",
        "serviceAccountName",
        "serviceAccount",
        "securityContext",
        "schedulerName",
        "tolerations",
        "priority",
        "enableServiceLinks",
        "preemptionPolicy",
    ]
    assert list(obj["spec"]["containers"][0]) == [
        "name",
        "image",
        "resources",
        "volumeMounts",
        "terminationMessagePath",
        "terminationMessagePolicy",
        "imagePullPolicy",
    ]
    assert list(obj["status"]) == ["phase", "qosClass"]


def test_probe_defaults() -> None:
    obj = pod(
        {
            "name": "app",
            "image": "nginx",
            "livenessProbe": {"httpGet": {"port": 8080}, "periodSeconds": 0},
            "startupProbe": {"grpc": {"port": 9000}, "failureThreshold": 30},
        }
    )
    set_defaults("Pod", obj)
    container = obj["spec"]["containers"][0]
    assert container["livenessProbe"] == {
        "httpGet": {"path": "/", "port": 8080, "scheme": "HTTP"},
        "timeoutSeconds": 1,
        "periodSeconds": 10,
        "successThreshold": 1,
        "failureThreshold": 3,
    }
    assert container["startupProbe"]["grpc"] == {"port": 9000, "service": ""}
    assert container["startupProbe"]["failureThreshold"] == 30


def test_ports_env_and_lifecycle_defaults() -> None:
    obj = pod(
        {
            "name": "app",
            "image": "nginx",
            "ports": [{"containerPort": 80}, {"containerPort": 53, "protocol": "UDP"}],
            "env": [{"name": "NODE", "valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}}}],
            "lifecycle": {"preStop": {"httpGet": {"port": 80}}},
        }
    )
    set_defaults("Pod", obj)
    container = obj["spec"]["containers"][0]
    assert [p["protocol"] for p in container["ports"]] == ["TCP", "UDP"]
    assert container["env"][0]["valueFrom"]["fieldRef"] == {
        "apiVersion": "v1",
        "fieldPath": "spec.nodeName",
    }
    assert container["lifecycle"]["preStop"]["httpGet"] == {
        "path": "/",
        "port": 80,
        "scheme": "HTTP",
    }


def test_volume_defaults() -> None:
    obj = pod(
        volumes=[
            {"name": "scratch"},
            {"name": "conf", "configMap": {"name": "web"}},
            {"name": "creds", "secret": {"secretName": "web"}},
            {"name": "host", "hostPath": {"path": "/var/log"}},
            {
                "name": "meta",
                "downwardAPI": {
                    "items": [{"path": "labels", "fieldRef": {"fieldPath": "metadata.labels"}}]
                },
            },
            {"name": "proj", "projected": {"sources": [{"serviceAccountToken": {"path": "t"}}]}},
        ]
    )
    set_defaults("Pod", obj)
    volumes = obj["spec"]["volumes"]
    assert volumes[0] == {"name": "scratch", "emptyDir": {}}
    assert volumes[1]["configMap"] == {"name": "web", "defaultMode": 420}
    assert volumes[2]["secret"] == {"secretName": "web", "defaultMode": 420}
    assert volumes[3]["hostPath"] == {"path": "/var/log", "type": ""}
    assert volumes[4]["downwardAPI"]["items"][0]["fieldRef"]["apiVersion"] == "v1"
    assert volumes[4]["downwardAPI"]["defaultMode"] == 420
    assert volumes[5]["projected"] == {
        "sources": [{"serviceAccountToken": {"expirationSeconds": 3600, "path": "t"}}],
        "defaultMode": 420,
    }


def test_resources_are_canonical_and_requests_default_to_limits() -> None:
    obj = pod(
        {
            "name": "app",
            "image": "nginx",
            "resources": {"limits": {"memory": 1000, "cpu": 0.5}, "requests": {"cpu": "0.1m"}},
        }
    )
    set_defaults("Pod", obj)
    resources = obj["spec"]["containers"][0]["resources"]
    assert resources == {
        "limits": {"cpu": "500m", "memory": "1k"},
        "requests": {"cpu": "1m", "memory": "1k"},
    }
    assert list(resources["limits"]) == ["cpu", "memory"]  # Go sorts map keys


def test_negative_grace_period_reads_as_one() -> None:
    obj = pod(terminationGracePeriodSeconds=-5)
    set_defaults("Pod", obj)
    assert obj["spec"]["terminationGracePeriodSeconds"] == 1


def test_host_network_ports() -> None:
    obj = pod({"name": "app", "image": "nginx", "ports": [{"containerPort": 80}]}, hostNetwork=True)
    set_defaults("Pod", obj)
    assert obj["spec"]["containers"][0]["ports"][0] == {
        "hostPort": 80,
        "containerPort": 80,
        "protocol": "TCP",
    }


# ---- Deployments, ReplicaSets, Namespaces, Nodes --------------------------------------------


def test_deployment_defaults() -> None:
    obj: dict[str, Any] = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "default"},
        "spec": {
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {
                    "containers": [
                        {"name": "nginx", "image": "nginx", "resources": {"limits": {"cpu": "1"}}}
                    ]
                },
            },
        },
    }
    set_defaults("Deployment", obj)
    spec = obj["spec"]
    assert list(spec) == [
        "replicas",
        "selector",
        "template",
        "strategy",
        "revisionHistoryLimit",
        "progressDeadlineSeconds",
    ]
    assert spec["replicas"] == 1
    assert spec["strategy"] == {
        "type": "RollingUpdate",
        "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"},
    }
    assert spec["revisionHistoryLimit"] == 10
    assert spec["progressDeadlineSeconds"] == 600
    template = spec["template"]["spec"]
    assert template["restartPolicy"] == "Always"
    assert template["containers"][0]["imagePullPolicy"] == "Always"
    # Pod-only defaults stay off templates.
    assert "enableServiceLinks" not in template
    assert "requests" not in template["containers"][0]["resources"]
    assert obj["status"] == {}


def test_recreate_strategy_gets_no_rolling_update() -> None:
    obj: dict[str, Any] = {"kind": "Deployment", "spec": {"strategy": {"type": "Recreate"}}}
    set_defaults("Deployment", obj)
    assert obj["spec"]["strategy"] == {"type": "Recreate"}


def test_partial_rolling_update_is_completed() -> None:
    obj: dict[str, Any] = {
        "kind": "Deployment",
        "spec": {"strategy": {"rollingUpdate": {"maxSurge": 1}}},
    }
    set_defaults("Deployment", obj)
    assert obj["spec"]["strategy"]["rollingUpdate"] == {"maxUnavailable": "25%", "maxSurge": 1}


def test_replicaset_defaults() -> None:
    obj: dict[str, Any] = {"kind": "ReplicaSet", "spec": {"template": {"spec": {"containers": []}}}}
    set_defaults("ReplicaSet", obj)
    assert obj["spec"]["replicas"] == 1
    assert obj["status"] == {"replicas": 0}


def test_namespace_defaults() -> None:
    obj: dict[str, Any] = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "dev"}}
    set_defaults("Namespace", obj)
    assert obj["metadata"]["labels"] == {"kubernetes.io/metadata.name": "dev"}
    assert obj["spec"] == {"finalizers": ["kubernetes"]}
    assert obj["status"] == {"phase": "Active"}


def test_namespace_update_keeps_finalizers_as_they_are() -> None:
    obj: dict[str, Any] = {
        "kind": "Namespace",
        "metadata": {"name": "dev", "resourceVersion": "9"},
        "spec": {"finalizers": []},
        "status": {"phase": "Terminating"},
    }
    set_defaults("Namespace", obj)
    assert obj["spec"] == {"finalizers": []}
    assert obj["status"] == {"phase": "Terminating"}


def test_node_allocatable_defaults_to_capacity() -> None:
    obj: dict[str, Any] = {
        "kind": "Node",
        "metadata": {"name": "n1"},
        "status": {"capacity": {"pods": 110, "cpu": 4}},
    }
    set_defaults("Node", obj)
    assert obj["status"]["capacity"] == {"cpu": "4", "pods": "110"}
    assert obj["status"]["allocatable"] == {"cpu": "4", "pods": "110"}


def test_order_like_go_keeps_unknown_keys_last() -> None:
    obj: dict[str, Any] = {
        "zzz": 1,
        "spec": {"containers": []},
        "kind": "Pod",
        "metadata": {"labels": {"b": "2", "a": "1"}},
    }
    order_like_go("Pod", obj)
    assert list(obj) == ["kind", "metadata", "spec", "status", "zzz"]
    assert list(obj["metadata"]["labels"]) == ["a", "b"]


# ---- admission ------------------------------------------------------------------------------


def test_service_account_token_volume() -> None:
    obj = stored_pod()
    spec = obj["spec"]
    assert spec["serviceAccountName"] == "default"
    assert spec["serviceAccount"] == "default"
    (volume,) = spec["volumes"]
    assert re.fullmatch(r"kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}", volume["name"])
    assert volume == token_volume(volume["name"])
    assert volume["projected"]["sources"] == [
        {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
        {"configMap": {"name": "kube-root-ca.crt", "items": [{"key": "ca.crt", "path": "ca.crt"}]}},
        {
            "downwardAPI": {
                "items": [
                    {
                        "path": "namespace",
                        "fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"},
                    }
                ]
            }
        },
    ]
    assert volume["projected"]["defaultMode"] == 420
    assert spec["containers"][0]["volumeMounts"] == [
        {
            "name": volume["name"],
            "readOnly": True,
            "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount",
        }
    ]


def test_token_volume_name_comes_from_the_seeded_rng() -> None:
    first = stored_pod(seed=42)
    again = stored_pod(seed=42)
    other = stored_pod(seed=43)
    assert json.dumps(first) == json.dumps(again)
    assert first["spec"]["volumes"][0]["name"] != other["spec"]["volumes"][0]["name"]


def test_every_container_mounts_the_token() -> None:
    obj = stored_pod(
        {"name": "app", "image": "nginx"},
        {
            "name": "own",
            "image": "x",
            "volumeMounts": [
                {"name": "mine", "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount"}
            ],
        },
        initContainers=[{"name": "init", "image": "busybox"}],
        volumes=[{"name": "mine", "emptyDir": {}}],
    )
    token = obj["spec"]["volumes"][-1]["name"]
    assert obj["spec"]["initContainers"][0]["volumeMounts"][0]["name"] == token
    assert obj["spec"]["containers"][0]["volumeMounts"][0]["name"] == token
    # A container with its own mount at the token path keeps it.
    assert obj["spec"]["containers"][1]["volumeMounts"] == [
        {"name": "mine", "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount"}
    ]


def test_automount_can_be_switched_off() -> None:
    obj = stored_pod(automountServiceAccountToken=False)
    assert "volumes" not in obj["spec"]
    assert "volumeMounts" not in obj["spec"]["containers"][0]
    sa_off = pod()
    set_defaults("Pod", sa_off)
    off = {"automountServiceAccountToken": False}
    admit_pod_create(sa_off, random.Random(1), account_of=lambda _name: off)
    assert "volumes" not in sa_off["spec"]


def test_admission_reports_what_changed() -> None:
    obj = pod()
    set_defaults("Pod", obj)
    assert admit_pod_create(obj, random.Random(1)) == [
        "ServiceAccount",
        "Priority",
        "DefaultTolerationSeconds",
    ]
    again = copy.deepcopy(obj)
    assert admit_pod_create(again, random.Random(1)) == []
    assert again == obj


def test_default_toleration_seconds() -> None:
    obj = stored_pod()
    assert obj["spec"]["tolerations"] == [
        {
            "key": "node.kubernetes.io/not-ready",
            "operator": "Exists",
            "effect": "NoExecute",
            "tolerationSeconds": 300,
        },
        {
            "key": "node.kubernetes.io/unreachable",
            "operator": "Exists",
            "effect": "NoExecute",
            "tolerationSeconds": 300,
        },
    ]
    tolerant = stored_pod(tolerations=[{"operator": "Exists"}])
    assert tolerant["spec"]["tolerations"] == [{"operator": "Exists"}]
    partly = stored_pod(
        tolerations=[
            {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute"}
        ]
    )
    assert [t["key"] for t in partly["spec"]["tolerations"]] == [
        "node.kubernetes.io/unreachable",
        "node.kubernetes.io/not-ready",
    ]


def test_priority() -> None:
    obj = stored_pod()
    assert obj["spec"]["priority"] == 0
    assert obj["spec"]["preemptionPolicy"] == "PreemptLowerPriority"
    critical = stored_pod(priorityClassName="system-node-critical")
    assert critical["spec"]["priority"] == 2000001000


def test_unknown_priority_class_is_forbidden() -> None:
    obj = pod(priorityClassName="gold")
    set_defaults("Pod", obj)
    with pytest.raises(StatusError) as exc:
        admit_pod_create(obj, random.Random(1))
    assert exc.value.code == 403
    assert exc.value.message == 'pods "web" is forbidden: no PriorityClass with name gold was found'


def test_explicit_priority_must_match() -> None:
    obj = pod(priority=10)
    set_defaults("Pod", obj)
    with pytest.raises(StatusError) as exc:
        admit_pod_create(obj, random.Random(1))
    assert exc.value.message == (
        'pods "web" is forbidden: the integer value of priority (10) must not be provided in pod '
        "spec; priority admission controller computed 0 from the given PriorityClass name"
    )


def test_status_on_create() -> None:
    assert stored_pod()["status"] == {"phase": "Pending", "qosClass": "BestEffort"}


@pytest.mark.parametrize(
    ("resources", "init", "qos"),
    [
        ([{}], [], "BestEffort"),
        ([{"requests": {"cpu": "100m"}}], [], "Burstable"),
        ([{"limits": {"cpu": "1", "memory": "1Gi"}}], [], "Guaranteed"),
        ([{"limits": {"cpu": "1", "memory": "1Gi"}, "requests": {"cpu": "500m"}}], [], "Burstable"),
        ([{"limits": {"cpu": "1"}}], [], "Burstable"),
        ([{"limits": {"cpu": "1", "memory": "1Gi"}}, {}], [], "Burstable"),
        ([{"limits": {"cpu": "1", "memory": "1Gi"}}], [{}], "Burstable"),
        ([{"requests": {"ephemeral-storage": "1Gi"}}], [], "BestEffort"),
        ([{"requests": {"cpu": "0"}}], [], "BestEffort"),
    ],
)
def test_qos_class(resources: list[dict[str, Any]], init: list[dict[str, Any]], qos: str) -> None:
    containers = [{"name": f"c{i}", "image": "x", "resources": r} for i, r in enumerate(resources)]
    inits = [{"name": f"i{i}", "image": "x", "resources": r} for i, r in enumerate(init)]
    obj = pod(*containers, initContainers=inits)
    set_defaults("Pod", obj)
    assert qos_class(obj) == qos


def test_mirror_pods_are_left_alone() -> None:
    obj = pod()
    obj["metadata"]["annotations"] = {"kubernetes.io/config.mirror": "abc"}
    set_defaults("Pod", obj)
    assert "ServiceAccount" not in admit_pod_create(obj, random.Random(1))
    assert "serviceAccountName" not in obj["spec"]


def test_new_nodes_are_tainted_not_ready() -> None:
    node: dict[str, Any] = {"kind": "Node", "metadata": {"name": "n1"}}
    assert admit_node_create(node) == ["TaintNodesByCondition"]
    assert node["spec"]["taints"] == [
        {"key": "node.kubernetes.io/not-ready", "effect": "NoSchedule"}
    ]
    assert admit_node_create(node) == []


def test_admission_plugin_list() -> None:
    names = [p.name for p in ADMISSION_PLUGINS]
    assert names[:3] == ["NamespaceLifecycle", "LimitRanger", "ServiceAccount"]
    assert names.index("ServiceAccount") < names.index("Priority")
    assert names.index("Priority") < names.index("DefaultTolerationSeconds")
    assert names[-1] == "ResourceQuota"
    assert all(p.description and (p.mutating or p.validating) for p in ADMISSION_PLUGINS)
    assert len(set(names)) == len(names)


def test_defaults_module_exports() -> None:
    assert defaults.DEFAULT_FILE_MODE == 420
