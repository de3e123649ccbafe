"""What a batch records per report: a compact digest for the summary, or an error."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from service.checks.model import Finding, Status
from service.report import Report
from service.tables.model import Number

ErrorKind = Literal["input", "unsupported", "not_a_report", "internal"]


class FindingDigest(BaseModel):
    """A finding as the summary lists it: unit, rule, verdict and the evidence in one line."""

    rule: str
    status: Status
    category: Literal["report", "parse"] = "report"
    subject: str
    message: str
    evidence: str = ""


class ItemDigest(BaseModel):
    category: str
    text: str


class ChannelDigest(BaseModel):
    channel: str
    kind: str
    posts: int | None = None
    followers: int | None = None


class UnitDigest(BaseModel):
    """The parts of one Report the summary needs (so a summary never re-reads the full JSON)."""

    organization: str | None = None
    year: int | None = None
    report_date: str | None = None
    format: str
    kind: str
    status: Status | None = None
    counts: dict[str, int] = Field(default_factory=dict)
    failed_rules: list[str] = Field(default_factory=list)
    applications: dict[str, list[Number | None]] | None = None
    review_litigation: dict[str, dict[str, Number | None]] | None = None
    active_disclosure: dict[str, Any] | None = None
    active_disclosure_2019: dict[str, Any] | None = None
    findings: list[FindingDigest] = Field(default_factory=list)
    narrative: bool = False
    problems: list[ItemDigest] = Field(default_factory=list)
    measures: list[ItemDigest] = Field(default_factory=list)
    channels: list[ChannelDigest] = Field(default_factory=list)
    processing_fee_collected: bool | None = None
    extraction_backend: str | None = None
    extraction_fallback: bool = False


class Record(BaseModel):
    """One line of results.jsonl: the outcome for one report file."""

    name: str
    path: str
    file_sha256: str | None
    key: str
    status: Literal["ok", "error"]
    error_kind: ErrorKind | None = None
    error: str | None = None
    report: str | None = None  # the per-report JSON, relative to the output folder
    digest: UnitDigest | None = None
    seconds: float = 0.0
    finished: str = ""


def evidence_of(f: Finding, max_cells: int = 8) -> str:
    """'第58行: 行政复议·结果维持=10, …' — the cells behind a finding, by source line (the first few)."""
    by_line: dict[int | None, list[str]] = {}
    for c in f.cells[:max_cells]:
        shown = c.printed if c.printed is not None else ("空" if c.value is None else str(c.value))
        if c.inferred_from:
            shown = f"{'' if c.value is None else c.value}(推定)"
        by_line.setdefault(c.line, []).append(f"{c.row}·{c.column}={shown}")
    parts = [(f"第{line}行: " if line is not None else "") + ", ".join(cells) for line, cells in by_line.items()]
    if not parts and f.lines:
        parts = ["第" + "、".join(str(n) for n in f.lines[:20]) + "行"]
    text = "; ".join(parts)
    if len(f.cells) > max_cells:
        text += f" … 共 {len(f.cells)} 个单元格"
    return text


def digest_of(report: Report) -> UnitDigest:
    """Compact what the summary needs from a Report."""
    findings = [
        FindingDigest(rule=f.rule, status=f.status, category=f.category, subject=f.subject, message=f.message,
                      evidence=evidence_of(f))
        for f in report.findings
        if f.status in (Status.FAIL, Status.WARN, Status.UNCERTAIN)
    ]
    d = UnitDigest(
        organization=report.meta.organization,
        year=report.meta.year,
        report_date=report.meta.report_date,
        format=report.format,
        kind=report.source.kind,
        status=report.summary.status if report.summary else None,
        counts=dict(report.summary.counts) if report.summary else {},
        failed_rules=list(report.summary.failed_rules) if report.summary else [],
        applications=report.applications,
        review_litigation=report.review_litigation,
        active_disclosure=report.active_disclosure,
        active_disclosure_2019=report.active_disclosure_2019,
        findings=findings,
    )
    if report.narrative is not None:
        n = report.narrative
        d.narrative = True
        d.problems = [ItemDigest(category=i.category, text=i.text) for i in n.problems]
        d.measures = [ItemDigest(category=i.category, text=i.text) for i in n.measures]
        d.channels = [ChannelDigest(channel=c.channel, kind=c.kind, posts=c.posts, followers=c.followers)
                      for c in n.channels]
        d.processing_fee_collected = n.processing_fee_collected
    if report.extraction is not None:
        d.extraction_backend = report.extraction.backend
        d.extraction_fallback = report.extraction.fallback
    return d
