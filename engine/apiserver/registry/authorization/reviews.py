"""SelfSubjectAccessReview and SelfSubjectRulesReview: pkg/registry/authorization/
selfsubjectaccessreview/rest.go and selfsubjectrulesreview/rest.go. A create that stores
nothing: the API server asks its authorizers about the requester and answers with the review,
its status filled in (201)."""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from engine.apimachinery import errors, field
from engine.apiserver import decoding
from engine.apiserver.authorization.attributes import Attributes, with_authenticated
from engine.apiserver.registry.strategy import Strategy
from engine.apiserver.request import Request, ResourcePath, Response

if TYPE_CHECKING:
    from engine.apiserver.server import APIServer

Gen = Generator[Any, Any, Any]
Obj = dict[str, Any]


def _access_review(api: APIServer, req: Request, target: ResourcePath) -> Gen:
    review = _decoded(req, target)
    spec: Obj = review["spec"] if isinstance(review.get("spec"), dict) else {}
    resource: Obj = spec.get("resourceAttributes") or {}
    non_resource: Obj = spec.get("nonResourceAttributes") or {}
    # validation.go ValidateSelfSubjectAccessReviewSpec
    if resource and non_resource:
        problem = field.invalid(
            "spec.nonResourceAttributes",
            non_resource,
            "cannot be specified in combination with resourceAttributes",
        )
    elif not resource and not non_resource:
        problem = field.invalid(
            "spec.resourceAttributes",
            None,
            "exactly one of nonResourceAttributes or resourceAttributes must be specified",
        )
    else:
        problem = None
    if problem is not None:
        raise errors.invalid(target.resource.kind, "", [problem], target.resource.group)
    groups = with_authenticated(req.groups)
    if resource:
        attrs = Attributes(
            req.user,
            groups,
            resource.get("verb", ""),
            resource.get("group", ""),
            resource.get("resource", ""),
            resource.get("subresource", ""),
            resource.get("namespace", ""),
            resource.get("name", ""),
        )
    else:
        attrs = Attributes(
            req.user, groups, non_resource.get("verb", ""), path=non_resource.get("path", "")
        )
    decision = api.authorizer.authorize(attrs)
    status: Obj = {"allowed": decision.allowed}
    if decision.reason:
        status["reason"] = decision.reason
    review["status"] = status
    yield from ()  # a handler is a generator: this one answers without waiting on etcd
    return Response(201, review)


def _rules_review(api: APIServer, req: Request, target: ResourcePath) -> Gen:
    review = _decoded(req, target)
    spec: Obj = review["spec"] if isinstance(review.get("spec"), dict) else {}
    namespace = spec.get("namespace", "")
    rules = api.authorizer.rules_for(req.user, with_authenticated(req.groups), namespace)
    resource_rules, url_rules = [], []
    for rule in rules:  # rbac.go RulesFor: a rule may give one of each
        if rule.get("resources"):
            resource_rules.append(
                {
                    k: rule[k]
                    for k in ("verbs", "apiGroups", "resources", "resourceNames")
                    if rule.get(k)
                }
            )
        if rule.get("nonResourceURLs"):
            url_rules.append({"verbs": rule["verbs"], "nonResourceURLs": rule["nonResourceURLs"]})
    review["status"] = {
        "resourceRules": resource_rules,
        "nonResourceRules": url_rules,
        "incomplete": False,
    }
    yield from ()
    return Response(201, review)


def _decoded(req: Request, target: ResourcePath) -> Obj:
    body = decoding.decode_body(req, target.resource)
    # Go's field order; the spec as sent, the status the server's.
    return {
        "kind": body.get("kind"),
        "apiVersion": body.get("apiVersion"),
        "metadata": body.get("metadata") or {"creationTimestamp": None},
        "spec": body.get("spec") or {},
    }


class SelfSubjectAccessReviewStrategy(Strategy):
    resource_name = "selfsubjectaccessreviews"
    answer_create = staticmethod(_access_review)


class SelfSubjectRulesReviewStrategy(Strategy):
    resource_name = "selfsubjectrulesreviews"
    answer_create = staticmethod(_rules_review)
