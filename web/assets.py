"""The page's bundle on the wire: static/dist/ as static/build.mjs leaves it.

Every file there is named by its content's hash (podlife-5WQ2LRAX.js), so browsers may keep it
for a year without asking again; the page (never cached without asking: it names the current
hashes) finds the names in dist/manifest.json. The build compresses each bundle once (.br and
.gz beside it), so a class of 300 loading the page costs the server file reads, not
compression; the page itself is small and rendered per request, so it is gzipped here.
"""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

from flask import Blueprint, Request, Response, abort, request, send_file

from web.config import ROOT

DIST = ROOT / "static" / "dist"
MANIFEST = DIST / "manifest.json"
YEAR = 365 * 24 * 3600
# A bundle, its source map or its legal comments; nothing else under dist/ (the manifest, the
# build's stamp, the compressed copies asked for by name) is answered.
HASHED = re.compile(r"[a-z]+-[A-Z0-9]{8}\.(js|css)(\.map|\.LEGAL\.txt)?")
# The encodings the build stores, in the order the server prefers them, with their suffixes.
ENCODINGS = {"br": ".br", "gzip": ".gz"}

blueprint = Blueprint("assets", __name__)


class PageNotBuilt(Exception):
    """dist/manifest.json is missing: `make install` (or `npm run build`) has not run."""


class Manifest:
    """Entry name ("podlife.js") → its hashed file, re-read whenever the build rewrites it
    (`npm run watch` while the server runs)."""

    def __init__(self, path: Path = MANIFEST) -> None:
        self.path = path
        self._read_at = -1.0
        self._names: dict[str, str] = {}

    def url(self, entry: str) -> str:
        try:
            stamp = self.path.stat().st_mtime
        except FileNotFoundError:
            raise PageNotBuilt(self.path) from None
        if stamp != self._read_at:
            self._names = json.loads(self.path.read_text(encoding="utf-8"))
            self._read_at = stamp
        return f"/static/dist/{self._names[entry]}"


def preferred_encoding(req: Request, offered: tuple[str, ...]) -> str | None:
    """The first of `offered` the client accepts (a q=0 refuses), or None for identity."""
    accepted = req.accept_encodings
    return next((coding for coding in offered if accepted[coding] > 0), None)


@blueprint.get("/static/dist/<name>")
def hashed_file(name: str) -> Response:
    path = DIST / name
    if not HASHED.fullmatch(name) or not path.is_file():
        abort(404)  # an old page's bundle after a rebuild, too: its hash names nothing now
    stored = tuple(c for c, suffix in ENCODINGS.items() if path.with_name(name + suffix).is_file())
    coding = preferred_encoding(request, stored)
    sent = path.with_name(name + ENCODINGS[coding]) if coding else path
    # The type is the original file's, whatever the encoding (send_file would guess from .br).
    response = send_file(sent, mimetype=_mimetype(name), max_age=YEAR, conditional=True)
    del response.headers["Content-Disposition"]  # it would name the .br file
    response.cache_control.public = True
    response.cache_control.immutable = True
    response.vary.add("Accept-Encoding")
    if coding:
        response.content_encoding = coding
    return response


def page_response(html: str) -> Response:
    """The rendered page: revalidated on every load (no-cache, with an ETag, so an unchanged
    page is a 304), gzipped for clients that accept it."""
    body = html.encode()
    response = Response(mimetype="text/html")
    if preferred_encoding(request, ("gzip",)):
        body = gzip.compress(body, mtime=0)  # mtime=0: same page, same bytes, same ETag
        response.content_encoding = "gzip"
    response.set_data(body)
    response.vary.add("Accept-Encoding")
    response.cache_control.no_cache = True
    response.add_etag()
    response.make_conditional(request)  # a 304 when the browser has this very page
    return response


def _mimetype(name: str) -> str:
    if name.endswith(".js"):
        return "text/javascript"
    if name.endswith(".css"):
        return "text/css"
    if name.endswith(".map"):
        return "application/json"
    return "text/plain"
