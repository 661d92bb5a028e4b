"""How the kubelet reads the ConfigMaps and Secrets its pods use (pkg/kubelet/configmap/
configmap_manager.go, pkg/kubelet/secret/secret_manager.go).

Upstream the managers keep a watch per object a registered pod references and answer from that
cache; here each lookup is a GET through the kubelet's own client (one per object per container
start or volume mount, traced like its other requests), which gives the same answers at the
moments the kubelet asks. The Node authorizer lets a kubelet read the objects of pods bound to
its node.

A missing object is the error the watch-based manager makes: `apierrors.NewNotFound(
corev1.Resource("configmap"), name)`, whose text is `configmap "x" not found` (singular, not
the API server's `configmaps "x" not found`).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from engine.trace import Step

if TYPE_CHECKING:
    from engine.client.rest import RestClient

Gen = Generator[Any, Any, Any]
Obj = dict[str, Any]

CONFIGMAP, SECRET = "ConfigMap", "Secret"
_RESOURCES = {CONFIGMAP: "configmaps", SECRET: "secrets"}


class ConfigError(Exception):
    """What keeps a container's config or a volume from being made: the kubelet's text, and
    for the story the object (kind, name) and key it was about."""

    def __init__(self, text: str, kind: str, name: str, key: str = "", missing: bool = False):
        super().__init__(text)
        self.kind, self.name, self.key = kind, name, key
        self.missing = missing  # the object itself does not exist (NotFound)


class ConfigManager:
    def __init__(self, client: RestClient) -> None:
        self.client = client

    def get(self, kind: str, namespace: str, name: str) -> Gen:
        """GetConfigMap / GetSecret: the object, or ConfigError (missing=True if NotFound)."""
        path = f"/api/v1/namespaces/{namespace}/{_RESOURCES[kind]}/{name}"
        response = yield from self.client.request("GET", path, step=Step.RUN)
        if response.ok:
            found: Obj = response.body
            return found
        if response.code == 404:
            raise ConfigError(f'{kind.lower()} "{name}" not found', kind, name, missing=True)
        body = response.body if isinstance(response.body, dict) else {}
        raise ConfigError(str(body.get("message") or response.code), kind, name)


def string_data(kind: str, obj: Obj) -> dict[str, str]:
    """The object's values as text: a ConfigMap's data, a Secret's data base64-decoded."""
    data = obj.get("data") or {}
    if kind == CONFIGMAP:
        return {str(k): str(v) for k, v in data.items()}
    return {str(k): decode(v) for k, v in data.items()}


def decode(value: Any) -> str:
    """A Secret value: the API stores base64; the container sees the bytes (as text)."""
    try:
        return base64.b64decode(str(value), validate=True).decode("utf-8", "replace")
    except (binascii.Error, ValueError):
        return str(value)


def blocked_headline(pod: Obj, who: str, error: ConfigError) -> str:
    """The story's words for a pod that waits on a ConfigMap or Secret (`who`: "its
    container app", "its volume config")."""
    name = pod["metadata"]["name"]
    if error.missing:
        need = f"needs {error.kind} {error.name}, which does not exist yet"
    elif error.key:
        need = f"needs key {error.key} of {error.kind} {error.name}, which has no such key"
    else:
        need = f"cannot read {error.kind} {error.name}: {error}"
    return f"Pod {name} cannot start: {who} {need}"
