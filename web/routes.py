"""The HTTP side: the page itself and a health check for whoever runs the server."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template
from jinja2 import TemplateNotFound

blueprint = Blueprint("podlife", __name__)


@blueprint.get("/")
def index() -> str | tuple[str, int, dict[str, str]]:
    try:
        return render_template("index.html")
    except TemplateNotFound:
        # A checkout whose page has not been written or built yet: say so, not a traceback.
        text = "Podlife's page is not built yet: templates/index.html is missing.\n"
        return text, 503, {"Content-Type": "text/plain; charset=utf-8"}


@blueprint.get("/healthz")
def healthz() -> dict[str, object]:
    registry = current_app.extensions["podlife"]
    return {"status": "ok", "sessions": len(registry.sessions)}
