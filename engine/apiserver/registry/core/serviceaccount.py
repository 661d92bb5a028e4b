"""ServiceAccounts: pkg/registry/core/serviceaccount/strategy.go. Only validation differs from
the generic rules; the serviceaccounts controller keeps a `default` one in every namespace.
Their `token` subresource hands out tokens (storage/token.go TokenREST): see
engine/apiserver/serviceaccount_token.py."""

from __future__ import annotations

from collections.abc import Generator, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from engine import names
from engine.apimachinery import errors, field
from engine.apiserver import decoding, memo, tables
from engine.apiserver import serviceaccount_token as tokens
from engine.apiserver.registry import store
from engine.apiserver.registry.strategy import Strategy, SubresourceHandler
from engine.apiserver.request import Request, ResourcePath, Response
from engine.apiserver.resources import BY_NAME
from engine.apiserver.validation.common import Errors
from engine.apiserver.validation.serviceaccount import validate_service_account
from engine.timeutil import EPOCH

if TYPE_CHECKING:
    from engine.apiserver.server import APIServer

Gen = Generator[Any, Any, Any]
_RESOURCE_OF = {"Pod": "pods", "Secret": "secrets", "Node": "nodes"}


def token(api: APIServer, req: Request, target: ResourcePath) -> Gen:
    """POST serviceaccounts/<name>/token: TokenREST.Create."""
    request = decoding.decode_body(req, None)
    spec = dict(request.get("spec") or {})
    seconds = spec.get("expirationSeconds")
    seconds = tokens.DEFAULT_EXPIRATION if seconds is None else int(seconds)
    path = "spec.expirationSeconds"
    problems = []
    if seconds < tokens.MIN_EXPIRATION:  # validation.go ValidateTokenRequest
        problems.append(
            field.invalid(path, seconds, "may not specify a duration less than 10 minutes")
        )
    if seconds > tokens.MAX_EXPIRATION:
        problems.append(
            field.invalid(path, seconds, "may not specify a duration larger than 2^32 seconds")
        )
    if problems:
        raise errors.invalid("TokenRequest", target.name, problems, "authentication.k8s.io")
    account = yield from store.read(
        api, req, ResourcePath(target.resource, target.namespace, target.name, "")
    )
    meta = account["metadata"]
    bound = spec.get("boundObjectRef") or None
    found: dict[str, tokens.Ref] = {}
    if bound is not None:
        found = yield from _bound(api, req, target, bound)
    identity = tokens.Identity(
        target.namespace,
        tokens.Ref(meta["name"], meta.get("uid", "")),
        found.get("Pod"),
        found.get("Secret"),
        found.get("Node"),
    )
    audiences = list(spec.get("audiences") or [tokens.ISSUER])
    now = int(EPOCH.timestamp() + api.env.now)
    jwt = tokens.issue(api.seed, now, identity, audiences, seconds, names.new_uid(api.token_ids))
    return Response(
        201,
        {
            "kind": "TokenRequest",
            "apiVersion": "authentication.k8s.io/v1",
            "metadata": {
                "name": target.name,
                "namespace": target.namespace,
                "creationTimestamp": None,
            },
            "spec": {"audiences": audiences, "expirationSeconds": seconds, "boundObjectRef": bound},
            "status": {"token": jwt, "expirationTimestamp": memo.rfc3339(api.env.now + seconds)},
        },
    )


def _bound(api: APIServer, req: Request, target: ResourcePath, bound: dict[str, Any]) -> Gen:
    """The object a token is bound to must exist (with the UID given) and, for a pod, run as
    this ServiceAccount; a pod-bound token names the pod's node too."""
    kind = str(bound.get("kind", ""))
    if kind not in _RESOURCE_OF:
        raise errors.bad_request(
            f'cannot bind token for serviceaccount "{target.name}" to object of type '
            f"{bound.get('apiVersion', '')}, Kind={kind}"
        )
    resource = BY_NAME[_RESOURCE_OF[kind]]
    namespace = target.namespace if resource.namespaced else ""
    name = str(bound.get("name", ""))
    obj = yield from store.read(api, req, ResourcePath(resource, namespace, name, ""))
    uid = obj["metadata"].get("uid", "")
    if bound.get("uid") and bound["uid"] != uid:
        raise errors.conflict(
            f"{kind}",
            name,
            f"the UID in the bound object reference ({bound['uid']}) does not match the UID in "
            "record. The object might have been deleted and then recreated",
        )
    found = {kind: tokens.Ref(name, uid)}
    if kind == "Pod":
        if (obj.get("spec") or {}).get("serviceAccountName", "default") != target.name:
            raise errors.bad_request(
                f'cannot bind token for serviceaccount "{target.name}" to pod running with '
                "different serviceaccount name."
            )
        node_name = (obj.get("spec") or {}).get("nodeName")
        if node_name:
            node = api.storage.get(BY_NAME["nodes"].key("", node_name))
            if node is not None:
                found["Node"] = tokens.Ref(node_name, node["metadata"].get("uid", ""))
    return found


class ServiceAccountStrategy(Strategy):
    resource_name = "serviceaccounts"
    printer = tables.SERVICE_ACCOUNT
    subresources: ClassVar[Mapping[tuple[str, str], SubresourceHandler]] = {
        ("token", "create"): token,
    }

    def validate_object(self, obj: dict[str, Any], old: dict[str, Any] | None) -> Errors:
        return validate_service_account(obj, old)

    def stored_story(self, obj: dict[str, Any]) -> str:
        return ": pods in its namespace can now run as this identity (spec.serviceAccountName)"
