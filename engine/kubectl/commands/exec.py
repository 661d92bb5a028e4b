"""kubectl exec (staging/src/k8s.io/kubectl/pkg/cmd/exec/exec.go).

kubectl finds the pod (for TYPE/NAME, one of the controller's pods), checks it has not
finished, picks the container (-c, else the default-container annotation, else the first),
then asks the API server to upgrade pods/<name>/exec; the kubelet on the pod's node starts the
process (engine/node/exec.py). The page is no terminal: `-t` is dropped with kubectl's own
warning, and `-i` gives the process the command's stdin (empty at the page's prompt).
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from engine.apiserver.request import Response
from engine.apiserver.resources import BY_NAME
from engine.kubectl import cmdutil
from engine.kubectl.builder import resource_path
from engine.kubectl.cli import command
from engine.kubectl.commands.logs import DEFAULT_CONTAINER, attachable_pod
from engine.kubectl.context import Context
from engine.kubectl.errors import KubectlError
from engine.kubectl.flags import Flag, Parsed

Gen = Generator[Any, Any, Any]
PODS = BY_NAME["pods"]
NO_TTY = "Unable to use a TTY - input is not a terminal or the right kind of file\n"


@command(
    "exec",
    Flag("container", "c", default=""),
    Flag("stdin", "i", kind="bool", default=False),
    Flag("tty", "t", kind="bool", default=False),
    Flag("quiet", "q", kind="bool", default=False),
    Flag("pod-running-timeout", default="1m0s"),
    Flag("filename", "f", default=""),
    summary="Execute a command in a container",
)
def exec_(ctx: Context, flags: Parsed) -> Gen:
    argv = _command(ctx, flags)
    running_timeout = cmdutil.parse_duration(
        flags.pod_running_timeout, "pod-running-timeout", "exec"
    )
    pod = yield from _pod(ctx, flags, running_timeout)
    phase = (pod.get("status") or {}).get("phase")
    if phase in ("Succeeded", "Failed"):
        raise KubectlError(
            f"error: cannot exec into a container in a completed pod; current phase is {phase}"
        )
    container = flags.container or _default_container(ctx, flags, pod)
    names = [
        c["name"]
        for key in ("containers", "initContainers", "ephemeralContainers")
        for c in pod["spec"].get(key) or []
    ]
    if container not in names:
        raise KubectlError(
            f"error: container {container} is not valid for pod {pod['metadata']['name']} "
            f"out of: {', '.join(names)}"
        )
    if flags.tty and not flags.quiet:
        ctx.err(NO_TTY)  # the page (like a pipe) is no terminal: kubectl goes on without one
    meta = pod["metadata"]
    query: dict[str, Any] = {"command": argv, "container": container, "stderr": "true"}
    if flags.stdin:
        query["stdin"] = "true"
    query["stdout"] = "true"
    path = resource_path(PODS, meta.get("namespace", ctx.namespace), meta["name"]) + "/exec"
    response: Response = yield from ctx.request("POST", path, query=query)
    if response.code != 101:
        # The kubelet's plain text or the API server's Status: kubectl says only its message.
        body = response.body
        message = body.strip() if isinstance(body, str) else (body or {}).get("message", "")
        raise KubectlError(f"error: unable to upgrade connection: {message}")
    session = response.stream
    if session.error:
        raise KubectlError(f"error: Internal error occurred: {session.error}")
    if flags.stdin and session.code is None:
        session.feed(ctx.stdin)
        session.close_stdin()
    for stream, text in session.take():
        (ctx.out if stream == "stdout" else ctx.err)(text)
    if session.code:
        raise KubectlError(f"command terminated with exit code {session.code}", session.code)


def _command(ctx: Context, flags: Parsed) -> list[str]:
    """ExecOptions.Complete and Validate: POD -- COMMAND…"""
    if not flags.args or flags.args_at_dash == 0:
        raise ctx.usage_error(
            "expected 'exec (POD | TYPE/NAME) [-c CONTAINER] [flags] -- COMMAND [args...]'.\n"
            "POD or TYPE/NAME is a required argument for the exec command"
        )
    if flags.args_at_dash < 0 and len(flags.args) > 1:
        raise KubectlError(
            "error: exec [POD] [COMMAND] is not supported anymore. "
            "Use exec [POD] -- [COMMAND] instead\n"
            "See 'kubectl exec -h' for help and examples"
        )
    if flags.args_at_dash > 1:
        raise ctx.usage_error("exec requires exactly one POD or TYPE/NAME before --")
    argv = [str(word) for word in flags.args[1:]]
    if not argv:
        raise KubectlError("error: you must specify at least one command for the container")
    return argv


def _pod(ctx: Context, flags: Parsed, running_timeout: float) -> Gen:
    name = str(flags.args[0])
    if "/" in name:
        pods = yield from attachable_pod(ctx, flags, running_timeout, "attach to")
        return pods[0]
    response: Response = yield from ctx.request("GET", resource_path(PODS, ctx.namespace, name))
    return ctx.must(response)


def _default_container(ctx: Context, flags: Parsed, pod: dict[str, Any]) -> str:
    """podcmd.FindOrDefaultContainerByName: the annotated default, else the first container,
    saying so when there was a choice."""
    containers = [c["name"] for c in pod["spec"].get("containers") or []]
    wanted = (pod["metadata"].get("annotations") or {}).get(DEFAULT_CONTAINER, "")
    if wanted in containers:
        return wanted
    if len(containers) > 1 and not flags.quiet:
        ctx.err(f'Defaulted container "{containers[0]}" out of: {", ".join(containers)}\n')
    return containers[0] if containers else ""
