"""govreport parse FILE [--json]: one report in, structured data out."""

from __future__ import annotations

import argparse
import sys

from service.commands.llm import warn
from service.outputs.labels import status_label
from service.pipeline import analyze_path


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("parse", help="解析一份报告为结构化数据(加 --json 输出完整 JSON)")
    p.add_argument("file", metavar="FILE", help="报告文件(.txt .md .html .docx .pdf); 用 - 从标准输入读取")
    p.add_argument("--json", action="store_true", help="输出完整的 JSON 文档")
    p.add_argument("--backend", choices=["rules", "llm"], default=None,
                   help="正文抽取方式(默认: 已配置模型端点时为 llm, 否则为 rules)")
    p.add_argument("--no-narrative", action="store_true", help="只解析表格并核验, 不抽取正文")
    p.add_argument("--compact", action="store_true", help="与 --json 合用: 单行输出, 不缩进")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    warn(args.backend, not args.no_narrative)
    report = analyze_path(args.file, backend=args.backend, narrative=not args.no_narrative)
    if args.json:
        sys.stdout.write(report.model_dump_json(indent=None if args.compact else 2) + "\n")
        return 0
    m = report.meta
    s = report.summary
    print(f"{args.file}: {m.organization or '?'} {m.year or '?'} · 格式 {report.format} · "
          f"核验 {status_label(s.status) if s else '?'}")
    if report.applications:
        tot = report.applications.get("new_received", [None] * 7)[6]
        print(f"  表三 本年新收 {tot} · (七)总计 {report.applications.get('total_processed', [None] * 7)[6]}")
    if report.narrative:
        n = report.narrative
        print(f"  问题 {len(n.problems)} 条 · 措施 {len(n.measures)} 条 · 渠道 {len(n.channels)} 个"
              f" · 抽取方式 {report.extraction.backend if report.extraction else '?'}")
    return 0
