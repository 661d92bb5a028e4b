"""kubectl cluster-info (staging/src/k8s.io/kubectl/pkg/cmd/clusterinfo/clusterinfo.go).

Real kubectl prints the API server's address, then every Service in kube-system labelled
`kubernetes.io/cluster-service=true` (CoreDNS's kube-dns) with the API server's proxy path to
it. (On a terminal kubectl colours the name and the address; written to anything else it
prints plain text, as here.)
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from engine.kubectl.cli import command
from engine.kubectl.context import Context
from engine.kubectl.errors import KubectlError
from engine.kubectl.flags import Parsed

Gen = Generator[Any, Any, Any]

# The address kubectl knows the API server by (discovery's serverAddressByClientCIDRs).
SERVER = "https://127.0.0.1:6443"


@command("cluster-info", summary="Display cluster information")
def cluster_info(ctx: Context, flags: Parsed) -> Gen:
    ctx.out(f"Kubernetes control plane is running at {SERVER}\n")
    response = yield from ctx.request(
        "GET",
        "/api/v1/namespaces/kube-system/services",
        query={"labelSelector": "kubernetes.io/cluster-service=true"},
    )
    for service in ctx.must(response).get("items") or []:
        meta, ports = service["metadata"], (service.get("spec") or {}).get("ports") or []
        name = meta["name"]
        if ports:
            # clusterinfo.go: <scheme>:<service>:<first port's name>, https guessed by the port
            port = ports[0]
            scheme = "https" if port.get("name") == "https" or port.get("port") == 443 else ""
            name = ":".join(part for part in (scheme, name, port.get("name") or "") if part)
        title = (meta.get("labels") or {}).get("kubernetes.io/name") or meta["name"]
        link = f"{SERVER}/api/v1/namespaces/kube-system/services/{name}/proxy"
        ctx.out(f"{title} is running at {link}\n")
    ctx.out("\nTo further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n")


@command("cluster-info dump", summary="Dump relevant information for debugging and diagnosis")
def cluster_info_dump(ctx: Context, flags: Parsed) -> Gen:
    yield from ()
    raise KubectlError(
        'error: "kubectl cluster-info dump" is not part of Podlife\'s simulated kubectl: it '
        "dumps the logs of real control-plane containers"
    )
