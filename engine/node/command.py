"""What a container's command does, read from its argv: a tiny, deterministic shell.

Learners write `sleep 3600`, `sh -c "echo hi; sleep 5; exit 3"`, the liveness example
`touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600` or `while true; do echo hi;
sleep 5; done`. This module turns such a command line into a `Program`: the lines it prints
and when, the files it touches (exec probes look at them), how long it runs and its exit code.
Anything it does not understand runs instantly and succeeds, as most commands would.
docs/containers.md lists what is understood.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field

from engine import timeutil
from engine.node import perl

FOREVER = float("inf")
SHELLS = ("sh", "ash", "bash", "dash", "zsh")


@dataclass(frozen=True)
class Line:
    """A line of output `at` seconds after the container started."""

    at: float
    text: str
    stream: str = "stdout"


@dataclass(frozen=True)
class Repeating:
    """A line printed every `period` seconds from `start` on (the body of an endless loop)."""

    start: float
    period: float
    text: str
    stream: str = "stdout"


@dataclass
class Program:
    lines: list[Line] = field(default_factory=list)
    repeating: list[Repeating] = field(default_factory=list)
    # path -> [(t, exists)], the moments a file appears or disappears
    files: dict[str, list[tuple[float, bool]]] = field(default_factory=dict)
    duration: float = 0.0  # FOREVER for a process that never ends by itself
    exit_code: int = 0
    traps_sigterm: bool = False  # a `trap … TERM` handler: exits promptly when stopped
    trap_exit_code: int = 0
    server: list[str] | None = None  # `exec nginx …` and friends: argv of a server to run
    not_found: str = ""  # the executable that does not exist in the image
    memory: int = 0  # bytes it allocates (stress --vm-bytes)


_DURATION = re.compile(r"^(\d+(?:\.\d+)?)([smhd]?)$")
_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_sleep(word: str) -> float | None:
    """`sleep 5`, `sleep 1.5`, `sleep 2m`, `sleep infinity` (GNU and busybox sleep)."""
    if word in ("infinity", "inf"):
        return FOREVER
    match = _DURATION.match(word)
    if match is None:
        return None
    return float(match.group(1)) * _UNITS[match.group(2)]


class _Shell:
    def __init__(
        self,
        program: Program,
        env: dict[str, str],
        hostname: str,
        bash: bool,
        epoch: float | None,
        servers: tuple[str, ...] = (),
        mounted: dict[str, str] | None = None,
    ) -> None:
        self.p = program
        self.mounted = mounted or {}  # the files of the container's volumes: path -> text
        self.epoch = epoch
        self.servers = servers  # the image's own server executables
        self.env = dict(env)
        self.env.setdefault("HOSTNAME", hostname)
        self.bash = bash
        self.status = 0

    # ---- one simple command ------------------------------------------------------------------
    def command(self, argv: list[str], t: float) -> float:
        """Run one command starting at `t`; returns when it ends (FOREVER if never)."""
        name = argv[0].rsplit("/", 1)[-1]
        args = argv[1:]
        self.status = 0
        if name in SHELLS:
            if name == "bash" and not self.bash:
                self.p.not_found = argv[0]
                return t
            if len(args) >= 2 and args[0] == "-c":
                return self.script(args[1], t)
            if args and args[0] == "-c":
                return t
            return t  # an interactive shell with no terminal reads EOF and exits 0
        if name == "sleep":
            seconds = parse_sleep(args[0]) if args else None
            if seconds is None:
                self._say(t, "sleep: invalid number", "stderr")
                self.status = 1
                return t
            return t + seconds
        if name == "exit":
            self.status = _int(args[0]) if args else 0
            self._finish(t, self.status)
            return FOREVER_EXIT
        if name in ("true", ":"):
            return t
        if name == "false":
            self.status = 1
            return t
        if name in ("echo", "printf"):
            text = " ".join(a for a in args if a not in ("-n", "-e"))
            self._say(t, self.expand(text, t))
            return t
        if name == "cat":
            return self.cat([self.expand(a, t) for a in args if not a.startswith("-")], t)
        if name == "ls":
            return self.ls([self.expand(a, t) for a in args if not a.startswith("-")], t)
        if name == "touch":
            for path in args:
                self.p.files.setdefault(path, []).append((t, True))
            return t
        if name == "rm":
            for path in (a for a in args if not a.startswith("-")):
                self.p.files.setdefault(path, []).append((t, False))
            return t
        if name == "tail" and "-f" in args:
            return FOREVER
        if name in ("hostname",):
            self._say(t, self.env["HOSTNAME"])
            return t
        if name == "date":
            self._say(t, self.expand("$(date)", t))
            return t
        if name in ("env", "printenv"):
            for key, value in self.env.items():  # environ's order
                self._say(t, f"{key}={value}")
            return t
        if name == "stress":
            return self.stress(args, t)
        if name == "perl":
            computed = perl.one_liner(args)
            if computed is not None:  # the docs' pi Job; other scripts run instantly
                text, seconds = computed
                self._say(t + seconds, text)
                return t + seconds
            return t
        if name == "exec" and args:
            return self.command(args, t)
        if name == "trap":
            self.trap(args)
            return t
        if name in _SERVERS or name in self.servers:
            self.p.server = argv
            return FOREVER
        return t

    def stress(self, args: list[str], t: float) -> float:
        """polinux/stress, as in the Kubernetes memory-limit tutorial."""
        workers, size, timeout = 0, 256 * 2**20, FOREVER
        for i, word in enumerate(args):
            nxt = args[i + 1] if i + 1 < len(args) else ""
            if word in ("--vm", "-m"):
                workers = _int(nxt)
            elif word == "--vm-bytes":
                size = _stress_bytes(nxt)
            elif word in ("--timeout", "-t"):
                timeout = parse_sleep(nxt) or FOREVER
        self._say(t, f"stress: info: [1] dispatching hogs: 0 cpu, 0 io, {workers} vm, 0 hdd")
        self.p.memory = max(self.p.memory, workers * size)
        if timeout != FOREVER:
            self._say(t + timeout, f"stress: info: [1] successful run completed in {int(timeout)}s")
        return t + timeout

    def cat(self, paths: list[str], t: float) -> float:
        """`cat FILE…`: a volume's file prints its text; a file the script touched is empty."""
        for path in paths:
            if path in self.mounted:
                for text in self.mounted[path].splitlines():
                    self._say(t, text)
            elif not self._touched(path, t):
                self.status = 1
                # busybox (the images without bash) words it its own way
                message = (
                    f"cat: {path}: No such file or directory"
                    if self.bash
                    else f"cat: can't open '{path}': No such file or directory"
                )
                self._say(t, message, "stderr")
        return t

    def ls(self, paths: list[str], t: float) -> float:
        """`ls [DIR|FILE]…`: the names in a directory, sorted, one a line (no terminal)."""
        for path in paths or ["."]:
            known = set(self.mounted) | {p for p in self.p.files if self._touched(p, t)}
            if path in known:
                self._say(t, path)
                continue
            prefix = path.rstrip("/") + "/"
            names = sorted({p[len(prefix) :].split("/")[0] for p in known if p.startswith(prefix)})
            if names:
                for entry in names:
                    self._say(t, entry)
                continue
            if path == ".":
                continue  # the working directory, whose other contents are not modelled
            self.status = 2 if self.bash else 1
            message = (
                f"ls: cannot access '{path}': No such file or directory"
                if self.bash
                else f"ls: {path}: No such file or directory"
            )
            self._say(t, message, "stderr")
        return t

    def _touched(self, path: str, t: float) -> bool:
        exists = False
        for since, present in self.p.files.get(path, []):
            if t >= since:
                exists = present
        return exists

    def trap(self, args: list[str]) -> None:
        if len(args) >= 2 and any(s in ("TERM", "SIGTERM", "15") for s in args[1:]):
            self.p.traps_sigterm = True
            match = re.search(r"exit\s+(\d+)", args[0])
            self.p.trap_exit_code = int(match.group(1)) if match else 0

    # ---- a script ----------------------------------------------------------------------------
    def script(self, text: str, t: float) -> float:
        for statement, joiner in _statements(text):
            if joiner == "&&" and self.status != 0:
                continue
            if joiner == "||" and self.status == 0:
                continue
            t = self.statement(statement, t)
            if t in (FOREVER, FOREVER_EXIT):
                return t
        return t

    def statement(self, text: str, t: float) -> float:
        loop = re.fullmatch(
            r"while\s+(?:true|:|\[\s*1\s*\])\s*;?\s*do\s+(.*?);?\s*done", text, re.S
        )
        if loop:
            return self.endless(loop.group(1), t)
        each = re.fullmatch(r"for\s+(\w+)\s+in\s+(.*?)\s*;\s*do\s+(.*?);?\s*done", text, re.S)
        if each:
            var, words, body = each.groups()
            for word in _split(words):
                self.env[var] = word
                t = self.script(body, t)
                if t in (FOREVER, FOREVER_EXIT):
                    return t
            return t
        words = _split(text)
        if not words:
            return t
        return self.command(words, t)

    def endless(self, body: str, t: float) -> float:
        """`while true; do …; done`: one pass tells the period; its lines then repeat."""
        # Dates in a repeating line are filled in when the log is read (epoch None keeps them).
        probe = _Shell(
            Program(),
            dict(self.env),
            self.env["HOSTNAME"],
            self.bash,
            None,
            self.servers,
            self.mounted,
        )
        end = probe.script(body, 0.0)
        if end in (FOREVER, FOREVER_EXIT):
            return self.script(body, t)
        period = end if end > 0 else 1.0  # a busy loop: show it once a second
        for line in probe.p.lines:
            self.p.repeating.append(Repeating(t + line.at, period, line.text, line.stream))
        return FOREVER

    # ---- helpers -----------------------------------------------------------------------------
    def expand(self, text: str, t: float) -> str:
        text = text.replace("$(hostname)", self.env["HOSTNAME"])
        if self.epoch is not None:
            text = text.replace("$(date)", date(self.epoch + t))

        def read(match: re.Match[str]) -> str:
            # `$(cat FILE)`: the file's text without its trailing newlines, as $(…) strips them
            return self.mounted.get(match.group(1), "").rstrip("\n")

        text = re.sub(r"\$\(cat\s+([^\s)]+)\s*\)", read, text)

        def var(match: re.Match[str]) -> str:
            return self.env.get(match.group(1) or match.group(2), "")

        return re.sub(r"\$\{(\w+)\}|\$(\w+)", var, text)

    def _say(self, t: float, text: str, stream: str = "stdout") -> None:
        self.p.lines.append(Line(t, text, stream))

    def _finish(self, t: float, code: int) -> None:
        self.p.duration, self.p.exit_code = t, code


# A sentinel end time: `exit N` ran, the program is over at the time _finish recorded.
FOREVER_EXIT = float("-inf")

# Executables that start a long-running server when a script `exec`s them.
_SERVERS = (
    "nginx",
    "httpd",
    "httpd-foreground",
    "redis-server",
    "postgres",
    "mysqld",
    "memcached",
    "registry",
    "pause",
    "agnhost",
)


def interpret(
    argv: list[str],
    env: dict[str, str],
    hostname: str,
    has_bash: bool,
    started_at: float,
    servers: tuple[str, ...] = (),
    mounted: dict[str, str] | None = None,
) -> Program:
    """Interpret a command line (image entrypoint wrappers already removed). Times in the
    program are seconds after the container started at virtual time `started_at`. `servers`:
    the image's own server executables, besides the well-known ones (_SERVERS); `mounted`: the
    files of the container's volumes (absolute path -> text), which `cat` and `ls` read."""
    program = Program()
    if not argv:
        return program
    shell = _Shell(program, env, hostname, has_bash, started_at, servers, mounted)
    end = shell.command(argv, 0.0)
    if end != FOREVER_EXIT:
        program.duration = end
        program.exit_code = shell.status
    return program


def _statements(text: str) -> list[tuple[str, str]]:
    """Split a script into statements with the operator that joined each to the previous one,
    keeping `while …; do …; done` and `for …; do …; done` blocks whole."""
    out: list[tuple[str, str]] = []
    depth, start, joiner, i = 0, 0, ";", 0
    quote = ""
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == quote:
                quote = ""
            i += 1
            continue
        if ch in "'\"":
            quote = ch
            i += 1
            continue
        word = re.match(r"(do|done)\b", text[i:]) if _command_position(text, i) else None
        if word:
            depth += 1 if word.group(1) == "do" else -1
            i += len(word.group(1))
            continue
        if depth == 0 and (ch in ";\n" or text.startswith(("&&", "||"), i)):
            op = text[i : i + 2] if text.startswith(("&&", "||"), i) else ";"
            piece = text[start:i].strip()
            if piece and not _opens_block(piece, text[i:]):
                out.append((piece, joiner))
                joiner = op
                start = i + len(op)
            i += len(op)
            continue
        i += 1
    piece = text[start:].strip()
    if piece:
        out.append((piece, joiner))
    return out


def _command_position(text: str, i: int) -> bool:
    """Whether a word starting at i is where a command (or `do`/`done`) can stand."""
    before = text[:i].rstrip(" \t")
    return (
        before == ""
        or before.endswith((";", "\n", "&&", "||"))
        or (before.endswith(("do", "then")) and (len(before) == 2 or not before[-3].isalnum()))
    )


def _opens_block(piece: str, rest: str) -> bool:
    """`while true` / `for i in 1 2` before the `;` that precedes `do`: keep going."""
    return bool(re.match(r"(while|for|until)\b", piece)) and bool(re.match(r"[;\n]\s*do\b", rest))


def _split(text: str) -> list[str]:
    try:
        return shlex.split(text)
    except ValueError:
        return text.split()


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        return 0


def _stress_bytes(text: str) -> int:
    match = re.fullmatch(r"(\d+)([bBkKmMgG]?)", text)
    if not match:
        return 256 * 2**20
    scale = {"": 1, "b": 1, "k": 2**10, "m": 2**20, "g": 2**30}[match.group(2).lower()]
    return int(match.group(1)) * scale


def date(t: float) -> str:
    """What `date` prints at virtual time t (busybox and coreutils agree on this format)."""
    return timeutil.to_datetime(t).strftime("%a %b %d %H:%M:%S UTC %Y")
