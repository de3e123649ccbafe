"""The report document govreport outputs: gold-format fields plus provenance, findings and versions.

Slotted keyword-only dataclasses, like the tables and findings they hold: a report is assembled without
validation and without importing pydantic, so a one-file ``govreport parse`` does not pay for it.
``Report.model_dump_json`` writes the document (service/outputs/json_text.py, byte for byte what pydantic
wrote when these were pydantic models); pydantic is used only at the schema edge
(service/outputs/schema.py), and tests round-trip real outputs through it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from service.checks.model import Finding, Status
from service.extraction.model import ExtractionInfo, Narrative
from service.tables.format import ReportFormat
from service.tables.model import Number, Tables
from service.versions import PARSER_VERSION, SCHEMA_VERSION


@dataclass(slots=True, kw_only=True)
class SourceInfo:
    path: str | None = None
    sha256: str
    kind: str
    encoding: str
    characters: int
    lines: int


@dataclass(slots=True, kw_only=True)
class Meta:
    organization: str | None = None
    year: int | None = None
    report_date: str | None = None  # ISO date as printed in the signature, if any


@dataclass(slots=True, kw_only=True)
class SectionInfo:
    key: str
    heading: str
    line: int
    span: tuple[int, int]


@dataclass(slots=True, kw_only=True)
class Versions:
    schema_version: str = SCHEMA_VERSION
    parser: str = PARSER_VERSION
    prompt_version: str | None = None
    prompt_hash: str | None = None


@dataclass(slots=True, kw_only=True)
class CheckSummary:
    status: Status  # FAIL if any report-category FAIL, else UNCERTAIN if any UNCERTAIN or parse problem, else PASS
    counts: dict[str, int]
    failed_rules: list[str] = field(default_factory=list)


@dataclass(slots=True, kw_only=True)
class Report:
    """One analysed report. The keys ``format``, ``meta``, ``active_disclosure``, ``applications``,
    ``review_litigation`` and ``narrative`` follow the gold format; the rest is detail."""

    versions: Versions = field(default_factory=Versions)
    source: SourceInfo
    format: ReportFormat
    format_evidence: list[str] = field(default_factory=list)
    meta: Meta = field(default_factory=Meta)
    active_disclosure: dict[str, Any] | None = None
    active_disclosure_2019: dict[str, Any] | None = None
    applications: dict[str, list[Number | None]] | None = None
    review_litigation: dict[str, dict[str, Number | None]] | None = None
    narrative: Narrative | None = None
    extraction: ExtractionInfo | None = None
    sections: list[SectionInfo] = field(default_factory=list)
    missing_sections: list[str] = field(default_factory=list)
    tables: Tables | None = None
    findings: list[Finding] = field(default_factory=list)
    summary: CheckSummary | None = None

    def model_dump_json(self, *, indent: int | None = None) -> str:
        """The JSON document of ``govreport parse --json`` (``indent=None``: one line, no spaces)."""
        from service.outputs.json_text import json_text

        return json_text(self, indent)
