"""The request filters every request passes before a handler (staging/src/k8s.io/apiserver/
pkg/endpoints/filters: authentication.go, requestinfo.go, authorization.go; and the body
limit of server/config.go MaxRequestBodyBytes)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engine.apimachinery import errors
from engine.apiserver import serviceaccount_token as tokens
from engine.apiserver.authorization.attributes import (
    SERVICE_ACCOUNT_PREFIX,
    Attributes,
    service_account_groups,
    with_authenticated,
)
from engine.apiserver.authorization.story import refusal_headline
from engine.apiserver.request import MAX_REQUEST_BODY_BYTES, Request, ResourcePath
from engine.apiserver.resources import BY_NAME
from engine.timeutil import EPOCH
from engine.trace import Step, object_ref

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
        identity = None if user is not None else _service_account(api, token)
        if user is not None:
            req.user, req.groups = user, ("system:masters", "system:authenticated")
            how = "a bearer token"
        elif identity is not None:
            req.user, req.groups = identity.user, identity.groups
            how = "a ServiceAccount token"
        else:
            api.stage(req, "authentication", "Authentication failed: unknown bearer token")
            raise errors.unauthorized()
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


def _service_account(api: APIServer, token: str) -> tokens.Identity | None:
    """The ServiceAccount token authenticator (pkg/serviceaccount/jwt.go, legacy and bound
    validators): a good signature, not expired, and its ServiceAccount — and the pod, Secret
    or node it is bound to — still there with the same UID."""
    identity = tokens.read(api.seed, token, EPOCH.timestamp() + api.env.now)
    if identity is None:
        return None
    namespace = identity.namespace
    wanted: list[tuple[str, str, tokens.Ref | None]] = [
        ("serviceaccounts", namespace, identity.account),
        ("pods", namespace, identity.pod),
        ("secrets", namespace, identity.secret),
    ]
    for resource, ns, ref in wanted:
        if ref is None:
            continue
        obj = api.storage.get(BY_NAME[resource].key(ns, ref.name))
        if obj is None or obj["metadata"].get("uid") != ref.uid:
            return None
    return identity


def verb(req: Request, target: ResourcePath) -> str:
    """The Kubernetes verb of a request (RequestInfoFactory.NewRequestInfo)."""
    found = _verb(req, target)
    resource = target.resource
    if not target.subresource and found not in resource.verbs:
        # kube-apiserver installs no route for a verb the storage lacks (endpoints/
        # installer.go registers only the verbs it has): the reviews are create-only.
        raise errors.method_not_supported(resource.name, found, resource.group)
    return found


def _verb(req: Request, target: ResourcePath) -> str:
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
        return "deletecollection"
    raise errors.method_not_supported(resource.name, method.lower(), resource.group)


def impersonate(api: APIServer, req: Request) -> None:
    """filters/impersonation.go WithImpersonation: `Impersonate-User` (and `Impersonate-Group`,
    repeated or comma-separated) make the request another user's, if the requester may
    `impersonate` each of them: users, groups, or a ServiceAccount (whose groups then come with
    it unless groups are given)."""
    user = req.headers.get("impersonate-user", "")
    group_text = req.headers.get("impersonate-group", "")
    groups = tuple(g.strip() for g in group_text.split(",") if g.strip())
    if not user:
        return  # kubectl refuses --as-group without --as itself
    asked = []
    prefix = SERVICE_ACCOUNT_PREFIX
    if user.startswith(prefix) and user.count(":") == 3:
        namespace, _, name = user.removeprefix(prefix).partition(":")
        asked.append(("serviceaccounts", namespace, name))
        if not groups:
            groups = service_account_groups(namespace)
    else:
        asked.append(("users", "", user))
    asked += [("groups", "", group) for group in groups]
    for resource, namespace, name in asked:
        attrs = Attributes(
            req.user,
            with_authenticated(req.groups),
            "impersonate",
            "",
            resource,
            "",
            namespace,
            name,
        )
        decision = api.authorizer.authorize(attrs)
        if not decision.allowed:
            error = _forbidden(attrs, decision.reason)
            api.stage(
                req,
                "authorization",
                f"Forbidden: {error.status['message']}",
                verb="impersonate",
                resource=resource,
                allowed=False,
                mode=decision.mode,
            )
            raise error
    api.stage(
        req,
        "authentication",
        f"{req.user} acts as {user} (impersonation)",
        user=user,
        groups=list(groups),
    )
    req.user, req.groups = user, groups


def authorize(api: APIServer, req: Request, verb: str, target: ResourcePath) -> None:
    """filters/authorization.go WithAuthorization: the union of authorizers decides
    (authorization/authorizer.py); a refusal is a 403 with upstream's message."""
    resource = target.resource
    attrs = Attributes(
        req.user,
        with_authenticated(req.groups),
        verb,
        resource.group,
        resource.name,
        target.subresource,
        target.namespace,
        target.name,
    )
    decision = api.authorizer.authorize(attrs)
    what = attrs.combined_resource
    where = f" in namespace {target.namespace}" if target.namespace else ""
    data: dict[str, Any] = {
        "verb": verb,
        "resource": what,
        "allowed": decision.allowed,
        "mode": decision.mode,
    }
    if decision.grant is not None:
        grant = decision.grant
        data.update(
            binding=f"{grant.binding_kind}/{grant.binding}", role=f"{grant.role_kind}/{grant.role}"
        )
    if not decision.allowed:
        error = _forbidden(attrs, decision.reason)
        api.stage(req, "authorization", f"Forbidden: {error.status['message']}", **data)
        if req.step is Step.SEND and not api.quiet:  # the learner's own request
            grants = api.authorizer.rbac.grants_on(attrs)
            headline = refusal_headline(attrs, grants, decision.reason)
            ref = object_ref(resource.kind, target.name, target.namespace)
            api.trace.milestone("api-server", headline, ref, None, None, step=Step.PERSIST)
        raise error
    if decision.mode == "Privileged":
        summary = f"{req.user} may {verb} {what}{where}: a member of system:masters may do anything"
    elif decision.mode == "Node":
        summary = f"Node: {req.user} may {verb} {what}{where}"
    else:
        summary = (
            f"RBAC: {req.user} may {verb} {what}{where}, {decision.reason.removeprefix('RBAC: ')}"
        )
    api.stage(req, "authorization", summary, **data)


def authorize_path(api: APIServer, req: Request) -> None:
    """A non-resource request (discovery, /version, /healthz) is authorized too, by its path,
    without a stage in the trace: clients make many and none is a learner's step."""
    path = "/" + "/".join(p for p in req.path.split("/") if p)
    attrs = Attributes(req.user, with_authenticated(req.groups), req.method.lower(), path=path)
    if not api.authorizer.authorize(attrs).allowed:
        raise errors.StatusError(403, "Forbidden", "forbidden: " + attrs.forbidden_message())


def _forbidden(attrs: Attributes, reason: str) -> errors.StatusError:
    """responsewriters.Forbidden: forbiddenMessage, then the authorizers' reason if any."""
    why = attrs.forbidden_message() + (f": {reason}" if reason else "")
    return errors.forbidden(attrs.resource, attrs.name, why, attrs.api_group)
