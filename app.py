"""Podlife's entry point: `podlife` serves the web page; `podlife play FILE` runs a scenario."""

from __future__ import annotations

import argparse
import io
import logging
import os
import sys
from dataclasses import replace
from pathlib import Path


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


def serve_command(args: argparse.Namespace) -> int:
    if args.message_queue or os.environ.get("PODLIFE_MESSAGE_QUEUE"):
        # Redis's client talks over sockets that must yield to the other greenlets: patched
        # before anything else is imported (Flask-SocketIO's "Using Multiple Workers").
        from gevent import monkey

        monkey.patch_all()
    # Imported here: `podlife play` should not pay for Flask and gevent.
    from web.config import Settings
    from web.server import serve

    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # The command line overrides the environment (PODLIFE_<FIELD>), which overrides defaults.
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
    try:
        settings = Settings.from_env()
        settings = replace(settings, **{k: v for k, v in given.items() if v is not None})
    except ValueError as error:
        print(f"podlife: {error}", file=sys.stderr)
        return 2
    return serve(settings)


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
        help="behind N proxies (nginx: 1), take client addresses from X-Forwarded-For (0)",
    )
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
    return serve_command(args)


if __name__ == "__main__":
    sys.exit(main())
