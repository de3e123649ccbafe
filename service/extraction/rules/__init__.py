"""The offline rules backend: deterministic extraction of the narrative from the free text."""

from __future__ import annotations

from typing import Any

from service.extraction.base import ExtractionResult, MetaHint
from service.extraction.model import Alignment, ExtractionInfo, Item, Narrative
from service.extraction.rules.categories import categorize
from service.extraction.rules.channels import find_channels
from service.extraction.rules.figures import applications_received, disclosure_total, fee_collected
from service.extraction.rules.measures import measure_ranges
from service.extraction.rules.parts import problems_region, split_parts
from service.extraction.rules.problems import problem_ranges
from service.extraction.view import TextView, build_view
from service.reading.document import SourceDocument
from service.sections import SectionMap

__all__ = ["RulesExtractor", "extract_rules"]


def _items(view: TextView, ranges: list[tuple[int, int]]) -> list[Item]:
    out = []
    for a, b in ranges:
        text = view.text[a:b].replace("\n", "").strip()
        if not text:
            continue
        out.append(Item(text=text, category=categorize(view.folded[a:b]), span=view.span(a, b),
                        alignment=Alignment.EXACT, similarity=1.0))
    return out


def _region(doc: SourceDocument, sections: SectionMap, key: str) -> tuple[int, int] | None:
    s = sections.get(key)
    return (s.body_start, s.end) if s else None


def extract_rules(doc: SourceDocument, sections: SectionMap) -> ExtractionResult:
    """Problems, measures, channel statistics and stated figures by pattern, with spans."""
    found: dict[str, Any] = {}  # the Narrative's fields, set at once
    problems = problems_region(doc, sections)
    if problems:
        view = build_view(doc, *problems)
        # A page run together: no section found, or line starts found with no line break (doc.breaks).
        glued = not sections.sections or doc.runs_on(*problems)
        parts = split_parts(view.folded, glued=glued)
        found["problems"] = _items(view, problem_ranges(view.folded, *parts.problems, parts.problems_headed))
        found["measures"] = _items(view, measure_ranges(view.folded, *parts.measures))
    overview = _region(doc, sections, "overview")
    if overview is None:
        first = min((s.start for s in sections.sections), default=len(doc.text))
        overview = (0, first if first > 0 else min(len(doc.text), 4000))
    oview = build_view(doc, *overview)
    found["disclosure_total"] = disclosure_total(oview.folded)
    found["applications_received"] = applications_received(oview.folded)
    channels = find_channels(oview)
    other = _region(doc, sections, "other")
    if other:
        tview = build_view(doc, *other)
        found["processing_fee_collected"] = fee_collected(tview.folded)
        known = {(c.kind, c.posts) for c in channels}
        channels += [c for c in find_channels(tview) if (c.kind, c.posts) not in known]
    found["channels"] = channels
    return ExtractionResult(narrative=Narrative(**found), info=ExtractionInfo(backend="rules"), meta=MetaHint())


class RulesExtractor:
    """The ``rules`` backend as an :class:`~service.extraction.base.Extractor`."""

    name = "rules"

    def extract(self, doc: SourceDocument, sections: SectionMap) -> ExtractionResult:
        return extract_rules(doc, sections)
