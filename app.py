"""Podlife's entry point: `podlife` serves the web page; `podlife play FILE` runs a scenario."""

from __future__ import annotations

import argparse
import io
import logging
import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from web.config import Settings


def play_command(args: argparse.Namespace) -> int:
    from engine import ScenarioError, load, play, story

    try:
        scenario = load(args.file)
    except ScenarioError as error:
        print(f"podlife: {error}", file=sys.stderr)
        return 2
    transcript = io.StringIO() if args.story else sys.stdout
    cluster = play(scenario, transcript, args.seed)
    if args.story:
        sys.stdout.write(story(cluster.trace))
    if args.trace:
        Path(args.trace).write_text(cluster.trace.jsonl(), encoding="utf-8")
    return 0


def settings_of(args: argparse.Namespace) -> Settings:
    """The server's settings: the command line overrides the environment (PODLIFE_<FIELD>),
    which overrides defaults. ValueError with the reason when one is wrong."""
    from web.config import Settings

    given = {
        "seed": args.session_seed,
        "host": args.host,
        "port": args.port,
        "public_url": args.public_url,
        "allowed_hosts": args.allowed_hosts,
        "api_port": args.api_port,
        "data_dir": args.data_dir,
        "message_queue": args.message_queue,
        "trusted_proxies": args.trusted_proxies,
    }
    return replace(Settings.from_env(), **{k: v for k, v in given.items() if v is not None})


def log_lines() -> None:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )


def serve_command(args: argparse.Namespace) -> int:
    if args.message_queue or os.environ.get("PODLIFE_MESSAGE_QUEUE"):
        # Redis's client talks over sockets that must yield to the other greenlets: patched
        # before anything else is imported (Flask-SocketIO's "Using Multiple Workers").
        from gevent import monkey

        monkey.patch_all()
    # Imported here: `podlife play` should not pay for Flask and gevent.
    from web.server import serve

    log_lines()
    try:
        settings = settings_of(args)
    except ValueError as error:
        print(f"podlife: {error}", file=sys.stderr)
        return 2
    return serve(settings)


def processes_command(args: argparse.Namespace) -> int:
    """`--processes N`: N server processes behind nginx, supervised (web/supervisor.py)."""
    from web.supervisor import SetupError, Supervisor, check

    log_lines()
    try:
        settings = settings_of(args)
        check(args.processes, settings, args.api_port)
    except (ValueError, SetupError) as error:
        print(f"podlife: {error}", file=sys.stderr)
        return 2
    # The workers run elsewhere: a relative folder means the one here
    settings = replace(settings, data_dir=settings.data_dir.resolve())

    def python(number: int) -> list[str]:  # the benchmark's profiler, a file a worker
        profile = args.profile_workers
        return ["-m", "cProfile", "-o", f"{profile}.{number}"] if profile else []

    return Supervisor(args.processes, settings, python).run()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="podlife", description=__doc__)
    parser.add_argument("--host", help="address to serve on (127.0.0.1; 0.0.0.0: every one)")
    parser.add_argument("--port", type=int, help="port to serve on (5000)")
    parser.add_argument(
        "--public-url",
        metavar="URL",
        help="the URL others reach this server at, e.g. http://192.168.1.20:5000: kubeconfigs "
        "point there and its name is allowed (needed with --host 0.0.0.0)",
    )
    parser.add_argument(
        "--allowed-hosts",
        metavar="NAMES",
        help="more names (name or name:port, comma-separated) the server answers to besides "
        "127.0.0.1, localhost and [::1]; '*' for any (no DNS-rebinding protection)",
    )
    parser.add_argument(
        "--api-port",
        type=int,
        help="TLS port of the Kubernetes API, as a real API server has (6443; 0: none)",
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        help="where the session database and the API's CA are kept "
        "($XDG_DATA_HOME/podlife, else ~/.local/share/podlife)",
    )
    parser.add_argument(
        "--message-queue",
        metavar="URL",
        help="run as one of several processes sharing rooms through this Redis server, e.g. "
        "redis://127.0.0.1:6379/0 (docs/scale-out.md)",
    )
    parser.add_argument(
        "--trusted-proxies",
        type=int,
        metavar="N",
        help="behind N proxies (nginx: 1), take client addresses from X-Forwarded-For (0; with "
        "--processes: the proxies in front of its nginx)",
    )
    parser.add_argument(
        "--processes",
        type=int,
        metavar="N",
        help="run as N processes (one a core) behind nginx, sharing rooms through a Redis of "
        "their own; needs redis-server and nginx (docs/scale-out.md)",
    )
    # classbench's: each worker under cProfile, writing FILE.1, FILE.2, ...
    parser.add_argument("--profile-workers", metavar="FILE", help=argparse.SUPPRESS)
    parser.add_argument(
        "--seed",
        type=int,
        default=None,
        dest="session_seed",  # `play --seed` is the scenario's; this one is the server's
        metavar="SEED",
        help="seed of new sessions' clusters (0)",
    )
    commands = parser.add_subparsers(dest="command")
    player = commands.add_parser("play", help="run a scenario headless and print its transcript")
    player.add_argument("file", help="a scenario YAML file (see scenarios/)")
    player.add_argument("--seed", type=int, default=None, help="override the scenario's seed")
    player.add_argument("--trace", metavar="OUT.jsonl", help="write every trace event here")
    player.add_argument(
        "--story", action="store_true", help="print the story (one line a step), not the transcript"
    )
    args = parser.parse_args(argv)
    if args.command == "play":
        return play_command(args)
    if args.processes not in (None, 1):
        return processes_command(args)
    return serve_command(args)


if __name__ == "__main__":
    sys.exit(main())
