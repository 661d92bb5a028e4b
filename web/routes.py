"""The HTTP side: the page itself (also at a room's join URL, /join/<CODE>: the page reads
the code from its path and follows; an unknown code is `follow`'s to explain) and a health
check for whoever runs the server."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, render_template
from jinja2 import TemplateNotFound

from web.assets import Manifest, PageNotBuilt, page_response

blueprint = Blueprint("podlife", __name__)


@blueprint.get("/")
@blueprint.get("/join/<code>")  # a room's join URL: the page reads the code and follows
def index(code: str = "") -> Response | tuple[str, int, dict[str, str]]:
    manifest: Manifest = current_app.extensions["podlife.manifest"]
    try:
        return page_response(render_template("index.html", asset=manifest.url))
    except (TemplateNotFound, PageNotBuilt) as missing:
        # A checkout whose page has not been written or built yet: say so, not a traceback.
        text = (
            f"Podlife's page is not built yet ({missing} is missing): run `make install` "
            "(or `npm run build`).\n"
        )
        return text, 503, {"Content-Type": "text/plain; charset=utf-8"}


@blueprint.get("/healthz")
def healthz() -> dict[str, object]:
    registry = current_app.extensions["podlife"]
    return {"status": "ok", "sessions": len(registry.sessions)}
