"""Where each table is: a line range of the text, or a structured grid of the source format."""

from __future__ import annotations

import re
from dataclasses import dataclass

from service.reading.document import GridTable, SourceDocument
from service.reading.normalize import compact
from service.sections import SectionMap

_T2_HINTS = ("第二十条", "行政许可", "行政处罚", "行政强制", "行政事业性收费", "规范性文件", "本年制发件数", "本年新制作数量")
_T3_HINTS = ("本年新收", "上年结转", "予以公开", "部分公开", "不予公开", "无法提供", "不予处理", "其他处理", "结转下年度", "申请人情况", "国家秘密", "信访举报")
_T4_HINTS = ("行政复议", "行政诉讼", "结果维持", "结果纠正", "尚未审结", "复议后起诉", "直接起诉")


@dataclass(frozen=True, slots=True)
class Region:
    first_line: int
    last_line: int
    grid: GridTable | None = None


def _hits(text: str, hints: tuple[str, ...]) -> int:
    return sum(1 for h in hints if h in text)


def classify_grid(grid: GridTable) -> str | None:
    """Which of t2/t3/t4 a structured table is, or None (e.g. a page's metadata table)."""
    text = compact("".join(c.text for row in grid.rows for c in row))
    scores = {"t2": _hits(text, _T2_HINTS), "t3": _hits(text, _T3_HINTS), "t4": _hits(text, _T4_HINTS)}
    if scores["t3"] >= 3:
        return "t3"
    best = max(scores, key=lambda k: scores[k])
    if scores[best] >= 2:
        return best
    return None


def grid_regions(doc: SourceDocument) -> dict[str, GridTable]:
    """Structured tables by kind; consecutive grids of one kind (a table split over pages) are joined."""
    out: dict[str, GridTable] = {}
    prev_kind: str | None = None
    for grid in doc.tables:
        kind = classify_grid(grid)
        if kind is None and prev_kind == "t3" and _hits(compact("".join(c.text for r in grid.rows for c in r)), _T3_HINTS):
            kind = "t3"
        if kind is None:
            prev_kind = None
            continue
        if kind in out and prev_kind == kind:
            out[kind] = GridTable(rows=out[kind].rows + grid.rows, page=out[kind].page)
        elif kind not in out:
            out[kind] = grid
        prev_kind = kind
    return out


def _find_line(doc: SourceDocument, pattern: re.Pattern[str], start: int = 1, end: int | None = None) -> int | None:
    """First line in [start, end] whose folded text matches (the pattern tolerates spaces inside words)."""
    lo = doc.line_starts[start - 1] if start - 1 < len(doc.line_starts) else len(doc.text)
    hi = doc.line_span(end)[1] if end else len(doc.text)
    m = pattern.search(doc.folded, lo, hi)
    return doc.line_of(m.start()) if m else None


def _anchor(*words: str) -> re.Pattern[str]:
    """Words that may carry stray spaces between their characters (PDF and OCR text)."""
    return re.compile("|".join("[ \t]*".join(map(re.escape, w)) for w in words))


_T2_ANCHOR = _anchor("第二十条", "本年制发件数", "本年新制作数量")
_T3_ANCHOR = _anchor("本年新收", "申请人情况", "勾稽关系", "上年结转")
_T3_END = _anchor("结转下年度")
_T4_ANCHOR = _anchor("行政复议", "行政诉讼", "结果维持")


_DIGIT_RE = re.compile(r"\d")
_VALUES_ONLY_RE = re.compile(r"^[\s|]*(?:[\d.,/\-]+[\s|]*)+$", re.M)
_NUMBER_RE = re.compile(r"\d+")


def _has_value_line(doc: SourceDocument, first: int, last: int) -> bool:
    """Whether the lines [first, last] hold at least three numbers on lines of values only (a table)."""
    lo = doc.line_starts[first - 1]
    hi = doc.line_span(min(last, doc.line_count))[1]
    count = 0
    for m in _VALUES_ONLY_RE.finditer(doc.folded, lo, hi):
        count += len(_NUMBER_RE.findall(m.group()))
        if count >= 3:
            return True
    return False


def text_regions(doc: SourceDocument, sections: SectionMap) -> dict[str, Region]:
    """Line ranges of 表二, 表三 and 表四 in the text: by section, else by anchor rows."""
    regions: dict[str, Region] = {}
    last = doc.line_count

    def sec_range(key: str) -> tuple[int, int] | None:
        s = sections.get(key)
        if not s:
            return None
        end_line = doc.line_of(max(s.end - 1, s.start))
        if s.line + 1 > last:
            return None  # a heading on the last line: nothing under it
        return s.line + 1, min(last, max(s.line + 1, end_line))

    t3_anchor = _find_line(doc, _T3_ANCHOR)
    t3_end = _find_line(doc, _T3_END, t3_anchor) if t3_anchor else None
    r3 = sec_range("applications")
    if r3 and t3_anchor and r3[0] <= t3_anchor <= r3[1]:
        regions["t3"] = Region(*r3)
    elif t3_anchor:
        # Header lines just above the anchor belong to 表三; a line with numbers is the table before it.
        first = t3_anchor
        while first > 1 and t3_anchor - first < 4 and not _DIGIT_RE.search(doc.line_text(first - 1)):
            first -= 1
        regions["t3"] = Region(first, min(last, (t3_end or t3_anchor + 40) + 1))
    elif r3:
        regions["t3"] = Region(*r3)

    r2 = sec_range("active")
    t2_anchor = _find_line(doc, _T2_ANCHOR)
    t3_first = regions["t3"].first_line if "t3" in regions else last + 1
    if r2 and (t2_anchor is None or r2[0] <= t2_anchor <= r2[1]):
        regions["t2"] = Region(r2[0], min(r2[1], t3_first - 1) if t3_first > r2[0] else r2[1])
    elif t2_anchor:
        regions["t2"] = Region(t2_anchor, max(t2_anchor, min(t3_first - 1, t2_anchor + 30)))

    r4 = sec_range("review")
    t3_first = regions["t3"].first_line if "t3" in regions else last + 1
    t3_last = regions["t3"].last_line if "t3" in regions else 0
    if r4 and r4[0] < t3_first <= r4[1]:
        r4 = (r4[0], t3_first - 1)  # 表四 printed before 表三: stop where 表三 begins
    if r4 and not _has_value_line(doc, *r4):
        r4 = None  # the section speaks of review and litigation; the table is elsewhere (an appendix)
    if r4 and (r4[0] > t3_last - 1 or r4[1] < t3_first):
        regions["t4"] = Region(*r4)
    else:
        a4 = _find_line(doc, _T4_ANCHOR, max(1, t3_last))
        if a4:
            regions["t4"] = Region(a4, min(last, a4 + 12))
        elif r4:
            regions["t4"] = Region(*r4)
    # Every range within the document, and not empty.
    return {k: Region(max(1, r.first_line), min(last, r.last_line), r.grid)
            for k, r in regions.items() if max(1, r.first_line) <= min(last, r.last_line)}
