"""The programs the exec shell can run (engine/node/shell.py), in the words of the images'
own tools: busybox's applets, Debian's coreutils, bash's builtins, curl.

Each takes (shell, argv, stdin) and returns a Result. Which of them an image has is data
(engine/node/userland.yaml). Options beyond the common ones are not understood: a program
then says so as the real one does for an option it does not know.
"""

from __future__ import annotations

from engine.node.command import date as date_text
from engine.node.command import parse_sleep
from engine.node.shell import MAX_DEPTH, Exit, Program, Result, Shell

SLEEP_LIMIT = 10.0  # `sleep` in an exec returns at once; longer asks are refused, not waited


# ---- builtins (the shell itself) ---------------------------------------------------------------
def _exit(shell: Shell, argv: list[str], stdin: str) -> Result:
    code = shell.status
    if len(argv) > 1:
        if not argv[1].lstrip("-").isdigit():
            return Result(err=f"{shell.name}: exit: Illegal number: {argv[1]}\n", code=2)
        code = int(argv[1]) & 0xFF
    raise Exit(code)


def _cd(shell: Shell, argv: list[str], stdin: str) -> Result:
    target = argv[1] if len(argv) > 1 else shell.vars.get("HOME", "/")
    path = shell.path(target)
    if not shell.machine.is_dir(path):
        if shell.flavour == "bash":
            return Result(err=f"{shell.name}: cd: {target}: No such file or directory\n", code=1)
        if shell.flavour == "dash":
            return Result(err=f"{shell.name}: {shell.lineno}: cd: can't cd to {target}\n", code=2)
        return Result(
            err=f"{shell.name}: cd: can't cd to {target}: No such file or directory\n", code=2
        )
    shell.cwd = path
    shell.vars["PWD"] = path
    return Result()


def _export(shell: Shell, argv: list[str], stdin: str) -> Result:
    for word in argv[1:]:
        name, eq, value = word.partition("=")
        if eq:
            shell.vars[name] = value
        shell.exported.add(name)
    return Result()


def _unset(shell: Shell, argv: list[str], stdin: str) -> Result:
    for name in argv[1:]:
        shell.vars.pop(name, None)
        shell.exported.discard(name)
    return Result()


def _pwd(shell: Shell, argv: list[str], stdin: str) -> Result:
    return Result(shell.cwd + "\n")


def _echo(shell: Shell, argv: list[str], stdin: str) -> Result:
    """dash's echo knows only -n and always reads backslash escapes (POSIX XSI echo); bash's
    and busybox's read them only after -e."""
    words, newline = argv[1:], True
    escapes = shell.flavour == "dash"
    options = ("-n",) if escapes else ("-n", "-e", "-E", "-ne", "-en")
    while words and words[0] in options:
        newline = newline and "n" not in words[0]
        escapes = escapes or "e" in words[0]
        words = words[1:]
    text = " ".join(words)
    if escapes:
        text, stopped = _backslash_escapes(text)
        newline = newline and not stopped
    return Result(text + ("\n" if newline else ""))


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "\\": "\\", "a": "\a"}


def _backslash_escapes(text: str) -> tuple[str, bool]:
    """echo's escapes; `\\c` ends the output there (and its newline): (text, stopped)."""
    out, i = [], 0
    while i < len(text):
        char = text[i]
        following = text[i + 1] if i + 1 < len(text) else ""
        if char != "\\" or not following:
            out.append(char)
            i += 1
        elif following == "c":
            return "".join(out), True
        elif following in _ESCAPES:
            out.append(_ESCAPES[following])
            i += 2
        else:
            out.append(char)
            i += 1
    return "".join(out), False


def _true(shell: Shell, argv: list[str], stdin: str) -> Result:
    return Result()


def _false(shell: Shell, argv: list[str], stdin: str) -> Result:
    return Result(code=1)


BUILTINS: dict[str, Program] = {
    "exit": _exit,
    "cd": _cd,
    "export": _export,
    "unset": _unset,
    "pwd": _pwd,
    "echo": _echo,
    "true": _true,
    "false": _false,
    ":": _true,
}


# ---- shells -----------------------------------------------------------------------------------
def shell_program(flavour: str) -> Program:
    """`sh -c 'line'` or `bash -c 'line'`; without -c, the lines of stdin one by one."""

    def run(parent: Shell, argv: list[str], stdin: str) -> Result:
        name = argv[0]
        real = parent.machine.sh if flavour == "sh" else flavour
        if parent.depth >= MAX_DEPTH:
            return Result(err=f"{name}: too deep\n", code=2)
        child = Shell(
            parent.machine, real, name, parent.environment(), parent.depth + 1, parent.cwd
        )
        args = [a for a in argv[1:] if a not in ("-i", "-l", "--login", "-x", "-e")]
        if args and args[0] == "-c":
            if len(args) < 2:
                return Result(err=f"{name}: -c: option requires an argument\n", code=2)
            return run_lines(child, [args[1]])
        if args:
            return Result(
                err=f"{name}: can't open '{args[0]}': No such file or directory\n", code=2
            )
        return run_lines(child, stdin.splitlines())

    return run


def run_lines(shell: Shell, lines: list[str]) -> Result:
    out = Result()
    for line in lines:
        try:
            step = shell.run(line)
        except Exit as done:
            return Result(out.out + done.result.out, out.err + done.result.err, done.code)
        out.out += step.out
        out.err += step.err
    out.code = shell.status
    return out


# ---- what a container sees --------------------------------------------------------------------
def _env(shell: Shell, argv: list[str], stdin: str) -> Result:
    env = shell.environment()
    args = argv[1:]
    while args and "=" in args[0]:
        name, _, value = args.pop(0).partition("=")
        env[name] = value
    if args:  # env VAR=x cmd …: run it with that environment
        return shell.execute(args, stdin, False, env)
    return Result("".join(f"{k}={v}\n" for k, v in env.items()))


def _printenv(shell: Shell, argv: list[str], stdin: str) -> Result:
    env = shell.environment()
    if len(argv) == 1:
        return Result("".join(f"{k}={v}\n" for k, v in env.items()))
    out = [env[name] + "\n" for name in argv[1:] if name in env]
    return Result("".join(out), code=0 if len(out) == len(argv) - 1 else 1)


def _hostname(shell: Shell, argv: list[str], stdin: str) -> Result:
    return Result(shell.machine.hostname + "\n")


def _whoami(shell: Shell, argv: list[str], stdin: str) -> Result:
    return Result("root\n")


def _date(shell: Shell, argv: list[str], stdin: str) -> Result:
    return Result(date_text(shell.machine.clock()) + "\n")


def _sleep(shell: Shell, argv: list[str], stdin: str) -> Result:
    seconds = parse_sleep(argv[1]) if len(argv) > 1 else None
    if seconds is None:
        return Result(err=f"sleep: invalid time interval '{' '.join(argv[1:])}'\n", code=1)
    if seconds > SLEEP_LIMIT:
        return Result(
            err=f"sleep: Podlife's exec does not wait: sleeps longer than {SLEEP_LIMIT:g}s "
            "are refused\n",
            code=1,
        )
    return Result()


def _ps(shell: Shell, argv: list[str], stdin: str) -> Result:
    rows = [*shell.machine.processes, " ".join(argv)]
    if _busybox(shell):
        lines = ["PID   USER     TIME  COMMAND"]
        lines += [f"{pid:>5} root      0:00 {cmd}" for pid, cmd in enumerate(rows, 1)]
    else:
        lines = ["    PID TTY          TIME CMD"]
        lines += [
            f"{pid:>7} ?        00:00:00 {cmd.split()[0].rsplit('/', 1)[-1]}"
            for pid, cmd in enumerate(rows, 1)
        ]
    return Result("\n".join(lines) + "\n")


# ---- files ------------------------------------------------------------------------------------
def _missing(shell: Shell, program: str, path: str) -> str:
    if _busybox(shell):
        return f"{program}: can't open '{path}': No such file or directory\n"
    return f"{program}: {path}: No such file or directory\n"


def _cat(shell: Shell, argv: list[str], stdin: str) -> Result:
    names = [a for a in argv[1:] if not (a.startswith("-") and len(a) > 1)]
    if not names:
        return Result(stdin)
    out, err = [], ""
    for name in names:
        path = shell.path(name)
        text = shell.machine.read(path)
        if text is None:
            if shell.machine.is_dir(path):
                busybox = _busybox(shell)
                err += (
                    "cat: read error: Is a directory\n"
                    if busybox
                    else f"cat: {name}: Is a directory\n"
                )
            else:
                err += _missing(shell, "cat", name)
            continue
        out.append(text)
    return Result("".join(out), err, 1 if err else 0)


def _ls(shell: Shell, argv: list[str], stdin: str) -> Result:
    flags = "".join(a[1:] for a in argv[1:] if a.startswith("-"))
    names = [a for a in argv[1:] if not a.startswith("-")] or ["."]
    busybox = _busybox(shell)
    out, err = [], ""
    for name in names:
        path = shell.path(name)
        listed = shell.machine.list_dir(path)
        if listed is None:
            if shell.machine.read(path) is None:
                where = name if busybox else f"cannot access '{name}'"
                err += f"ls: {where}: No such file or directory\n"
                continue
            entries = [(name, path)]  # a file lists itself
        else:
            shown = [n for n in listed if "a" in flags or not n.startswith(".")]
            shown = [".", "..", *shown] if "a" in flags else shown
            entries = [(n, f"{path.rstrip('/')}/{n}") for n in shown]
        heading = f"{name}:\n" if len(names) > 1 else ""
        row = (lambda n, p: _long_row(shell, n, p)) if "l" in flags else (lambda n, p: n + "\n")
        out.append(heading + "".join(row(n, p) for n, p in entries))
    code = 0 if not err else (1 if busybox else 2)  # coreutils: 2 for a missing operand
    return Result("\n".join(out), err, code)


def _long_row(shell: Shell, name: str, path: str) -> str:
    text = shell.machine.read(path)
    if text is None:
        return f"drwxr-xr-x    2 root     root          4096 {name}\n"
    return f"-rw-r--r--    1 root     root {len(text.encode()):>13} {name}\n"


def _busybox(shell: Shell) -> bool:
    """busybox's applets word their errors their own way."""
    return shell.machine.family in ("busybox", "alpine")


# ---- text filters (for pipelines) ---------------------------------------------------------------
def _grep(shell: Shell, argv: list[str], stdin: str) -> Result:
    flags: set[str] = set()
    args: list[str] = []
    for word in argv[1:]:
        if word.startswith("-") and len(word) > 1 and not args:
            flags |= set(word[1:])
        else:
            args.append(word)
    if not args:
        return Result(err="Usage: grep [-ivc] PATTERN [FILE]...\n", code=2)
    pattern, files = args[0], args[1:]
    text = stdin
    if files:
        found = [shell.machine.read(shell.path(f)) for f in files]
        if any(t is None for t in found):
            return Result(err=_missing(shell, "grep", files[0]), code=2)
        text = "".join(t or "" for t in found)
    needle = pattern.lower() if "i" in flags else pattern
    hits = [
        line
        for line in text.splitlines()
        if ((needle in (line.lower() if "i" in flags else line)) != ("v" in flags))
    ]
    out = f"{len(hits)}\n" if "c" in flags else "".join(h + "\n" for h in hits)
    return Result("" if "q" in flags else out, code=0 if hits else 1)


def _count(argv: list[str], default: int) -> int:
    for k, word in enumerate(argv[1:], 1):
        if word == "-n" and k + 1 < len(argv) and argv[k + 1].isdigit():
            return int(argv[k + 1])
        if word.startswith("-") and word[1:].isdigit():
            return int(word[1:])
        if word.startswith("-n") and word[2:].isdigit():
            return int(word[2:])
    return default


def _input(shell: Shell, argv: list[str], stdin: str) -> tuple[str, str]:
    """The text a filter reads: its file argument, or stdin."""
    words = argv[1:]
    files = [
        w for k, w in enumerate(words) if not w.startswith("-") and not (k and words[k - 1] == "-n")
    ]
    if not files:
        return stdin, ""
    text = shell.machine.read(shell.path(files[0]))
    return (text or "", "" if text is not None else _missing(shell, argv[0], files[0]))


def _head(shell: Shell, argv: list[str], stdin: str) -> Result:
    text, err = _input(shell, argv, stdin)
    lines = text.splitlines(keepends=True)[: _count(argv, 10)]
    return Result("".join(lines), err, 1 if err else 0)


def _tail(shell: Shell, argv: list[str], stdin: str) -> Result:
    text, err = _input(shell, argv, stdin)
    count = _count(argv, 10)
    lines = text.splitlines(keepends=True)
    return Result("".join(lines[len(lines) - count :] if count else []), err, 1 if err else 0)


def _wc(shell: Shell, argv: list[str], stdin: str) -> Result:
    text, err = _input(shell, argv, stdin)
    flags = "".join(a[1:] for a in argv[1:] if a.startswith("-")) or "lwc"
    counts = {"l": text.count("\n"), "w": len(text.split()), "c": len(text.encode())}
    values = [counts[f] for f in "lwc" if f in flags]
    if len(values) == 1:  # one count of stdin: the number alone (coreutils and busybox)
        return Result(f"{values[0]}\n", err)
    width = 9 if _busybox(shell) else 7
    return Result(" ".join(f"{v:>{width}}" for v in values) + "\n", err)


# ---- the network (engine/node/network.py does the work) ------------------------------------------
def _nslookup(shell: Shell, argv: list[str], stdin: str) -> Result:
    names = [a for a in argv[1:] if not a.startswith("-")]
    if not names:
        return Result(err="Usage: nslookup [HOST] [SERVER]\n", code=1)
    return shell.machine.network.nslookup(shell, names[0])  # type: ignore[attr-defined]


def _wget(shell: Shell, argv: list[str], stdin: str) -> Result:
    quiet, output, urls, spider, timeout = False, None, [], False, None
    args = argv[1:]
    k = 0
    while k < len(args):
        word = args[k]
        if word in ("-O", "--output-document") and k + 1 < len(args):
            output, k = args[k + 1], k + 2
            continue
        if word in ("-T", "--timeout") and k + 1 < len(args):
            timeout, k = args[k + 1], k + 2
            continue
        if word.startswith("-O") and len(word) > 2:
            output = word[2:]
        elif word.startswith("-") and not word.startswith("--") and len(word) > 1:
            quiet = quiet or "q" in word
            if "O" in word:  # -qO- and -qO -
                rest = word.split("O", 1)[1]
                if rest:
                    output = rest
                elif k + 1 < len(args):
                    output, k = args[k + 1], k + 1
        elif word == "--spider":
            spider = True
        elif word in ("--quiet",):
            quiet = True
        elif not word.startswith("-"):
            urls.append(word)
        k += 1
    del timeout
    if not urls:
        return Result(err="BusyBox wget: missing URL\n", code=1)
    return shell.machine.network.wget(shell, urls[0], quiet, output, spider)  # type: ignore[attr-defined]


def _curl(shell: Shell, argv: list[str], stdin: str) -> Result:
    flags, urls, output = set(), [], None
    args = argv[1:]
    k = 0
    while k < len(args):
        word = args[k]
        if word in (
            "-o",
            "--output",
            "-m",
            "--max-time",
            "--connect-timeout",
            "-H",
            "-X",
            "-w",
        ) and k + 1 < len(args):
            if word in ("-o", "--output"):
                output = args[k + 1]
            k += 2
            continue
        if word.startswith("--"):
            flags.add(
                {
                    "--silent": "s",
                    "--head": "I",
                    "--include": "i",
                    "--show-error": "S",
                    "--fail": "f",
                    "--location": "L",
                    "--verbose": "v",
                }.get(word, "")
            )
        elif word.startswith("-") and len(word) > 1:
            flags |= set(word[1:])
        else:
            urls.append(word)
        k += 1
    if not urls:
        return Result(
            err="curl: try 'curl --help' or 'curl --manual' for more information\n", code=2
        )
    return shell.machine.network.curl(shell, urls[0], flags, output)  # type: ignore[attr-defined]


PROGRAMS: dict[str, Program] = {
    "sh": shell_program("sh"),
    "ash": shell_program("ash"),
    "dash": shell_program("dash"),
    "bash": shell_program("bash"),
    "env": _env,
    "printenv": _printenv,
    "hostname": _hostname,
    "whoami": _whoami,
    "date": _date,
    "sleep": _sleep,
    "ps": _ps,
    "cat": _cat,
    "ls": _ls,
    "grep": _grep,
    "head": _head,
    "tail": _tail,
    "wc": _wc,
    "nslookup": _nslookup,
    "wget": _wget,
    "curl": _curl,
    # builtins are also programs in /bin (busybox applets, coreutils): `kubectl exec -- echo`
    "echo": _echo,
    "true": _true,
    "false": _false,
    "pwd": _pwd,
}
