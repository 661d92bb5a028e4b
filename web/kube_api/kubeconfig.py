"""Credentials of the simulated clusters: one bearer token per cluster, and the kubeconfig a
real kubectl reads them from."""

from __future__ import annotations

import base64
import hmac
import os
import secrets
import tempfile
from pathlib import Path

import yaml

USER = "kubernetes-admin"  # who the token authenticates as (system:masters, like kubeadm's admin)


def cluster_name(key: bytes, session_id: str) -> str:
    """A session's cluster id: public (it is in the kubeconfig's server URL), yet it does not
    give away the session id, the page's secret. A session id with a routing key (`route.` +
    secret, docs/scale-out.md) gives a cluster id with the same key, so that a proxy routes
    kubectl's requests and the page's connection to the same process."""
    digest = hmac.new(key, session_id.encode(), "sha256").hexdigest()[:16]
    route, dot, _ = session_id.rpartition(".")
    return f"{route}.{digest}" if dot else digest


class Tokens:
    """Tokens by cluster id. They outlive the cluster object: a reset or a fork makes a new
    cluster under the same id, and the learner's kubeconfig keeps working.

    With a `key` (the server's secret, kept in the data folder: web/store.py) a cluster's
    token is derived from it, `<cluster id>.<HMAC>`, so that it outlives the server process
    too: a kubeconfig handed out before a restart still authenticates after it."""

    def __init__(self, key: bytes | None = None) -> None:
        self._key = key
        self._by_cluster: dict[str, str] = {}

    def _derived(self, cluster_id: str) -> str:
        assert self._key is not None
        mac = hmac.new(self._key, b"token:" + cluster_id.encode(), "sha256").digest()
        return f"{cluster_id}.{base64.urlsafe_b64encode(mac).decode().rstrip('=')}"

    def issue(self, cluster_id: str) -> str:
        """The cluster's token, made on first use."""
        token = self._by_cluster.get(cluster_id)
        if token is None:
            fresh = self._derived(cluster_id) if self._key else secrets.token_urlsafe(32)
            token = self._by_cluster[cluster_id] = fresh
        return token

    def cluster_of(self, token: str) -> str | None:
        """The cluster a token was issued for (the API's TLS port finds it so, web/kube_api/
        door.py)."""
        if not token:
            return None
        found = next(
            (c for c, t in self._by_cluster.items() if secrets.compare_digest(t, token)), None
        )
        cluster_id = token.rpartition(".")[0]
        if found is None and self._key and cluster_id:
            derived = secrets.compare_digest(self._derived(cluster_id), token)
            found = cluster_id if derived else None
        return found

    def accepted(self, cluster_id: str) -> tuple[tuple[str, str], ...]:
        """(token, user) pairs the cluster accepts: none until a kubeconfig was handed out
        (by this process or, with a key, before a restart)."""
        token = self._by_cluster.get(cluster_id)
        if token is None and self._key:
            token = self._derived(cluster_id)
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
