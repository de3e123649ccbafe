"""govreport check FILE: the readable verification report; exit 0 no FAIL, 1 FAIL, 2 unreadable."""

from __future__ import annotations

import argparse
import sys

from service.checks.model import Status
from service.commands.llm import warn
from service.outputs.check_json import check_json
from service.outputs.check_text import render_check
from service.pipeline import analyze_document
from service.reading import read_document


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("check", help="核验一份报告: 先给出定位结论, 再列出不通过项及原文行(有不通过项时退出码为 1)",
                       description="核验一份年度报告的勾稽关系和一致性, 先列出可据以改正的定位结论(LOCATE), "
                                   "再列出不通过项和所依据的原文行。退出码: 0 全部通过, 1 有不通过项, 2 无法读取。")
    p.add_argument("file", metavar="FILE", help="报告文件(.txt .md .html .docx .pdf); 用 - 从标准输入读取")
    p.add_argument("--all", action="store_true", help="同时列出通过的核验")
    p.add_argument("--json", action="store_true", help="输出 JSON(规则代码等英文标识保持不变, 另附中文名称)")
    p.add_argument("--backend", choices=["rules", "llm"], default=None, help="正文抽取方式(用于 C9 核验)")
    p.add_argument("--no-narrative", action="store_true", help="不抽取正文(不做 C9 核验)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    warn(args.backend, not args.no_narrative)
    doc = read_document(args.file)
    report = analyze_document(doc, backend=args.backend, narrative=not args.no_narrative)
    if args.json:
        sys.stdout.write(check_json(report))
    else:
        print(render_check(report, doc, show_pass=args.all))
    failed = any(f.status is Status.FAIL and f.category == "report" for f in report.findings)
    return 1 if failed else 0
