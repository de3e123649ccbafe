"""The report document govreport outputs: gold-format fields plus provenance, findings and versions."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from service.checks.model import Finding, Status
from service.extraction.model import ExtractionInfo, Narrative
from service.tables.format import ReportFormat
from service.tables.model import Number, Tables
from service.versions import PARSER_VERSION, SCHEMA_VERSION


class SourceInfo(BaseModel):
    path: str | None = None
    sha256: str
    kind: str
    encoding: str
    characters: int
    lines: int


class Meta(BaseModel):
    organization: str | None = None
    year: int | None = None
    report_date: str | None = None  # ISO date as printed in the signature, if any


class SectionInfo(BaseModel):
    key: str
    heading: str
    line: int
    span: tuple[int, int]


class Versions(BaseModel):
    schema_version: str = SCHEMA_VERSION
    parser: str = PARSER_VERSION
    prompt_version: str | None = None
    prompt_hash: str | None = None


class CheckSummary(BaseModel):
    status: Status  # FAIL if any report-category FAIL, else UNCERTAIN if any UNCERTAIN or parse problem, else PASS
    counts: dict[str, int]
    failed_rules: list[str] = Field(default_factory=list)


class Report(BaseModel):
    """One analysed report. The keys ``format``, ``meta``, ``active_disclosure``, ``applications``,
    ``review_litigation`` and ``narrative`` follow the gold format; the rest is detail."""

    versions: Versions = Field(default_factory=Versions)
    source: SourceInfo
    format: ReportFormat
    format_evidence: list[str] = Field(default_factory=list)
    meta: Meta = Field(default_factory=Meta)
    active_disclosure: dict[str, Any] | None = None
    active_disclosure_2019: dict[str, Any] | None = None
    applications: dict[str, list[Number | None]] | None = None
    review_litigation: dict[str, dict[str, Number | None]] | None = None
    narrative: Narrative | None = None
    extraction: ExtractionInfo | None = None
    sections: list[SectionInfo] = Field(default_factory=list)
    missing_sections: list[str] = Field(default_factory=list)
    tables: Tables | None = None
    findings: list[Finding] = Field(default_factory=list)
    summary: CheckSummary | None = None
