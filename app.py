"""Podlife's entry point: `podlife` serves the web page; `podlife play FILE` runs a scenario."""

from __future__ import annotations

import argparse
import logging
import sys
from dataclasses import replace
from pathlib import Path


def play_command(args: argparse.Namespace) -> int:
    from engine.player import play
    from engine.scenario import ScenarioError, load

    try:
        scenario = load(args.file)
    except ScenarioError as error:
        print(f"podlife: {error}", file=sys.stderr)
        return 2
    cluster = play(scenario, sys.stdout, args.seed)
    if args.trace:
        Path(args.trace).write_text(cluster.trace.jsonl(), encoding="utf-8")
    return 0


def serve_command(args: argparse.Namespace) -> int:
    # Imported here: `podlife play` should not pay for Flask and gevent.
    from web.config import Settings
    from web.server import serve

    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        settings = Settings.from_env()
    except ValueError as error:
        print(f"podlife: {error}", file=sys.stderr)
        return 2
    return serve(args.host, args.port, replace(settings, seed=args.session_seed))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="podlife", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="address to serve on (127.0.0.1)")
    parser.add_argument("--port", type=int, default=5000, help="port to serve on (5000)")
    parser.add_argument(
        "--seed",
        type=int,
        default=0,
        dest="session_seed",  # `play --seed` is the scenario's; this one is the server's
        metavar="SEED",
        help="seed of new sessions' clusters (0)",
    )
    commands = parser.add_subparsers(dest="command")
    player = commands.add_parser("play", help="run a scenario headless and print its transcript")
    player.add_argument("file", help="a scenario YAML file (see scenarios/)")
    player.add_argument("--seed", type=int, default=None, help="override the scenario's seed")
    player.add_argument("--trace", metavar="OUT.jsonl", help="write every trace event here")
    args = parser.parse_args(argv)
    if args.command == "play":
        return play_command(args)
    return serve_command(args)


if __name__ == "__main__":
    sys.exit(main())
