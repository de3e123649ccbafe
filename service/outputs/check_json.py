"""``govreport check --json``: the verdict and every finding, stable English keys plus Chinese names."""

from __future__ import annotations

from dataclasses import dataclass, field

from service.checks.model import CellRef, Finding, Status
from service.outputs.json_text import json_text
from service.outputs.labels import RULE_NAMES, STATUS_NAMES
from service.report import Report
from service.versions import PARSER_VERSION, SCHEMA_VERSION


@dataclass(slots=True, kw_only=True)
class CheckedFinding:
    """A finding with its rule's and status's Chinese names beside the stable codes."""

    rule: str
    rule_name: str
    status: Status
    status_name: str
    category: str
    subject: str
    message: str
    expected: float | int | None = None
    actual: float | int | None = None
    cells: list[CellRef] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)


@dataclass(slots=True, kw_only=True)
class CheckResult:
    """One report's verification: ``locate`` holds the actionable LOCATE findings (also in ``findings``)."""

    schema_version: str = SCHEMA_VERSION
    parser: str = PARSER_VERSION
    path: str | None
    sha256: str
    organization: str | None
    year: int | None
    format: str
    status: Status | None
    status_name: str | None
    counts: dict[str, int]
    failed_rules: list[str]
    missing_sections: list[str]
    locate: list[CheckedFinding]
    findings: list[CheckedFinding]


def checked(f: Finding) -> CheckedFinding:
    return CheckedFinding(rule=f.rule, rule_name=RULE_NAMES.get(f.rule, f.rule), status=f.status,
                          status_name=STATUS_NAMES[f.status], category=f.category, subject=f.subject,
                          message=f.message, expected=f.expected, actual=f.actual, cells=f.cells, lines=f.lines)


def check_result(report: Report) -> CheckResult:
    s = report.summary
    findings = [checked(f) for f in report.findings]
    return CheckResult(
        path=report.source.path, sha256=report.source.sha256, organization=report.meta.organization,
        year=report.meta.year, format=report.format, status=s.status if s else None,
        status_name=STATUS_NAMES[s.status] if s else None, counts=dict(s.counts) if s else {},
        failed_rules=list(s.failed_rules) if s else [], missing_sections=list(report.missing_sections),
        locate=[f for f in findings if f.rule == "LOCATE"], findings=findings,
    )


def check_json(report: Report) -> str:
    return json_text(check_result(report), 2) + "\n"
