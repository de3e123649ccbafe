"""The pipeline: reading → sections → tables → checks → extraction → verification → report."""

from __future__ import annotations

import os
from collections.abc import Callable

from service.checks import run_checks, sort_findings, summarize
from service.errors import NotAReportError
from service.meta import read_meta
from service.reading import read_document
from service.reading.document import SourceDocument
from service.report import CheckSummary, Report, SectionInfo, SourceInfo, Versions
from service.sections import find_sections
from service.tables import gold_view_2019, gold_view_2021, parse_tables
from service.tables.layout import T4_COLUMNS, T4_GROUPS
from service.tables.model import Tables
from service.tables.ocr import attach_readings


def analyze_path(path: str | os.PathLike[str], backend: str | None = None, narrative: bool = True) -> Report:
    """Read and analyse one report file. Raises InputError (and subclasses) for unreadable input."""
    return analyze_document(read_document(path), backend=backend, narrative=narrative)


def analyze_document(doc: SourceDocument, backend: str | None = None, narrative: bool = True,
                     correct: Callable[[Tables], None] | None = None) -> Report:
    """Analyse a read document. ``narrative=False`` skips free-text extraction (tables and checks only).
    ``correct`` may change cell values of the parsed tables (a reviewer's corrections) before the checks run."""
    sections = find_sections(doc)
    parsed = parse_tables(doc, sections)
    if parsed.format == "not_annual_report":
        raise NotAReportError(
            "不是政府信息公开工作年度报告(" + "; ".join(parsed.format_evidence) + ")",
            doc.path,
        )
    tables = parsed.tables
    attach_readings(doc, tables)
    if correct is not None:
        correct(tables)
    meta = read_meta(doc, sections)
    report = Report(
        source=SourceInfo(path=doc.path, sha256=doc.sha256, kind=doc.kind, encoding=doc.encoding,
                          characters=len(doc.text), lines=doc.line_count),
        format=parsed.format,
        format_evidence=parsed.format_evidence,
        meta=meta,
        sections=[SectionInfo(key=s.key, heading=s.heading, line=s.line, span=(s.start, s.end)) for s in sections.sections],
        missing_sections=sections.missing,
        tables=tables,
    )
    if parsed.format == "2019":
        report.active_disclosure_2019 = gold_view_2019(tables.table2)
    else:
        report.active_disclosure = gold_view_2021(tables.table2)
    report.applications = {key: row.values for key, row in tables.table3.rows.items()}
    report.review_litigation = {
        g: dict(zip(T4_COLUMNS, tables.table4.rows[g].values, strict=True)) for g in T4_GROUPS
    }
    findings = run_checks(doc, sections, tables, parsed.format)
    if narrative:
        from service.extraction import extract_narrative
        from service.verification import c9_findings, verify_narrative

        result = verify_narrative(doc, sections, extract_narrative(doc, sections, backend=backend))
        report.narrative = result.narrative
        report.extraction = result.info
        report.versions = _versions(result.info.prompt_version, result.info.prompt_hash)
        for field in ("organization", "year", "report_date"):
            if getattr(report.meta, field) is None and getattr(result.meta, field) is not None:
                setattr(report.meta, field, getattr(result.meta, field))
        findings += c9_findings(doc, sections, tables, result.narrative)
    report.findings = sort_findings(findings)
    status, counts, failed = summarize(report.findings)
    report.summary = CheckSummary(status=status, counts=counts, failed_rules=failed)
    return report


def _versions(prompt_version: str | None, prompt_hash: str | None) -> Versions:
    """Schema and parser versions, and the prompt in force (even when the rules backend ran, so
    every output says which extraction contract it belongs to)."""
    if prompt_hash is None:
        from service.errors import ConfigError
        from service.extraction.prompt import load_prompt

        try:
            prompt = load_prompt()
            prompt_version, prompt_hash = prompt.version, prompt.hash
        except ConfigError:
            pass
    return Versions(prompt_version=prompt_version, prompt_hash=prompt_hash)
