"""The names the server answers to, and the URL its kubeconfigs give out.

Why a Host allow-list: a web page on another site can make the learner's browser talk to
http://127.0.0.1:5000 under the page's own name, after DNS rebinding points that name at
127.0.0.1. The browser then treats the server as the other site's own, and that site could
drive the learner's clusters. It cannot change the Host header, though, which carries its own
name: a server that answers only to its own names cannot be driven from elsewhere.

Entries are `name` (any port) or `name:port`; IPv6 addresses in brackets (`[::1]:5000`);
`*` allows every name. web/security.py enforces them; docs/kube-api.md documents them.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from web.config import Settings

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
# Addresses that mean "every interface": the server has no one name to give out then.
WILDCARD_ADDRESSES = ("", "0.0.0.0", "::")
ANY = "*"

_LABEL = r"[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?"
_NAME = re.compile(rf"{_LABEL}(\.{_LABEL})*")

Entry = tuple[str, int | None]  # (lower-case name, port or None for any port)


def parse_host(text: str) -> Entry:
    """`name`, `name:port`, `[v6]` or `[v6]:port`, as in a Host header; ValueError if not."""
    text = text.strip().lower()
    if text.startswith("["):
        end = text.find("]")
        name, rest = text[: end + 1], text[end + 1 :]
        if end < 0 or not _is_ipv6(name[1:-1]):
            raise ValueError(f"{text!r} is not an IPv6 address in brackets")
    else:
        name, colon, port_text = text.partition(":")
        rest = colon + port_text
        if not _NAME.fullmatch(name):
            raise ValueError(f"{text!r} is not a host name or address")
    if not rest:
        return name, None
    port_text = rest[1:]
    if not rest.startswith(":") or not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise ValueError(f"{text!r} has no valid port after the name")
    return name, int(port_text)


def parse_host_list(text: str) -> tuple[str, ...]:
    """A comma- or space-separated list of entries (PODLIFE_ALLOWED_HOSTS, --allowed-hosts),
    checked one by one. A bare IPv6 address gets its brackets."""
    entries = []
    for item in text.replace(",", " ").split():
        if item != ANY:
            if ":" in item and not item.startswith("[") and _is_ipv6(item):
                item = f"[{item}]"
            parse_host(item)
        entries.append(item)
    return tuple(entries)


def parse_public_url(text: str) -> str:
    """The URL a class reaches the server at: `http(s)://host[:port]`, no path. Returns it
    without a trailing slash; '' stays ''."""
    text = text.strip()
    if not text:
        return ""
    split = urlsplit(text)
    example = "give the address others reach this server at, e.g. http://192.168.1.20:5000"
    if split.scheme not in ("http", "https") or not split.netloc:
        raise ValueError(f"{text!r} is not an http:// or https:// URL: {example}")
    if split.path not in ("", "/") or split.query or split.fragment or "@" in split.netloc:
        raise ValueError(f"{text!r} has more than a scheme, a host and a port: {example}")
    parse_host(split.netloc)
    return f"{split.scheme}://{split.netloc.lower()}"


class AllowedHosts:
    """Which Host headers (and Origin headers) this server accepts."""

    def __init__(self, entries: Iterable[Entry], any_name: bool = False) -> None:
        self.entries = tuple(dict.fromkeys(entries))
        self.any_name = any_name

    @classmethod
    def from_settings(cls, settings: Settings) -> AllowedHosts:
        """The loopback names on the server's port; the address it listens on, unless that
        is every interface (0.0.0.0: the laptop's LAN name cannot be guessed); the public
        URL's host; and the names `allowed_hosts` adds."""
        port = settings.port
        entries: list[Entry] = [(name, port) for name in LOOPBACK_NAMES]
        if settings.host not in WILDCARD_ADDRESSES:
            entries.append((bracketed(settings.host).lower(), port))
        if settings.public_url:
            entries.append(parse_host(urlsplit(settings.public_url).netloc))
        extra = [item for item in settings.allowed_hosts if item != ANY]
        entries.extend(parse_host(item) for item in extra)
        return cls(entries, any_name=ANY in settings.allowed_hosts)

    def allows(self, host: str | None) -> bool:
        if self.any_name:
            return True
        if not host:
            return False  # every browser sends Host; a request without one is no page's
        try:
            name, port = parse_host(host)
        except ValueError:
            return False
        return any(
            name == allowed and (allowed_port is None or port == allowed_port)
            for allowed, allowed_port in self.entries
        )

    def allows_origin(self, origin: str | None) -> bool:
        """A browser's Origin header (`scheme://host[:port]`) names an allowed host."""
        if not origin:
            return False
        split = urlsplit(origin)
        return split.scheme in ("http", "https") and self.allows(split.netloc)

    def describe(self) -> str:
        if self.any_name:
            return "any name"
        return ", ".join(name if port is None else f"{name}:{port}" for name, port in self.entries)


def kubeconfig_base_url(settings: Settings) -> str:
    """Where kubeconfigs point: the public URL when there is one, else the address the server
    listens on (loopback when it listens on every interface). Never the request's Host header,
    which the client chooses."""
    if settings.public_url:
        return settings.public_url
    host = settings.host
    if host in WILDCARD_ADDRESSES:
        host = "::1" if host == "::" else "127.0.0.1"
    return f"http://{bracketed(host)}:{settings.port}"


def unreachable_warning(settings: Settings) -> str | None:
    """What to tell someone who serves on every address but lets no other name in."""
    if settings.host in WILDCARD_ADDRESSES and not (settings.public_url or settings.allowed_hosts):
        return (
            "listening on every address, but answering only to 127.0.0.1, localhost and [::1]: "
            "to let other machines in, give the name or address they use, e.g. --public-url "
            f"http://192.168.1.20:{settings.port} (or --allowed-hosts, PODLIFE_PUBLIC_URL, "
            "PODLIFE_ALLOWED_HOSTS)"
        )
    return None


def bracketed(address: str) -> str:
    """An IPv6 address as URLs and Host headers write it."""
    return f"[{address}]" if ":" in address and not address.startswith("[") else address


def _is_ipv6(text: str) -> bool:
    try:
        ipaddress.IPv6Address(text)
    except ValueError:
        return False
    return True
