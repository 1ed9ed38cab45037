"""The ``exposure`` command line: every page capability that makes sense without a browser.

Exit codes: 0 success, 2 bad input (one line on stderr naming the problem), 1 unexpected.
Scripts and scheduled jobs rely on the output shapes; keep them stable.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from exposure.errors import ExposureError

COMMAND_MODULES = [
    "exposure.commands.evaluate",
    "exposure.commands.validate",
    "exposure.commands.risk",
    "exposure.commands.importing",
    "exposure.commands.portfolios",
    "exposure.commands.prices",
    "exposure.commands.review",
    "exposure.commands.lookthrough",
    "exposure.commands.funds",
    "exposure.commands.events",
    "exposure.commands.db",
    "exposure.commands.scorecard",
]
"""Modules with a ``register(subparsers)`` function; each adds its own subcommands."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="exposure",
        description="AI export-policy exposure: how policy scenarios reach a portfolio.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except ExposureError as exc:
        print(f"exposure: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
