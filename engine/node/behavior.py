"""What a container does once started, derived from its image, command, args, env and limits.

The runtime asks a `Behavior` when the main process exits by itself (and with which code), what
it prints, which ports answer and what, how it reacts to the stop signal, and how much memory it
needs. Servers (nginx, httpd, redis, postgres, mysql, memcached, registry, pause, agnhost, and an
`app` image's own program) run until stopped; commands (`sleep 5`, `sh -c "exit 3"`) are
interpreted by engine/node/command.py.
docs/containers.md is the learner-facing description of this model; keep them together.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from engine.apimachinery.quantity import to_bytes
from engine.node import image_logs, userland
from engine.node.command import FOREVER, Line, Program, Repeating, interpret
from engine.node.registry import Image

if TYPE_CHECKING:
    from engine.node.cri import ContainerConfig

Mi = 2**20

# Image config (ENTRYPOINT, CMD) of each image family, as in their Dockerfiles.
IMAGE_CONFIG: dict[str, tuple[list[str], list[str]]] = {
    "nginx": (["/docker-entrypoint.sh"], ["nginx", "-g", "daemon off;"]),
    "httpd": ([], ["httpd-foreground"]),
    "redis": (["docker-entrypoint.sh"], ["redis-server"]),
    "postgres": (["docker-entrypoint.sh"], ["postgres"]),
    "mysql": (["docker-entrypoint.sh"], ["mysqld"]),
    "memcached": (["docker-entrypoint.sh"], ["memcached"]),
    "registry": (["/entrypoint.sh"], ["/etc/distribution/config.yml"]),
    "busybox": ([], ["sh"]),
    "bash": (["docker-entrypoint.sh"], ["bash"]),
    "alpine": ([], ["/bin/sh"]),
    "ubuntu": ([], ["/bin/bash"]),
    "debian": ([], ["bash"]),
    "fedora": ([], ["/bin/bash"]),
    "perl": ([], ["perl", "-de0"]),  # the debugger: no terminal, so it exits at once
    "python": ([], ["python3"]),
    "node": (["docker-entrypoint.sh"], ["node"]),
    "pause": (["/pause"], []),
    "stress": ([], ["stress"]),
    "agnhost": (["/agnhost"], []),
    "liveness": ([], ["/server"]),
    # "app": ENTRYPOINT is the image's own program (Image.programs), no CMD: effective_argv
}
_WRAPPERS = ("docker-entrypoint.sh", "entrypoint.sh", "tini", "dumb-init", "--")
_DEFAULT_SERVER = {
    "redis": "redis-server",
    "postgres": "postgres",
    "mysql": "mysqld",
    "memcached": "memcached",
    "node": "node",
}
# Memory a process needs right after starting (resident set), per image family.
BASELINE_MEMORY = {
    "nginx": 9 * Mi,
    "httpd": 12 * Mi,
    "redis": 8 * Mi,
    "postgres": 40 * Mi,
    "mysql": 420 * Mi,
    "memcached": 4 * Mi,
    "registry": 12 * Mi,
    "python": 12 * Mi,
    "node": 45 * Mi,
    "agnhost": 15 * Mi,
    "app": 16 * Mi,
    "liveness": 4 * Mi,
    "pause": Mi // 4,
}
_SHELL_MEMORY = Mi // 2
# Images without bash: `bash` there is "executable file not found in $PATH".
_NO_BASH = ("busybox", "alpine", "pause", "stress", "agnhost", "registry", "memcached")
# /etc/group memberships of root in each image (status.containerStatuses[].user, 1.33+).
_ROOT_GROUPS = {
    "busybox": [0, 10],
    "alpine": [0, 1, 2, 3, 4, 6, 10, 11, 20, 26, 27],
    "nginx": [0],
}
OOM_DELAY = 0.3  # how long a process takes to allocate past its limit
QUICK_EXIT = 0.02  # a command with nothing to do still takes a moment


@dataclass(frozen=True)
class Listener:
    """A port the container accepts connections on, and what it answers."""

    port: int
    protocol: str  # http, redis, postgresql, mysql, memcached, tcp
    # HTTP: path -> ((since seconds after start, status code), ...); others answer `fallback`
    routes: tuple[tuple[str, tuple[tuple[float, int], ...]], ...] = ()
    fallback: int = 404

    def status_code(self, path: str, elapsed: float) -> int:
        for route, timeline in self.routes:
            if route == path:
                code = self.fallback
                for since, value in timeline:
                    if elapsed >= since:
                        code = value
                return code
        return self.fallback

    def change_points(self) -> list[float]:
        return [since for _, timeline in self.routes for since, _ in timeline]


@dataclass
class Behavior:
    description: str
    family: str
    duration: float = FOREVER  # seconds until the main process exits by itself
    exit_code: int = 0
    oom: bool = False  # exits because the memory limit was hit
    listeners: tuple[Listener, ...] = ()
    listen_after: float = 0.0  # seconds after start when the ports accept connections
    stop_exit_code: int | None = 0  # exit code after the stop signal; None: ignores it
    stop_delay: float = 0.1  # how long it takes to exit after the stop signal
    stop_signal: str = "SIGTERM"
    lines: list[Line] = field(default_factory=list)
    repeating: list[Repeating] = field(default_factory=list)
    stop_lines: list[Line] = field(default_factory=list)  # `at` is seconds after the signal
    files: dict[str, list[tuple[float, bool]]] = field(default_factory=dict)
    mounted: dict[str, str] = field(default_factory=dict)  # files of its volumes: path -> text
    start_error: str = ""  # StartContainer fails (exec: "x": executable file not found)
    memory: int = 0
    user_groups: list[int] = field(default_factory=lambda: [0])

    @property
    def reason(self) -> str:
        """containerd's terminated reason for exiting by itself."""
        if self.oom:
            return "OOMKilled"
        return "Completed" if self.exit_code == 0 else "Error"

    def listener(self, port: int) -> Listener | None:
        return next((lst for lst in self.listeners if lst.port == port), None)

    def listening(self, elapsed: float) -> bool:
        return elapsed >= self.listen_after

    def file_exists(self, path: str, elapsed: float) -> bool:
        exists = path in self.mounted
        for since, present in self.files.get(path, []):
            if elapsed >= since:
                exists = present
        return exists

    def change_points(self) -> list[float]:
        """Moments (seconds after start) after which a probe may see something different."""
        points = [self.listen_after]
        for timeline in self.files.values():
            points += [since for since, _ in timeline]
        for lst in self.listeners:
            points += lst.change_points()
        return sorted(p for p in points if p > 0)


@dataclass(frozen=True)
class Context:
    """What a container knows about where it runs."""

    hostname: str  # the pod name
    pod_ip: str
    cpus: int  # the node's CPUs (nginx starts one worker per CPU)
    started_at: float  # virtual time of StartContainer


def effective_argv(image: Image, container: dict[str, Any]) -> list[str]:
    """The process the runtime starts: command overrides ENTRYPOINT, args override CMD."""
    entrypoint: list[str]
    cmd: list[str]
    if image.family == "app":
        entrypoint, cmd = [image.programs[0]], []
    else:
        entrypoint, cmd = IMAGE_CONFIG.get(image.family, ([], []))
    command = [str(a) for a in container.get("command") or []]
    args = [str(a) for a in container.get("args") or []]
    if command:
        return command + args
    return entrypoint + (args if args else cmd)


def derive(
    image: Image, container: dict[str, Any], ctx: Context, config: ContainerConfig | None = None
) -> Behavior:
    """The behaviour of `container` (a pod spec container) running `image`, with the
    environment, expanded command and files the kubelet made for it (`config`)."""
    if config is None:  # a spec alone: its literal env values
        env = {
            str(e.get("name")): str(e.get("value", ""))
            for e in container.get("env") or []
            if isinstance(e, dict) and "value" in e
        }
        mounted: dict[str, str] = {}
    else:
        env = userland.environ(image, ctx.hostname, config.env)
        mounted = {path: file.data for path, file in config.files.items()}
        container = dict(container)
        for name, words in (("command", config.command), ("args", config.args)):
            if words is not None:
                container[name] = words
    argv = effective_argv(image, container)
    wrapped = bool(argv) and argv[0].rsplit("/", 1)[-1] in _WRAPPERS
    while argv and argv[0].rsplit("/", 1)[-1] in _WRAPPERS:
        argv = argv[1:]
    if wrapped and argv and argv[0].startswith("-") and image.family in _DEFAULT_SERVER:
        argv = [_DEFAULT_SERVER[image.family], *argv]  # `docker-entrypoint.sh --port 6380`
    if image.family == "registry" and argv and argv[0].endswith((".yml", ".yaml")):
        argv = ["registry", "serve", *argv]
    own = image.programs if image.family in _OWN_SERVERS else ()
    has_bash = image.family not in _NO_BASH
    program = interpret(argv, env, ctx.hostname, has_bash, ctx.started_at, own, mounted)
    if program.not_found:
        behavior = Behavior(f"{program.not_found} (not in the image)", image.family)
        behavior.start_error = _exec_not_found(program.not_found)
        return behavior
    server_argv = program.server
    if server_argv is None and argv and _server_name(argv) in _BUILDERS:
        server_argv = argv
    if server_argv is not None and _server_name(server_argv) in own:
        behavior = _OWN_SERVERS[image.family](image, container, ctx)
        behavior.lines = program.lines + behavior.lines
    elif server_argv is not None:
        behavior = _BUILDERS[_server_name(server_argv)](image, server_argv, env, ctx, wrapped)
        behavior.lines = program.lines + behavior.lines
    else:
        behavior = _from_program(image, argv, program)
    behavior.user_groups = _ROOT_GROUPS.get(image.family, [0])
    behavior.mounted = mounted
    _apply_memory_limit(behavior, container)
    return behavior


def _server_name(argv: list[str]) -> str:
    name = argv[0].rsplit("/", 1)[-1]
    if name in ("python", "python3") and argv[1:3] == ["-m", "http.server"]:
        return "http.server"
    if name == "node" and len(argv) > 2 and argv[1] == "-e" and ".listen(" in argv[2]:
        return "node-server"
    return name


def _from_program(image: Image, argv: list[str], program: Program) -> Behavior:
    text = " ".join(argv) if argv else "(no command)"
    behavior = Behavior(text, image.family)
    behavior.lines, behavior.repeating, behavior.files = (
        program.lines,
        program.repeating,
        program.files,
    )
    behavior.duration = program.duration if program.duration > 0 else QUICK_EXIT
    behavior.exit_code = program.exit_code
    behavior.memory = max(_SHELL_MEMORY, program.memory)
    # PID 1 has no default signal handlers: a shell or `sleep` ignores SIGTERM unless it set a
    # trap, so it is killed when the grace period ends (the famous 30-second pod deletion).
    behavior.stop_exit_code = program.trap_exit_code if program.traps_sigterm else None
    if image.family == "python" and argv and argv[0].startswith("python"):
        behavior.stop_exit_code = 143  # python: SIGTERM's default action kills it
    return behavior


def _apply_memory_limit(behavior: Behavior, container: dict[str, Any]) -> None:
    limit_text = ((container.get("resources") or {}).get("limits") or {}).get("memory")
    if limit_text is None:
        return
    try:
        limit = to_bytes(limit_text)
    except ValueError:
        return
    if 0 < limit < behavior.memory:
        behavior.oom = True
        behavior.exit_code = 137
        behavior.duration = min(behavior.duration, OOM_DELAY)
        behavior.lines = [line for line in behavior.lines if line.at <= OOM_DELAY]
        behavior.listeners = ()


def _exec_not_found(executable: str) -> str:
    # containerd/runc, as the kubelet shows it in the Failed event and the StartError message.
    return (
        "failed to create containerd task: failed to create shim task: OCI runtime create "
        "failed: runc create failed: unable to start container process: error during container "
        f'init: exec: "{executable}": executable file not found in $PATH: unknown'
    )


# ---- servers ---------------------------------------------------------------------------------

# (image, argv, env, context, started through the image's entrypoint script) -> behaviour
Builder = Callable[[Image, list[str], dict[str, str], Context, bool], Behavior]


def _flag(argv: list[str], *names: str) -> str | None:
    """The value of `--port 6380`, `--port=6380` or `-p 6380` in argv."""
    for i, word in enumerate(argv):
        for name in names:
            if word == name and i + 1 < len(argv):
                return argv[i + 1]
            if word.startswith(name + "="):
                return word.split("=", 1)[1]
    return None


def _port(argv: list[str], default: int, *names: str) -> int:
    value = _flag(argv, *names)
    return int(value) if value and value.isdigit() else default


# test/images/agnhost/liveness (and test/images/liveness/server.go before it): /healthz answers
# 200 for the first 10 seconds, then 500 forever.
_LIVENESS_DEMO = Listener(8080, "http", (("/healthz", ((0.0, 200), (10.0, 500))),), 404)


def _http(port: int, paths: tuple[str, ...], fallback: int = 404) -> Listener:
    return Listener(port, "http", tuple((p, ((0.0, 200),)) for p in paths), fallback)


def _nginx(
    image: Image, argv: list[str], env: dict[str, str], ctx: Context, wrapped: bool
) -> Behavior:
    if "daemon off;" not in " ".join(argv):
        # Without `daemon off;` nginx forks into the background and PID 1 exits at once: the
        # container is Completed and restarts forever.
        behavior = Behavior("nginx (daemonizes: exits at once)", "nginx", duration=QUICK_EXIT)
        behavior.memory = BASELINE_MEMORY["nginx"]
        return behavior
    behavior = Behavior("nginx web server on port 80", "nginx")
    behavior.listeners = (_http(80, ("/", "/index.html", "/50x.html")),)
    behavior.stop_signal = "SIGQUIT"  # the image's STOPSIGNAL
    behavior.lines = image_logs.nginx_start(image, ctx, wrapped)
    behavior.stop_lines = image_logs.nginx_stop(ctx)
    behavior.memory = BASELINE_MEMORY["nginx"]
    return behavior


def _httpd(
    image: Image, argv: list[str], env: dict[str, str], ctx: Context, wrapped: bool
) -> Behavior:
    foreground = argv[0].endswith("httpd-foreground") or "FOREGROUND" in " ".join(argv)
    if not foreground:
        return Behavior("httpd (daemonizes: exits at once)", "httpd", duration=QUICK_EXIT)
    behavior = Behavior("Apache httpd on port 80", "httpd")
    behavior.listeners = (_http(80, ("/", "/index.html")),)
    behavior.stop_signal = "SIGWINCH"
    behavior.lines = image_logs.httpd_start(image, ctx)
    behavior.stop_lines = image_logs.httpd_stop(ctx)
    behavior.memory = BASELINE_MEMORY["httpd"]
    return behavior


def _redis(
    image: Image, argv: list[str], env: dict[str, str], ctx: Context, wrapped: bool
) -> Behavior:
    port = _port(argv, 6379, "--port")
    behavior = Behavior(f"Redis on port {port}", "redis")
    behavior.listeners = (Listener(port, "redis"),)
    behavior.lines = image_logs.redis_start(image, ctx, port)
    behavior.stop_lines = image_logs.redis_stop(ctx)
    behavior.memory = BASELINE_MEMORY["redis"]
    return behavior


def _postgres(
    image: Image, argv: list[str], env: dict[str, str], ctx: Context, wrapped: bool
) -> Behavior:
    port = _port(argv, 5432, "-p")
    behavior = Behavior(f"PostgreSQL on port {port}", "postgres")
    behavior.memory = BASELINE_MEMORY["postgres"]
    if (
        wrapped
        and not env.get("POSTGRES_PASSWORD")
        and env.get("POSTGRES_HOST_AUTH_METHOD") != "trust"
    ):
        behavior.description = "PostgreSQL without POSTGRES_PASSWORD: exits 1"
        behavior.duration, behavior.exit_code = 0.05, 1
        behavior.lines = image_logs.postgres_no_password()
        return behavior
    behavior.listeners = (Listener(port, "postgresql"),)
    behavior.listen_after = 2.5 if wrapped else 0.3  # initdb on an empty data directory
    behavior.stop_signal = "SIGINT"
    behavior.lines = image_logs.postgres_start(image, ctx, port, wrapped)
    behavior.stop_lines = image_logs.postgres_stop(ctx)
    return behavior


def _mysql(
    image: Image, argv: list[str], env: dict[str, str], ctx: Context, wrapped: bool
) -> Behavior:
    behavior = Behavior("MySQL on port 3306", "mysql")
    behavior.memory = BASELINE_MEMORY["mysql"]
    passwords = ("MYSQL_ROOT_PASSWORD", "MYSQL_ALLOW_EMPTY_PASSWORD", "MYSQL_RANDOM_ROOT_PASSWORD")
    if wrapped and not any(env.get(name) for name in passwords):
        behavior.description = "MySQL without a root password option: exits 1"
        behavior.duration, behavior.exit_code = 0.3, 1
        behavior.lines = image_logs.mysql_no_password(image, ctx)
        return behavior
    behavior.listeners = (Listener(3306, "mysql"), Listener(33060, "mysql"))
    behavior.listen_after = 12.0 if wrapped else 3.0  # --initialize, then a temporary server
    behavior.lines = image_logs.mysql_start(image, ctx, behavior.listen_after)
    behavior.stop_lines = image_logs.mysql_stop(image, ctx)
    return behavior


def _memcached(
    image: Image, argv: list[str], env: dict[str, str], ctx: Context, wrapped: bool
) -> Behavior:
    port = _port(argv, 11211, "-p", "--port")
    behavior = Behavior(f"memcached on port {port}", "memcached")
    behavior.listeners = (Listener(port, "memcached"),)
    behavior.memory = BASELINE_MEMORY["memcached"]
    return behavior


def _registry(
    image: Image, argv: list[str], env: dict[str, str], ctx: Context, wrapped: bool
) -> Behavior:
    behavior = Behavior("container registry on port 5000", "registry")
    behavior.listeners = (_http(5000, ("/", "/v2/"), 404),)
    behavior.lines = image_logs.registry_start(image, ctx)
    behavior.memory = BASELINE_MEMORY["registry"]
    return behavior


def _pause(
    image: Image, argv: list[str], env: dict[str, str], ctx: Context, wrapped: bool
) -> Behavior:
    behavior = Behavior("pause: sleeps until stopped", "pause")
    behavior.stop_lines = [Line(0.0, "Shutting down, got signal: Terminated", "stderr")]
    behavior.memory = BASELINE_MEMORY["pause"]
    return behavior


def _agnhost(
    image: Image, argv: list[str], env: dict[str, str], ctx: Context, wrapped: bool
) -> Behavior:
    sub = argv[1] if len(argv) > 1 else ""
    behavior = Behavior(f"agnhost {sub}".strip(), "agnhost")
    behavior.memory = BASELINE_MEMORY["agnhost"]
    behavior.stop_exit_code = 143  # a Go program without a SIGTERM handler is killed by it
    if sub == "liveness":
        behavior.listeners = (_LIVENESS_DEMO,)
        behavior.lines = [Line(0.0, "Started HTTP server on port 8080", "stderr")]
    elif sub in ("netexec", "serve-hostname"):
        port = _port(argv, 8080 if sub == "netexec" else 9376, "--http-port", "--port")
        behavior.listeners = (Listener(port, "http", (), 200),)
        behavior.lines = [Line(0.0, f"Started HTTP server on port {port}", "stderr")]
    elif sub != "pause":
        behavior.duration = QUICK_EXIT
        behavior.stop_exit_code = 0
    return behavior


def _http_server(
    image: Image, argv: list[str], env: dict[str, str], ctx: Context, wrapped: bool
) -> Behavior:
    rest = argv[3:]
    port = int(rest[0]) if rest and rest[0].isdigit() else 8000
    behavior = Behavior(f"python http.server on port {port}", "python")
    behavior.listeners = (_http(port, ("/",)),)
    behavior.lines = [
        Line(0.0, f"Serving HTTP on 0.0.0.0 port {port} (http://0.0.0.0:{port}/) ...")
    ]
    behavior.stop_exit_code = 143
    behavior.memory = BASELINE_MEMORY["python"]
    return behavior


def _node_server(
    image: Image, argv: list[str], env: dict[str, str], ctx: Context, wrapped: bool
) -> Behavior:
    match = re.search(r"\.listen\(\s*(\d+)", argv[2])
    port = int(match.group(1)) if match else 3000
    behavior = Behavior(f"node HTTP server on port {port}", "node")
    behavior.listeners = (Listener(port, "http", (), 200),)
    behavior.stop_exit_code = None  # node as PID 1 ignores SIGTERM unless it handles it
    behavior.memory = BASELINE_MEMORY["node"]
    return behavior


# ---- an image's own server: `app` (an application we know only by name) and `liveness` ---------


def _app(image: Image, container: dict[str, Any], ctx: Context) -> Behavior:
    """What a learner expects of an application image: it serves until stopped, on the ports
    the pod declares (else the image's own, registry.yaml `server.port`), every path 200."""
    server = image.server
    declared = [
        int(p["containerPort"])
        for p in container.get("ports") or []
        if isinstance(p, dict)
        and isinstance(p.get("containerPort"), int)
        and p.get("protocol", "TCP") == "TCP"
    ]
    ports = declared or ([server.port] if server.port is not None else [])
    name = image.repository.rsplit("/", 1)[-1]
    where = f" on port {', '.join(map(str, ports))}" if ports else ""
    behavior = Behavior(f"{name} server{where}", "app")
    behavior.listeners = tuple(Listener(port, server.protocol, (), 200) for port in ports)
    behavior.lines = image_logs.app_start(image, ctx, ports[0] if ports else 0)
    # A Go or Python server dies of SIGTERM; `node server.js` as PID 1 ignores it.
    behavior.stop_exit_code = None if server.ignores_sigterm else 143
    behavior.memory = BASELINE_MEMORY["app"]
    return behavior


def _liveness(image: Image, container: dict[str, Any], ctx: Context) -> Behavior:
    # registry.k8s.io/liveness: the docs' liveness task before agnhost took it over.
    behavior = Behavior("liveness demo server on port 8080", "liveness")
    behavior.listeners = (_LIVENESS_DEMO,)
    behavior.stop_exit_code = 143
    behavior.memory = BASELINE_MEMORY["liveness"]
    return behavior


_OWN_SERVERS: dict[str, Callable[[Image, dict[str, Any], Context], Behavior]] = {
    "app": _app,
    "liveness": _liveness,
}


_BUILDERS: dict[str, Builder] = {
    "nginx": _nginx,
    "httpd": _httpd,
    "httpd-foreground": _httpd,
    "redis-server": _redis,
    "postgres": _postgres,
    "mysqld": _mysql,
    "memcached": _memcached,
    "registry": _registry,
    "pause": _pause,
    "agnhost": _agnhost,
    "http.server": _http_server,
    "node-server": _node_server,
}
