"""The govreport command line. Errors become one-line messages and exit codes here, and only here."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from service import __version__
from service.errors import GovreportError, InputError

#: Subcommand modules under service.commands, each with register(subparsers).
COMMANDS = ["parse", "check", "batch", "eval", "schema", "serve"]

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT, EXIT_INTERNAL = 0, 1, 2, 3


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The parser with every subcommand; with ``only`` naming a command, that one alone ("" for none):
    a command's module (and what it imports) is loaded only when it runs, so ``govreport parse`` never
    loads batch, evaluation or their libraries."""
    parser = argparse.ArgumentParser(
        prog="govreport",
        description="Verified structured data from 政府信息公开工作年度报告 (government information-disclosure annual reports).",
    )
    parser.add_argument("--version", action="version", version=f"govreport {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks for internal errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    names = [] if only == "" else [only] if only in COMMANDS else COMMANDS
    for name in names:
        try:
            module = importlib.import_module(f"service.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"service.commands.{name}":
                continue  # command not built yet
            raise
        module.register(sub)
    return parser


def _command_of(argv: Sequence[str]) -> str | None:
    """The subcommand named in ``argv``: its first word that is not a global option ("" for a bare
    ``--version``, which needs none; None, meaning all, for help)."""
    command = next((a for a in argv if not a.startswith("-")), None)
    return "" if command is None and "--version" in argv else command


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(_command_of(argv))
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_INPUT
    debug = args.debug or bool(os.environ.get("GOVREPORT_DEBUG"))
    try:
        code: int = args.func(args)
        return code
    except InputError as exc:
        print(f"govreport: cannot read {exc}", file=sys.stderr)
        return EXIT_INPUT
    except GovreportError as exc:
        print(f"govreport: error: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        print("govreport: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:
        if debug:
            raise
        print(f"govreport: internal error: {type(exc).__name__}: {exc} (run with --debug for details)", file=sys.stderr)
        return EXIT_INTERNAL


def entry() -> None:
    sys.exit(main())


if __name__ == "__main__":
    entry()
