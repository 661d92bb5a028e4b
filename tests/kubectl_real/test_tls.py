"""The API on its own TLS port (web/kube_api/door.py), as a real API server serves it: the
real kubectl checks the server against the kubeconfig's CA and sends its bearer token as
usual; `kubectl proxy` works as the tutorials type it; no token, no entry."""

from __future__ import annotations

import base64
import json
import socket
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
import yaml

from tests.kubectl_real.conftest import Kube, new_cluster
from tests.kubectl_real.manifests import POD


@pytest.fixture
def tls_kube(server: str, tmp_path: Path) -> Kube:
    return new_cluster(server, tmp_path, tls=True)


def _cluster(kube: Kube) -> dict:
    config = yaml.safe_load(kube.kubeconfig.read_text())
    return config["clusters"][0]["cluster"]


def test_kubectl_talks_tls_and_sends_its_token(tls_kube: Kube) -> None:
    cluster = _cluster(tls_kube)
    assert cluster["server"].startswith("https://127.0.0.1:")
    assert "/token/" not in cluster["server"]  # the token is where kubectl sends it
    assert cluster["certificate-authority-data"]
    (tls_kube.home / "pod.yaml").write_text(POD)
    assert tls_kube("apply", "-f", "pod.yaml").stdout == "pod/web created\n"
    assert tls_kube("get", "pod", "web", "-o", "name").stdout == "pod/web\n"
    assert "Server Version: v1.37" in tls_kube("version").stdout


def test_without_a_known_token_the_door_says_unauthorized(tls_kube: Kube) -> None:
    server = _cluster(tls_kube)["server"]
    authority = base64.b64decode(_cluster(tls_kube)["certificate-authority-data"]).decode()
    context = ssl.create_default_context(cadata=authority)
    for headers in ({}, {"Authorization": "Bearer not-a-token"}):
        request = urllib.request.Request(f"{server}/api/v1/pods", headers=headers)
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, context=context)
        assert refused.value.code == 401
        assert json.loads(refused.value.read())["reason"] == "Unauthorized"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_kubectl_proxy_as_the_tutorial_types_it(tls_kube: Kube) -> None:
    port = _free_port()
    proxy = tls_kube.popen("proxy", f"--port={port}")
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/version") as answer:
                    version = json.loads(answer.read())
                break
            except OSError:
                assert time.monotonic() < deadline, "kubectl proxy did not start"
                time.sleep(0.1)
        assert version["gitVersion"].startswith("v1.37")
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/namespaces/default/pods") as r:
            assert json.loads(r.read())["kind"] == "PodList"
    finally:
        proxy.terminate()
        proxy.communicate(timeout=10)


def test_a_silent_connection_holds_up_nobody(tls_kube: Kube) -> None:
    """A client that connects and says nothing (no TLS handshake, or no request after it)
    must not stop the server: its socket waits cooperatively (gevent's SSLContext)."""
    server = urllib.parse.urlsplit(_cluster(tls_kube)["server"])
    with socket.create_connection((server.hostname, server.port)):
        assert tls_kube("get", "nodes", "-o", "name", timeout=20).code == 0
