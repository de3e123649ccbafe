"""govreport schema [--write]: print (or write to schemas/) the report JSON Schema."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from service.outputs.schema import report_schema_text


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("schema", help="输出 JSON Schema(报告文档、check --json、results.jsonl 记录、summary.json)")
    p.add_argument("--write", metavar="PATH", help="写入 PATH(如 schemas/report.schema.json)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    text = report_schema_text()
    if args.write:
        Path(args.write).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0
