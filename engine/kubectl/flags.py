"""Command-line flags the way kubectl (cobra + spf13/pflag) reads them, errors included."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class UsageError(Exception):
    """A command line kubectl rejects before talking to the server."""


@dataclass(frozen=True)
class Flag:
    name: str
    short: str = ""
    # string | bool | int | list (repeatable, comma-separated: pflag StringSlice)
    # | array (repeatable, taken whole: pflag StringArray, e.g. `--env=A=1,B=2` is one value)
    kind: str = "string"
    default: Any = None

    @property
    def dest(self) -> str:
        return self.name.replace("-", "_")


@dataclass
class Parsed:
    args: list[str] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)
    given: set[str] = field(default_factory=set)  # flags the user actually set
    args_at_dash: int = -1  # cobra ArgsLenAtDash: how many args came before `--`, or -1

    def __getattr__(self, name: str) -> Any:
        try:
            return self.values[name]
        except KeyError:
            raise AttributeError(name) from None


# Flags every kubectl command accepts (kubectl's persistent flags, the ones that matter here).
GLOBAL_FLAGS = (
    Flag("namespace", "n"),
    Flag("kubeconfig"),
    Flag("context"),
    Flag("cluster"),
    Flag("user"),
    Flag("server", "s"),
    Flag("token"),
    Flag("request-timeout", default="0"),
    Flag("v", "v", default="0"),
    Flag("insecure-skip-tls-verify", kind="bool", default=False),
    # Impersonation (client-go transport/round_trippers.go: Impersonate-User, -Group headers).
    Flag("as"),
    Flag("as-group", kind="array"),
)


def parse(argv: list[str], flags: tuple[Flag, ...], command: str) -> Parsed:
    """Parse argv with pflag's rules: interspersed flags, `--x=v`, `--x v`, `-x v`, `-xv`."""
    # A command's own flag shadows a global one of the same name (cobra: `create rolebinding
    # --user` is a subject, not the kubeconfig user).
    every = flags + tuple(g for g in GLOBAL_FLAGS if g.name not in {f.name for f in flags})
    by_name = {f.name: f for f in every}
    by_short = {f.short: f for f in every if f.short}
    parsed = Parsed(values={f.dest: _initial(f) for f in every})
    see = f"See 'kubectl {command} --help' for usage."
    i = 0
    while i < len(argv):
        arg = argv[i]
        i += 1
        if arg == "--":
            parsed.args_at_dash = len(parsed.args)
            parsed.args.extend(argv[i:])
            break
        if arg.startswith("--"):
            name, has_value, value = arg[2:].partition("=")
            flag = by_name.get(name)
            if flag is None:
                raise UsageError(f"unknown flag: --{name}\n{see}")
            if not has_value and flag.kind != "bool":
                if i >= len(argv):
                    raise UsageError(f"flag needs an argument: --{name}\n{see}")
                value, i = argv[i], i + 1
            _store(parsed, flag, value if (has_value or flag.kind != "bool") else "true", arg, see)
        elif arg.startswith("-") and len(arg) > 1:
            j = 1
            while j < len(arg):
                short = arg[j]
                flag = by_short.get(short)
                if flag is None:
                    raise UsageError(f"unknown shorthand flag: '{short}' in {arg}\n{see}")
                rest = arg[j + 1 :]
                if flag.kind == "bool":
                    if rest.startswith("="):
                        _store(parsed, flag, rest[1:], arg, see)
                        break
                    _store(parsed, flag, "true", arg, see)
                    j += 1
                    continue
                if rest:
                    value = rest[1:] if rest.startswith("=") else rest
                elif i < len(argv):
                    value, i = argv[i], i + 1
                else:
                    raise UsageError(f"flag needs an argument: '{short}' in -{short}\n{see}")
                _store(parsed, flag, value, arg, see)
                break
        else:
            parsed.args.append(arg)
    return parsed


def _initial(flag: Flag) -> Any:
    if flag.kind in ("list", "array"):
        return list(flag.default or [])
    return flag.default


def _store(parsed: Parsed, flag: Flag, value: str, arg: str, see: str) -> None:
    parsed.given.add(flag.dest)
    if flag.kind == "bool":
        if value.lower() not in ("true", "false", "1", "0", "t", "f"):
            raise UsageError(
                f'invalid argument "{value}" for "{_spelling(flag)}" flag: '
                f'strconv.ParseBool: parsing "{value}": invalid syntax\n{see}'
            )
        parsed.values[flag.dest] = value.lower() in ("true", "1", "t")
    elif flag.kind == "int":
        try:
            parsed.values[flag.dest] = int(value)
        except ValueError:
            raise UsageError(
                f'invalid argument "{value}" for "{_spelling(flag)}" flag: '
                f'strconv.ParseInt: parsing "{value}": invalid syntax\n{see}'
            ) from None
    elif flag.kind == "list":
        parsed.values[flag.dest].extend(v for v in value.split(",") if v)
    elif flag.kind == "array":
        parsed.values[flag.dest].append(value)
    else:
        parsed.values[flag.dest] = value


def _spelling(flag: Flag) -> str:
    return f"-{flag.short}, --{flag.name}" if flag.short else f"--{flag.name}"
