"""Browser protections: the security headers on every kind of response, the Host allow-list
(DNS rebinding) for HTTP and for the Socket.IO handshake's Origin, and kubeconfig URLs that
come from the settings, never from the request. Through the real app (Flask's test client,
whose Host is `localhost`); tests/test_web_logs.py does the same against a real server."""

from __future__ import annotations

import logging
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml
from flask import Flask

from engine.cluster import Cluster
from web import Settings, create_app
from web.addresses import AllowedHosts, kubeconfig_base_url
from web.assets import Manifest
from web.kube_api import LocalHost, kube_api_of
from web.logs import Throttle, redact

ROOT = Path(__file__).resolve().parent.parent
POLLING = "/socket.io/?EIO=4&transport=polling"


def app_with_cluster(**overrides: Any) -> tuple[Flask, str]:
    """The app, with cluster `c1` owned by the page whose session id is `the-page`."""
    app = create_app({"testing": True, **overrides})
    kube = kube_api_of(app)
    kube.local.add("c1", LocalHost(Cluster(seed=1), owner="the-page", speed=None))
    return app, kube.tokens.issue("c1")


def csp_of(headers: Any) -> dict[str, list[str]]:
    policy = headers["Content-Security-Policy"]
    directives = (part.split() for part in policy.split(";") if part.strip())
    return {words[0]: words[1:] for words in directives}


# ---- headers --------------------------------------------------------------------------------


def test_every_kind_of_response_carries_the_security_headers() -> None:
    app, token = app_with_cluster()
    client = app.test_client()
    responses = {
        "page": client.get("/"),
        "static": client.get(Manifest().url("podlife.js")),  # the bundle (web/assets.py)
        "health": client.get("/healthz"),
        "api": client.get(f"/clusters/c1/token/{token}/api/v1/namespaces/default/pods"),
        "api error": client.get("/clusters/c1/api/v1/pods"),  # 401: no token
        "kubeconfig refused": client.get("/clusters/c1/kubeconfig"),
        "not found": client.get("/nowhere"),
        "socket.io polling": client.get(POLLING),
    }
    expected_codes = {"api error": 401, "kubeconfig refused": 403, "not found": 404}
    for name, response in responses.items():
        assert response.status_code == expected_codes.get(name, 200), name
        headers = response.headers
        assert headers["X-Content-Type-Options"] == "nosniff", name
        assert headers["X-Frame-Options"] == "DENY", name
        assert headers["Referrer-Policy"] == "no-referrer", name
        assert headers["Cross-Origin-Resource-Policy"] == "same-origin", name
        csp = csp_of(headers)
        assert csp["default-src"] == ["'self'"], name
        assert csp["script-src"] == ["'self'"], name  # no inline script, no eval
        assert csp["frame-ancestors"] == ["'none'"], name
        assert csp["object-src"] == ["'none'"] and csp["base-uri"] == ["'none'"], name
        assert csp["connect-src"] == ["'self'"], name
        response.close()  # the static file's


class _PageParts(HTMLParser):
    """What a CSP without inline script would block: inline scripts and event attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.inline_scripts = 0
        self.handlers: list[str] = []
        self.images: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script" and not values.get("src"):
            self.inline_scripts += 1
        self.handlers += [name for name, _ in attrs if name.startswith("on")]
        if tag == "link" and values.get("rel") == "icon":
            self.images.append(values.get("href") or "")


def test_the_page_needs_nothing_the_policy_forbids() -> None:
    app, _ = app_with_cluster()
    page = app.test_client().get("/")
    parts = _PageParts()
    parts.feed(page.get_data(as_text=True))
    assert parts.inline_scripts == 0
    assert parts.handlers == []
    # The favicon is a data: URL: img-src allows data: for it.
    assert all(href.startswith("data:") for href in parts.images)
    assert "data:" in csp_of(page.headers)["img-src"]


# ---- the Host allow-list --------------------------------------------------------------------


def test_requests_for_other_names_are_refused_with_a_clear_answer() -> None:
    app, _ = app_with_cluster()
    client = app.test_client()
    assert client.get("/healthz").status_code == 200  # Host: localhost (the test client's)
    assert client.get("/healthz", headers={"Host": "127.0.0.1:5000"}).status_code == 200
    for forged in ("evil.example", "evil.example:5000", "localhost.:5000", "127.0.0.1.nip.io"):
        refused = client.get("/healthz", headers={"Host": forged})
        assert refused.status_code == 421, forged
        assert refused.content_type == "text/plain; charset=utf-8"
        text = refused.get_data(as_text=True)
        assert "Podlife does not answer to the Host" in text and "--allowed-hosts" in text
        assert refused.headers["X-Content-Type-Options"] == "nosniff"
    # The page, the API and the Socket.IO endpoint alike
    for path in ("/", "/clusters/c1/api/v1/pods", POLLING):
        assert client.get(path, headers={"Host": "evil.example"}).status_code == 421, path


def test_a_refused_host_is_logged_at_most_once_a_minute(caplog: pytest.LogCaptureFixture) -> None:
    app, _ = app_with_cluster()
    client = app.test_client()
    with caplog.at_level(logging.WARNING, logger="podlife.security"):
        for _ in range(5):
            client.get("/", headers={"Host": "evil.example"})
        client.get("/", headers={"Host": "other.example"})
    lines = [r.getMessage() for r in caplog.records if r.name == "podlife.security"]
    assert len(lines) == 2
    assert "'evil.example'" in lines[0] and "'other.example'" in lines[1]


def test_the_default_allow_list_is_loopback_on_the_servers_port_plus_what_is_configured() -> None:
    hosts = AllowedHosts.from_settings(Settings(port=5000))
    for allowed in ("127.0.0.1:5000", "localhost:5000", "LOCALHOST:5000", "[::1]:5000"):
        assert hosts.allows(allowed), allowed
    for refused in ("127.0.0.1:5001", "localhost", "192.168.1.20:5000", "", None, "[::1"):
        assert not hosts.allows(refused), refused

    lan = AllowedHosts.from_settings(Settings(host="192.168.1.20", port=8080))
    assert lan.allows("192.168.1.20:8080") and not lan.allows("192.168.1.20:5000")
    # Every address: the LAN name cannot be guessed, so only what is configured gets in.
    everywhere = Settings(host="0.0.0.0", port=5000)
    assert not AllowedHosts.from_settings(everywhere).allows("192.168.1.20:5000")
    public = Settings(host="0.0.0.0", port=5000, public_url="http://192.168.1.20:5000/")
    assert AllowedHosts.from_settings(public).allows("192.168.1.20:5000")
    named = Settings(host="0.0.0.0", allowed_hosts=("podlife.lan", "10.0.0.7:5000"))
    hosts = AllowedHosts.from_settings(named)
    assert hosts.allows("podlife.lan") and hosts.allows("podlife.lan:5000")
    assert hosts.allows("10.0.0.7:5000") and not hosts.allows("10.0.0.7:5001")
    assert AllowedHosts.from_settings(Settings(allowed_hosts=("*",))).allows("anything:1")


def test_bad_settings_are_refused_with_the_option_named() -> None:
    with pytest.raises(ValueError, match=r"--public-url.*e\.g\. http://192\.168\.1\.20:5000"):
        Settings(public_url="192.168.1.20:5000")
    with pytest.raises(ValueError, match="more than a scheme"):
        Settings(public_url="http://podlife.lan:5000/lesson")
    with pytest.raises(ValueError, match=r"--allowed-hosts.*'bad!host'"):
        Settings(allowed_hosts=("bad!host",))
    with pytest.raises(ValueError, match="no valid port"):
        Settings(allowed_hosts=("podlife.lan:99999",))
    environ = {"PODLIFE_PUBLIC_URL": "http://Podlife.LAN:5000", "PODLIFE_ALLOWED_HOSTS": "a, ::1"}
    settings = Settings.from_env(environ)
    assert settings.public_url == "http://podlife.lan:5000"
    assert settings.allowed_hosts == ("a", "[::1]")


def test_the_command_line_refuses_a_bad_public_url() -> None:
    result = subprocess.run(
        [sys.executable, "app.py", "--public-url", "ftp://podlife.lan"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "podlife: the public URL (--public-url, PODLIFE_PUBLIC_URL)" in result.stderr
    assert "Traceback" not in result.stderr


# ---- the Socket.IO handshake's Origin -------------------------------------------------------


def test_a_socketio_handshake_from_another_sites_page_is_refused() -> None:
    app, _ = app_with_cluster()
    client = app.test_client()
    refused = client.get(POLLING, headers={"Origin": "http://evil.example"})
    assert refused.status_code == 400
    assert "Not an accepted origin" in refused.get_data(as_text=True)
    # The DNS-rebinding case: name and origin both the attacker's; the Host check stops it.
    rebound = client.get(
        POLLING, headers={"Host": "evil.example:5000", "Origin": "http://evil.example:5000"}
    )
    assert rebound.status_code == 421
    # The page's own origin, and clients that send no Origin (python-socketio), get in.
    assert client.get(POLLING, headers={"Origin": "http://localhost"}).status_code == 200
    assert client.get(POLLING).status_code == 200


def test_with_any_name_allowed_the_origin_must_still_be_the_requests_own() -> None:
    app, _ = app_with_cluster(allowed_hosts=("*",))
    client = app.test_client()
    headers = {"Host": "podlife.example:5000"}
    same = client.get(POLLING, headers={**headers, "Origin": "http://podlife.example:5000"})
    assert same.status_code == 200
    other = client.get(POLLING, headers={**headers, "Origin": "http://evil.example"})
    assert other.status_code == 400


# ---- kubeconfig URLs ------------------------------------------------------------------------


def _kubeconfig_server(app: Flask, host: str) -> str:
    response = app.test_client().get(
        "/clusters/c1/kubeconfig", headers={"X-Podlife-Session": "the-page", "Host": host}
    )
    assert response.status_code == 200
    config = yaml.safe_load(response.get_data(as_text=True))
    server: str = config["clusters"][0]["cluster"]["server"]
    return server


def test_the_kubeconfig_url_comes_from_the_settings_not_the_host_header() -> None:
    app, token = app_with_cluster(public_url="http://192.168.1.20:5000", allowed_hosts=("*",))
    server = _kubeconfig_server(app, "evil.example:6666")
    assert server == f"http://192.168.1.20:5000/clusters/c1/token/{token}"

    # No public URL: the address the server listens on; loopback when that is every address.
    app, token = app_with_cluster(public_url="", host="0.0.0.0", port=8080, allowed_hosts=("*",))
    assert (
        _kubeconfig_server(app, "evil.example")
        == f"http://127.0.0.1:8080/clusters/c1/token/{token}"
    )
    assert kubeconfig_base_url(Settings(host="::", port=80)) == "http://[::1]:80"
    assert kubeconfig_base_url(Settings(host="192.168.1.20")) == "http://192.168.1.20:5000"


# ---- secrets and throttling -----------------------------------------------------------------


def test_tokens_and_session_proofs_are_redacted() -> None:
    line = "GET /clusters/c1/token/s3cr3t-T0k_en/api/v1/pods?session=abc&x=1 failed"
    assert redact(line) == "GET /clusters/c1/token/REDACTED/api/v1/pods?session=REDACTED&x=1 failed"
    assert redact("/clusters/c1/token/abc") == "/clusters/c1/token/REDACTED"


def test_an_engine_failure_is_logged_without_the_token(caplog: pytest.LogCaptureFixture) -> None:
    app, token = app_with_cluster()
    # An unreadable timeoutSeconds on a watch: today the engine fails on it (a 500; the real
    # API server says 400). Whatever the answer, the log must not hold the token.
    path = f"/clusters/c1/token/{token}/api/v1/namespaces/default/pods"
    with caplog.at_level(logging.INFO):
        response = app.test_client().get(f"{path}?watch=true&timeoutSeconds=soon")
    assert response.status_code in (400, 500)
    assert token not in caplog.text
    if response.status_code == 500:
        assert "/clusters/c1/token/REDACTED/api/v1/namespaces/default/pods failed" in caplog.text


def test_the_throttle_lets_one_through_per_key_per_period_and_counts_the_rest() -> None:
    now = [0.0]
    throttle = Throttle(60.0, max_keys=3, clock=lambda: now[0])
    assert throttle.admit("a") == 0
    assert throttle.admit("a") is None and throttle.admit("a") is None
    assert throttle.admit("b") == 0
    now[0] = 61.0
    assert throttle.admit("a") == 2  # two held back since the last one let through
    for key in ("c", "d", "e"):  # more keys than it keeps: the old ones are forgotten
        assert throttle.admit(key) == 0
    assert throttle.admit("a") == 0
