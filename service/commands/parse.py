"""govreport parse FILE [--json]: one report in, structured data out."""

from __future__ import annotations

import argparse
import sys

from service.pipeline import analyze_path


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("parse", help="parse one report into structured data (JSON with --json)")
    p.add_argument("file", help="report file: .txt, .md, .html, .docx or .pdf")
    p.add_argument("--json", action="store_true", help="print the full JSON document")
    p.add_argument("--backend", choices=["rules", "llm"], default=None,
                   help="free-text extractor (default: llm if an endpoint is configured, else rules)")
    p.add_argument("--no-narrative", action="store_true", help="tables and checks only, skip free-text extraction")
    p.add_argument("--compact", action="store_true", help="with --json: one line, no indentation")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    report = analyze_path(args.file, backend=args.backend, narrative=not args.no_narrative)
    if args.json:
        sys.stdout.write(report.model_dump_json(indent=None if args.compact else 2) + "\n")
        return 0
    m = report.meta
    s = report.summary
    print(f"{args.file}: {m.organization or '?'} {m.year or '?'} · format {report.format} · "
          f"checks {s.status.value if s else '?'}")
    if report.applications:
        tot = report.applications.get("new_received", [None] * 7)[6]
        print(f"  表三 本年新收 {tot} · (七)总计 {report.applications.get('total_processed', [None] * 7)[6]}")
    if report.narrative:
        n = report.narrative
        print(f"  problems {len(n.problems)} · measures {len(n.measures)} · channels {len(n.channels)}"
              f" · backend {report.extraction.backend if report.extraction else '?'}")
    return 0
