"""Credentials of the simulated clusters: one bearer token per cluster, and the kubeconfig a
real kubectl reads them from."""

from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path

import yaml

USER = "kubernetes-admin"  # who the token authenticates as (system:masters, like kubeadm's admin)


class Tokens:
    """Tokens by cluster id. They outlive the cluster object: a reset or a fork makes a new
    cluster under the same id, and the learner's kubeconfig keeps working."""

    def __init__(self) -> None:
        self._by_cluster: dict[str, str] = {}

    def issue(self, cluster_id: str) -> str:
        """The cluster's token, made on first use."""
        token = self._by_cluster.get(cluster_id)
        if token is None:
            token = self._by_cluster[cluster_id] = secrets.token_urlsafe(32)
        return token

    def accepted(self, cluster_id: str) -> tuple[tuple[str, str], ...]:
        """(token, user) pairs the cluster accepts: none until a kubeconfig was handed out."""
        token = self._by_cluster.get(cluster_id)
        return ((token, USER),) if token else ()


def kubeconfig(cluster_id: str, server: str, token: str) -> str:
    """A kubeconfig with one cluster, one user and one context, selected."""
    name = f"podlife-{cluster_id}"
    config = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": name, "cluster": {"server": server}}],
        "users": [{"name": f"{name}-admin", "user": {"token": token}}],
        "contexts": [
            {
                "name": name,
                "context": {"cluster": name, "user": f"{name}-admin", "namespace": "default"},
            }
        ],
        "current-context": name,
        "preferences": {},
    }
    return yaml.safe_dump(config, sort_keys=False)


def default_path(port: int) -> Path:
    """Where the default cluster's kubeconfig goes: $PODLIFE_KUBECONFIG, else a file in the
    temporary directory named after the port (two servers do not overwrite each other)."""
    configured = os.environ.get("PODLIFE_KUBECONFIG")
    if configured:
        return Path(configured)
    return Path(tempfile.gettempdir()) / f"podlife-{port}.kubeconfig"


def write_private(path: Path, text: str) -> None:
    """Write a file only its owner can read: it holds a credential."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(text)
    os.chmod(path, 0o600)
