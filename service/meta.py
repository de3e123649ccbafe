"""Deterministic meta fields: the issuing organisation, the report year and the signature date.

Organisation, most reliable first: the title in the body (one to three lines, after any page chrome,
in any of the usual word orders), the HTML <title>'s report part, the signature line above the
closing date, the preamble (现将/现发布《X 2024年…报告》, 全文包括X…, 请与X办公室联系), a 发布机构
metadata line, and last the site name in the HTML <title> (…_X人民政府, … - X门户网站).
Year: the title, else the statistics period, else 20XX年度政府信息公开…报告 in the preamble, else the
year the overview talks about most, else the year before the signature date.
Date: a date standing on its own line (or after the unit's name) among the last lines: the signature.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter

from service.lazy_re import lazy_compile
from service.reading.document import SourceDocument
from service.reading.normalize import fold
from service.report import Meta
from service.sections import SectionMap

_ORG_CHARS = r"[\u4e00-\u9fff()·]"
_CORE = r"政(?:府信息|务)公开(?:工作)?(?:年度)?(?:工作)?(?:情况)?(?:的)?(?:报告|年报)"
# Over a compacted title (no blanks, no markdown, no book-title marks), matched whole.
_TITLE_RE = lazy_compile(
    rf"(?:关于)?(?:(?P<y1>20\d\d)年度?)?(?P<org>{_ORG_CHARS}{{2,40}}?)?(?:关于)?"
    rf"(?:(?P<y2>20\d\d)年度?)?(?:关于)?{_CORE}"
    r"(?:\((?:(?P<y3>20\d\d)年度?|[\u4e00-\u9fff]{1,6})\)|(?P<y4>20\d\d)年度?)?"
)
_YEAR_LINE_RE = lazy_compile(r"\(?(20\d\d)年度?\)?")
_COMPACT_RE = lazy_compile(r"[\s*#<>\"'`]+")
_TRAIL_RE = lazy_compile(r"[。:;,.]+$")
_ORG_LINE_RE = lazy_compile(rf"{_ORG_CHARS}{{2,40}}")
_ORG_SUFFIX_RE = lazy_compile(
    r"(?:局|委|办|院|府|会|中心|镇|乡|街道|办事处|所|处|室|厅|部|站|馆|队|署|公司|社|区|县|市|省|州|盟|旗|校|台|关|行)$"
)
# A line that only names a place (沙坡头区, 中卫市): the first part of an organisation split over lines.
_PLACE_RE = lazy_compile(r"(?:省|市|县|区|州|盟|旗|镇|乡)$")
_NOT_ORG_RE = lazy_compile(r"^(?:本|我|该|各|全|现|根据)|网站|门户|首页|报告|年报|栏目|专栏|位置|欢迎|版权|主办|承办|信息公开")
_SITE_SUFFIX_RE = lazy_compile(r"(?:门户网站|官方网站|网站|官网|门户|政务网|(?<=府)网)$")
_HTML_SPLIT_RE = lazy_compile(r"[_|\-]+")
# A crawled page's buttons and links after the text: 【打印本页】【关闭窗口】.
_BUTTONS_RE = lazy_compile(r"\([\u4e00-\u9fff]{2,8}\)")  # over folded text: 【打印本页】 folds to (打印本页)
# A crawled page's field label before its value: "标题：", "发布时间：", "来源：".
_FIELD_RE = lazy_compile(r"(?:^|(?<=\s))(?:标题|题目|名称|发布时间|发布日期|成文日期|来源|信息来源|索引号|文号|发文字号|浏览次数|字号)[:：]")
_PUBLISHER_RE = lazy_compile(r"发布机构\s*[:：]\s*([\u4e00-\u9fff()·]{2,40})")

_ARABIC_DATE = r"(?P<y>20\d\d)(?:年|[-./])(?P<m>\d{1,2})(?:月|[-./])(?P<d>\d{1,2})日?"
_CN_DATE = (r"(?P<cy>[〇○零O0一二三四五六七八九]{4})年(?P<cm>[元正一二三四五六七八九十]{1,3})月"
            r"(?P<cd>[一二三四五六七八九十廿卅]{1,3})日")
# Over a compacted line: [unit] [日期:] (date).
_DATE_LINE_RE = lazy_compile(
    rf"(?P<org>{_ORG_CHARS}{{2,40}}?)?(?:(?:落款)?(?:日期|时间):)?\(?(?:{_ARABIC_DATE}|{_CN_DATE})\)?"
)
_CN_DIGIT = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"○": 0, "零": 0, "O": 0, "0": 0}

_PREAMBLE_RES = (
    lazy_compile(
        r"(?:现将|现发布|现向社会公布|现予以?公布|现公布|特发布|特此发布)\s*<?(?P<org>[\u4e00-\u9fff()·\s]{2,40}?)"
        r"\s*(?:20\d\d\s*年度?\s*)?(?:关于)?政(?:府信息|务)公开"
    ),
    lazy_compile(r"全文包括(?P<org>[\u4e00-\u9fff()·]{2,40}?)(?:20\d\d\s*年度?)?政府信息公开"),
    lazy_compile(r"请(?:与|联系)(?P<org>[\u4e00-\u9fff()·]{2,40}?)(?:综合)?(?:办公室|办)(?:联系)?"),
)
_PERIOD_RE = lazy_compile(
    r"统计(?:期限|时限|时间|期间|区间|范围|数据|日期)?[^。\n]{0,16}?(?P<year>20\d\d)\s*年\s*1\s*月\s*1\s*日"
)
_RANGE_RE = lazy_compile(
    r"(?P<year>20\d\d)\s*年\s*1\s*月\s*1\s*日\s*起?\s*(?:至|到|-|~)\s*(?:(?P=year)\s*年\s*)?12\s*月\s*31\s*日"
)
_YEAR_MENTION_RE = lazy_compile(r"(?P<year>20\d\d)\s*年度?\s*政府信息公开(?:工作)?年度?报告")
_YEAR_RE = lazy_compile(r"(20\d\d)\s*年")


def _clean(org: str) -> str | None:
    org = re.sub(r"\s+", "", org).strip("*#<> ")
    return org or None


def _compact(line: str) -> str:
    """A folded line without blanks, markdown marks, quotes or trailing punctuation."""
    return _TRAIL_RE.sub("", _COMPACT_RE.sub("", line))


def _plausible(org: str | None) -> bool:
    """Not page chrome or a sentence fragment (本机关, 门户网站, 政府信息公开…)."""
    return bool(org) and _NOT_ORG_RE.search(org or "") is None


def _valid_org(org: str | None) -> bool:
    """Plausible and ending like a unit's name (局, 委员会, 人民政府, 镇 …)."""
    return _plausible(org) and _ORG_SUFFIX_RE.search(org or "") is not None


def _folded(doc: SourceDocument) -> str:
    """``fold(doc.text)``: the document's own folded copy (same offsets, computed at read time)."""
    return doc.folded if len(doc.folded) == len(doc.text) else fold(doc.text)


def _title_match(text: str) -> tuple[str | None, int | None] | None:
    """(organisation, year) if ``text`` (compacted) is a whole report title, else None."""
    m = _TITLE_RE.fullmatch(text)
    if not m:
        return None
    org = m.group("org")
    if org:
        org = re.sub(r"^关于|关于$", "", org)
        if not _plausible(org) or len(org) < 2:
            return None
    year = m.group("y1") or m.group("y2") or m.group("y3") or m.group("y4")
    return org or None, int(year) if year else None


def _from_body_title(head: list[str]) -> tuple[str | None, int | None]:
    """(organisation, year) from the first title among the head lines (folded, non-blank).

    The title may span up to three short lines ("X" / "2024年政府信息公开" / "工作年度报告"); a line
    naming only a place just above it is the start of the unit's name (中卫市 / 沙坡头区民政局…).
    """
    compacted: list[str | None] = [None] * len(head)

    def comp(i: int) -> str:
        c = compacted[i]
        if c is None:
            c = compacted[i] = _compact(head[i]) if len(head[i]) <= 120 else "\n"
        return c

    for j, raw in enumerate(head):
        if "报" not in raw:  # 报告, 年报, also spaced out (报 告)
            continue
        window = ""
        org: str | None = None
        year: int | None = None
        found = False
        start = j
        for k in range(3):
            i = j - k
            if i < 0 or comp(i) == "\n" or len(comp(i)) > 60:
                break
            window = comp(i) + window
            hit = _title_match(window)
            if hit is None or (k and hit[0] and not _valid_org(hit[0])):
                continue  # over several lines, the name must end like a unit's (not 通知公告)
            found, year = True, year or hit[1]
            if hit[0]:
                org, start = hit[0], i
                break
        if not found:
            continue
        if org:
            for i in range(start - 1, max(start - 3, -1), -1):
                prev = comp(i)
                if prev != "\n" and _PLACE_RE.search(prev) and _ORG_LINE_RE.fullmatch(prev) and _plausible(prev):
                    org = prev + org
                else:
                    break
        if year is None and j + 1 < len(head):
            m = _YEAR_LINE_RE.fullmatch(comp(j + 1))
            year = int(m.group(1)) if m else None
        if org or year:
            return org, year
    return None, None


def _from_html_title(title: str) -> tuple[str | None, int | None, str | None]:
    """(organisation, year) of the report part of an HTML <title>, and the site's name if it is a unit."""
    org = year = site = None
    for part in _HTML_SPLIT_RE.split(_compact(fold(title))):
        hit = _title_match(part) if ("报告" in part or "年报" in part) else None
        if hit and (org is None and year is None):
            org, year = hit
        elif not hit and site is None:
            name = _SITE_SUFFIX_RE.sub("", part)
            if _ORG_LINE_RE.fullmatch(name) and _valid_org(name):
                site = name
    return org, year, site


def _cn_small(s: str) -> int:
    """一 … 三十一 (also 元/正 for the first month, 廿/卅); 0 when not a number."""
    if s in ("元", "正"):
        return 1
    s = s.replace("廿", "二十").replace("卅", "三十")
    if "十" in s:
        tens, _, units = s.partition("十")
        if len(tens) > 1 or len(units) > 1:
            return 0
        return (_CN_DIGIT.get(tens, 0) if tens else 1) * 10 + (_CN_DIGIT.get(units, 0) if units else 0)
    return _CN_DIGIT.get(s, 0) if len(s) == 1 else 0


def _iso(y: int, mo: int, d: int) -> str | None:
    try:
        return datetime.date(y, mo, d).isoformat()
    except ValueError:
        return None


def _signature(folded: str) -> tuple[str | None, str | None]:
    """(organisation, ISO date) from the last lines: a date on its own line, the unit's name above it.

    Works on the folded text: fold maps blanks to blanks only, so stripping commutes with folding.
    Page chrome after the signature (打印本页, 版权所有 …) is skipped: up to eight lines are looked at.
    """
    lines = [ln for ln in folded[-1500:].split("\n") if ln.strip()][-8:]
    for i in range(len(lines) - 1, -1, -1):
        line = _BUTTONS_RE.sub("", lines[i]) if "(" in lines[i] else lines[i]
        if len(line) > 80:
            # A page run together: the signature after the last sentence (…事项。某某局2025年1月20日).
            tail = line[max(line.rfind("。"), line.rfind("；")) + 1 :]
            if len(tail) > 80 or i < len(lines) - 1:
                break
            line = tail
        c = _compact(line)
        m = _DATE_LINE_RE.fullmatch(c)
        if not m:
            continue
        org = m.group("org")
        if org and not _valid_org(org):
            continue
        if m.group("y"):
            date = _iso(int(m.group("y")), int(m.group("m")), int(m.group("d")))
        else:
            year = "".join(str(_CN_DIGIT[ch]) for ch in m.group("cy"))
            date = _iso(int(year), _cn_small(m.group("cm")), _cn_small(m.group("cd")))
        if not org and i > 0:
            prev = _compact(lines[i - 1])
            if _ORG_LINE_RE.fullmatch(prev) and _valid_org(prev):
                org = prev
        return org, date
    return None, None


def _head_lines(doc: SourceDocument, folded: str, limit: int) -> list[str]:
    """The first 24 non-blank lines of ``folded`` before ``limit``, as the document's lines run (a zero-width
    line start too); a line of a crawled page's fields (标题：… 发布时间：… 来源：…) is one line per
    blank-separated piece."""
    out: list[str] = []
    for a, b in doc.spans_within(0, min(limit, len(folded))):
        piece = folded[a:b]
        parts = [_FIELD_RE.sub("", x) for x in piece.split()] if _FIELD_RE.search(piece) else [piece]
        out += [x for x in parts if x.strip()]
        if len(out) >= 24:
            return out[:24]
    return out


def read_meta(doc: SourceDocument, sections: SectionMap) -> Meta:
    """Organisation, year and signature date, each from the most reliable place that states it."""
    meta = Meta()
    folded = _folded(doc)
    first = min((s.start for s in sections.sections), default=min(len(doc.text), 3000))
    head = _head_lines(doc, folded, max(first, 200) if first < 4000 else 4000)
    org, year = _from_body_title(head)
    html_org = html_year = site = None
    if doc.title and (org is None or year is None):
        html_org, html_year, site = _from_html_title(doc.title)
    meta.organization = org or html_org
    meta.year = year or html_year
    sig_org, meta.report_date = _signature(folded)
    if meta.organization is None and sig_org:
        meta.organization = sig_org
    preamble = folded[: max(first, 200)]
    if meta.organization is None:
        for pat in _PREAMBLE_RES:
            m = pat.search(preamble)
            if m and (found := _clean(m.group("org"))) and _valid_org(found):
                meta.organization = found
                break
    if meta.organization is None:
        for line in head:
            pm = _PUBLISHER_RE.search(line)
            if pm and _valid_org(pm.group(1)):
                meta.organization = pm.group(1)
                break
    if meta.organization is None:
        meta.organization = site
    if meta.year is None:
        meta.year = _year_fallback(folded, preamble, sections, first, meta.report_date)
    return meta


def _year_fallback(folded: str, preamble: str, sections: SectionMap, first: int, date: str | None) -> int | None:
    """Year when no title states it: statistics period, a title quoted in the preamble, the overview."""
    m = (_PERIOD_RE.search(preamble) or _RANGE_RE.search(preamble) or _PERIOD_RE.search(folded[:6000])
         or _YEAR_MENTION_RE.search(preamble))
    if m:
        return int(m.group("year"))
    overview = next((s for s in sections.sections if s.key == "overview"), None)
    text = folded[overview.start:overview.end] if overview else folded[first:first + 3000]
    counts = Counter(_YEAR_RE.findall(text))
    if counts:
        return int(counts.most_common(1)[0][0])
    return int(date[:4]) - 1 if date else None
