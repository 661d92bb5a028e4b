"""The web server's settings: one frozen object, built from defaults, the environment and the
caller's overrides (the app factory's `config`).

Every field can be set from the environment as PODLIFE_<FIELD> (`PODLIFE_IDLE_SECONDS=600`,
`PODLIFE_MAX_SESSIONS_PER_ADDRESS=400`); docs/limits.md lists the limits among them with their
defaults and what a client sees when it reaches one.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from engine import Limits
from web.addresses import parse_host_list, parse_public_url
from web.ratelimit import Budget

ROOT = Path(__file__).resolve().parent.parent
MIB = 1024 * 1024


# No message budget at all (web/ratelimit.py): for benchmarks and tests where one client sends
# everything.
UNLIMITED_MESSAGES: dict[str, Any] = {
    f"{kind}_{unit}": big
    for kind in ("flow", "reads", "commands")
    for unit, big in (("per_second", 1e9), ("burst", 10**9))
}


@dataclass(frozen=True)
class Settings:
    seed: int = 0  # the seed of a new session when the page does not ask for one
    tick_seconds: float = 0.05  # how often the clock driver wakes
    clock_every: float = 0.25  # real seconds between `clock` messages while playing
    max_tick_seconds: float = 0.2  # a stalled tick does not owe the cluster more than this
    idle_seconds: float = 1800.0  # a session with no tab attached is freed after this
    kubectl_head_start: float = 1.0  # virtual seconds a command runs before its first reply
    steps_per_chunk: int = 2000  # engine steps between yields to other sessions
    max_events_per_tick: int = 5000  # a burst larger than this is sent over several ticks
    events_per_message: int = 250  # a large burst goes out in messages of this many
    step_limit: float = 600.0  # `step` looks this far ahead for the next trace event
    scenarios_dir: Path = ROOT / "scenarios"
    testing: bool = False

    # ---- limits (docs/limits.md) ---------------------------------------------------------------
    max_sessions: int = 500  # clusters the server holds at once
    max_sessions_per_address: int = 20  # clusters one client address may hold at once
    max_paste_bytes: int = MIB
    max_documents: int = 1000  # YAML documents in one paste
    max_line_chars: int = 8192  # a kubectl command line
    max_nodes: int = 200  # nodes a page may ask for in `reset`
    max_pods: int = 1000  # pods one cluster holds at once (its quota: apiserver/quota.py)
    max_objects_per_kind: int = 1000  # objects of any other kind one cluster holds
    max_commands: int = 10  # kubectl commands one session runs at once (`get -w` included)
    max_watches: int = 20  # watches real clients keep open on one cluster over HTTP
    max_exec_sessions: int = 4  # `kubectl exec` sessions open at once on one cluster
    exec_idle_seconds: float = 300.0  # an exec session with no input for this long is ended
    # A cluster file (web/clusterfile.py): its size, and the replay it may ask for (the steps
    # bound its CPU: the engine runs some 40,000 a second)
    max_import_bytes: int = 2 * MIB
    max_import_inputs: int = 10_000
    max_import_steps: int = 1_000_000
    # Sessions kept across restarts in the data folder (docs/persistence.md, web/keeper.py):
    # for how long after their last use (0: not kept at all), the database's size, how often
    # new inputs are written and how often a running cluster's position is
    keep_days: float = 7.0
    max_store_bytes: int = 1024 * MIB
    save_seconds: float = 0.2
    save_every: float = 10.0
    # Rooms (web/rooms.py): followers of one room, rooms at once, a presenter's `view` message
    max_followers_per_room: int = 500
    max_rooms: int = 50
    max_view_bytes: int = 1024
    room_send_every: float = 0.05  # a room's followers get at most a message this often (merged)
    # Several processes (docs/scale-out.md): the message queue they share rooms through
    # (--message-queue redis://…; empty: one process), how often each tells the others it is
    # alive (it is forgotten after three periods of silence), how long a question to another
    # process may wait for its answer
    message_queue: str = ""
    peer_seconds: float = 2.0
    peer_timeout: float = 5.0
    # Fresh clusters set up ahead while the server is idle (web/spares.py), ~3 MiB each: a
    # page's `hello` then takes one instead of waiting ~0.14 s of CPU for its set-up
    spare_clusters: int = 16
    # Socket.IO messages one connection may send, a budget per kind (web/ratelimit.py)
    flow_per_second: float = 100.0  # ack, play, pause, speed, step, view
    flow_burst: int = 300
    reads_per_second: float = 100.0  # inspect, etcd
    reads_burst: int = 300
    commands_per_second: float = 10.0  # kubectl, apply, action, reset, scenario, say, hello,
    # export, import
    commands_burst: int = 30

    # ---- where the server is reached (docs/kube-api.md, "Who may connect") ------------------
    host: str = "127.0.0.1"  # the address it listens on (--host)
    port: int = 5000  # the port it listens on (--port)
    # The URL others reach it at, e.g. http://192.168.1.20:5000 (--public-url): kubeconfigs
    # point there and its host is allowed. Needed when serving a class on 0.0.0.0.
    public_url: str = ""
    # More Host names it answers to (--allowed-hosts): `name`, `name:port`, or `*` for any
    # (which turns the DNS-rebinding protection off). Loopback names are always allowed.
    allowed_hosts: tuple[str, ...] = ()
    # Proxies in front (--trusted-proxies; docs/scale-out.md): the client address, for the
    # per-address limits, is the one the last so many put in X-Forwarded-For. 0: none trusted.
    trusted_proxies: int = 0
    # A refused Host, or a client's malformed Socket.IO packets, are logged at most this often
    log_repeat_seconds: float = 60.0
    # The Kubernetes API on a TLS port of its own, as kube-apiserver serves it (--api-port;
    # 0: not served), with a CA made at first start and kept in the data folder (--data-dir),
    # which also holds the session database (docs/persistence.md).
    api_port: int = 6443
    data_dir: Path = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local/share") / (
        "podlife"
    )

    def __post_init__(self) -> None:
        # Checked here, so that the environment, the command line and the factory's overrides
        # all get the same clear refusal; kept normalized.
        hosts = self.allowed_hosts
        try:
            object.__setattr__(self, "public_url", parse_public_url(self.public_url))
        except ValueError as error:
            raise ValueError(
                f"the public URL (--public-url, PODLIFE_PUBLIC_URL): {error}"
            ) from None
        try:
            text = hosts if isinstance(hosts, str) else " ".join(hosts)
            object.__setattr__(self, "allowed_hosts", parse_host_list(text))
        except ValueError as error:
            raise ValueError(
                f"the allowed hosts (--allowed-hosts, PODLIFE_ALLOWED_HOSTS): {error}"
            ) from None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Defaults, overridden by every PODLIFE_<FIELD> set in the environment."""
        environ = os.environ if environ is None else environ
        overrides: dict[str, Any] = {}
        for field in fields(cls):
            name = f"PODLIFE_{field.name.upper()}"
            text = environ.get(name)
            if text:
                overrides[field.name] = _parse(name, text, getattr(cls, field.name))
        return cls(**overrides)

    @classmethod
    def testing_defaults(cls) -> Settings:
        """Fast ticks so tests spend milliseconds, not seconds, waiting for the clock."""
        return replace(
            cls.from_env(),
            tick_seconds=0.005,
            clock_every=0.02,
            room_send_every=0.002,
            testing=True,
            keep_days=0.0,  # no database unless a test asks for one (with its own data_dir)
            spare_clusters=0,  # no CPU spent ahead unless a test asks for it
            # Flask's test client is http://localhost; test servers listen on any free port.
            public_url="http://localhost",
            allowed_hosts=("127.0.0.1", "localhost", "[::1]"),
        )

    def merged(self, overrides: Mapping[str, Any]) -> Settings:
        known = {f.name for f in fields(self)}
        unknown = set(overrides) - known
        if unknown:
            raise ValueError(f"unknown settings: {', '.join(sorted(unknown))}")
        return replace(self, **overrides)

    def cluster_limits(self) -> Limits:
        """What every session's cluster may hold (engine/apiserver/quota.py enforces it)."""
        return Limits(max_pods=self.max_pods, max_objects_per_kind=self.max_objects_per_kind)

    def message_budgets(self) -> dict[str, Budget]:
        """How fast one connection may send each kind of message (web/ratelimit.py)."""
        return {
            "flow": Budget(self.flow_per_second, self.flow_burst),
            "reads": Budget(self.reads_per_second, self.reads_burst),
            "commands": Budget(self.commands_per_second, self.commands_burst),
        }


def _parse(name: str, text: str, default: Any) -> Any:
    """An environment variable's text, as the type of the field's default."""
    kind = type(default)
    try:
        if kind is bool:
            if text.lower() not in ("1", "0", "true", "false", "yes", "no"):
                raise ValueError
            return text.lower() in ("1", "true", "yes")
        if kind is tuple:
            return tuple(part.strip() for part in text.split(",") if part.strip())
        value = kind(text)
    except ValueError:
        raise ValueError(f"{name} is {text!r}, not {_described(kind)}") from None
    if isinstance(value, int | float) and value < 0:
        raise ValueError(f"{name} is {text!r}; it cannot be negative")
    return value


def _described(kind: type) -> str:
    return {
        int: "a whole number",
        float: "a number",
        bool: "true or false",
        Path: "a path",
    }.get(kind, "a text")
