"""The story of a refused request, for a beginner: who asked, what their bindings do allow
there, and what they asked for (docs/trace.md "Milestones")."""

from __future__ import annotations

from engine.apiserver.authorization.attributes import SERVICE_ACCOUNT_PREFIX, Attributes
from engine.apiserver.authorization.rbac import Grant
from engine.apiserver.resources import BY_NAME


def refusal_headline(attrs: Attributes, grants: list[tuple[Grant, list[str]]], reason: str) -> str:
    what = attrs.combined_resource
    if attrs.name:  # one object: "delete pod web"
        resource = BY_NAME.get(attrs.resource)
        what = f"{resource.singular if resource else attrs.resource} {attrs.name}"
        what += f" ({attrs.subresource})" if attrs.subresource else ""
    where = f" in namespace {attrs.namespace}" if attrs.namespace else ""
    who = requester(attrs.user)
    if grants:
        verbs = _and(list(dict.fromkeys(v for _, vs in grants for v in vs)))
        granted_by = "; ".join(
            f"{g.role_kind} {g.role}, bound by {g.binding_kind} {g.binding}" for g, _ in grants
        )
        allowed = f"{who} may only {verbs} {attrs.combined_resource}{where} ({granted_by})"
    else:
        allowed = f"no role bound to {who} allows anything on {attrs.combined_resource}{where}"
    missing = f" ({reason.removeprefix('RBAC: ')})" if reason else ""
    return f"The API server refused: {allowed}{missing}; it asked to {attrs.verb} {what}"


def requester(user: str) -> str:
    """A ServiceAccount's user name as its kind and namespace/name."""
    if user.startswith(SERVICE_ACCOUNT_PREFIX):
        namespace, _, name = user.removeprefix(SERVICE_ACCOUNT_PREFIX).partition(":")
        return f"ServiceAccount {namespace}/{name}"
    return f"User {user}"


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
