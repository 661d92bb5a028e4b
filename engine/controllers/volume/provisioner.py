"""The external provisioner of the default StorageClass: rancher/local-path-provisioner, the
one kind clusters run (sig-storage-lib-external-provisioner's controller around
local-path-provisioner's Provision and Delete).

It serves the claims the PersistentVolume controller handed to `rancher.io/local-path`
(annotation volume.kubernetes.io/storage-provisioner). Its class waits for the first consumer,
so it provisions once the scheduler has chosen a node (volume.kubernetes.io/selected-node):
a PersistentVolume `pvc-<claim uid>`, a hostPath directory under /var/local-path-provisioner
on that node, pinned there by node affinity and pre-bound to the claim, which the
PersistentVolume controller then binds. When a volume it made is Released with reclaim
policy Delete, it deletes it.

Simplified: upstream it is a Deployment in namespace local-path-storage with its own
leader election and a helper pod that makes or removes the directory; here it runs beside the
controllers, with the identity of its service account, and the directory is not modelled.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from engine.client.informer import Handlers, key_of
from engine.controllers.base import Controller, path_of, split_key
from engine.controllers.volume.binder import PROVISIONED_BY, STORAGE_PROVISIONER
from engine.scheduler.plugins.pv_helpers import HOSTNAME_LABEL, SELECTED_NODE
from engine.trace import ObjectRef, object_ref
from engine.volumeutil import storage_class_of

Gen = Generator[Any, Any, Any]
Obj = dict[str, Any]

PROVISIONER = "rancher.io/local-path"
BASE_PATH = "/var/local-path-provisioner"  # local-path-config's nodePathMap DEFAULT_PATH
SELECTED_NODE_ANNOTATION = "local.path.provisioner/selected-node"


def volume_name(claim: Obj) -> str:
    """The library's provisioned volume name: pvc-<claim uid>."""
    return f"pvc-{claim['metadata'].get('uid', '')}"


class LocalPathProvisioner(Controller):
    name = "local-path-provisioner"
    service_account = "local-path-provisioner-service-account"
    event_source = f"{PROVISIONER}_local-path-provisioner"
    kind = "PersistentVolumeClaim"

    def __init__(self, manager: Any) -> None:
        super().__init__(manager)
        self.claims = self.informers.get("persistentvolumeclaims")
        self.volumes = self.informers.get("persistentvolumes")
        self.classes = self.informers.get("storageclasses")

    def register(self) -> None:
        claim = self._claim
        self.claims.add_handlers(Handlers(claim, lambda _old, cur: claim(cur)))
        self.volumes.add_handlers(Handlers(self._volume, lambda _old, cur: self._volume(cur)))

    def synced_resources(self) -> tuple[str, ...]:
        return ("persistentvolumeclaims", "persistentvolumes", "storageclasses")

    def _claim(self, claim: Obj) -> None:
        annotations = claim["metadata"].get("annotations") or {}
        if annotations.get(STORAGE_PROVISIONER) == PROVISIONER:
            self.queue.add(key_of(claim))

    def _volume(self, pv: Obj) -> None:
        if (pv["metadata"].get("annotations") or {}).get(PROVISIONED_BY) == PROVISIONER:
            self.queue.add("pv:" + pv["metadata"]["name"])

    def ref_for(self, key: str) -> ObjectRef | None:
        if key.startswith("pv:"):
            return object_ref("PersistentVolume", key[3:], "")
        namespace, name = split_key(key)
        return object_ref("PersistentVolumeClaim", name, namespace)

    def sync(self, key: str) -> Gen:
        if key.startswith("pv:"):
            yield from self._reclaim(key[3:])
        else:
            yield from self._provision(key)

    def _provision(self, key: str) -> Gen:
        """shouldProvision, then provisionClaimOperation."""
        claim = self.claims.get(key)
        if claim is None or claim["metadata"].get("deletionTimestamp"):
            return
        if (claim.get("spec") or {}).get("volumeName"):
            return
        sc = self.classes.get(storage_class_of(claim))
        if sc is None or sc.get("provisioner") != PROVISIONER:
            return
        node = (claim["metadata"].get("annotations") or {}).get(SELECTED_NODE)
        if not node:
            return  # local-path needs a node: its class waits for the first consumer
        name = volume_name(claim)
        if self.volumes.get(name) is not None:
            return
        meta = claim["metadata"]
        namespace = meta.get("namespace", "")
        self.recorder.event(
            claim,
            "Normal",
            "Provisioning",
            f'External provisioner is provisioning volume for claim "{namespace}/{meta["name"]}"',
        )
        yield from self.work()
        spec = claim.get("spec") or {}
        size = ((spec.get("resources") or {}).get("requests") or {}).get("storage", "")
        pv: Obj = {
            "apiVersion": "v1",
            "kind": "PersistentVolume",
            "metadata": {
                "name": name,
                "annotations": {
                    SELECTED_NODE_ANNOTATION: node,
                    PROVISIONED_BY: PROVISIONER,
                },
            },
            "spec": {
                "accessModes": list(spec.get("accessModes") or []),
                "capacity": {"storage": size},
                "claimRef": {
                    "apiVersion": "v1",
                    "kind": "PersistentVolumeClaim",
                    "name": meta["name"],
                    "namespace": namespace,
                    "resourceVersion": meta.get("resourceVersion", ""),
                    "uid": meta.get("uid", ""),
                },
                "hostPath": {
                    "path": f"{BASE_PATH}/{name}_{namespace}_{meta['name']}",
                    "type": "DirectoryOrCreate",
                },
                "nodeAffinity": {
                    "required": {
                        "nodeSelectorTerms": [
                            {
                                "matchExpressions": [
                                    {"key": HOSTNAME_LABEL, "operator": "In", "values": [node]}
                                ]
                            }
                        ]
                    }
                },
                "persistentVolumeReclaimPolicy": sc.get("reclaimPolicy", "Delete"),
                "storageClassName": sc["metadata"]["name"],
                "volumeMode": spec.get("volumeMode") or "Filesystem",
            },
        }
        response = yield from self.request("POST", path_of("persistentvolumes"), pv)
        if response.code == 409:
            return  # made already (the informer had not seen it yet)
        self.must(response)
        self.recorder.event(
            claim, "Normal", "ProvisioningSucceeded", f"Successfully provisioned volume {name}"
        )
        self.milestone(
            f"The provisioner {PROVISIONER} created volume {name} ({size}) on {node} for "
            f"claim {meta['name']}",
            claim,
            None,
            None,
            node=node,
        )

    def _reclaim(self, name: str) -> Gen:
        """deleteVolumeOperation: a Released volume whose reclaim policy is Delete."""
        pv = self.volumes.get(name)
        if pv is None or pv["metadata"].get("deletionTimestamp"):
            return
        spec = pv.get("spec") or {}
        if (pv.get("status") or {}).get("phase") != "Released":
            return
        if spec.get("persistentVolumeReclaimPolicy") != "Delete":
            return
        yield from self.work()
        response = yield from self.request("DELETE", path_of("persistentvolumes", "", name))
        if response.code != 404:
            self.must(response)
