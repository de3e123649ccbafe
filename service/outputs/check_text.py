"""The readable verification report printed by ``govreport check``."""

from __future__ import annotations

import re

from service.checks.evidence import short_printed
from service.checks.model import Finding, Status
from service.reading.document import SourceDocument
from service.report import Report

_MARK = {Status.FAIL: "FAIL", Status.UNCERTAIN: "UNCERTAIN", Status.WARN: "WARN", Status.INFO: "INFO", Status.PASS: "PASS"}


def render_check(report: Report, doc: SourceDocument | None = None, show_pass: bool = False, max_lines: int = 3) -> str:
    """Findings table, FAILs first, each with the source lines it rests on."""
    out: list[str] = []
    m = report.meta
    title = f"{m.organization or '(organisation not found)'} {m.year or ''}".strip()
    out.append(f"govreport check — {report.source.path or ''}")
    out.append(f"{title} · format {report.format} · {report.source.kind}, {report.source.encoding}")
    if report.missing_sections:
        out.append(f"missing sections: {', '.join(report.missing_sections)}")
    s = report.summary
    if s:
        counts = ", ".join(f"{k} {v}" for k, v in s.counts.items() if v)
        out.append(f"result: {s.status.value}  ({counts})")
    out.append("")
    shown = [f for f in report.findings if show_pass or f.status is not Status.PASS]
    if not shown:
        out.append("every rule passed.")
    for f in shown:
        out.append(_finding_line(f))
        if f.status is Status.INFO and f.cells:
            for ref in f.cells[:8]:
                how = f" (inferred: {ref.inferred_from})" if ref.inferred_from else ""
                out.append(f"      · {ref.row} · {ref.column} = {ref.value}{how}" + (f"  [line {ref.line}]" if ref.line else ""))
            if len(f.cells) > 8:
                out.append(f"      · … {len(f.cells) - 8} more (see --json)")
        if f.status in (Status.FAIL, Status.UNCERTAIN) or (f.status is Status.WARN and f.lines):
            for ref in f.cells:
                if ref.value is None or ref.inferred_from or f.status is Status.FAIL:
                    val = "?" if ref.value is None else ref.value
                    how = f" (inferred: {ref.inferred_from})" if ref.inferred_from else (f" (printed '{short_printed(ref.printed)}')" if ref.printed not in (None, str(ref.value)) else "")
                    if f.status is Status.FAIL or ref.value is None or ref.inferred_from:
                        out.append(f"      · {ref.row} · {ref.column} = {val}{how}" + (f"  [line {ref.line}]" if ref.line else ""))
            if doc is not None:
                for ln in f.lines[:max_lines]:
                    if 1 <= ln <= doc.line_count:
                        text = " ".join(doc.line_text(ln).split())
                        out.append(f"      {ln:>5} | {text[:110]}")
    if not show_pass and report.summary:
        out.append("")
        out.append(f"{report.summary.counts.get('PASS', 0)} checks passed (use --all to list them).")
    return "\n".join(out)


def display_subject(subject: str) -> str:
    """A finding's subject as a reader says it: '表三 column 自然人' -> '表三 自然人列'."""
    subject = re.sub(r"column (\S+)$", r"\1列", subject)
    subject = subject.replace(" row ", " ").replace("all tables", "全部表格")
    return subject


def _finding_line(f: Finding) -> str:
    tag = _MARK[f.status]
    cat = "" if f.category == "report" else "〔读取〕"
    return f"{tag:<9} {f.rule:<8} {display_subject(f.subject)}：{f.message}{cat}"
