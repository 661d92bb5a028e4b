"""What is inside an image, for `kubectl exec`: its shell, programs, environment and files, and
what its server answers over HTTP. The data is userland.yaml (its top comment says the rules)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from engine import yamlsafe
from engine.node.registry import Image

USERLAND_FILE = Path(__file__).with_name("userland.yaml")
PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
REASONS = {
    200: "OK",
    301: "Moved Permanently",
    404: "Not Found",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


@dataclass(frozen=True)
class Userland:
    sh: str  # ash, dash, or "none"
    programs: tuple[str, ...]
    env: dict[str, str] = field(default_factory=dict)  # the image's ENV, PATH first
    files: dict[str, str] = field(default_factory=dict)
    http: str = ""  # the key of its HTTP answers


@dataclass(frozen=True)
class HttpAnswer:
    code: int
    body: str
    server: str


@cache
def _data() -> dict[str, Any]:
    data: dict[str, Any] = yamlsafe.load_one(USERLAND_FILE.read_text(encoding="utf-8"))
    return data


def fill(template: str, image: Image, hostname: str = "") -> str:
    """The catalogue's templates; plain replaces, since bodies hold CSS braces."""
    major = image.version.lstrip("v").split(".")[0]
    return (
        template.replace("{hostname}", hostname)
        .replace("{version}", image.version)
        .replace("{major}", major)
    )


def of(image: Image) -> Userland:
    data = _data()
    families = data["families"]
    entry = dict(families.get(image.family) or families["default"])
    entry.update(data["repositories"].get(image.repository) or {})
    files = {path: data["files"][key] for path, key in (entry.get("files") or {}).items()}
    env = {"PATH": PATH}
    env.update({k: fill(str(v), image) for k, v in (entry.get("env") or {}).items()})
    programs = tuple(entry.get("programs") or ()) + tuple(entry.get("extra") or ())
    return Userland(str(entry.get("sh", "dash")), programs, env, files, str(entry.get("http", "")))


def environ(image: Image, hostname: str, env: dict[str, str]) -> dict[str, str]:
    """A container's environment in the order its process sees it: the image's PATH, the
    HOSTNAME containerd sets, the image's other variables, the kubelet's (the container's
    own, then the Services'), and HOME, which the runtime adds when nothing set it."""
    image_env = of(image).env
    result = {"PATH": image_env["PATH"], "HOSTNAME": hostname}
    result.update({k: v for k, v in image_env.items() if k != "PATH"})
    result.update(env)
    result.setdefault("HOME", "/root")
    return result


def http_answer(image: Image, hostname: str, path: str, code: int) -> HttpAnswer:
    """What the image's server sends back for GET `path`, given the status its listener
    gives (engine/node/behavior.py)."""
    answers = _data()["http"].get(of(image).http) or {"server": "", "body": ""}
    server = fill(str(answers.get("server", "")), image, hostname)
    if code >= 400:
        page = answers.get("not_found") if code == 404 else None
        body = fill(str(page), image, hostname) if page else ""
        return HttpAnswer(code, body, server)
    return HttpAnswer(code, fill(str(answers.get("body", "")), image, hostname), server)
