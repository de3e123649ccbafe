"""Deterministic meta fields: the issuing organisation, the report year and the signature date."""

from __future__ import annotations

import re

from service.reading.document import SourceDocument
from service.reading.normalize import fold
from service.report import Meta
from service.sections import SectionMap

_TITLE_RE = re.compile(r"^\s*[#*\s]*(?P<org>[\u4e00-\u9fff（）()·\s]{2,40}?)\s*(?P<year>20\d\d)\s*年度?\s*政府信息公开(?:工作)?年度?报告")
_YEAR_ONLY_RE = re.compile(r"^\s*[#*\s]*(?P<year>20\d\d)\s*年度?\s*政府信息公开(?:工作)?年度?报告")
_DATE_RE = re.compile(r"(20\d\d)\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")


def read_meta(doc: SourceDocument, sections: SectionMap) -> Meta:
    """Organisation and year from the title (one or two lines, or the HTML <title>); date from the signature."""
    meta = Meta()
    head_lines = [ln for ln in doc.text[:3000].split("\n") if ln.strip()][:8]
    candidates = ([doc.title] if doc.title else []) + head_lines
    for i, line in enumerate(candidates):
        f = fold(line)
        m = _TITLE_RE.match(f)
        if m:
            meta.organization = re.sub(r"\s+", "", m.group("org")).strip("*# ") or None
            meta.year = int(m.group("year"))
            break
        m2 = _YEAR_ONLY_RE.match(f)
        if m2 and i > 0:
            prev = re.sub(r"\s+", "", candidates[i - 1]).strip("*# ")
            if 2 <= len(prev) <= 40 and re.fullmatch(r"[\u4e00-\u9fff()（）·]+", prev):
                meta.organization = prev
            meta.year = int(m2.group("year"))
            break
    tail = doc.text[-400:]
    dates = list(_DATE_RE.finditer(fold(tail)))
    if dates:
        y, mo, d = (int(x) for x in dates[-1].groups())
        if 1 <= mo <= 12 and 1 <= d <= 31:
            meta.report_date = f"{y:04d}-{mo:02d}-{d:02d}"
    return meta
