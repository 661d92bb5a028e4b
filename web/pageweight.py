"""`make bench`, the page's weight: what a browser's first load of the page costs on the wire.

Starts the real server (`app.py`) on a free loopback port, fetches the page as a browser does
(Accept-Encoding: gzip, br), then every stylesheet, script and image it names and the scripts
those import, and reports the bytes transferred per file (status line and headers included)
against the same files sent uncompressed; then a second visit, as a browser with those files
in its cache makes it. Two first loads: a student following a class (the page without the
editor, which it never loads) and a learner (the editor's chunk too, which the page imports at
once). The figure for a class of 300 on one Wi-Fi is the student's (docs/performance.md).

Run: `python -m web.pageweight` (or `make bench`).
"""

from __future__ import annotations

import http.client
import os
import re
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

from web.supervisor import free_port

ROOT = Path(__file__).resolve().parent.parent
BROWSER_ENCODINGS = "gzip, deflate, br, zstd"  # what Chromium sends
# A bundle's imports as esbuild writes them: `import{a as b}from"./chunk-X.js"`,
# `import"./chunk-X.js"`, and the lazily loaded `import("./editor-X.js")`.
STATIC_IMPORT = re.compile(r'(?:\bfrom|\bimport)\s*"\./([\w-]+\.js)"')
DYNAMIC_IMPORT = re.compile(r'\bimport\(\s*"\./([\w-]+\.js)"\s*\)')


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


def first_load(base: str, encodings: str = BROWSER_ENCODINGS, lazy: bool = False) -> list[Fetched]:
    """The page, each file it names and each script those import, fetched with `encodings`
    ("" for none); `lazy`: the scripts imported when first needed (the editor) too."""
    headers = {"Accept-Encoding": encodings} if encodings else {}
    page = fetch(base, "/", headers)
    parser = _Assets()
    parser.feed(_decoded(page).decode())
    queue, loaded = list(parser.urls), [page]
    while queue:
        url = queue.pop(0)
        if any(f.path == url for f in loaded):
            continue
        fetched = fetch(base, url, headers)
        loaded.append(fetched)
        if url.endswith(".js"):
            # Read the same file unencoded: what the browser's parser sees.
            code = fetch(base, url).body.decode()
            names = STATIC_IMPORT.findall(code) + (DYNAMIC_IMPORT.findall(code) if lazy else [])
            queue += [url.rsplit("/", 1)[0] + "/" + name for name in names]
    return loaded


def _decoded(fetched: Fetched) -> bytes:  # the page: gzip or nothing
    import gzip

    coding = fetched.headers.get("content-encoding")
    if coding == "gzip":
        return gzip.decompress(fetched.body)
    assert coding is None, f"{fetched.path}: cannot read the {coding} page"
    return fetched.body


@contextmanager
def running_server() -> Iterator[str]:
    """The real server (`python app.py`) on a free loopback port; its base URL."""
    port = free_port()
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
        plain = {f.path: f for f in first_load(base, "", lazy=True)}
        follower = first_load(base)
        learner = first_load(base, lazy=True)
        for f in learner:
            coding = f.headers.get("content-encoding", "identity")
            lazily = "" if any(g.path == f.path for g in follower) else ", a learner's only"
            print(
                f"  {f.path:40} {kib(plain[f.path].wire_bytes):>9} uncompressed -> "
                f"{kib(f.wire_bytes):>9} ({coding}; {f.headers.get('cache-control', '')}"
                f"{lazily})"
            )
        for who, load in (("a student following a class", follower), ("a learner", learner)):
            before_total = sum(plain[f.path].wire_bytes for f in load)
            after_total = sum(f.wire_bytes for f in load)
            total = f"first load of {who}"
            print(f"  {total:40} {kib(before_total):>9} uncompressed -> {kib(after_total):>9}")
        load = learner
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
