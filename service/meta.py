"""Deterministic meta fields: the issuing organisation, the report year and the signature date.

Organisation: the title (one line, two lines, or the HTML <title>), else the signature line above
the closing date, else the preamble (现发布《X 2024年…报告》, 全文包括X政府信息公开…, 请与X办公室联系).
Year: the title, else the statistics period (统计期限为2024年1月1日至…), else 20XX年度政府信息公开.
Date: a date standing on its own line among the last lines (the signature).
"""

from __future__ import annotations

import re

from service.reading.document import SourceDocument
from service.reading.normalize import fold
from service.report import Meta
from service.sections import SectionMap

_TITLE_RE = re.compile(r"^\s*[#*\s]*(?P<org>[\u4e00-\u9fff()（）·\s]{2,40}?)\s*(?P<year>20\d\d)\s*年度?\s*政府信息公开(?:工作)?年度?报告")
_YEAR_ONLY_RE = re.compile(r"^\s*[#*\s]*(?P<year>20\d\d)\s*年度?\s*政府信息公开(?:工作)?年度?报告")
_DATE_LINE_RE = re.compile(r"^\s*(?:日期[:：]?\s*)?(20\d\d)\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*$")
_ORG_LINE_RE = re.compile(r"^[\u4e00-\u9fff()（）·]{2,40}$")
_ORG_SUFFIX_RE = re.compile(
    r"(?:局|委|办|院|府|政府|会|中心|镇|乡|街道|办事处|所|处|室|厅|部|站|馆|队|署|公司|委员会|管委会|集团|社|区|县|市)$"
)
_PREAMBLE_RES = (
    re.compile(r"(?:现发布|现向社会公布|现予公布|特发布)\s*<?(?P<org>[\u4e00-\u9fff()·\s]{2,40}?)\s*20\d\d\s*年"),
    re.compile(r"全文包括(?P<org>[\u4e00-\u9fff()·]{2,40}?)(?:20\d\d\s*年度?)?政府信息公开"),
    re.compile(r"请(?:与|联系)(?P<org>[\u4e00-\u9fff()·]{2,40}?)(?:综合)?(?:办公室|办)(?:联系)?"),
)
_PERIOD_RE = re.compile(
    r"统计(?:期限|时限|时间|期间|区间|范围|数据|日期)?[^。\n]{0,16}?(?P<year>20\d\d)\s*年\s*1\s*月\s*1\s*日"
)
_YEAR_MENTION_RE = re.compile(r"(?P<year>20\d\d)\s*年度?\s*政府信息公开(?:工作)?年度?报告")


def _clean(org: str) -> str | None:
    org = re.sub(r"\s+", "", org).strip("*#<> ")
    return org or None


def _folded(doc: SourceDocument) -> str:
    """``fold(doc.text)``: the document's own folded copy (same offsets, computed at read time)."""
    return doc.folded if len(doc.folded) == len(doc.text) else fold(doc.text)


def _from_title(doc: SourceDocument, meta: Meta, folded: str) -> None:
    # The first 8 non-blank lines, with their folded copies (fold keeps "\n" and maps nothing to it).
    head_lines: list[str] = []
    head_folded: list[str] = []
    for line, fline in zip(doc.text[:3000].split("\n"), folded[:3000].split("\n"), strict=True):
        if line.strip():
            head_lines.append(line)
            head_folded.append(fline)
            if len(head_lines) == 8:
                break
    candidates = ([doc.title] if doc.title else []) + head_lines
    folded_candidates = ([fold(doc.title)] if doc.title else []) + head_folded
    for i, f in enumerate(folded_candidates):
        m = _TITLE_RE.match(f)
        if m:
            meta.organization = _clean(m.group("org"))
            meta.year = int(m.group("year"))
            return
        m2 = _YEAR_ONLY_RE.match(f)
        if m2 and i > 0:
            prev = re.sub(r"\s+", "", candidates[i - 1]).strip("*# ")
            if 2 <= len(prev) <= 40 and re.fullmatch(r"[\u4e00-\u9fff()（）·]+", prev):
                meta.organization = prev
            meta.year = int(m2.group("year"))
            return


def _signature(folded: str) -> tuple[str | None, str | None]:
    """(organisation, ISO date) from the last lines: a date on its own line, the unit's name above it.

    Works on the folded text: fold maps blanks to blanks only, so stripping commutes with folding.
    """
    lines = [ln.strip() for ln in folded[-600:].split("\n") if ln.strip()][-5:]
    for i in range(len(lines) - 1, -1, -1):
        m = _DATE_LINE_RE.match(lines[i])
        if not m:
            continue
        y, mo, d = (int(x) for x in m.groups())
        date = f"{y:04d}-{mo:02d}-{d:02d}" if 1 <= mo <= 12 and 1 <= d <= 31 else None
        org = None
        if i > 0:
            prev = re.sub(r"\s+", "", lines[i - 1])
            if _ORG_LINE_RE.match(prev) and _ORG_SUFFIX_RE.search(prev):
                org = prev
        return org, date
    return None, None


def read_meta(doc: SourceDocument, sections: SectionMap) -> Meta:
    """Organisation, year and signature date, each from the most reliable place that states it."""
    meta = Meta()
    folded = _folded(doc)
    _from_title(doc, meta, folded)
    sig_org, meta.report_date = _signature(folded)
    if meta.organization is None and sig_org:
        meta.organization = sig_org
    first = min((s.start for s in sections.sections), default=min(len(doc.text), 3000))
    preamble = folded[: max(first, 200)]
    if meta.organization is None:
        for pat in _PREAMBLE_RES:
            m = pat.search(preamble)
            if m and (org := _clean(m.group("org"))) and _ORG_SUFFIX_RE.search(org):
                meta.organization = org
                break
    if meta.year is None:
        m = _PERIOD_RE.search(preamble) or _PERIOD_RE.search(folded[:6000])
        m = m or _YEAR_MENTION_RE.search(preamble)
        if m:
            meta.year = int(m.group("year"))
    return meta
