"""Credentials of the simulated clusters: one bearer token per cluster, and the kubeconfig a
real kubectl reads them from."""

from __future__ import annotations

import base64
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

    def cluster_of(self, token: str) -> str | None:
        """The cluster a token was issued for (the API's TLS port finds it so, web/kube_api/
        door.py)."""
        if not token:
            return None
        return next(
            (c for c, t in self._by_cluster.items() if secrets.compare_digest(t, token)), None
        )

    def accepted(self, cluster_id: str) -> tuple[tuple[str, str], ...]:
        """(token, user) pairs the cluster accepts: none until a kubeconfig was handed out."""
        token = self._by_cluster.get(cluster_id)
        return ((token, USER),) if token else ()


def kubeconfig(cluster_id: str, server: str, token: str, ca_pem: bytes = b"") -> str:
    """A kubeconfig with one cluster, one user and one context, selected; `ca_pem`: the CA
    an https:// server's certificate is checked against."""
    name = f"podlife-{cluster_id}"
    cluster: dict[str, str] = {"server": server}
    if ca_pem:
        cluster["certificate-authority-data"] = base64.b64encode(ca_pem).decode()
    config = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": name, "cluster": cluster}],
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
