"""The root CA certificate publisher (pkg/controller/certificates/rootcacertpublisher/
publisher.go): every namespace has a ConfigMap `kube-root-ca.crt` holding the cluster's CA
certificate, which the kubelet mounts into every pod next to its ServiceAccount token, so that
a program in the pod can check it is talking to the real API server. Made when the namespace
appears; put back if someone deletes or changes it.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from engine import pki
from engine.apiserver.request import Response
from engine.client.informer import Handlers
from engine.controllers.base import Controller, path_of

Gen = Generator[Any, Any, Any]
Obj = dict[str, Any]

NAME = "kube-root-ca.crt"  # RootCACertConfigMapName
KEY = "ca.crt"
# publisher.go Description
DESCRIPTION = (
    "Contains a CA bundle that can be used to verify the kube-apiserver when using internal "
    "endpoints such as the internal service IP or kubernetes.default.svc. No other usage is "
    "guaranteed across distributions of Kubernetes clusters."
)
ANNOTATION = "kubernetes.io/description"


class RootCACertPublisher(Controller):
    name = "root-ca-certificate-publisher-controller"
    service_account = "root-ca-cert-publisher"
    event_source = "root-ca-cert-publisher"
    workers = 1
    kind = "Namespace"

    def __init__(self, manager: Any) -> None:
        super().__init__(manager)
        self.namespaces = self.informers.namespaces
        self.config_maps = self.informers.get("configmaps")
        self.root_ca = pki.of(self.context.seed).ca_pem

    def register(self) -> None:
        def namespace(obj: Obj) -> None:
            self.queue.add(obj["metadata"]["name"])

        def config_map(obj: Obj) -> None:  # only ours matter
            if obj["metadata"]["name"] == NAME:
                self.queue.add(obj["metadata"].get("namespace", ""))

        self.namespaces.add_handlers(Handlers(namespace, lambda _old, cur: namespace(cur)))
        self.config_maps.add_handlers(
            Handlers(on_update=lambda _old, cur: config_map(cur), on_delete=config_map)
        )

    def synced_resources(self) -> tuple[str, ...]:
        return ("namespaces", "configmaps")

    def sync(self, key: str) -> Gen:
        """syncNamespace."""
        namespace = self.namespaces.get(key)
        if namespace is None or namespace["metadata"].get("deletionTimestamp"):
            return
        data = {KEY: self.root_ca}
        current = self.config_maps.get(f"{key}/{NAME}")
        if current is None:
            yield from self.work()
            body = {
                "apiVersion": "v1",
                "kind": "ConfigMap",
                "metadata": {"name": NAME, "annotations": {ANNOTATION: DESCRIPTION}},
                "data": data,
            }
            response: Response = yield from self.request("POST", path_of("configmaps", key), body)
            if response.code not in (201, 409):  # AlreadyExists: someone was quicker
                self.must(response)
            return
        annotations = current["metadata"].get("annotations") or {}
        if current.get("data") == data and annotations.get(ANNOTATION) == DESCRIPTION:
            return
        yield from self.work()
        updated = {
            **current,
            "metadata": {
                **current["metadata"],
                "annotations": {**annotations, ANNOTATION: DESCRIPTION},
            },
            "data": data,
        }
        response = yield from self.request("PUT", path_of("configmaps", key, NAME), updated)
        if response.code not in (200, 404, 409):  # gone or changed meanwhile: synced again
            self.must(response)
