"""kubectl create quota, create priorityclass and create poddisruptionbudget
(staging/src/k8s.io/kubectl/pkg/cmd/create/create_quota.go, create_priorityclass.go,
create_pdb.go): kubectl builds the object from its flags and POSTs it."""

from __future__ import annotations

import re
from collections.abc import Generator
from typing import Any

from engine.apimachinery.labels import (
    DOES_NOT_EXIST,
    EXISTS,
    GREATER_THAN,
    IN,
    LESS_THAN,
    NOT_EQUALS,
    NOT_IN,
    SelectorError,
    parse_label_selector,
)
from engine.apimachinery.quantity import canonical_quantity
from engine.apiserver.resources import BY_NAME
from engine.kubectl import cmdutil
from engine.kubectl.cli import command
from engine.kubectl.commands.create_subcommand import CREATE_FLAGS, send_created_object
from engine.kubectl.context import Context
from engine.kubectl.errors import KubectlError
from engine.kubectl.flags import Flag, Parsed

Gen = Generator[Any, Any, Any]

_QUOTA_FLAGS = (*CREATE_FLAGS, Flag("hard", default=""), Flag("scopes", default=""))
_PC_FLAGS = (
    *CREATE_FLAGS,
    Flag("value", kind="int", default=0),
    Flag("global-default", kind="bool", default=False),
    Flag("description", default=""),
    Flag("preemption-policy", default="PreemptLowerPriority"),
)
_PDB_FLAGS = (
    *CREATE_FLAGS,
    Flag("min-available", default=""),
    Flag("max-unavailable", default=""),
    Flag("selector", default=""),
)
_INT_OR_PERCENT = re.compile(r"^[0-9]+%?$")  # create_pdb.go's check of the two budgets
# ParseToLabelSelector's operators: equalities become matchLabels, these matchExpressions.
_OPERATORS = {IN: "In", NOT_IN: "NotIn", EXISTS: "Exists", DOES_NOT_EXIST: "DoesNotExist"}


def _name(flags: Parsed, command_name: str) -> str:
    if len(flags.args) != 1:
        raise KubectlError(
            f"error: exactly one NAME is required, got {len(flags.args)}\n"
            f"See 'kubectl create {command_name} -h' for help and examples"
        )
    return str(flags.args[0])


def _metadata(ctx: Context, name: str) -> dict[str, Any]:
    metadata: dict[str, Any] = {"name": name}
    if ctx.explicit_namespace:  # EnforceNamespace
        metadata["namespace"] = ctx.namespace
    return metadata


@command("create quota", *_QUOTA_FLAGS, summary="Create a quota with the specified name")
def create_quota(ctx: Context, flags: Parsed) -> Gen:
    yield from _quota(ctx, flags)


@command("create resourcequota", *_QUOTA_FLAGS, summary="Create a quota with the specified name")
def create_resourcequota(ctx: Context, flags: Parsed) -> Gen:
    """The `resourcequota` alias."""
    yield from _quota(ctx, flags)


def _quota(ctx: Context, flags: Parsed) -> Gen:
    name = _name(flags, "quota")
    cmdutil.check_output(flags.output)
    strategy = cmdutil.dry_run_strategy(flags)
    hard: dict[str, str] = {}
    for pair in flags.hard.split(",") if flags.hard else []:
        key, sep, value = pair.partition("=")  # populateResourceListV1
        if not sep or not key or not value:
            raise KubectlError(
                f"error: Invalid argument syntax {pair}, expected <resource>=<value>"
            )
        try:
            hard[key.strip()] = canonical_quantity(value.strip())
        except ValueError as error:
            raise KubectlError(f"error: {error}") from None
    spec: dict[str, Any] = {"hard": hard} if hard else {}
    scopes = [s.strip() for s in flags.scopes.split(",") if s.strip()] if flags.scopes else []
    if scopes:
        spec["scopes"] = scopes
    quota = {
        "kind": "ResourceQuota",
        "apiVersion": "v1",
        "metadata": _metadata(ctx, name),
        "spec": spec,
        "status": {},
    }
    yield from send_created_object(
        ctx,
        flags,
        strategy,
        BY_NAME["resourcequotas"],
        ctx.namespace,
        quota,
        wrap_error="failed to create quota: ",
    )


@command(
    "create priorityclass", *_PC_FLAGS, summary="Create a priority class with the specified name"
)
def create_priorityclass(ctx: Context, flags: Parsed) -> Gen:
    yield from _priority_class(ctx, flags)


@command("create pc", *_PC_FLAGS, summary="Create a priority class with the specified name")
def create_pc(ctx: Context, flags: Parsed) -> Gen:
    """The `pc` alias."""
    yield from _priority_class(ctx, flags)


def _priority_class(ctx: Context, flags: Parsed) -> Gen:
    name = _name(flags, "priorityclass")
    cmdutil.check_output(flags.output)
    strategy = cmdutil.dry_run_strategy(flags)
    pc: dict[str, Any] = {
        "kind": "PriorityClass",
        "apiVersion": "scheduling.k8s.io/v1",
        "metadata": {"name": name},
        "value": flags.value,
    }
    if flags.global_default:
        pc["globalDefault"] = True
    if flags.description:
        pc["description"] = flags.description
    pc["preemptionPolicy"] = flags.preemption_policy
    yield from send_created_object(
        ctx,
        flags,
        strategy,
        BY_NAME["priorityclasses"],
        "",
        pc,
        wrap_error="failed to create priorityclass: ",
    )


_PDB_SUMMARY = "Create a pod disruption budget with the specified name"


@command("create poddisruptionbudget", *_PDB_FLAGS, summary=_PDB_SUMMARY)
def create_poddisruptionbudget(ctx: Context, flags: Parsed) -> Gen:
    yield from _pdb(ctx, flags)


@command("create pdb", *_PDB_FLAGS, summary=_PDB_SUMMARY)
def create_pdb(ctx: Context, flags: Parsed) -> Gen:
    """The `pdb` alias."""
    yield from _pdb(ctx, flags)


def _pdb(ctx: Context, flags: Parsed) -> Gen:
    name = _name(flags, "poddisruptionbudget")
    cmdutil.check_output(flags.output)
    strategy = cmdutil.dry_run_strategy(flags)
    # PodDisruptionBudgetOpts.Validate
    if not flags.selector:
        raise KubectlError("error: a selector must be specified")
    low, high = flags.min_available, flags.max_unavailable
    if not low and not high:
        raise KubectlError("error: one of min-available or max-unavailable must be specified")
    if low and high:
        raise KubectlError("error: min-available and max-unavailable cannot be both specified")
    for flag, value in (("min-available", low), ("max-unavailable", high)):
        if value and not _INT_OR_PERCENT.match(value):
            raise KubectlError(f"error: invalid format specified for {flag}")
    spec: dict[str, Any] = {}
    if low:
        spec["minAvailable"] = int(low) if low.isdigit() else low  # intstr.Parse
    spec["selector"] = _label_selector(flags.selector)
    if high:
        spec["maxUnavailable"] = int(high) if high.isdigit() else high
    pdb = {
        "kind": "PodDisruptionBudget",
        "apiVersion": "policy/v1",
        "metadata": _metadata(ctx, name),
        "spec": spec,
        "status": {
            "disruptionsAllowed": 0,
            "currentHealthy": 0,
            "desiredHealthy": 0,
            "expectedPods": 0,
        },
    }
    yield from send_created_object(
        ctx,
        flags,
        strategy,
        BY_NAME["poddisruptionbudgets"],
        ctx.namespace,
        pdb,
        wrap_error="failed to create poddisruptionbudgets: ",
    )


def _label_selector(text: str) -> dict[str, Any]:
    """metav1.ParseToLabelSelector: equalities as matchLabels, the rest as matchExpressions."""
    try:
        parsed = parse_label_selector(text)
    except SelectorError as error:
        raise KubectlError(f"error: {error}") from None
    labels: dict[str, str] = {}
    expressions: list[dict[str, Any]] = []
    for requirement in parsed.requirements:
        if requirement.operator in ("=", "=="):
            labels[requirement.key] = requirement.values[0]
            continue
        operator = _OPERATORS.get(requirement.operator)
        if operator is None:
            shown = {NOT_EQUALS: "!=", GREATER_THAN: "gt", LESS_THAN: "lt"}[requirement.operator]
            raise KubectlError(f'error: "{shown}" is not a valid label selector operator')
        expression: dict[str, Any] = {"key": requirement.key, "operator": operator}
        if requirement.values:
            expression["values"] = list(requirement.values)
        expressions.append(expression)
    selector: dict[str, Any] = {}
    if labels:
        selector["matchLabels"] = labels
    if expressions:
        selector["matchExpressions"] = expressions
    return selector
