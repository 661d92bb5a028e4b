"""Small helpers many kubectl commands share, named after kubectl's own
staging/src/k8s.io/kubectl/pkg/cmd/util (helpers.go: GetDryRunStrategy, GetResourcesAndPairs,
ParsePairs) and cli-runtime's NamePrinter (`deployment.apps/web scaled`)."""

from __future__ import annotations

import json
import re
from typing import Any

from engine.apiserver.resources import ResourceType
from engine.kubectl.errors import KubectlError
from engine.kubectl.flags import Parsed, UsageError

DRY_RUN_NONE, DRY_RUN_CLIENT, DRY_RUN_SERVER = "none", "client", "server"


def dry_run_strategy(flags: Parsed) -> str:
    """helpers.go GetDryRunStrategy."""
    value = str(flags.dry_run)
    if value not in (DRY_RUN_NONE, DRY_RUN_CLIENT, DRY_RUN_SERVER):
        raise KubectlError(
            f'error: Invalid dry-run value ({value}). Must be "none", "server", or "client".'
        )
    return value


def dry_run_suffix(strategy: str) -> str:
    """PrintFlagsWithDryRunStrategy: the note the name printer appends to the operation."""
    return {DRY_RUN_CLIENT: " (dry run)", DRY_RUN_SERVER: " (server dry run)"}.get(strategy, "")


def dry_run_query(strategy: str) -> dict[str, str]:
    return {"dryRun": "All"} if strategy == DRY_RUN_SERVER else {}


def named(resource: ResourceType, name: str, operation: str = "", strategy: str = "") -> str:
    """cli-runtime printers/name.go: `<kind>[.<group>]/<name>[ <operation>]`, one line."""
    text = f"{resource.kubectl_name}/{name}"
    if operation:
        text += f" {operation}{dry_run_suffix(strategy)}"
    return text + "\n"


def resources_and_pairs(args: list[str], pair_type: str) -> tuple[list[str], list[str]]:
    """helpers.go GetResourcesAndPairs: `pod web a=b c-` splits into resources and changes,
    and every resource must come before the first change."""
    resources: list[str] = []
    pairs: list[str] = []
    for arg in args:
        is_pair = ("=" in arg and not arg.startswith("=")) or (arg.endswith("-") and arg != "-")
        if is_pair:
            pairs.append(arg)
        elif pairs:
            raise KubectlError(
                f"error: all resources must be specified before {pair_type} changes: {arg}"
            )
        else:
            resources.append(arg)
    return resources, pairs


def parse_pairs(pairs: list[str], pair_type: str) -> tuple[dict[str, str], list[str]]:
    """helpers.go ParsePairs (with removals): `k=v` sets, `k-` removes."""
    new: dict[str, str] = {}
    remove: list[str] = []
    invalid: list[str] = []
    for pair in pairs:
        if "=" in pair and not pair.startswith("="):
            key, _, value = pair.partition("=")
            new[key] = value
        elif pair.endswith("-") and pair != "-":
            remove.append(pair[:-1])
        else:
            invalid.append(pair)
    if invalid:
        raise KubectlError(f"error: invalid {pair_type} format: {', '.join(invalid)}")
    return new, remove


# Go's time.ParseDuration units, in nanoseconds.
_UNITS = {
    "ns": 1e-9,
    "us": 1e-6,
    "µs": 1e-6,
    "μs": 1e-6,
    "ms": 1e-3,
    "s": 1.0,
    "m": 60.0,
    "h": 3600.0,
}
_DURATION = re.compile(r"(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)")


def parse_duration(text: str, flag: str, command: str) -> float:
    """A pflag Duration flag's value in seconds (time.ParseDuration: `30s`, `1m30s`, `0`)."""
    body = text[1:] if text[:1] in "+-" else text
    sign = -1.0 if text.startswith("-") else 1.0
    if body == "0":
        return 0.0
    total, at = 0.0, 0
    while at < len(body):
        match = _DURATION.match(body, at)
        if match is None:
            break
        total += float(match.group(1)) * _UNITS[match.group(2)]
        at = match.end()
    if not body or at != len(body):
        problem = f'time: invalid duration "{text}"'
        if body and _DURATION.match(body) is None and re.fullmatch(r"\d+\.?\d*", body):
            problem = f'time: missing unit in duration "{text}"'
        raise UsageError(
            f'invalid argument "{text}" for "--{flag}" flag: {problem}\n'
            f"See 'kubectl {command} --help' for usage."
        )
    return sign * total


def require_flag(flags: Parsed, name: str) -> None:
    """cobra's MarkFlagRequired check, made before the command runs."""
    if name.replace("-", "_") not in flags.given:
        raise KubectlError(f'error: required flag(s) "{name}" not set')


def object_name(obj: dict[str, Any]) -> str:
    return str((obj.get("metadata") or {}).get("name", ""))


def typed_json(obj: Any) -> str:
    """`-o json` of an object kubectl holds as a Go struct (one it built itself, or a typed
    client's answer): json.MarshalIndent keeps the struct's field order, where unstructured
    objects (printers.print_json) come out with sorted keys. Go escapes <, > and & as HTML."""
    text = json.dumps(obj, indent=4, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026") + "\n"


# cli-runtime genericclioptions.PrintFlags.AllowedFormats for commands that print an object.
ALLOWED_FORMATS = (
    "go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,kyaml,name,"
    "template,templatefile,yaml"
)


def check_output(output: str) -> None:
    """PrintFlags.ToPrinter: an `-o` value kubectl can print (a template given with it)."""
    from engine.kubectl import templateprinters

    if templateprinters.is_template(output):
        templateprinters.printer(output)
    elif output not in ("", "name", "yaml", "json"):
        raise KubectlError(
            f"error: unable to match a printer suitable for the output format "
            f'"{output}", allowed formats are: {ALLOWED_FORMATS}'
        )


def print_object(
    obj: dict[str, Any],
    resource: ResourceType,
    output: str,
    operation: str,
    strategy: str = DRY_RUN_NONE,
    *,
    typed: bool = False,
) -> str:
    """What `-o` prints for an object a command created or changed: the name line with the
    operation by default, `-o name`, or the whole object."""
    from engine.apiserver.registry import strategy as storage
    from engine.kubectl import printers, templateprinters

    if templateprinters.is_template(output):
        return templateprinters.printer(output)(obj)

    if output in ("yaml", "json"):
        # printers.OmitManagedFieldsPrinter: hidden unless --show-managed-fields
        obj = {
            **obj,
            "metadata": {
                k: v for k, v in (obj.get("metadata") or {}).items() if k != "managedFields"
            },
        }
    if output == "yaml":
        return printers.print_yaml(obj)
    if output == "json":
        # a typed object's JSON follows the Go struct (ObjectMeta's field order included)
        return typed_json(storage.ordered(obj)) if typed else printers.print_json(obj)
    return named(resource, object_name(obj), "" if output == "name" else operation, strategy)


def validation_directive(flags: Parsed) -> str:
    """helpers.go GetValidationDirective: the fieldValidation query value for --validate."""
    return {
        "strict": "Strict",
        "true": "Strict",
        "warn": "Warn",
        "false": "Ignore",
        "ignore": "Ignore",
    }.get(str(flags.validate).lower(), "Strict")


def request_timeout(text: str) -> float:
    """--request-timeout (cli-runtime ConfigFlags, client-go rest.Config): a bare integer is
    seconds, else a Go duration; 0 means no timeout."""
    if text.strip().lstrip("-").isdigit():
        return float(int(text))
    try:
        return parse_duration(text, "request-timeout", "")
    except UsageError:
        raise KubectlError(
            "error: invalid timeout value. Timeout must be a single integer in "
            "seconds, or an integer followed by a corresponding time unit (e.g. "
            "1s | 2m | 3h)"
        ) from None
