"""govreport check FILE: the readable verification report; exit 0 no FAIL, 1 FAIL, 2 unreadable."""

from __future__ import annotations

import argparse

from service.checks.model import Status
from service.outputs.check_text import render_check
from service.pipeline import analyze_document
from service.reading import read_document


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("check", help="verify one report: findings table, FAILs first (exit 1 if any FAIL)")
    p.add_argument("file", help="report file: .txt, .md, .html, .docx or .pdf")
    p.add_argument("--all", action="store_true", help="list passing checks too")
    p.add_argument("--backend", choices=["rules", "llm"], default=None, help="free-text extractor for the C9 checks")
    p.add_argument("--no-narrative", action="store_true", help="skip free-text extraction (no C9 checks)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    doc = read_document(args.file)
    report = analyze_document(doc, backend=args.backend, narrative=not args.no_narrative)
    print(render_check(report, doc, show_pass=args.all))
    failed = any(f.status is Status.FAIL and f.category == "report" for f in report.findings)
    return 1 if failed else 0
