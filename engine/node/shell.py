"""The shell behind `kubectl exec`: a small POSIX-ish interpreter over a simulated container.

What a learner types in the docs' tutorials: `sh -c 'hostname'`, `printenv | grep SERVICE`,
`echo "$( cat /etc/secret-volume/username )"`, `cd /etc/config && ls`, `exit 3`. The command
line is split into words (quotes, `\\`, `$VAR`, `${VAR}`, `$?`, `$( … )` and backquotes,
`#` comments), pipelines (`|`), lists (`;`, `&&`, `||`) and redirections (`>`, `>>`, `2>`,
`2>&1`, `>&2`, `<`); every command runs one of the container's programs (engine/node/programs.py).

Not a shell: no loops, conditionals, functions, here-documents, job control or background
`&`; a pipeline runs its commands one after the other, each reading all the output of the one
before. What it does not parse is a syntax error in the flavour's own words. Three flavours,
as the images have them: busybox's `ash` (busybox, alpine), Debian's `dash` (their `sh`) and
`bash`; they differ in their prompts and their "not found" messages.
"""

from __future__ import annotations

import fnmatch
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field

MAX_DEPTH = 8  # nested `sh -c` and `$( )`: deeper is refused, not recursed into
MAX_OUTPUT = 256 * 1024  # bytes one command line may print (bounded like the session)
OPERATORS = ("2>&1", "1>&2", ">&2", "&&", "||", ">>", "2>", ";", "|", ">", "<", "&")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ASSIGNMENT = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)=(.*)$", re.S)


class ShellSyntaxError(Exception):
    pass


@dataclass
class Result:
    out: str = ""
    err: str = ""
    code: int = 0


class Exit(Exception):
    """`exit N`: unwinds the shell; `result` holds what the line printed before it."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code
        self.result = Result()


@dataclass
class Command:
    words: list[str]  # raw, as written (expanded when the command runs)
    redirects: list[tuple[str, str]] = field(default_factory=list)  # (operator, raw target)


Pipeline = list[Command]
# A program: (shell, argv, stdin) -> Result. The shell gives it the machine and the variables.
Program = Callable[["Shell", list[str], str], Result]


# ---- words and operators ----------------------------------------------------------------------
def lex(line: str) -> list[tuple[str, str]]:
    """("word", raw) and ("op", operator) tokens; quotes and `$( )` stay in the raw word."""
    tokens: list[tuple[str, str]] = []
    i, n = 0, len(line)
    while i < n:
        ch = line[i]
        if ch in " \t\n":
            i += 1
            continue
        if ch == "#":
            break  # a comment to the end of the line
        op = _operator_at(line, i)
        if op:
            tokens.append(("op", op))
            i += len(op)
            continue
        start = i
        while i < n and line[i] not in " \t\n" and not _operator_at(line, i):
            i = _skip_quoted(line, i)
        tokens.append(("word", line[start:i]))
    return tokens


def _operator_at(line: str, i: int) -> str:
    # `2>` is an operator only at the start of a word (`a2>b` is the word a2, then >).
    for op in OPERATORS:
        if line.startswith(op, i):
            if op[0] in "12" and i > 0 and line[i - 1] not in " \t\n;|&":
                continue
            return op
    return ""


def _skip_quoted(line: str, i: int) -> int:
    """The index after the character (or quoted run, or `$( )`) that starts at i."""
    ch = line[i]
    if ch == "\\":
        return min(i + 2, len(line))
    if ch == "'":
        end = line.find("'", i + 1)
        if end < 0:
            raise ShellSyntaxError("unterminated quoted string")
        return end + 1
    if ch in '"`':
        j = i + 1
        while j < len(line) and line[j] != ch:
            j = _skip_quoted(line, j) if line[j] in "\\$" and ch == '"' else j + 1
        if j >= len(line):
            raise ShellSyntaxError("unterminated quoted string")
        return j + 1
    if line.startswith("$(", i):
        depth, j = 1, i + 2
        while j < len(line) and depth:
            if line[j] in "'\"\\`":
                j = _skip_quoted(line, j)
                continue
            depth += {"(": 1, ")": -1}.get(line[j], 0)
            j += 1
        if depth:
            raise ShellSyntaxError("unterminated $(")
        return j
    return i + 1


def parse(line: str) -> list[tuple[str, Pipeline]]:
    """The list of pipelines, each with the operator that joins it to the one before
    (";" for the first)."""
    out: list[tuple[str, Pipeline]] = []
    joiner, command = ";", Command([])
    pipeline: Pipeline = []
    tokens = lex(line)
    k = 0
    while k < len(tokens):
        kind, text = tokens[k]
        k += 1
        if kind == "word":
            command.words.append(text)
        elif text in (">", ">>", "2>", "<"):
            if k >= len(tokens) or tokens[k][0] != "word":
                raise ShellSyntaxError(f"unexpected {_after(tokens, k)}")
            command.redirects.append((text, tokens[k][1]))
            k += 1
        elif text in ("2>&1", "1>&2", ">&2"):
            command.redirects.append((text, ""))
        elif text == "&":
            raise ShellSyntaxError("background jobs (&) are not simulated")
        else:  # | ; && ||
            if not command.words and not command.redirects:
                if text == ";" and not pipeline and not out:
                    raise ShellSyntaxError('unexpected ";"')
                raise ShellSyntaxError(f'unexpected "{text}"')
            pipeline.append(command)
            command = Command([])
            if text != "|":
                out.append((joiner, pipeline))
                joiner, pipeline = text, []
    if command.words or command.redirects:
        pipeline.append(command)
    elif pipeline or joiner in ("&&", "||"):
        raise ShellSyntaxError("unexpected end of file")
    if pipeline:
        out.append((joiner, pipeline))
    return out


def _after(tokens: list[tuple[str, str]], k: int) -> str:
    return f'"{tokens[k][1]}"' if k < len(tokens) else "end of file"


# ---- the shell --------------------------------------------------------------------------------
class Shell:
    """One shell process: its variables, working directory and last exit status."""

    def __init__(
        self,
        machine: Machine,
        flavour: str,
        name: str,
        env: dict[str, str] | None = None,
        depth: int = 0,
        cwd: str = "",
    ) -> None:
        self.machine = machine
        self.flavour = flavour  # ash, dash or bash
        self.name = name  # $0 as invoked: sh, /bin/sh, bash
        self.vars = dict(machine.env if env is None else env)
        self.exported = set(self.vars)
        self.cwd = cwd or machine.workdir
        self.status = 0
        self.depth = depth
        self.lineno = 0

    # -- the prompt and errors, in each flavour's words
    def prompt(self) -> str:
        if self.flavour == "bash":
            return f"root@{self.machine.hostname}:{self.cwd}# "
        if self.flavour == "ash":
            return f"{self.cwd} # "
        return "# "

    def not_found(self, word: str, interactive: bool) -> str:
        if self.flavour == "bash":
            where = "" if interactive else f" line {self.lineno}:"
            return f"{self.name}:{where} {word}: command not found\n"
        if self.flavour == "dash":
            return f"{self.name}: {self.lineno}: {word}: not found\n"
        return f"{self.name}: {word}: not found\n"

    def syntax_error(self, what: str) -> str:
        if self.flavour == "bash":
            return f"{self.name}: line {self.lineno}: syntax error: {what}\n"
        if self.flavour == "dash":
            return f"{self.name}: {self.lineno}: Syntax error: {what}\n"
        return f"{self.name}: syntax error: {what}\n"

    # -- running
    def run(self, line: str, stdin: str = "", interactive: bool = False) -> Result:
        """Run one command line; `exit` raises Exit (with what was printed before it)."""
        self.lineno += 1
        result = Result()
        try:
            program = parse(line)
        except ShellSyntaxError as error:
            self.status = 2
            return Result(err=self.syntax_error(str(error)), code=2)
        for joiner, pipeline in program:
            if (joiner == "&&" and self.status != 0) or (joiner == "||" and self.status == 0):
                continue
            try:
                step = self._pipeline(pipeline, stdin, interactive)
            except Exit as done:
                result.out += done.result.out
                result.err += done.result.err
                done.result = result
                raise
            result.out += step.out
            result.err += step.err
            self.status = step.code
            if len(result.out) > MAX_OUTPUT:
                result.out = result.out[:MAX_OUTPUT]
                break
        result.code = self.status
        return result

    def _pipeline(self, pipeline: Pipeline, stdin: str, interactive: bool) -> Result:
        err, data, code = "", stdin, 0
        for index, command in enumerate(pipeline):
            last = index == len(pipeline) - 1
            step = self._command(command, data, interactive, in_pipeline=len(pipeline) > 1)
            err += step.err
            data, code = step.out, step.code
            if not last and len(data) > MAX_OUTPUT:
                data = data[:MAX_OUTPUT]
        return Result(data, err, code)

    def _command(
        self, command: Command, stdin: str, interactive: bool, in_pipeline: bool
    ) -> Result:
        words: list[str] = []
        assignments: dict[str, str] = {}
        for raw in command.words:
            match = _ASSIGNMENT.match(raw) if not words else None
            if match:
                assignments[match.group(1)] = "".join(self.expand(match.group(2), split=False))
            else:
                words += self.expand(raw)
        redirects = [(op, "".join(self.expand(raw, split=False))) for op, raw in command.redirects]
        for op, target in redirects:
            if op == "<":
                text = self.machine.read(self.path(target))
                if text is None:
                    return Result(err=self._no_file(target), code=1 if self.flavour == "ash" else 2)
                stdin = text
        if not words:
            self.vars.update(assignments)
            return Result()
        env = None
        if assignments:
            env = {**self.environment(), **assignments}
        try:
            result = self.execute(words, stdin, interactive, env)
        except Exit as done:
            if in_pipeline:  # `exit` in a pipeline ends only its own subshell
                return Result(code=done.code)
            raise
        return self._redirect(result, redirects)

    def _no_file(self, target: str) -> str:
        if self.flavour == "bash":
            return f"{self.name}: line {self.lineno}: {target}: No such file or directory\n"
        if self.flavour == "dash":
            return f"{self.name}: {self.lineno}: cannot open {target}: No such file\n"
        return f"{self.name}: can't open '{target}': No such file or directory\n"

    def _redirect(self, result: Result, redirects: list[tuple[str, str]]) -> Result:
        for op, target in redirects:
            if op == "2>&1":
                result = Result(result.out + result.err, "", result.code)
            elif op in ("1>&2", ">&2"):
                result = Result("", result.err + result.out, result.code)
            elif op in (">", ">>", "2>"):
                text = result.err if op == "2>" else result.out
                if target != "/dev/null":
                    path = self.path(target)
                    before = self.machine.read(path) if op == ">>" else ""
                    self.machine.write(path, (before or "") + text)
                result = (
                    Result(result.out, "", result.code)
                    if op == "2>"
                    else Result("", result.err, result.code)
                )
        return result

    def execute(
        self, argv: list[str], stdin: str, interactive: bool, env: dict[str, str] | None
    ) -> Result:
        name = argv[0]
        builtin = self.machine.builtins.get(name)
        if builtin is not None:
            return builtin(self, argv, stdin)
        program = self.machine.find(name)
        if program is None:
            return Result(err=self.not_found(name, interactive), code=127)
        saved = self.vars
        if env is not None:
            self.vars = env
        try:
            return program(self, argv, stdin)
        finally:
            self.vars = saved

    def environment(self) -> dict[str, str]:
        return {k: v for k, v in self.vars.items() if k in self.exported}

    def path(self, name: str) -> str:
        return posixpath.normpath(posixpath.join(self.cwd, name)) if name else self.cwd

    # -- expansion
    def expand(self, raw: str, split: bool = True) -> list[str]:
        """A raw word's fields: quotes removed, variables and command substitutions filled in,
        unquoted substitutions split at blanks, unquoted `*` matched against the files."""
        fields: list[str] = []
        current: list[str] = []
        started = False  # a quoted empty string still makes a field
        glob = False
        i, n = 0, len(raw)

        def splice(text: str) -> None:
            nonlocal started
            parts = text.split() if split else [text]
            if not parts:
                return
            if text[:1].isspace() and split and (current or started):
                fields.append("".join(current))
                current.clear()
            current.append(parts[0])
            started = True
            for part in parts[1:]:
                fields.append("".join(current))
                current[:] = [part]
            if text[-1:].isspace() and split:
                fields.append("".join(current))
                current.clear()
                started = False

        while i < n:
            ch = raw[i]
            if ch == "'":
                end = raw.index("'", i + 1)
                current.append(raw[i + 1 : end])
                started, i = True, end + 1
            elif ch == '"':
                end = _skip_quoted(raw, i) - 1
                current.append(self._double_quoted(raw[i + 1 : end]))
                started, i = True, end + 1
            elif ch == "\\":
                current.append(raw[i + 1 : i + 2])
                started, i = True, i + 2
            elif ch in "$`":
                value, i = self._substitution(raw, i)
                if value is None:
                    current.append("$")
                    started = True
                else:
                    splice(value)
            else:
                glob = glob or ch in "*?"
                current.append(ch)
                started, i = True, i + 1
        if current or started:
            fields.append("".join(current))
        if glob and split:
            return [match for word in fields for match in self._glob(word)]
        return fields

    def _double_quoted(self, text: str) -> str:
        out: list[str] = []
        i = 0
        while i < len(text):
            ch = text[i]
            if ch == "\\" and text[i + 1 : i + 2] in ('"', "\\", "$", "`"):
                out.append(text[i + 1])
                i += 2
            elif ch in "$`":
                value, i = self._substitution(text, i)
                out.append("$" if value is None else value)
            else:
                out.append(ch)
                i += 1
        return "".join(out)

    def _substitution(self, text: str, i: int) -> tuple[str | None, int]:
        """The value of the `$…` or backquote at i, and the index after it; None: a lone $."""
        if text[i] == "`" or text.startswith("$(", i):
            end = _skip_quoted(text, i)
            inner = text[i + 1 : end - 1] if text[i] == "`" else text[i + 2 : end - 1]
            return self.substitute(inner), end
        rest = text[i + 1 :]
        if rest[:1] in ("?", "$", "#", "0"):
            special = {"?": str(self.status), "$": "1", "#": "0", "0": self.name}
            return special[rest[0]], i + 2
        if rest.startswith("{"):
            close = rest.find("}")
            if close < 0:
                raise ShellSyntaxError("bad substitution")
            name = rest[1:close]
            name, _, default = name.partition(":-")
            value = self.vars.get(name, "")
            return (value or default if ":-" in rest[1:close] else value), i + close + 2
        match = _NAME.match(rest)
        if match is None:
            return None, i + 1
        return self.vars.get(match.group(0), ""), i + 1 + match.end()

    def substitute(self, line: str) -> str:
        """`$( … )`: run in a subshell; its output without the trailing newlines."""
        if self.depth >= MAX_DEPTH:
            return ""
        sub = Shell(self.machine, self.flavour, self.name, self.vars, self.depth + 1, self.cwd)
        sub.exported = set(self.exported)
        try:
            result = sub.run(line)
        except Exit as done:
            result = done.result
        self.status = sub.status
        return result.out.rstrip("\n")

    def _glob(self, pattern: str) -> list[str]:
        directory, _, base = pattern.rpartition("/")
        where = self.path(directory or ".") if directory or not pattern.startswith("/") else "/"
        names = sorted(n for n in self.machine.list_dir(where) or [] if fnmatch.fnmatch(n, base))
        if not names:
            return [pattern]  # POSIX: a pattern that matches nothing stays as written
        prefix = f"{directory}/" if directory else ""
        return [prefix + name for name in names]


# ---- the container the shell runs in ----------------------------------------------------------
@dataclass
class Machine:
    """What the processes of one exec see: the image's programs, the environment the kubelet
    made, the files of the image and of the mounted volumes, the network."""

    programs: dict[str, Program]  # executables on $PATH, by name
    builtins: dict[str, Program]  # the shell's own commands (cd, exit, export, echo…)
    env: dict[str, str]
    hostname: str
    files: dict[str, str]  # absolute path -> text
    clock: Callable[[], float]  # virtual time, for `date`
    sh: str = "ash"  # what `sh` is: busybox ash, or Debian's dash
    workdir: str = "/"
    processes: list[str] = field(default_factory=list)  # PID 1's command line first, for ps
    network: object = None  # engine/node/network.Network, for nslookup, wget and curl
    family: str = ""  # the image's family (busybox prints busybox's messages)
    version: str = ""  # the image's software version
    tty: bool = False  # the exec has a terminal (curl then shows no progress meter)

    BIN_DIRS = ("/bin", "/usr/bin", "/sbin", "/usr/sbin", "/usr/local/bin", "/usr/local/sbin")

    def find(self, name: str) -> Program | None:
        """The program `name` runs: a bare name is looked up on $PATH, a path must be in one
        of the usual bin directories."""
        if "/" in name:
            directory, base = posixpath.split(posixpath.normpath(name))
            return self.programs.get(base) if directory in self.BIN_DIRS else None
        return self.programs.get(name)

    def read(self, path: str) -> str | None:
        return self.files.get(path)

    def write(self, path: str, text: str) -> None:
        self.files[path] = text[:MAX_OUTPUT]

    def is_dir(self, path: str) -> bool:
        if path == "/":
            return True
        prefix = path.rstrip("/") + "/"
        return any(p.startswith(prefix) for p in self.files) or any(
            d == path for d in self.BIN_DIRS
        )

    def list_dir(self, path: str) -> list[str] | None:
        """The names in a directory (files and sub-directories), None if it is not one."""
        if not self.is_dir(path):
            return None
        prefix = "/" if path == "/" else path.rstrip("/") + "/"
        names = {p[len(prefix) :].split("/", 1)[0] for p in self.files if p.startswith(prefix)}
        if path in self.BIN_DIRS:
            names |= set(self.programs)
        if path == "/":
            names |= {d.split("/")[1] for d in self.BIN_DIRS}
        return sorted(names)
