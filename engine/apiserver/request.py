"""An API request and its response, whoever sends it: the in-engine kubectl, a controller, the
kubelet, or a real kubectl over HTTP. One shape for all keeps one path through the API server.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from engine.apimachinery import errors
from engine.apiserver.resources import BY_GROUP_VERSION_NAME, BY_NAME, ResourceType
from engine.trace import ObjectRef, Step, object_ref

MAX_REQUEST_BODY_BYTES = 3 * 1024 * 1024  # staging/src/k8s.io/apiserver/pkg/server/config.go


@dataclass
class Request:
    method: str  # GET, POST, PUT, PATCH, DELETE
    path: str
    query: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)  # keys lower-case
    body: Any = None  # bytes/str as received over HTTP, or an already-parsed dict
    user: str = "kubernetes-admin"  # who the client says it is (checked by authentication)
    groups: tuple[str, ...] = ("system:masters",)
    source: str = "kubectl"  # the component id sending it, for the trace
    step: Step = Step.SEND
    flow: ObjectRef | None = None  # whose story it is part of (set as the server takes it)
    # What admission warns the client about as the request goes (warning.AddWarning), sent
    # with the response, an error too
    warnings: list[str] = field(default_factory=list)

    @classmethod
    def from_url(cls, method: str, url: str, **kwargs: Any) -> Request:
        parts = urlsplit(url)
        return cls(
            method, parts.path, dict(parse_qsl(parts.query, keep_blank_values=True)), **kwargs
        )

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "application/json").split(";")[0].strip()

    @property
    def object_ref(self) -> ObjectRef | None:
        """The object the request is about: named by its URL, or for a create by its body's
        name (or generateName)."""
        target = parse_resource_path(self.path)
        if target is None:
            return None
        name = target.name
        if not name and isinstance(self.body, dict):
            # The body is not decoded yet: anything may be where the name should be.
            meta = self.body.get("metadata")
            meta = meta if isinstance(meta, dict) else {}
            name = meta.get("name") or meta.get("generateName", "")
            name = name if isinstance(name, str) else ""
        return object_ref(target.resource.kind, name, target.namespace)

    @property
    def stage_step(self) -> Step:
        """The step the API server's own events for this request belong to: a client's
        sending step becomes persisting once the request has arrived."""
        return Step.PERSIST if self.step is Step.SEND else self.step

    @property
    def url(self) -> str:
        if not self.query:
            return self.path
        pairs = [
            (k, item) for k, v in self.query.items() for item in (v if isinstance(v, list) else [v])
        ]  # a list: a repeated parameter (pods/exec's `command`)
        return self.path + "?" + "&".join(f"{k}={v}" for k, v in pairs)


@dataclass
class Response:
    code: int
    body: Any = None  # a dict (JSON), str (pods/log), bytes (/openapi/v2 protobuf) or None
    content_type: str = "application/json"
    watch: Any = None  # a Watch for watch=true requests
    stream: Any = None  # pods/exec: the process started (engine/node/exec.py ExecSession)
    # What the server warns the client about (the `Warning: 299 - "..."` headers; kubectl
    # prints each once as "Warning: ...")
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return 200 <= self.code < 300

    @classmethod
    def of_error(cls, error: errors.StatusError) -> Response:
        return cls(error.code, error.status)


@dataclass
class ResourcePath:
    """A URL that names a resource: /api/v1/namespaces/ns/pods/name/status and friends."""

    resource: ResourceType
    namespace: str
    name: str
    subresource: str


def parse_resource_path(path: str) -> ResourcePath | None:
    """Split a resource URL; None if it is not one (discovery, /version, unknown)."""
    # Every request's path is parsed three times (the client's trace summary, its object
    # reference, the API server's routing): the split is cached, the result is a fresh
    # ResourcePath each time since callers own it.
    parsed = _parse_resource_path(path)
    return None if parsed is None else ResourcePath(*parsed)


@lru_cache(maxsize=4096)
def _parse_resource_path(path: str) -> tuple[ResourceType, str, str, str] | None:
    parts = [p for p in path.split("/") if p]
    if len(parts) >= 2 and parts[0] == "api":
        group, version, rest = "", parts[1], parts[2:]
    elif len(parts) >= 3 and parts[0] == "apis":
        group, version, rest = parts[1], parts[2], parts[3:]
    else:
        return None
    namespace = ""
    if (
        len(rest) >= 3
        and rest[0] == "namespaces"
        and rest[2] in BY_NAME
        and rest[2] != "namespaces"
    ):
        namespace, rest = rest[1], rest[2:]
    if not rest or len(rest) > 3:
        return None
    resource = BY_GROUP_VERSION_NAME.get((group, version, rest[0]))
    if resource is None:
        return None
    if namespace and not resource.namespaced:
        return None
    name = rest[1] if len(rest) > 1 else ""
    subresource = rest[2] if len(rest) > 2 else ""
    if subresource and resource.subresource(subresource) is None:
        return None
    return resource, namespace, name, subresource
