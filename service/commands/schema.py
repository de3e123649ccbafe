"""govreport schema [--write]: print (or write to schemas/) the report JSON Schema."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from service.outputs.schema import report_schema_text


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("schema", help="print the JSON Schema of the report document")
    p.add_argument("--write", metavar="PATH", help="write it to PATH (e.g. schemas/report.schema.json)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    text = report_schema_text()
    if args.write:
        Path(args.write).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0
