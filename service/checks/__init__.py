"""Checks: every consistency rule of DOMAIN.md that one report can be held to, with evidence."""

from __future__ import annotations

from service.checks.locate import locate_all
from service.checks.model import CellRef, Finding, Status, finding
from service.checks.ocr import reading_doubts, unchecked_doubts
from service.checks.problems_section import check_s5
from service.checks.relations import check_c1, check_c3, check_c4, check_c5
from service.checks.values import check_c8, check_c10, conflict_findings, reading_findings
from service.reading.document import SourceDocument
from service.sections import SECTION_NAMES, SectionMap
from service.tables.model import Tables

__all__ = ["CellRef", "Finding", "Status", "run_checks", "summarize"]


def run_checks(doc: SourceDocument, sections: SectionMap, tables: Tables, fmt: str) -> list[Finding]:
    """All single-report rules. C9 (text vs tables) needs the narrative and runs in verification."""
    findings: list[Finding] = []
    if fmt == "2019":
        findings.append(finding(rule="FORMAT", name="national format", status=Status.WARN, subject="report",
                                message="表格采用 2019 年格式（国办公开办函〔2019〕60号），而非现行的 2021 年格式（国办公开办函〔2021〕30号）"))
    for key in sections.missing:
        findings.append(finding(rule="SECTIONS", name="six sections present", status=Status.WARN, subject="report",
                                message=f"未找到章节：{SECTION_NAMES[key]}"))
    findings += check_c1(tables.table3)
    findings += check_c3(tables.table3)
    findings += check_c4(tables.table3)
    findings += check_c5(tables.table4)
    findings += check_c8(tables)
    findings += check_c10(doc, sections, tables.table3)
    findings += check_s5(doc, sections)
    findings += conflict_findings(tables)
    if any(f.status is _FAIL and f.rule in ("C1", "C3", "C4", "C5") for f in findings):
        findings += locate_all(tables.table3, tables.table4)
    findings += reading_findings(tables)
    findings += [finding(rule="READ", name="reading note", category="parse", status=Status.INFO, subject="文件",
                         message=w) for w in doc.warnings]
    return reading_doubts(findings) + unchecked_doubts(tables.table2)


# Enum members and values looked up once: on Python 3.11 an Enum class's attribute costs ten times a
# global name, a member's ``.value`` twenty times.
_FAIL, _UNCERTAIN = Status.FAIL, Status.UNCERTAIN
_ORDER = {Status.FAIL: 0, Status.UNCERTAIN: 1, Status.WARN: 2, Status.INFO: 3, Status.PASS: 4}
_VALUES = {s: s.value for s in Status}


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """FAILs first, then UNCERTAIN, WARN, INFO, PASS; stable within a status."""
    return sorted(findings, key=lambda f: _ORDER[f.status])


def summarize(findings: list[Finding]) -> tuple[Status, dict[str, int], list[str]]:
    counts: dict[str, int] = dict.fromkeys(_VALUES.values(), 0)
    for f in findings:
        counts[_VALUES[f.status]] += 1
    failed = sorted({f.rule for f in findings if f.status is _FAIL and f.category == "report"})
    if failed:
        status = Status.FAIL
    elif counts[_VALUES[_UNCERTAIN]]:
        status = Status.UNCERTAIN
    else:
        status = Status.PASS
    return status, counts, failed
