"""kubectl version, api-resources, api-versions and cluster-info.

Expected texts were checked against the real kubectl 1.37.1 talking to the same API server.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Generator
from typing import Any

from engine.apiserver.request import Request
from engine.cluster import Cluster
from tests.kubectl_helpers import out, quiet_cluster, sent

CLIENT = "Client Version: v1.37.1\nKustomize Version: v5.8.1\n"
AGGREGATED = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"


def test_version() -> None:
    cluster = quiet_cluster()
    result, requests = sent(cluster, "version")
    assert out(result) == (CLIENT + "Server Version: v1.37.0-podlife\n", "", 0)
    assert requests == ["GET /version"]
    result, requests = sent(cluster, "version --client")
    assert (out(result), requests) == ((CLIENT, "", 0), [])
    info = json.loads(cluster.kubectl("version -o json").stdout)
    assert list(info) == ["clientVersion", "kustomizeVersion", "serverVersion"]
    assert info["serverVersion"]["gitVersion"] == "v1.37.0-podlife"
    assert cluster.kubectl("version -o json --client").stdout.startswith(
        '{\n  "clientVersion": {\n    "major": "1",\n    "minor": "37",\n'
    )
    yaml_text = cluster.kubectl("version -o yaml --client").stdout
    assert yaml_text.endswith("  platform: linux/amd64\nkustomizeVersion: v5.8.1\n\n")
    assert out(cluster.kubectl("version extra")) == ("", "error: extra arguments: [extra]\n", 1)
    assert out(cluster.kubectl("version -o foo")) == (
        "",
        "error: --output must be 'yaml' or 'json'\n",
        1,
    )


def test_api_resources_table() -> None:
    cluster = quiet_cluster()
    result, requests = sent(cluster, "api-resources")
    assert requests == ["GET /api", "GET /apis"]
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"]
    columns = [lines[0].index(title) for title in lines[0].split()]

    def row(name: str) -> list[str]:
        line = next(line for line in lines if line.startswith(name + " "))
        return [
            line[start:end].strip()
            for start, end in zip(columns, [*columns[1:], None], strict=True)
        ]

    assert row("pods") == ["pods", "po", "v1", "true", "Pod"]
    assert row("deployments") == ["deployments", "deploy", "apps/v1", "true", "Deployment"]
    assert row("storageclasses") == [
        "storageclasses",
        "sc",
        "storage.k8s.io/v1",
        "false",
        "StorageClass",
    ]
    assert row("ingresses") == ["ingresses", "ing", "networking.k8s.io/v1", "true", "Ingress"]
    assert row("networkpolicies") == [
        "networkpolicies",
        "netpol",
        "networking.k8s.io/v1",
        "true",
        "NetworkPolicy",
    ]
    names = [line.split()[0] for line in lines[1:]]
    assert {"configmaps", "pods", "serviceaccounts", "services", "deployments"} <= set(names)
    # By group (the core group first), then by name.
    by_name = cluster.kubectl("api-resources -o name").stdout.split()
    keys = [(name.partition(".")[2], name.partition(".")[0]) for name in by_name]
    assert keys == sorted(keys) and [name for _, name in keys] == names
    assert result.stderr == ""


def test_api_resources_filters_and_formats() -> None:
    cluster = quiet_cluster()
    assert out(cluster.kubectl("api-resources --api-group=apps --no-headers")) == (
        "controllerrevisions            apps/v1   true   ControllerRevision\n"
        "daemonsets            ds       apps/v1   true   DaemonSet\n"
        "deployments           deploy   apps/v1   true   Deployment\n"
        "replicasets           rs       apps/v1   true   ReplicaSet\n"
        "statefulsets          sts      apps/v1   true   StatefulSet\n",
        "",
        0,
    )
    cluster_scoped = cluster.kubectl("api-resources --namespaced=false -o name").stdout.split()
    assert {
        "namespaces",
        "nodes",
        "persistentvolumes",
        "clusterroles.rbac.authorization.k8s.io",
    } <= (set(cluster_scoped))
    assert not {"pods", "roles.rbac.authorization.k8s.io"} & set(cluster_scoped)
    assert cluster.kubectl("api-resources --categories=all -o name").stdout == (
        "pods\nreplicationcontrollers\nservices\ndaemonsets.apps\ndeployments.apps\n"
        "replicasets.apps\nstatefulsets.apps\nhorizontalpodautoscalers.autoscaling\ncronjobs.batch\n"
        "jobs.batch\n"
    )
    wide = cluster.kubectl("api-resources -o wide --sort-by=kind").stdout.splitlines()
    assert wide[0].split()[-3:] == ["KIND", "VERBS", "CATEGORIES"]
    kinds = [line[wide[0].index("KIND") :].split()[0] for line in wide[1:]]
    assert kinds == sorted(kinds)
    listing = json.loads(cluster.kubectl("api-resources -o json --api-group=apps").stdout)
    assert listing["kind"] == "APIResourceList"
    assert listing["resources"][1]["shortNames"] == ["ds"]
    assert out(cluster.kubectl("api-resources --sort-by=foo")) == (
        "",
        "error: --sort-by accepts only name or kind\n",
        1,
    )
    assert out(cluster.kubectl("api-resources -o foo")) == (
        "",
        'error: unable to match a printer suitable for the output format "foo", allowed '
        "formats are: json,kyaml,name,wide,yaml\n",
        1,
    )


def test_api_versions() -> None:
    cluster = quiet_cluster()
    result, requests = sent(cluster, "api-versions")
    assert out(result) == (
        "admissionregistration.k8s.io/v1\napps/v1\nauthorization.k8s.io/v1\nautoscaling/v1\nautoscaling/v2\n"
        "batch/v1\ncoordination.k8s.io/v1\ndiscovery.k8s.io/v1\nevents.k8s.io/v1\nnetworking.k8s.io/v1\npolicy/v1\nrbac.authorization.k8s.io/v1\n"
        "scheduling.k8s.io/v1\nstorage.k8s.io/v1\nv1\n",
        "",
        0,
    )
    assert requests == ["GET /api", "GET /apis"]
    assert out(cluster.kubectl("api-versions extra")) == (
        "",
        "error: unexpected arguments: [extra]\nSee 'kubectl api-versions -h' for help and "
        "examples\n",
        1,
    )


def test_cluster_info() -> None:
    result, requests = sent(quiet_cluster(), "cluster-info")
    assert out(result) == (
        "Kubernetes control plane is running at https://127.0.0.1:6443\n"
        "\nTo further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n",
        "",
        0,
    )
    assert requests == [
        "GET /api/v1/namespaces/kube-system/services"
        "?labelSelector=kubernetes.io/cluster-service=true"
    ]
    with_addons = Cluster(seed=1).kubectl("cluster-info").stdout
    assert with_addons.splitlines()[:2] == [
        "Kubernetes control plane is running at https://127.0.0.1:6443",
        "CoreDNS is running at "
        "https://127.0.0.1:6443/api/v1/namespaces/kube-system/services/kube-dns:dns/proxy",
    ]


def test_discovery_asks_for_the_aggregated_form() -> None:
    cluster = quiet_cluster()
    seen: list[tuple[str, str]] = []
    handle = cluster.apiserver.handle

    def recording(req: Request) -> Generator[Any, Any, Any]:
        seen.append((req.path, req.headers.get("accept", "")))
        return handle(req)

    cluster.context = dataclasses.replace(cluster.context, handle=recording)  # kubectl's way in
    cluster.kubectl("api-versions")
    assert seen == [
        ("/api", f"{AGGREGATED},application/json"),
        ("/apis", f"{AGGREGATED},application/json"),
    ]
