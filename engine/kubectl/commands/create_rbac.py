"""kubectl create role | clusterrole | rolebinding | clusterrolebinding (staging/src/k8s.io/
kubectl/pkg/cmd/create/create_role.go, create_clusterrole.go, create_rolebinding.go,
create_clusterrolebinding.go): kubectl builds the object from its flags and POSTs it."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from engine.apiserver.resources import BY_NAME, lookup
from engine.kubectl import cmdutil
from engine.kubectl.cli import command
from engine.kubectl.commands.create_subcommand import CREATE_FLAGS, send_created_object
from engine.kubectl.context import Context
from engine.kubectl.errors import KubectlError
from engine.kubectl.flags import Flag, Parsed

Gen = Generator[Any, Any, Any]
GROUP = "rbac.authorization.k8s.io"
API_VERSION = f"{GROUP}/v1"

# create_role.go validResourceVerbs, specialVerbs; create_clusterrole.go validNonResourceVerbs
_RESOURCE_VERBS = ("*", "get", "delete", "list", "create", "update", "patch", "watch", "proxy",
                   "deletecollection", "use", "bind", "escalate", "impersonate")  # fmt: skip
_SPECIAL_VERBS = {
    "use": {("policy", "podsecuritypolicies"), ("extensions", "podsecuritypolicies")},
    "bind": {(GROUP, "roles"), (GROUP, "clusterroles")},
    "escalate": {(GROUP, "roles"), (GROUP, "clusterroles")},
    "impersonate": {
        ("", "users"),
        ("", "serviceaccounts"),
        ("", "groups"),
        ("authentication.k8s.io", "userextras"),
    },
}
_URL_VERBS = ("*", "get", "post", "put", "delete", "patch", "head", "options")

_ROLE_FLAGS = (
    *CREATE_FLAGS,
    Flag("verb", kind="list"),
    Flag("resource", kind="list"),
    Flag("resource-name", kind="array"),
)
_BINDING_FLAGS = (
    *CREATE_FLAGS,
    Flag("clusterrole", default=""),
    Flag("user", kind="array"),
    Flag("group", kind="array"),
    Flag("serviceaccount", kind="array"),
)


@command("create role", *_ROLE_FLAGS, summary="Create a role with single rule")
def create_role(ctx: Context, flags: Parsed) -> Gen:
    name = _name(ctx, flags)
    verbs = _verbs(flags)
    if not flags.resource:
        raise KubectlError("error: at least one resource must be specified")
    _check_verbs(ctx, verbs)
    resources = _resources(flags.resource, verbs)
    role = _meta("Role", name, ctx)
    role["rules"] = _rules(verbs, resources, flags.resource_name, [])
    yield from _send(ctx, flags, "roles", role)


@command(
    "create clusterrole",
    *_ROLE_FLAGS,
    Flag("non-resource-url", kind="list"),
    Flag("aggregation-rule", default=""),
    summary="Create a cluster role",
)
def create_clusterrole(ctx: Context, flags: Parsed) -> Gen:
    name = _name(ctx, flags)
    role = _meta("ClusterRole", name, None)
    if flags.aggregation_rule:
        if flags.non_resource_url or flags.verb or flags.resource or flags.resource_name:
            raise KubectlError(
                "error: aggregation rule must be specified without nonResourceURLs, verbs, "
                "resources or resourceNames"
            )
        labels = dict(pair.partition("=")[::2] for pair in flags.aggregation_rule.split(","))
        role["aggregationRule"] = {"clusterRoleSelectors": [{"matchLabels": labels}]}
        yield from _send(ctx, flags, "clusterroles", role)
        return
    verbs = _verbs(flags)
    if not flags.resource and not flags.non_resource_url:
        raise KubectlError("error: one of resource or nonResourceURL must be specified")
    resources = []
    if flags.resource:
        _check_verbs(ctx, verbs)
        resources = _resources(flags.resource, verbs)
    for verb in verbs if flags.non_resource_url else ():
        if verb not in _URL_VERBS:
            raise KubectlError(f"error: invalid verb: '{verb}' for nonResourceURL")
    for url in flags.non_resource_url:
        if url == "*":
            continue
        if not url.startswith("/"):
            raise KubectlError("error: nonResourceURL should start with /")
        if "*" in url[:-1]:
            raise KubectlError(
                "error: nonResourceURL only supports wildcard matches when '*' is at the end"
            )
    role["rules"] = _rules(verbs, resources, flags.resource_name, flags.non_resource_url)
    yield from _send(ctx, flags, "clusterroles", role)


@command(
    "create rolebinding",
    *_BINDING_FLAGS,
    Flag("role", default=""),
    summary="Create a role binding for a particular role or cluster role",
)
def create_rolebinding(ctx: Context, flags: Parsed) -> Gen:
    name = _name(ctx, flags)
    if bool(flags.clusterrole) == bool(flags.role):
        raise KubectlError("error: exactly one of clusterrole or role must be specified")
    binding = _meta("RoleBinding", name, ctx)
    kind, role = ("Role", flags.role) if flags.role else ("ClusterRole", flags.clusterrole)
    binding["roleRef"] = {"apiGroup": GROUP, "kind": kind, "name": role}
    _subjects(binding, flags)
    yield from _send(ctx, flags, "rolebindings", binding)


@command(
    "create clusterrolebinding",
    *_BINDING_FLAGS,
    summary="Create a cluster role binding for a particular cluster role",
)
def create_clusterrolebinding(ctx: Context, flags: Parsed) -> Gen:
    if not flags.clusterrole:
        raise KubectlError('error: required flag(s) "clusterrole" not set')
    name = _name(ctx, flags)
    binding = _meta("ClusterRoleBinding", name, None)
    binding["roleRef"] = {"apiGroup": GROUP, "kind": "ClusterRole", "name": flags.clusterrole}
    _subjects(binding, flags)
    yield from _send(ctx, flags, "clusterrolebindings", binding)


def _name(ctx: Context, flags: Parsed) -> str:
    """NameFromCommandArgs."""
    if len(flags.args) != 1:
        raise ctx.usage_error(f"exactly one NAME is required, got {len(flags.args)}")
    return flags.args[0]


def _meta(kind: str, name: str, ctx: Context | None) -> dict[str, Any]:
    metadata: dict[str, Any] = {"name": name}
    if ctx is not None and ctx.explicit_namespace:  # EnforceNamespace
        metadata["namespace"] = ctx.namespace
    return {"kind": kind, "apiVersion": API_VERSION, "metadata": metadata}


def _verbs(flags: Parsed) -> list[str]:
    if not flags.verb:
        raise KubectlError("error: at least one verb must be specified")
    return ["*"] if "*" in flags.verb else list(flags.verb)


def _check_verbs(ctx: Context, verbs: list[str]) -> None:
    """A verb kubectl does not know is only warned about (1.37: RBAC allows any verb)."""
    for verb in verbs:
        if verb not in _RESOURCE_VERBS:
            ctx.err(f"Warning: '{verb}' is not a standard resource verb\n")


def _resources(texts: list[str], verbs: list[str]) -> list[tuple[str, str]]:
    """Complete and validateResource: `resource[.group][/subresource]`, each resolved to the
    server's name for it (`rs` is replicasets.apps) and checked against the special verbs;
    as (group, resource[/subresource])."""
    out: list[tuple[str, str]] = []
    for text in texts:
        base, _, sub = text.partition("/")
        resource, _, group = base.partition(".")
        if resource == "*" and not group and not sub:
            return [("", "*")]
        if not resource:
            raise KubectlError(
                "error: resource must be specified if apiGroup/subresource specified"
            )
        found = lookup(base)
        if found is not None:
            group, resource = found.group, found.name
        for verb in verbs:
            if verb in _SPECIAL_VERBS and (group, resource) not in _SPECIAL_VERBS[verb]:
                raise KubectlError(
                    f"error: can not perform '{verb}' on '{resource}' in group '{group}'"
                )
        if found is None and not any(v in _SPECIAL_VERBS for v in verbs):
            # the RESTMapper's error, which checkErr prints as it is
            raise KubectlError(f'the server doesn\'t have a resource type "{resource}"')
        entry = (group, resource + (f"/{sub}" if sub else ""))
        if entry not in out:
            out.append(entry)
    return out


def _rules(
    verbs: list[str], resources: list[tuple[str, str]], names: list[str], urls: list[str]
) -> list[dict[str, Any]]:
    """generateResourcePolicyRules: one rule per API group (in group order), then one for the
    non-resource URLs."""
    rules = []
    for group in sorted({g for g, _ in resources}):
        rule: dict[str, Any] = {"verbs": verbs, "apiGroups": [group]}
        rule["resources"] = [r for g, r in resources if g == group]
        if names:
            rule["resourceNames"] = names
        rules.append(rule)
    if urls:
        rules.append({"verbs": verbs, "nonResourceURLs": urls})
    return rules


def _subjects(binding: dict[str, Any], flags: Parsed) -> None:
    subjects = [{"kind": "User", "apiGroup": GROUP, "name": u} for u in flags.user]
    subjects += [{"kind": "Group", "apiGroup": GROUP, "name": g} for g in flags.group]
    for account in flags.serviceaccount:
        namespace, _, name = account.partition(":")
        if not name or ":" in name:
            raise KubectlError("error: serviceaccount must be <namespace>:<name>")
        subjects.append({"kind": "ServiceAccount", "namespace": namespace, "name": name})
    if subjects:
        binding["subjects"] = subjects


def _send(ctx: Context, flags: Parsed, resource: str, obj: dict[str, Any]) -> Gen:
    cmdutil.check_output(flags.output)
    strategy = cmdutil.dry_run_strategy(flags)
    namespace = ctx.namespace if BY_NAME[resource].namespaced else ""
    yield from send_created_object(ctx, flags, strategy, BY_NAME[resource], namespace, obj)
