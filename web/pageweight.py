"""`make bench`, the page's weight: what a browser's first load of the page costs on the wire.

Starts the real server (`app.py`) on a free loopback port, fetches the page as a browser does
(Accept-Encoding: gzip, br), then every stylesheet, script and image it names, and reports
the bytes transferred per file (status line and headers included) against the same files
sent uncompressed; then a second visit, as a browser with those files in its cache makes it.
The figure for a class of 300 on one Wi-Fi is the first load's total (docs/performance.md).

Run: `python -m web.pageweight` (or `make bench`).
"""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import IO
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
BROWSER_ENCODINGS = "gzip, deflate, br, zstd"  # what Chromium sends


@dataclass(frozen=True)
class Fetched:
    path: str
    status: int
    headers: dict[str, str]  # names lower-cased
    body: bytes  # as sent (still encoded)
    wire_bytes: int  # status line, headers and body


class _Assets(HTMLParser):
    """The URLs a page makes the browser fetch: stylesheets, scripts, images."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        url = a.get("src") if tag in ("script", "img") else None
        if tag == "link" and a.get("rel") in ("stylesheet", "icon", "preload", "modulepreload"):
            url = a.get("href")
        if url and not url.startswith("data:"):
            self.urls.append(url)


def fetch(base: str, path: str, headers: dict[str, str] | None = None) -> Fetched:
    where = urlsplit(base)
    connection = http.client.HTTPConnection(where.hostname or "127.0.0.1", where.port, timeout=30)
    try:
        connection.request("GET", path, headers=headers or {})
        reply = connection.getresponse()
        body = reply.read()  # http.client does not decode: these are the bytes sent
        head = f"HTTP/1.1 {reply.status} {reply.reason}\r\n" + "".join(
            f"{name}: {value}\r\n" for name, value in reply.getheaders()
        )
        return Fetched(
            path,
            reply.status,
            {name.lower(): value for name, value in reply.getheaders()},
            body,
            len(head) + 2 + len(body),
        )
    finally:
        connection.close()


def first_load(base: str, encodings: str = BROWSER_ENCODINGS) -> list[Fetched]:
    """The page, then each file it names, fetched with `encodings` ("" for none)."""
    headers = {"Accept-Encoding": encodings} if encodings else {}
    page = fetch(base, "/", headers)
    parser = _Assets()
    parser.feed(_decoded(page).decode())
    return [page] + [fetch(base, url, headers) for url in parser.urls]


def _decoded(fetched: Fetched) -> bytes:
    import gzip

    coding = fetched.headers.get("content-encoding")
    if coding == "gzip":
        return gzip.decompress(fetched.body)
    assert coding is None, f"{fetched.path}: cannot read the {coding} page"
    return fetched.body


@contextmanager
def running_server() -> Iterator[str]:
    """The real server (`python app.py`) on a free loopback port; its base URL."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            [sys.executable, "app.py", "--port", str(port)],
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        try:
            _wait_until_up(base, process, log)
            yield base
        finally:
            process.terminate()
            process.wait(timeout=10)


def _wait_until_up(base: str, process: subprocess.Popen[bytes], log: IO[bytes]) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            if fetch(base, "/healthz").status == 200:
                return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                said = log.read().decode(errors="replace")
                raise RuntimeError(f"the server did not start:\n{said}") from None
            time.sleep(0.1)


def kib(n: int) -> str:
    return f"{n / 1024:.1f} KB"


def main() -> None:
    print("Page weight on first load (python -m web.pageweight)")
    with running_server() as base:
        plain = {f.path: f for f in first_load(base, "")}
        load = first_load(base)
        for f in load:
            coding = f.headers.get("content-encoding", "identity")
            before = plain[f.path].wire_bytes if f.path in plain else 0
            print(
                f"  {f.path:40} {kib(before):>9} uncompressed -> {kib(f.wire_bytes):>9} "
                f"({coding}; {f.headers.get('cache-control', '')})"
            )
        before_total = sum(f.wire_bytes for f in plain.values())
        after_total = sum(f.wire_bytes for f in load)
        total = "first load, total"
        print(f"  {total:40} {kib(before_total):>9} uncompressed -> {kib(after_total):>9}")
        again = fetch(
            base,
            "/",
            {"Accept-Encoding": BROWSER_ENCODINGS, "If-None-Match": load[0].headers["etag"]},
        )
        print(
            f"  second visit: the page answers {again.status} ({again.wire_bytes} B); "
            "its hashed files come from the browser's cache (immutable)"
        )


if __name__ == "__main__":
    main()
