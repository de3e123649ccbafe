"""What a batch records per report: a compact digest for the summary, or an error.

Slotted keyword-only dataclasses, like the report itself: a batch holds one record per report, and as
pydantic models they took twice the memory (15 KiB a record against 7.7 KiB, for 3.7 KiB of JSON).
``Record.model_dump_json`` writes a results.jsonl line (the bytes pydantic wrote, service/outputs/json_text.py);
``Record.model_validate_json`` reads one back through pydantic, which validates it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any, Literal

from service.checks.model import Finding, Status
from service.outputs.json_text import json_text
from service.report import Report
from service.tables.model import Number

if TYPE_CHECKING:
    from pydantic import TypeAdapter

ErrorKind = Literal["input", "unsupported", "not_a_report", "internal"]


@dataclass(slots=True, kw_only=True)
class FindingDigest:
    """A finding as the summary lists it: unit, rule, verdict and the evidence in one line."""

    rule: str
    status: Status
    category: Literal["report", "parse"] = "report"
    subject: str
    message: str
    evidence: str = ""


@dataclass(slots=True, kw_only=True)
class ItemDigest:
    category: str
    text: str


@dataclass(slots=True, kw_only=True)
class ChannelDigest:
    channel: str
    kind: str
    posts: int | None = None
    followers: int | None = None


@dataclass(slots=True, kw_only=True)
class UnitDigest:
    """The parts of one Report the summary needs (so a summary never re-reads the full JSON)."""

    organization: str | None = None
    year: int | None = None
    report_date: str | None = None
    format: str
    kind: str
    status: Status | None = None
    counts: dict[str, int] = field(default_factory=dict)
    failed_rules: list[str] = field(default_factory=list)
    applications: dict[str, list[Number | None]] | None = None
    review_litigation: dict[str, dict[str, Number | None]] | None = None
    active_disclosure: dict[str, Any] | None = None
    active_disclosure_2019: dict[str, Any] | None = None
    findings: list[FindingDigest] = field(default_factory=list)
    narrative: bool = False
    problems: list[ItemDigest] = field(default_factory=list)
    measures: list[ItemDigest] = field(default_factory=list)
    channels: list[ChannelDigest] = field(default_factory=list)
    processing_fee_collected: bool | None = None
    extraction_backend: str | None = None
    extraction_fallback: bool = False


@dataclass(slots=True, kw_only=True)
class Record:
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

    def model_dump_json(self) -> str:
        """The record as one line of results.jsonl."""
        return json_text(self)

    @staticmethod
    def model_validate_json(line: str | bytes) -> Record:
        """A results.jsonl line, validated (raises pydantic's ValidationError when it is not a record)."""
        return _record_adapter().validate_json(line)


@cache
def _record_adapter() -> TypeAdapter[Record]:
    from pydantic import TypeAdapter

    return TypeAdapter(Record)


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
