"""The RBAC authorizer (plugin/pkg/auth/authorizer/rbac/rbac.go) and the rule resolver it asks
(pkg/registry/rbac/validation/rule.go DefaultRuleResolver.VisitRulesFor): the rules of every
ClusterRoleBinding, then of every RoleBinding in the request's namespace, whose subjects
include the user, one of its groups, or (a ServiceAccount subject) the account it is.

Upstream walks every binding on each request. Here the bindings are indexed by subject, the
index rebuilt only after a write to roles or bindings (an etcd watch marks it stale), so a
request costs a few dictionary look-ups and the rules of the bindings that name its user or
groups. Bindings are visited in name order (upstream: the informer's, i.e. no fixed order), so
the binding named as allowing a request is the same on every run."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from engine.apiserver.authorization.attributes import Attributes, service_account_name
from engine.apiserver.authorization.rules import rule_allows
from engine.apiserver.resources import BY_NAME
from engine.apiserver.storage.etcd3 import Storage

Obj = dict[str, Any]
SubjectKey = tuple[str, str]  # ("User", name) or ("Group", name)


@dataclass(frozen=True)
class Grant:
    """One binding's grant to the requester: rule.go's clusterRoleBindingDescriber and
    roleBindingDescriber."""

    binding_kind: str
    binding: str
    namespace: str
    role_kind: str
    role: str
    subject: Obj
    position: int  # of the subject in the binding's list: the first that applies is named

    def __str__(self) -> str:
        name = f"{self.binding}/{self.namespace}" if self.namespace else self.binding
        return (
            f"{self.binding_kind} {_q(name)} of {self.role_kind} {_q(self.role)} to "
            f"{_describe_subject(self.subject)}"
        )


@dataclass
class Decision:
    allowed: bool
    reason: str = ""  # upstream's: "RBAC: allowed by ..." or the errors met on the way
    grant: Grant | None = None


@dataclass
class _Index:
    cluster_roles: dict[str, list[Obj]] = field(default_factory=dict)
    roles: dict[tuple[str, str], list[Obj]] = field(default_factory=dict)
    # subject -> the grants of the ClusterRoleBindings naming it; per namespace for RoleBindings
    cluster: dict[SubjectKey, list[Grant]] = field(default_factory=dict)
    namespaced: dict[str, dict[SubjectKey, list[Grant]]] = field(default_factory=dict)


class RBACAuthorizer:
    def __init__(self, storage: Storage) -> None:
        self.storage = storage
        self._index: _Index | None = None
        for name in ("roles", "clusterroles", "rolebindings", "clusterrolebindings"):
            storage.etcd.watch(BY_NAME[name].prefix(), 0, self._invalidate)

    def _invalidate(self, _event: Any) -> None:
        self._index = None

    def authorize(self, attrs: Attributes) -> Decision:
        """Authorize: allowed by the first rule that allows it, else no opinion."""
        errors: list[str] = []
        for grant, rules in self._visit(attrs.user, attrs.groups, attrs.namespace, errors):
            if any(rule_allows(attrs, rule) for rule in rules):
                return Decision(True, f"RBAC: allowed by {grant}", grant)
        reason = ""
        if errors:
            reason = "RBAC: " + (errors[0] if len(errors) == 1 else "[" + ", ".join(errors) + "]")
        return Decision(False, reason)

    def grants_on(self, attrs: Attributes) -> list[tuple[Grant, list[str]]]:
        """What each binding of the requester allows on the resource asked about, whatever
        the verb: the verbs, by grant (for the story of a refusal)."""
        found = []
        for grant, rules in self._visit(attrs.user, attrs.groups, attrs.namespace, []):
            verbs = [
                verb
                for rule in rules
                for verb in rule.get("verbs") or ()
                if rule_allows(replace(attrs, verb=verb), rule)
            ]
            if verbs:
                found.append((grant, list(dict.fromkeys(verbs))))
        return found

    def rules_for(self, user: str, groups: tuple[str, ...], namespace: str) -> list[Obj]:
        """RulesFor: every rule granted in `namespace` (SelfSubjectRulesReview)."""
        return [rule for _, rules in self._visit(user, groups, namespace, []) for rule in rules]

    # ---- the index ----------------------------------------------------------------------------
    def _visit(
        self, user: str, groups: tuple[str, ...], namespace: str, errors: list[str]
    ) -> Iterator[tuple[Grant, list[Obj]]]:
        index = self._built()
        keys = [("User", user)] + [("Group", g) for g in groups]
        scopes = [index.cluster]
        if namespace:
            scopes.append(index.namespaced.get(namespace, {}))
        for scope in scopes:
            grants: dict[str, Grant] = {}
            for key in keys:
                for g in scope.get(key, ()):
                    if g.binding not in grants or g.position < grants[g.binding].position:
                        grants[g.binding] = g
            for name in sorted(grants):
                grant = grants[name]
                rules = self._rules_of(index, grant)
                if rules is None:
                    errors.append(_not_found(grant))
                    continue
                yield grant, rules

    @staticmethod
    def _rules_of(index: _Index, grant: Grant) -> list[Obj] | None:
        if grant.role_kind == "ClusterRole":
            return index.cluster_roles.get(grant.role)
        return index.roles.get((grant.namespace, grant.role))

    def _built(self) -> _Index:
        if self._index is not None:
            return self._index
        index = _Index()
        for role in self._objects("clusterroles"):
            index.cluster_roles[role["metadata"]["name"]] = role.get("rules") or []
        for role in self._objects("roles"):
            meta = role["metadata"]
            index.roles[(meta["namespace"], meta["name"])] = role.get("rules") or []
        for binding in self._objects("clusterrolebindings"):
            _add(index.cluster, binding, "ClusterRoleBinding", "")
        for binding in self._objects("rolebindings"):
            namespace = binding["metadata"]["namespace"]
            _add(index.namespaced.setdefault(namespace, {}), binding, "RoleBinding", namespace)
        self._index = index
        return index

    def _objects(self, resource: str) -> list[Obj]:
        return self.storage.range(BY_NAME[resource].prefix())


def _add(scope: dict[SubjectKey, list[Grant]], binding: Obj, kind: str, namespace: str) -> None:
    ref = binding.get("roleRef") or {}
    for position, subject in enumerate(binding.get("subjects") or []):
        key = _subject_key(subject, namespace)
        if key is None:
            continue
        grant = Grant(
            kind,
            binding["metadata"]["name"],
            namespace,
            ref.get("kind", ""),
            ref.get("name", ""),
            subject,
            position,
        )
        grants = scope.setdefault(key, [])
        if all(g.binding != grant.binding for g in grants):  # its first subject that applies
            grants.append(grant)


def _subject_key(subject: Obj, namespace: str) -> SubjectKey | None:
    """appliesToUser: a ServiceAccount subject is the user it authenticates as (its namespace
    defaulting to the RoleBinding's)."""
    kind, name = subject.get("kind"), subject.get("name", "")
    if kind == "ServiceAccount":
        account_namespace = subject.get("namespace") or namespace
        return (
            ("User", service_account_name(account_namespace, name)) if account_namespace else None
        )
    if kind in ("User", "Group"):
        return (kind, name)
    return None


def _describe_subject(subject: Obj) -> str:
    """describeSubject."""
    name = subject.get("name", "")
    if subject.get("kind") == "ServiceAccount" and subject.get("namespace"):
        name = f"{subject['namespace']}/{name}"
    return f"{subject.get('kind', '')} {_q(name)}"


def _not_found(grant: Grant) -> str:
    resource = "clusterrole" if grant.role_kind == "ClusterRole" else "role"
    return f"{resource}.rbac.authorization.k8s.io {_q(grant.role)} not found"


def _q(text: str) -> str:
    return '"' + text.replace('"', '\\"') + '"'
