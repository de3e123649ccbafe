"""govreport schema [NAME] [--write PATH | --write-all DIR]: the JSON Schemas of govreport's outputs."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from service.outputs.schema import SCHEMAS, schema_text


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("schema", help="输出 JSON Schema(报告文档、check --json、results.jsonl 记录、summary.json)",
                       description="输出 govreport 各种 JSON 输出的 JSON Schema。NAME 为 " + "、".join(SCHEMAS)
                                   + "(默认 report.schema.json)。")
    p.add_argument("name", nargs="?", default="report.schema.json", choices=list(SCHEMAS), metavar="NAME",
                   help="要输出的 Schema")
    p.add_argument("--write", metavar="PATH", help="写入 PATH(如 schemas/report.schema.json)")
    p.add_argument("--write-all", metavar="DIR", help="把全部 Schema 写入目录 DIR(如 schemas/)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.write_all:
        folder = Path(args.write_all)
        folder.mkdir(parents=True, exist_ok=True)
        for name in SCHEMAS:
            (folder / name).write_text(schema_text(name), encoding="utf-8")
        return 0
    text = schema_text(args.name)
    if args.write:
        Path(args.write).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0
