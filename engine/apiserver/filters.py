"""The request filters every request passes before a handler (staging/src/k8s.io/apiserver/
pkg/endpoints/filters: authentication.go, requestinfo.go, authorization.go; and the body
limit of server/config.go MaxRequestBodyBytes)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine.apimachinery import errors
from engine.apiserver.request import MAX_REQUEST_BODY_BYTES, Request, ResourcePath

if TYPE_CHECKING:
    from engine.apiserver.server import APIServer


def check_size(req: Request) -> None:
    if isinstance(req.body, bytes | str) and len(req.body) > MAX_REQUEST_BODY_BYTES:
        raise errors.too_large(MAX_REQUEST_BODY_BYTES)


def authenticate(api: APIServer, req: Request) -> None:
    header = req.headers.get("authorization", "")
    if header:
        token = header.removeprefix("Bearer ").strip()
        user = api.bearer_tokens.get(token)
        if user is None:
            api.stage(req, "authentication", "Authentication failed: unknown bearer token")
            raise errors.unauthorized()
        req.user, req.groups = user, ("system:masters", "system:authenticated")
        how = "a bearer token"
    elif req.source == "http" or not req.user:
        # A client over HTTP names no user: without a token it is nobody.
        api.stage(req, "authentication", "Authentication failed: no credentials")
        raise errors.unauthorized()
    else:
        how = "its client certificate"
    api.stage(
        req,
        "authentication",
        f"Authenticated {req.user} by {how}",
        user=req.user,
        groups=list(req.groups),
    )


def verb(req: Request, target: ResourcePath) -> str:
    """The Kubernetes verb of a request (RequestInfoFactory.NewRequestInfo)."""
    method = req.method.upper()
    resource = target.resource
    if method == "GET":
        if target.name:
            return "get"
        return "watch" if req.query.get("watch") in ("true", "1") else "list"
    verbs = {"POST": "create", "PUT": "update", "PATCH": "patch"}
    if method in verbs:
        if method != "POST" and not target.name:
            raise errors.method_not_supported(resource.name, verbs[method], resource.group)
        return verbs[method]
    if method == "DELETE":
        if target.name:
            return "delete"
        if "deletecollection" not in resource.verbs:
            # A kind whose storage deletes no collections (namespaces): kube-apiserver installs
            # no such route (endpoints/installer.go registers only the verbs the storage has).
            raise errors.method_not_supported(resource.name, "deletecollection", resource.group)
        return "deletecollection"
    raise errors.method_not_supported(resource.name, method.lower(), resource.group)


def authorize(api: APIServer, req: Request, verb: str, target: ResourcePath) -> None:
    # Everyone here is allowed: admins are system:masters, the components have the RBAC
    # roles kubeadm gives them, kubelets pass the Node authorizer.
    what = target.resource.name + (f"/{target.subresource}" if target.subresource else "")
    where = f" in namespace {target.namespace}" if target.namespace else ""
    mode = "Node" if req.user.startswith("system:node:") else "RBAC"
    api.stage(
        req,
        "authorization",
        f"{mode}: {req.user} may {verb} {what}{where}",
        verb=verb,
        resource=what,
    )
