"""kubectl run (staging/src/k8s.io/kubectl/pkg/cmd/run/run.go and the BasicPod generator,
staging/src/k8s.io/kubectl/pkg/generate/versioned/run.go).

kubectl builds a one-container Pod named after the command's NAME, labelled `run=<name>`, and
POSTs it. Attaching to it (`-i`, `-t`, `--rm`, `--attach`) needs a real container, so Podlife
refuses those flags in its own words.
"""

from __future__ import annotations

import re
from collections.abc import Generator
from typing import Any

from engine.apiserver.request import Response
from engine.apiserver.resources import BY_NAME
from engine.kubectl import cmdutil
from engine.kubectl.builder import resource_path
from engine.kubectl.cli import command
from engine.kubectl.context import Context
from engine.kubectl.errors import KubectlError
from engine.kubectl.flags import Flag, Parsed

Gen = Generator[Any, Any, Any]

PODS = BY_NAME["pods"]

# github.com/distribution/reference ReferenceRegexp (regexp.go): [domain/]path[:tag][@digest]
_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*"
_DOMAIN = (
    r"(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
    r"(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*|\[[a-fA-F0-9:]+\])"
    r"(?::[0-9]+)?"
)
_REFERENCE = re.compile(
    rf"^((?:{_DOMAIN}/)?{_COMPONENT}(?:/{_COMPONENT})*)(?::([\w][\w.-]{{0,127}}))?"
    r"(?:@([A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}))?$"
)
_ENV_NAME = re.compile(r"^[-._a-zA-Z][-._a-zA-Z0-9]*$")  # validation.IsEnvVarName
_UNSIMULATED = ("attach", "stdin", "tty", "rm", "expose")


@command(
    "run",
    Flag("image"),
    Flag("port"),
    Flag("labels", "l"),
    Flag("annotations", kind="array"),
    Flag("env", kind="array"),
    Flag("restart", default="Always"),
    Flag("command", kind="bool", default=False),
    Flag("image-pull-policy"),
    Flag("privileged", kind="bool", default=False),
    Flag("output", "o", default=""),
    Flag("dry-run", default="none"),
    Flag("field-manager", default="kubectl-run"),
    Flag("attach", kind="bool", default=False),
    Flag("stdin", "i", kind="bool", default=False),
    Flag("tty", "t", kind="bool", default=False),
    Flag("rm", kind="bool", default=False),
    Flag("expose", kind="bool", default=False),
    summary="Run a particular image on the cluster",
)
def run(ctx: Context, flags: Parsed) -> Gen:
    cmdutil.require_flag(flags, "image")
    if not flags.args or flags.args_at_dash == 0:
        raise KubectlError("error: NAME is required for run")
    for name in _UNSIMULATED:
        if flags.values[name]:
            raise KubectlError(
                f'error: "kubectl run --{name}" is not part of Podlife\'s '
                "simulated kubectl: the simulated cluster runs no real containers"
            )
    if not _REFERENCE.match(flags.image):
        raise KubectlError(f'error: invalid image name "{flags.image}": invalid reference format')
    if flags.restart not in ("Always", "OnFailure", "Never"):
        raise KubectlError(
            f"error: invalid restart policy: {flags.restart}, valid values are: "
            "Always, OnFailure, Never"
        )
    if flags.image_pull_policy and flags.image_pull_policy not in (
        "Always",
        "IfNotPresent",
        "Never",
    ):
        raise KubectlError(
            f"error: invalid image pull policy: {flags.image_pull_policy}, "
            "valid values are: Always, IfNotPresent, Never"
        )
    cmdutil.check_output(flags.output)
    strategy = cmdutil.dry_run_strategy(flags)
    pod = build_pod(flags)
    if strategy == cmdutil.DRY_RUN_CLIENT:
        ctx.out(cmdutil.print_object(pod, PODS, flags.output, "created", strategy, typed=True))
        return
    response: Response = yield from ctx.request(
        "POST",
        resource_path(PODS, ctx.namespace),
        body=pod,
        query={**cmdutil.dry_run_query(strategy), "fieldManager": flags.field_manager},
    )
    created = ctx.must(response)
    ctx.out(cmdutil.print_object(created, PODS, flags.output, "created", strategy, typed=True))


def build_pod(flags: Parsed) -> dict[str, Any]:
    """BasicPod.Generate, in the Pod struct's JSON field order."""
    name = flags.args[0]
    metadata: dict[str, Any] = {"name": name, "labels": _labels(flags.labels, name)}
    if flags.annotations:
        metadata["annotations"] = _annotations(flags.annotations)
    container: dict[str, Any] = {"name": name, "image": flags.image}
    args = flags.args[1:]
    if args:
        container["command" if flags.command else "args"] = list(args)
    if flags.port:
        if not flags.port.lstrip("-").isdigit():
            raise KubectlError("error: --port must be a number")
        container["ports"] = [{"containerPort": int(flags.port)}]
    if flags.env:
        container["env"] = _envs(flags.env)
    container["resources"] = {}
    if flags.image_pull_policy:
        container["imagePullPolicy"] = flags.image_pull_policy
    if flags.privileged:
        container["securityContext"] = {"privileged": True}
    return {
        "kind": "Pod",
        "apiVersion": "v1",
        "metadata": metadata,
        "spec": {
            "containers": [container],
            "restartPolicy": flags.restart,
            "dnsPolicy": "ClusterFirst",
        },
        "status": {},
    }


def _labels(spec: str | None, name: str) -> dict[str, str]:
    """generate.ParseLabels, or the default `run=<name>`."""
    if not spec:
        return {"run": name}
    labels: dict[str, str] = {}
    for part in spec.split(","):
        pieces = part.split("=")
        if len(pieces) != 2:
            raise KubectlError(f"error: unexpected label spec: {part}")
        if not pieces[0]:
            raise KubectlError("error: unexpected empty label key")
        labels[pieces[0]] = pieces[1]
    return labels


def _annotations(values: list[str]) -> dict[str, str]:
    annotations: dict[str, str] = {}
    for value in values:
        key, equals, text = value.partition("=")
        if not equals or not key:
            raise KubectlError(f"error: invalid annotations format: {value}")
        annotations[key] = text
    return annotations


def _envs(values: list[str]) -> list[dict[str, str]]:
    """run.go parseEnvs: `NAME=value`, NAME a valid environment variable name."""
    envs = []
    for value in values:
        name, equals, text = value.partition("=")
        if not equals or not name or not _ENV_NAME.match(name):
            raise KubectlError(f"error: invalid env: {value}")
        envs.append({"name": name, "value": text})
    return envs
