"""kubectl inside the engine: parse a real command line, send the requests real kubectl sends,
print what real kubectl prints.

Commands live in engine/kubectl/commands/, one module per family, and register themselves here
with `@command`. Each is a generator (it waits on API responses in virtual time).
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
import shlex
from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from engine.kubectl.context import Context
from engine.kubectl.errors import KubectlError
from engine.kubectl.flags import GLOBAL_FLAGS, Flag, Parsed, UsageError, parse

if TYPE_CHECKING:
    from engine.cluster import KubectlResult
    from engine.context import Context as ComponentContext

Gen = Generator[Any, Any, Any]
Runner = Callable[[Context, Parsed], Gen]

log = logging.getLogger("podlife.engine.kubectl")


@dataclass(frozen=True)
class Command:
    name: str  # "get", or "rollout status" for a subcommand
    run: Runner
    flags: tuple[Flag, ...]
    summary: str


COMMANDS: dict[str, Command] = {}

# Real kubectl 1.37's top-level commands, in the order cobra suggests them from.
KUBECTL_COMMANDS = (
    "create",
    "expose",
    "run",
    "set",
    "explain",
    "get",
    "edit",
    "delete",
    "rollout",
    "scale",
    "autoscale",
    "certificate",
    "cluster-info",
    "top",
    "cordon",
    "uncordon",
    "drain",
    "taint",
    "describe",
    "logs",
    "attach",
    "exec",
    "port-forward",
    "proxy",
    "cp",
    "auth",
    "debug",
    "events",
    "diff",
    "apply",
    "patch",
    "replace",
    "wait",
    "kustomize",
    "label",
    "annotate",
    "completion",
    "api-resources",
    "api-versions",
    "config",
    "plugin",
    "version",
    "alpha",
    "help",
)


# Commands that would need a process, a terminal or a network path into a container.
NO_CONTAINERS = ("attach", "port-forward", "proxy", "cp", "debug", "top")


def command(name: str, *flags: Flag, summary: str = "") -> Callable[[Runner], Runner]:
    def register(run: Runner) -> Runner:
        COMMANDS[name] = Command(name, run, tuple(flags), summary)
        return run

    return register


def load_commands() -> None:
    """Import every command's module (registering it). Done on the first kubectl line, or
    beforehand by a server, whose first learner then does not wait ~0.1 s for the imports."""
    from engine.kubectl import commands

    for module in pkgutil.iter_modules(commands.__path__):
        importlib.import_module(f"{commands.__name__}.{module.name}")


def run_kubectl(
    context: ComponentContext,
    files: dict[str, str],
    argv: list[str],
    stdin: str,
    result: KubectlResult,
) -> Gen:
    """The kubectl process: returns when the command would return in real life. `files`:
    what `-f NAME` can read."""
    if not COMMANDS:
        load_commands()
    if argv and argv[0] == "kubectl":
        argv = argv[1:]
    try:
        found, rest = _find_command(argv)
        flags = parse(rest, found.flags, found.name)
        ctx = Context(context, files, result, stdin, flags, found.name)
        yield from found.run(ctx, flags)
    except UsageError as error:
        result.output.append(("stderr", f"error: {error}\n"))
        result.exit_code = 1
    except KubectlError as error:
        result.output.append(("stderr", error.text))
        result.exit_code = error.exit_code
    except Exception as error:
        # A bug of ours on an input nobody foresaw: the learner gets an answer and the server
        # goes on; the log says where (as a Go kubectl would panic, exit 2).
        log.exception("kubectl %s failed", shlex.join(argv[:2]))
        result.output.append(
            ("stderr", f"error: Podlife's kubectl failed on this input: {error}\n")
        )
        result.exit_code = 2
    return result.exit_code


def _find_command(argv: list[str]) -> tuple[Command, list[str]]:
    """The command named by the first words that are not flags (global flags may come first)."""
    words: list[int] = []
    i = 0
    takes_value = {f"--{f.name}" for f in GLOBAL_FLAGS if f.kind != "bool"} | {
        f"-{f.short}" for f in GLOBAL_FLAGS if f.short and f.kind != "bool"
    }
    while i < len(argv) and len(words) < 3:
        arg = argv[i]
        if arg.startswith("-"):
            i += 2 if arg in takes_value else 1
            continue
        words.append(i)
        i += 1
    if not words:
        raise KubectlError(_help())
    first = argv[words[0]]
    # The longest command the words name: `create secret generic`, `rollout status`, `get`.
    if len(words) > 2 and " ".join(argv[w] for w in words) in COMMANDS:
        name = " ".join(argv[w] for w in words)
        rest = [arg for index, arg in enumerate(argv) if index not in words]
        return COMMANDS[name], rest
    if len(words) > 1 and f"{first} {argv[words[1]]}" in COMMANDS:
        index = words[1]
        name = f"{first} {argv[index]}"
        return COMMANDS[name], argv[: words[0]] + argv[words[0] + 1 : index] + argv[index + 1 :]
    if first in COMMANDS:
        return COMMANDS[first], argv[: words[0]] + argv[words[0] + 1 :]
    if first in NO_CONTAINERS:
        raise KubectlError(
            f'error: "kubectl {first}" needs a real container or connection, and Podlife\'s '
            "simulated cluster runs none"
        )
    if first in KUBECTL_COMMANDS:
        raise KubectlError(f'error: Podlife\'s simulated kubectl does not offer "kubectl {first}"')
    suggestions = [
        c for c in KUBECTL_COMMANDS if _levenshtein(first, c) <= 2 or c.startswith(first)
    ]
    text = f'error: unknown command "{first}" for "kubectl"'
    if suggestions:
        text += "\n\nDid you mean this?\n" + "".join(f"\t{s}\n" for s in suggestions)
    raise KubectlError(text)


def _help() -> str:
    lines = [
        "kubectl controls the Kubernetes cluster manager (simulated by Podlife).",
        "",
        "Commands:",
    ]
    for name in sorted(c for c in COMMANDS if " " not in c):
        lines.append(f"  {name:<15} {COMMANDS[name].summary}")
    lines += ["", 'Use "kubectl <command> --help" for more information about a given command.']
    return "\n".join(lines)


def _levenshtein(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]
