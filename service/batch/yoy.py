"""Year over year per unit: this year's report against the same unit's report of the year before.

Table figures side by side with their change; a figure that grew more than ``jump_up`` times or fell below
``jump_down`` times last year's (where last year's is at least ``jump_min_base``) is flagged as a 同比 jump.
The texts of sections 一, 五 and 六 are compared (character 4-grams, digits removed, Jaccard): a report
whose three sections together, or whose section 五, are at least ``copy_similarity`` like last year's are
flagged as largely copied (section 六 alone is often a stock sentence, shown but not flagged).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from service.batch.crossyear import Entry
from service.batch.figures import t3_cell, t4_total
from service.batch.model import UnitDigest
from service.batch.thresholds import Thresholds
from service.tables.model import Number


@dataclass(slots=True)
class Delta:
    key: str
    label: str
    before: Number | None
    now: Number | None
    ratio: float | None
    jump: bool


@dataclass(slots=True)
class YoyRow:
    name: str
    label: str
    year: int
    previous: str  # the report name of last year's
    deltas: list[Delta] = field(default_factory=list)
    similarity: dict[str, float] = field(default_factory=dict)  # section key → 0..1
    copied: bool = False
    flags: list[str] = field(default_factory=list)


def _t3(key: str) -> Callable[[UnitDigest], Number | None]:
    return lambda d: t3_cell(d, key)


def _t4(groups: Sequence[str]) -> Callable[[UnitDigest], Number | None]:
    return lambda d: t4_total(d, groups)


def _t2(key: str) -> Callable[[UnitDigest], Number | None]:
    def get(d: UnitDigest) -> Number | None:
        v = (d.active_disclosure or {}).get(key)
        return v if isinstance(v, int | float) else None

    return get


FIGURES: list[tuple[str, str, Callable[[UnitDigest], Number | None]]] = [
    ("new_received", "本年新收申请", _t3("new_received")),
    ("total_processed", "办理总计", _t3("total_processed")),
    ("granted", "予以公开", _t3("granted")),
    ("partially_granted", "部分公开", _t3("partially_granted")),
    ("carried_forward", "结转下年度", _t3("carried_forward")),
    ("review", "行政复议", _t4(["review"])),
    ("litigation", "行政诉讼", _t4(["litigation_direct", "litigation_after_review"])),
    ("licensing", "行政许可", _t2("licensing")),
    ("penalty", "行政处罚", _t2("penalty")),
]

#: Sections compared for copying.
TEXT_SECTIONS = {"overview": "一、总体情况", "problems": "五、存在的主要问题及改进情况", "other": "六、其他需要报告的事项"}

#: Section 五 is judged copied only when both years' texts have at least this many characters.
MIN_COPY_CHARS = 100

_DIGITS = re.compile(r"[\d０-９〇一二三四五六七八九十百千万]+[年月日号件条个次项%]?|\s+|[^\w]")


def shingles(text: str, n: int = 4) -> set[str]:
    t = _DIGITS.sub("", text)
    return {t[i : i + n] for i in range(max(0, len(t) - n + 1))}


def similarity(a: str, b: str) -> float:
    """Jaccard similarity of character 4-grams, digits and punctuation removed (0 when either is empty)."""
    sa, sb = shingles(a), shingles(b)
    return len(sa & sb) / len(sa | sb) if sa and sb else 0.0


def section_texts(path: str) -> dict[str, str] | None:
    """Sections 一, 五 and 六 of a report file, or None when it cannot be read again."""
    from service.errors import InputError
    from service.reading import read_document
    from service.sections import find_sections

    try:
        doc = read_document(path)
    except (InputError, OSError):
        return None
    sections = find_sections(doc)
    return {k: sections.text(doc, k) for k in TEXT_SECTIONS}


Texts = Callable[[str], dict[str, str] | None]


def year_over_year(prev: Entry, cur: Entry, t: Thresholds, texts: Texts = section_texts) -> YoyRow:
    """The row of a unit whose report of this year (``cur``) has last year's (``prev``) in the batch: figures
    side by side, and the texts of ``cur.path`` and ``prev.path`` (read by ``texts``) compared."""
    assert cur.year is not None
    row = YoyRow(cur.name, cur.label, cur.year, prev.name)
    for key, label, get in FIGURES:
        b, n = get(prev.digest), get(cur.digest)
        ratio = n / b if b and n is not None else None
        jump = ratio is not None and b is not None and b >= t.jump_min_base and (ratio > t.jump_up or ratio < t.jump_down)
        row.deltas.append(Delta(key, label, b, n, ratio, jump))
        if jump:
            row.flags.append(f"{label} 同比 ×{ratio:.2f}({b} → {n})")
    a, b2 = texts(cur.path), texts(prev.path)
    if a is not None and b2 is not None:
        for key in TEXT_SECTIONS:
            if a.get(key, "").strip() and b2.get(key, "").strip():
                row.similarity[key] = round(similarity(a[key], b2[key]), 3)
        whole = similarity("".join(a.values()), "".join(b2.values()))
        row.similarity["all"] = round(whole, 3)
        # Section 六 is often a stock sentence (无 / the fee rule): only 五 and the three together count.
        long = {k for k in ("problems",) if min(len(a[k]), len(b2[k])) >= MIN_COPY_CHARS} | {"all"}
        copied = [k for k, v in row.similarity.items() if v >= t.copy_similarity and k in long]
        if copied:
            row.copied = True
            row.flags.append("与上年报告高度雷同: " + "、".join(
                f"{TEXT_SECTIONS.get(k, '一、五、六部分合计')} {row.similarity[k]:.0%}" for k in copied))
    return row


def yoy_order(row: YoyRow) -> tuple[bool, str]:
    """Rows with flags first, then by unit."""
    return (not row.flags, row.label)
