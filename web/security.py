"""Browser protections: security headers on every response, and the Host allow-list in front
of everything the server answers (the page, static files, the Kubernetes API, Socket.IO).

Both are one WSGI middleware around the whole app, Flask-SocketIO's Engine.IO layer
included, because Engine.IO answers its long-polling requests itself and Flask's
`after_request` never sees them. The Socket.IO handshake's Origin check is Engine.IO's own
(`cors_allowed_origins`, set by the app factory from `origin_check`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from web.addresses import AllowedHosts
from web.logs import Throttle, client_address

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

log = logging.getLogger("podlife.security")

# Set in the WSGI environ by the API's TLS port for a request that carries a cluster's token
# (web/kube_api/door.py); a client's own headers arrive as HTTP_*, so none can set it.
API_DOOR = "podlife.api_door"

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        # The page is one bundled module (static/dist/podlife.js): no inline script, no eval.
        "script-src 'self'",
        # CodeMirror 6 (style-mod) adds <style> elements at run time. A nonce would keep even
        # those out, but the page would have to hand it to EditorView.cspNonce; styles cannot
        # run script, so allowing inline styles leaves the script protection whole.
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",  # the favicon is a data: URL (templates/index.html)
        # Socket.IO's WebSocket and long polling go to the page's own origin; 'self' matches
        # ws:// on it in current browsers (CSP Level 3).
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
SECURITY_HEADERS = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),  # for browsers older than frame-ancestors
    # The page links nowhere that needs to know where a visitor came from, and its requests'
    # URLs may carry a session proof (/clusters?session=...): send no Referer at all.
    ("Referrer-Policy", "no-referrer"),
    # Other sites may not load our responses as images, scripts or styles.
    ("Cross-Origin-Resource-Policy", "same-origin"),
)
REFUSED_STATUS = "421 Misdirected Request"


class Guard:
    """WSGI middleware: refuses requests for names the server does not answer to and adds
    the security headers to every response (a refusal's included)."""

    def __init__(self, app: WSGIApplication, hosts: AllowedHosts, log_seconds: float) -> None:
        self.app = app
        self.hosts = hosts
        self._refusals = Throttle(log_seconds)  # a refused Host is logged at most this often

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        client_address.set(environ.get("REMOTE_ADDR") or "an unknown address")
        host = environ.get("HTTP_HOST")
        # The API's TLS port lets in only requests with a cluster's token (kube_api/door.py):
        # no page can send one, so the Host check (against DNS rebinding) has nothing to guard.
        if not environ.get(API_DOOR) and not self.hosts.allows(host):
            return self._refuse(host, start_response)

        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            return start_response(status, with_security_headers(headers), exc_info)

        return self.app(environ, start)

    def _refuse(self, host: str | None, start_response: StartResponse) -> list[bytes]:
        shown = repr(host[:200]) if host else "(none given)"
        held = self._refusals.admit(shown)
        if held is not None:
            more = f" ({held} more were not logged)" if held else ""
            log.warning(
                "refused a request for Host %s%s: this server answers to %s",
                shown,
                more,
                self.hosts.describe(),
            )
        text = (
            f"Podlife does not answer to the Host {shown}: it answers to "
            f"{self.hosts.describe()}.\n"
            "This protects the learner's server from other web sites (DNS rebinding). If you "
            "reach Podlife by this name, start it with --public-url http://NAME:PORT or "
            "--allowed-hosts NAME (or PODLIFE_PUBLIC_URL / PODLIFE_ALLOWED_HOSTS).\n"
        )
        body = text.encode()
        headers = [
            ("Content-Type", "text/plain; charset=utf-8"),
            ("Content-Length", str(len(body))),
        ]
        start_response(REFUSED_STATUS, with_security_headers(headers))
        return [body]


def with_security_headers(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """`headers` plus those of SECURITY_HEADERS it does not set itself."""
    present = {name.lower() for name, _ in headers}
    return headers + [(n, v) for n, v in SECURITY_HEADERS if n.lower() not in present]


def origin_check(hosts: AllowedHosts) -> Callable[..., bool] | None:
    """Engine.IO's `cors_allowed_origins` for these hosts: it asks it about every request
    that has an Origin header, and refuses the others with a 400. With any name allowed,
    Engine.IO's own default (None) still requires the Origin to be the name the request was
    sent to, so other sites' pages stay out."""
    if hosts.any_name:
        return None

    def allowed(origin: str | None, _environ: object = None) -> bool:
        return hosts.allows_origin(origin)

    return allowed
