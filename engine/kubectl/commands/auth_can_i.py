"""kubectl auth can-i (staging/src/k8s.io/kubectl/pkg/cmd/auth/cani.go): a
SelfSubjectAccessReview for one action, or with --list a SelfSubjectRulesReview printed as
kubectl compacts rules. `--as` makes it ask about someone else (impersonation)."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from engine.apiserver.resources import lookup
from engine.kubectl import tabwriter
from engine.kubectl.cli import command
from engine.kubectl.context import Context
from engine.kubectl.describe_rbac import breakdown_rule, compact_rules, rule_cells
from engine.kubectl.errors import KubectlError
from engine.kubectl.flags import Flag, Parsed

Gen = Generator[Any, Any, Any]

_AUTHZ = "/apis/authorization.k8s.io/v1/"
# cani.go resourceVerbs, nonResourceURLVerbs, nonStandardResourceNames
_RESOURCE_VERBS = {"get", "list", "watch", "create", "update", "patch", "delete",
                   "deletecollection", "use", "bind", "impersonate", "*", "approve", "sign",
                   "escalate", "attest"}  # fmt: skip
_URL_VERBS = {"get", "put", "post", "head", "options", "delete", "patch", "*"}
_NON_STANDARD = {"users", "groups"}


@command(
    "auth can-i",
    Flag("all-namespaces", "A", kind="bool", default=False),
    Flag("list", kind="bool", default=False),
    Flag("no-headers", kind="bool", default=False),
    Flag("quiet", "q", kind="bool", default=False),
    Flag("subresource", default=""),
    summary="Check whether an action is allowed",
)
def can_i(ctx: Context, flags: Parsed) -> Gen:
    namespace = "" if flags.all_namespaces else ctx.namespace
    if flags.list:
        if flags.quiet or flags.all_namespaces or flags.subresource:
            raise KubectlError(
                "error: --list option must not be specified with --quiet, --all-namespaces or "
                "--subresource"
            )
        yield from _list(ctx, flags, namespace)
        return
    if len(flags.args) != 2:
        raise KubectlError(
            "error: you must specify two arguments: verb resource or verb resource/resourceName."
            "\nSee 'kubectl auth can-i -h' for help and examples."
        )
    verb, target = flags.args
    if target.startswith("/"):
        if flags.subresource:
            raise KubectlError("error: --subresource can not be used with NonResourceURL")
        if verb not in _URL_VERBS:
            _warn(ctx, f"verb '{verb}' is not a known verb")
        spec: dict[str, Any] = {"nonResourceAttributes": {"path": target, "verb": verb}}
    else:
        type_text, _, name = target.partition("/")
        group, resource = _resource_for(ctx, type_text)
        if resource != "*" and not flags.all_namespaces:
            found = lookup(resource + (f".{group}" if group else ""))
            if found is not None and not found.namespaced:
                scope = f" in group '{group}'" if group else ""
                _warn(ctx, f"resource '{resource}' is not namespace scoped{scope}")
            if verb not in _RESOURCE_VERBS:
                _warn(ctx, f"verb '{verb}' is not a known verb")
        if flags.no_headers:
            raise KubectlError("error: --no-headers cannot be set without --list specified")
        attributes = {"namespace": namespace, "verb": verb, "group": group, "resource": resource}
        attributes.update(
            {k: v for k, v in (("subresource", flags.subresource), ("name", name)) if v}
        )
        spec = {"resourceAttributes": attributes}
    review = {"kind": "SelfSubjectAccessReview", "apiVersion": "authorization.k8s.io/v1",
              "metadata": {}, "spec": spec}  # fmt: skip
    response = yield from ctx.request("POST", _AUTHZ + "selfsubjectaccessreviews", body=review)
    status = ctx.must(response).get("status") or {}
    if status.get("allowed"):
        if not flags.quiet:
            ctx.out("yes\n")
        return
    if not flags.quiet:
        answer = "no"
        for extra in (status.get("reason"), status.get("evaluationError")):
            answer += f" - {extra}" if extra else ""
        ctx.out(answer + "\n")
    ctx.result.exit_code = 1


def _list(ctx: Context, flags: Parsed, namespace: str) -> Gen:
    """RunAccessList and printStatus."""
    review = {"kind": "SelfSubjectRulesReview", "apiVersion": "authorization.k8s.io/v1",
              "metadata": {}, "spec": {"namespace": namespace}}  # fmt: skip
    response = yield from ctx.request("POST", _AUTHZ + "selfsubjectrulesreviews", body=review)
    status = ctx.must(response).get("status") or {}
    rules = [r for rule in status.get("resourceRules") or [] for r in breakdown_rule(rule)]
    rules += [r for rule in status.get("nonResourceRules") or [] for r in breakdown_rule(rule)]
    lines = [] if flags.no_headers else ["Resources\tNon-Resource URLs\tResource Names\tVerbs"]
    lines += ["\t".join(rule_cells(rule)) for rule in compact_rules(rules)]
    ctx.out(
        tabwriter.align(
            "".join(line + "\n" for line in lines),
            minwidth=tabwriter.GET_MINWIDTH,
            padding=tabwriter.GET_PADDING,
        )
    )


def _resource_for(ctx: Context, text: str) -> tuple[str, str]:
    """resourceFor: the group and resource the server knows by that name, or the text as is
    (with a warning, unless it is `users` or `groups`)."""
    if text == "*":
        return "", "*"
    found = lookup(text.lower())
    if found is not None:
        return found.group, found.name
    resource, _, group = text.lower().partition(".")
    if text.lower() not in _NON_STANDARD:
        where = f" in group '{group}'" if group else ""
        _warn(ctx, f"the server doesn't have a resource type '{resource}'{where}")
    return "", text


def _warn(ctx: Context, message: str) -> None:
    """cani.go's messages end with a newline of their own, and the warning printer adds one."""
    ctx.err(f"Warning: {message}\n\n")
