"""The kubelet's volumes that carry files from the API: `configMap`, `secret`, `downwardAPI`
and `projected` (pkg/kubelet/volumemanager; pkg/volume/configmap/configmap.go,
pkg/volume/secret/secret.go, pkg/volume/downwardapi/downwardapi.go,
pkg/volume/projected/projected.go).

Before the pod's sandbox is made, every such volume is set up: its objects read, its files
(`items` or every key, with `defaultMode` or the item's `mode`) laid out. A volume that cannot
be set up (its ConfigMap or Secret missing and not `optional`, an item's key absent) keeps the
pod in ContainerCreating: the kubelet records `FailedMount` and tries again after the
operation executor's back-off (0.5 s doubling to 2m2s, nestedpendingoperations.go). A
container's files are its mounts of these volumes (engine/node/command.py reads them).

A `persistentVolumeClaim` volume is set up once its claim is bound: the kubelet reads the
claim and its PersistentVolume (desired_state_of_world_populator.go getPVCExtractPV) and
remembers which volume it mounted; an unbound or missing claim is a FailedMount, retried as
above. The volume's own data is not modelled (no files).

The admission-injected `kube-api-access-*` volume is projected like any other: its
`serviceAccountToken` source is a token the kubelet asks the API server for (a TokenRequest
bound to the pod, pkg/kubelet/token/token_manager.go), its `kube-root-ca.crt` ConfigMap is the
one the root-ca-cert-publisher keeps in every namespace, and `namespace` comes from the
downward API.

Not modelled: `emptyDir`, `hostPath` and persistent volumes carry no files here; contents are
fixed once set up (upstream refreshes them within a minute, and the token before it expires).
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from engine.node.config_manager import CONFIGMAP, SECRET, ConfigError, decode
from engine.node.kubelet_pods import Node, pod_field, resource_field
from engine.trace import Step

if TYPE_CHECKING:
    from engine.node.kubelet import Kubelet

Gen = Generator[Any, Any, Any]
Obj = dict[str, Any]

DEFAULT_MODE = 0o644  # ConfigMapVolumeSourceDefaultMode, SecretVolumeSourceDefaultMode, …
RETRY_INITIAL, RETRY_MAX = 0.5, 122.0  # exponentialbackoff initialDurationBeforeRetry, max
CLAIM = "PersistentVolumeClaim"
SERVICE_ACCOUNT = "ServiceAccount"


@dataclass(frozen=True)
class File:
    data: str
    mode: int


Payload = dict[str, File]  # path inside the volume -> file


class VolumeManager:
    def __init__(self, kubelet: Kubelet) -> None:
        self.kubelet = kubelet
        self.mounted: dict[str, dict[str, Payload]] = {}  # pod uid -> volume name -> files
        self.failures: dict[str, int] = {}  # pod uid -> failed rounds in a row
        # pod uid -> volume name -> (claim, PersistentVolume) of its mounted claims
        self.claims: dict[str, dict[str, tuple[Obj, Obj]]] = {}

    def mount(self, pod: Obj) -> Gen:
        """WaitForAttachAndMount, one round: set up what is not yet; returns the volumes that
        failed, as (volume name, ConfigError)."""
        uid = pod["metadata"]["uid"]
        done = self.mounted.setdefault(uid, {})
        failed: list[tuple[str, ConfigError]] = []
        for volume in pod["spec"].get("volumes") or []:
            name = str(volume.get("name", ""))
            if name in done or not _carries_files(volume):
                continue
            try:
                done[name] = yield from self._set_up(pod, volume)
            except ConfigError as error:
                failed.append((name, error))
        if failed:
            self.failures[uid] = self.failures.get(uid, 0) + 1
        else:
            self.failures.pop(uid, None)
        return failed

    def retry_delay(self, uid: str) -> float:
        rounds = self.failures.get(uid, 1)
        return min(RETRY_INITIAL * 2 ** (rounds - 1), RETRY_MAX)

    def forget(self, uid: str) -> None:
        self.mounted.pop(uid, None)
        self.claims.pop(uid, None)
        self.failures.pop(uid, None)

    def container_files(self, pod: Obj, container: Obj) -> dict[str, File]:
        """The files the container sees through its volumeMounts (absolute path -> file)."""
        mounted = self.mounted.get(pod["metadata"]["uid"], {})
        files: dict[str, File] = {}
        for mount in container.get("volumeMounts") or []:
            payload = mounted.get(str(mount.get("name", "")))
            if not payload:
                continue
            target = str(mount.get("mountPath", "")).rstrip("/")
            sub = str(mount.get("subPath") or "").strip("/")
            for path, file in payload.items():
                if not sub:
                    files[f"{target}/{path}"] = file
                elif path == sub:
                    files[target] = file
                elif path.startswith(sub + "/"):
                    files[f"{target}/{path[len(sub) + 1 :]}"] = file
        return files

    # ---- SetUp of each plugin ------------------------------------------------------------------
    def _set_up(self, pod: Obj, volume: Obj) -> Gen:
        if volume.get("persistentVolumeClaim") is not None:
            return (yield from self._claim(pod, volume))
        if volume.get("configMap") is not None:
            source = volume["configMap"]
            return (yield from self._object_payload(pod, CONFIGMAP, source, _mode(source)))
        if volume.get("secret") is not None:
            source = dict(volume["secret"], name=volume["secret"].get("secretName", ""))
            return (yield from self._object_payload(pod, SECRET, source, _mode(source)))
        if volume.get("downwardAPI") is not None:
            source = volume["downwardAPI"]
            return self._downward_payload(pod, source, _mode(source))
        return (yield from self._projected(pod, volume["projected"]))

    def _claim(self, pod: Obj, volume: Obj) -> Gen:
        """getPVCExtractPV: the claim must exist, not be being deleted, and be bound; then
        its PersistentVolume is read. Errors as the populator words them."""
        namespace = pod["metadata"].get("namespace", "default")
        name = str(volume["persistentVolumeClaim"].get("claimName", ""))
        where = f"error processing PVC {namespace}/{name}"
        client = self.kubelet.config.client
        path = f"/api/v1/namespaces/{namespace}/persistentvolumeclaims/{name}"
        response = yield from client.request("GET", path, step=Step.RUN)
        if not response.ok:
            message = response.body.get("message", "") if isinstance(response.body, dict) else ""
            text = f"{where}: failed to fetch PVC from API server: {message}"
            raise ConfigError(text, CLAIM, name, missing=response.code == 404)
        claim: Obj = response.body
        if claim["metadata"].get("deletionTimestamp"):
            text = f"{where}: can't start pod because PVC {namespace}/{name} is being deleted"
            raise ConfigError(text, CLAIM, name)
        volume_name = (claim.get("spec") or {}).get("volumeName")
        if not volume_name or (claim.get("status") or {}).get("phase") != "Bound":
            raise ConfigError(f"{where}: PVC is not bound", CLAIM, name)
        response = yield from client.request(
            "GET", f"/api/v1/persistentvolumes/{volume_name}", step=Step.RUN
        )
        if not response.ok:
            message = response.body.get("message", "") if isinstance(response.body, dict) else ""
            raise ConfigError(f"{where}: failed to fetch PV {volume_name}: {message}", CLAIM, name)
        self.claims.setdefault(pod["metadata"]["uid"], {})[str(volume.get("name", ""))] = (
            claim,
            response.body,
        )
        return {}

    def _object_payload(self, pod: Obj, kind: str, source: Obj, mode: int) -> Gen:
        """configmap.go / secret.go SetUpAt and MakePayload."""
        name, optional = str(source.get("name", "")), bool(source.get("optional"))
        namespace = pod["metadata"].get("namespace", "default")
        try:
            obj = yield from self.kubelet.config.get(kind, namespace, name)
        except ConfigError as error:
            if not (error.missing and optional):
                raise
            obj = {}  # optional and absent: an empty volume
        data = _file_data(kind, obj)
        items = source.get("items") or []
        if not items:
            return {key: File(value, mode) for key, value in sorted(data.items())}
        payload: Payload = {}
        for item in items:
            key = str(item.get("key", ""))
            if key not in data:
                if optional:
                    continue
                # configmap.go / secret.go MakePayload
                text = (
                    f"configmap references non-existent config key: {key}"
                    if kind == CONFIGMAP
                    else f"references non-existent secret key: {key}"
                )
                raise ConfigError(text, kind, name, key)
            payload[str(item.get("path", key))] = File(data[key], _mode(item, mode))
        return payload

    def _downward_payload(self, pod: Obj, source: Obj, mode: int) -> Payload:
        """downwardapi.go CollectData: pod fields and container resources."""
        node = Node("", self.kubelet.host_ip, self.kubelet.allocatable)
        payload: Payload = {}
        for item in source.get("items") or []:
            if item.get("fieldRef") is not None:
                path = str((item["fieldRef"] or {}).get("fieldPath", ""))
                value = pod_field(pod, path, node)
            elif item.get("resourceFieldRef") is not None:
                value = resource_field(pod, {}, item["resourceFieldRef"] or {}, node)
            else:
                continue
            payload[str(item.get("path", ""))] = File(value, _mode(item, mode))
        return payload

    def _token_payload(self, pod: Obj, source: Obj, mode: int) -> Gen:
        """projected.go collectData's serviceAccountToken: a TokenRequest for the pod's
        ServiceAccount, bound to the pod (the kubelet's token manager asks once per pod)."""
        meta, spec = pod["metadata"], pod["spec"]
        namespace = meta.get("namespace", "default")
        account = spec.get("serviceAccountName") or "default"
        audience = source.get("audience")
        request = {
            "apiVersion": "authentication.k8s.io/v1",
            "kind": "TokenRequest",
            "spec": {
                "audiences": [audience] if audience else [],
                "expirationSeconds": source.get("expirationSeconds", 3600),
                "boundObjectRef": {
                    "apiVersion": "v1",
                    "kind": "Pod",
                    "name": meta["name"],
                    "uid": meta["uid"],
                },
            },
        }
        path = f"/api/v1/namespaces/{namespace}/serviceaccounts/{account}/token"
        client = self.kubelet.config.client
        response = yield from client.request("POST", path, body=request, step=Step.RUN)
        if not response.ok:
            message = response.body.get("message", "") if isinstance(response.body, dict) else ""
            raise ConfigError(
                f"failed to fetch token: {message}", SERVICE_ACCOUNT, account, missing=True
            )
        token = str((response.body.get("status") or {}).get("token", ""))
        return {str(source.get("path", "token")): File(token, mode)}

    def _projected(self, pod: Obj, projected: Obj) -> Gen:
        """projected.go collectData: every source's files in one volume; the errors of all
        sources together (utilerrors.NewAggregate)."""
        mode = _mode(projected)
        payload: Payload = {}
        errors: list[ConfigError] = []
        for source in projected.get("sources") or []:
            try:
                if source.get("configMap") is not None:
                    found = yield from self._object_payload(
                        pod, CONFIGMAP, source["configMap"], mode
                    )
                elif source.get("secret") is not None:
                    found = yield from self._object_payload(pod, SECRET, source["secret"], mode)
                elif source.get("downwardAPI") is not None:
                    found = self._downward_payload(pod, source["downwardAPI"], mode)
                elif source.get("serviceAccountToken") is not None:
                    found = yield from self._token_payload(pod, source["serviceAccountToken"], mode)
                else:
                    continue  # clusterTrustBundle, podCertificate
            except ConfigError as error:
                errors.append(error)
                continue
            payload.update(found)
        if len(errors) == 1:
            raise errors[0]
        if errors:
            first = errors[0]
            text = "[" + ", ".join(str(e) for e in errors) + "]"
            raise ConfigError(text, first.kind, first.name, first.key, first.missing)
        return payload


def failed_mount_message(volume: str, error: ConfigError, failed: list[tuple[str, Any]]) -> str:
    """The FailedMount event: operation_generator.go's GenerateErrorDetailed("MountVolume.SetUp
    failed", err); a claim that cannot be used never gets that far: the populator leaves its
    volume out and WaitForAttachAndMount reports it (volume_manager.go)."""
    if error.kind != CLAIM:
        return f'MountVolume.SetUp failed for volume "{volume}" : {error}'
    names = " ".join(name for name, e in failed if e.kind == CLAIM)  # Go's %v of a []string
    return (
        f"Unable to attach or mount volumes: unmounted volumes=[{names}], unattached "
        f"volumes=[], failed to process volumes=[{names}]: {error}"
    )


def _carries_files(volume: Obj) -> bool:
    """The volumes set up before the pod starts (a claim carries no files, but must be bound)."""
    return any(
        volume.get(k) is not None
        for k in ("configMap", "secret", "downwardAPI", "projected", "persistentVolumeClaim")
    )


def _mode(source: Obj, default: int = DEFAULT_MODE) -> int:
    for field in ("mode", "defaultMode"):
        value = source.get(field)
        if isinstance(value, int):
            return value
    return default


def _file_data(kind: str, obj: Obj) -> dict[str, str]:
    """What a volume shows: a ConfigMap's data and binaryData, a Secret's data, decoded."""
    data = {str(k): str(v) for k, v in (obj.get("data") or {}).items()}
    if kind == CONFIGMAP:
        binary = {str(k): decode(v) for k, v in (obj.get("binaryData") or {}).items()}
        return {**data, **binary}
    return {k: decode(v) for k, v in data.items()}
