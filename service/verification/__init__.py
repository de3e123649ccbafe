"""Verification: nothing an extractor returns is shown as fact unless the source supports it.

Problems and measures are aligned to a span of section 五 (exact, then fuzzy) and take the source's
own text; channel numbers must stand near their channel's name; stated figures must occur in the
text. What fails is dropped and counted in ``info.dropped``. Text carrying planted instructions is
never a source. ``c9_findings`` compares the text's figures with the tables.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from typing import Any

from service.extraction.base import ExtractionResult, MetaHint
from service.extraction.model import Alignment as AlignmentKind
from service.extraction.model import Item, Narrative
from service.extraction.rules import figures
from service.extraction.rules.categories import category_keys
from service.extraction.rules.parts import problems_region
from service.extraction.view import TextView, build_view
from service.reading.document import SourceDocument
from service.reading.normalize import fold
from service.sections import SectionMap
from service.verification.alignment import Aligner, Alignment
from service.verification.c9 import c9_findings
from service.verification.channels import verify_channels
from service.verification.injection import instruction_spans, overlaps

__all__ = ["c9_findings", "verify_narrative"]


def verify_narrative(doc: SourceDocument, sections: SectionMap, result: ExtractionResult) -> ExtractionResult:
    """Check every item, channel and figure against the source; return the verified result."""
    narrative = result.narrative
    dropped: Counter[str] = Counter(result.info.dropped)
    out: dict[str, Any] = {}  # the verified Narrative's fields

    sec = problems_region(doc, sections)
    view5 = build_view(doc, *sec) if sec else build_view(doc)
    forbidden5 = instruction_spans(view5.folded)
    aligner = Aligner(view5)
    keys = category_keys()
    for key in ("problems", "measures"):
        kept: list[Item] = []
        spans: set[tuple[int, int]] = set()
        for item in getattr(narrative, key):
            al = aligner.align(item.text, forbidden5)
            if al is None and forbidden5:
                # An item that runs into a planted instruction keeps only its own text.
                al = _outside(view5, aligner.align(item.text), forbidden5)
            if al is None:
                dropped[key] += 1
                continue
            span = view5.span(al.start, al.end)
            if span in spans:
                dropped[key + "_duplicate"] += 1
                continue
            spans.add(span)
            kept.append(
                Item(
                    text=view5.text[al.start : al.end].replace("\n", "").strip(),
                    category=item.category if item.category in keys else "other",
                    span=span,
                    alignment=AlignmentKind.EXACT if al.exact else AlignmentKind.FUZZY,
                    similarity=round(al.similarity, 3),
                )
            )
        out[key] = kept

    ov = sections.get("overview")
    other = sections.get("other")
    first = min((s.start for s in sections.sections), default=len(doc.text))
    front = build_view(doc, 0, ov.end if ov else (first if first > 0 else len(doc.text)))
    oview = build_view(doc, ov.body_start, ov.end) if ov else front
    tview = build_view(doc, other.body_start, other.end) if other else None
    sources = [(v, instruction_spans(v.folded)) for v in (front, tview) if v is not None]
    out["channels"] = verify_channels(sources, narrative.channels, dropped)
    oforbidden = instruction_spans(oview.folded)
    out["disclosure_total"] = _verify_figure(
        oview, oforbidden, narrative.disclosure_total, figures.disclosure_total(oview.folded), r"\s*(?:余|多)?\s*(?:条|篇)", dropped,
        about=r"公开|发布|推送",
    )
    out["applications_received"] = _verify_figure(
        oview, oforbidden, narrative.applications_received, figures.applications_received(oview.folded),
        r"\s*(?:件|条|个|宗|份|次)", dropped, about=r"申请",
    )
    fee_text = tview.folded if tview else front.folded
    rules_fee = figures.fee_collected(fee_text)
    fee = narrative.processing_fee_collected
    if rules_fee is not None and fee is not None and fee != rules_fee:
        dropped["processing_fee"] += 1
    out["processing_fee_collected"] = rules_fee if rules_fee is not None else (fee if "费" in fee_text else None)

    src = result.info  # a copy with the drops recorded (usage copied too: nothing is shared)
    info = replace(src, usage=replace(src.usage), dropped={k: v for k, v in sorted(dropped.items()) if v})
    meta = result.meta
    if meta.organization or meta.year or meta.report_date:
        meta = _verify_meta(build_view(doc), meta)
    return ExtractionResult(narrative=Narrative(**out), info=info, meta=meta)


_ITEM_EDGE = "。；;，,、：: \n"


def _outside(view: TextView, al: Alignment | None, forbidden: list[tuple[int, int]]) -> Alignment | None:
    """The longest stretch of an alignment outside the instruction spans (at least 6 characters), if any."""
    if al is None:
        return None
    pieces: list[tuple[int, int]] = []
    a = al.start
    for x, y in sorted(forbidden):
        if y <= a or x >= al.end:
            continue
        pieces.append((a, max(a, x)))
        a = max(a, y)
    pieces.append((a, al.end))
    best: tuple[int, int] | None = None
    for x, y in pieces:
        while x < y and view.folded[x] in _ITEM_EDGE:
            x += 1
        while y > x and view.folded[y - 1] in _ITEM_EDGE:
            y -= 1
        if y - x >= 6 and (best is None or y - x > best[1] - best[0]):
            best = (x, y)
    if best is None:
        return None
    return Alignment(best[0], best[1], al.similarity * (best[1] - best[0]) / max(1, al.end - al.start), False)


def _verify_figure(
    view: TextView, forbidden: list[tuple[int, int]], value: int | None, rules_value: int | None, unit: str,
    dropped: Counter[str], about: str,
) -> int | None:
    """Keep a stated figure only if the deterministic reading agrees or it stands in the text with its unit,
    in a clause that speaks of it (``about``): "132条" of the disclosure total is no count of applications."""
    if value is None or value == rules_value:
        return value
    text = view.folded
    for m in re.finditer(r"(?<![\d.])" + str(value) + r"(?![\d.])" + unit, text):
        a = max(text.rfind(c, 0, m.start()) for c in "。；;\n") + 1
        ends = [e for e in (text.find(c, m.end()) for c in "。；;\n") if e != -1]
        if not overlaps(forbidden, m.start(), m.end()) and re.search(about, text[a : min(ends, default=len(text))]):
            return value
    dropped["figures"] += 1
    return None


def _verify_meta(view: TextView, meta: MetaHint) -> MetaHint:
    """Meta hints must occur in the text (organisation verbatim, year as a year)."""
    out = MetaHint()
    norm = re.sub(r"\s", "", view.folded)
    if meta.organization and re.sub(r"\s", "", fold(meta.organization)) in norm:
        out.organization = meta.organization
    if meta.year and re.search(rf"{meta.year}\s*年", view.folded):
        out.year = meta.year
    date = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", meta.report_date or "")
    if date:
        y, mo, d = (int(x) for x in date.groups())
        if re.search(rf"{y}\s*年\s*0?{mo}\s*月\s*0?{d}\s*日", view.folded):
            out.report_date = meta.report_date
    return out
