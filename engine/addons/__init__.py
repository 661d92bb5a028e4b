"""The cluster add-ons kubeadm installs (addons.yaml): CoreDNS behind the kube-dns Service, and
kube-proxy on every node. The cluster writes them at bootstrap and lets them come up before the
learner's t=0, as a kind cluster is up before anyone types a command."""

from __future__ import annotations

import copy
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from engine.apiserver.resources import by_api_version_kind

Obj = dict[str, Any]


@cache
def _manifests() -> tuple[Obj, ...]:
    with open(Path(__file__).with_name("addons.yaml"), encoding="utf-8") as f:
        return tuple(yaml.safe_load(f))


def objects() -> list[tuple[str, Obj]]:
    """(collection path, object) for each add-on object, in kubeadm's order."""
    found = []
    for manifest in _manifests():
        resource = by_api_version_kind(manifest["apiVersion"], manifest["kind"])
        if resource is None:
            raise ValueError(f"add-on kind {manifest['kind']} is not served")
        base = f"/apis/{resource.api_version}" if resource.group else "/api/v1"
        namespace = manifest["metadata"].get("namespace")
        where = f"/namespaces/{namespace}" if resource.namespaced and namespace else ""
        found.append((f"{base}{where}/{resource.name}", copy.deepcopy(manifest)))
    return found
