"""The contract every narrative extractor (rules, llm) fulfils."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from service.extraction.model import ExtractionInfo, Narrative
from service.reading.document import SourceDocument
from service.sections import SectionMap


@dataclass
class MetaHint:
    """Meta fields an extractor may find in the free text (the deterministic meta reader runs first)."""

    organization: str | None = None
    year: int | None = None
    report_date: str | None = None


@dataclass
class ExtractionResult:
    narrative: Narrative
    info: ExtractionInfo
    meta: MetaHint = field(default_factory=MetaHint)


class Extractor(Protocol):
    """Reads the free-text sections of one report. Never sees or returns table numbers."""

    name: str

    def extract(self, doc: SourceDocument, sections: SectionMap) -> ExtractionResult: ...
