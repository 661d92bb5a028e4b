"""Podlife's entry point: `podlife` serves the web page; `podlife play FILE` runs a scenario."""

from __future__ import annotations

import argparse
import sys
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="podlife", description=__doc__)
    commands = parser.add_subparsers(dest="command")
    player = commands.add_parser("play", help="run a scenario headless and print its transcript")
    player.add_argument("file", help="a scenario YAML file (see scenarios/)")
    player.add_argument("--seed", type=int, default=None, help="override the scenario's seed")
    player.add_argument("--trace", metavar="OUT.jsonl", help="write every trace event here")
    args = parser.parse_args(argv)
    if args.command == "play":
        return play_command(args)
    parser.print_help()
    return 0


if __name__ == "__main__":
    sys.exit(main())
