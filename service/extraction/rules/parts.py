"""Split section 五 into the part that states problems and the part that states measures.

Three layouts occur: sub-headings ((一)存在的问题 / (二)改进措施, also inline "（一）存在的主要问题。…"),
one paragraph per part with the measures introduced by a lead-in (对此, 针对存在问题, 下一步…),
or both in one paragraph. A section with no measure part is all problems.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from service.lazy_re import lazy_compile
from service.reading.document import SourceDocument
from service.sections import SectionMap

_SUBHEAD = (
    r"\s*(?:\(\s*(?P<pc>[一二三四五六七八九十])\s*\)|(?P<cd>[一二三四五六七八九十])\s*[、.．]"
    r"|(?P<d>\d{1,2})\s*[.、．](?!\d)|第(?P<part>[一二三四五六七八九十])部分)\s*"
)
# (?m)^ is "start or after a newline", like (?:^|(?<=\n)), and much faster to scan for.
_SUBHEAD_RE = lazy_compile(r"(?m)^" + _SUBHEAD)
# A page glued together with no line break (a crawled page): a sub-heading also after a sentence.
_SUBHEAD_GLUED_RE = lazy_compile(r"(?:^|(?<=[。；;!?！？]))" + _SUBHEAD)
_CN = "一二三四五六七八九十"
_PROBLEM_HEAD_RE = lazy_compile(r"问题|不足|差距|短板|薄弱")
_MEASURE_HEAD_RE = lazy_compile(r"改进|整改|措施|举措|计划|打算|下一步|方向|思路|安排|对策|努力|下步|展望|工作重点")
_MAX_HEADING = 30
_LIST_START_RE = lazy_compile(r"\d{1,2}[.、．](?!\d)|[一二三四五六七八九十]是|\(\s*[一二三四五六七八九十\d]{1,2}\s*\)|[①②③④⑤⑥⑦⑧⑨⑩]|首先")
_BLANK_RE = lazy_compile(r"(?<=[\u4e00-\u9fff])[ \u3000]")
# A short line of its own that names a part without numbering: "问题", "存在的不足：", "下一步工作打算：".
_BARE_HEAD_RE = lazy_compile(r"(?m)^[ \t]*(?P<t>[^\n，,。；;:：]{1,14}?)[ \t]*[:：]?[ \t]*$")
_BARE_PROBLEM_RE = lazy_compile(r"(?:工作中)?(?:存在的?)?(?:主要)?(?:问题|不足|差距|短板)(?:[和与及](?:不足|差距|短板))?")
_BARE_MEASURE_RE = lazy_compile(
    r"(?:改进|整改)(?:措施|情况|举措|方向|计划|打算)?|(?:工作)?(?:措施|举措|打算|计划)"
    r"|(?:下一步|下步|今后|下一?年度?|\d{4}年)(?:工作)?(?:打算|计划|安排|措施|举措|思路|重点|方向)?"
)

# A sentence that opens the measures: 对此, 为此, 针对(上述)问题, 下一步, 下一年度/今后/2025年 … 将.
_MEASURE_LEAD_RE = lazy_compile(
    r"(?=[\s针对为下今未明\d])"  # the first character of a match: other positions fail at once
    r"(?:^|(?<=[\n。；;!?！？]))\s*"
    r"(?:针对(?:上述|以上|存在的?|这些|前述)?[^，,。]{0,8}?(?:问题|不足|短板)|对此|为此|下一步|下步|下一阶段"
    r"|(?:下一?年度?|今后|未来|明年|\d{4}\s*年)[^。]{0,30}?(?:将|要|拟|计划|继续|着力))"
)


# A section-五 heading the section finder does not know ("五、存在的不足和改进措施"): a line of its own
# that names both a shortcoming and its remedy.
_SECTION5_RE = lazy_compile(
    r"(?m)^[ \t\u3000]*(?:[一二三四五六七八九十]{1,2}[ \t]*[、.．]|第[一二三四五六七八九十]+部分)?[ \t\u3000]*"
    r"(?P<t>[^\n。，,；;]{0,20}?(?:问题|不足|差距|短板)[^\n。，,；;]{0,16}?)[ \t\u3000]*[:：]?[ \t\u3000]*$"
)
_SECTION5_MEASURE_RE = lazy_compile(r"改进|整改|措施|举措|打算|计划|方向")
_SECTION5_INLINE_RE = lazy_compile(
    r"(?<![一二三四五六七八九十])五\s*[、.]\s*[^。，,；;:]{0,24}?(?:问题|不足|差距|短板)[^。，,；;:]{0,16}?"
    r"(?:改进|整改)?(?:情况|措施|举措|打算|计划|方向)"
)
_SECTION6_INLINE_RE = lazy_compile(r"(?<![一二三四五六七八九十])六\s*[、.]\s*其[他它]")


def problems_region(doc: SourceDocument, sections: SectionMap) -> tuple[int, int] | None:
    """Doc range of section 五's body: the section found, else a heading of its own before section 六."""
    sec = sections.get("problems")
    if sec is not None:
        return sec.body_start, sec.end
    other = sections.get("other")
    end = other.start if other is not None else len(doc.text)
    before = [x for x in sections.sections if x.start < end]
    lo = before[-1].body_start if before else 0
    for m in _SECTION5_RE.finditer(doc.text, lo, end):
        if _SECTION5_MEASURE_RE.search(m.group("t")):
            return min(m.end() + 1, end), end
    if sections.sections:
        return None
    # No section found at all: a page run together with no blank to break it ("…（表略）五、存在的主要问题
    # 及改进情况（一）…六、其他需要报告的事项…"). Section 五's title and 六's are looked for inside the line.
    title = _SECTION5_INLINE_RE.search(doc.folded)
    if title is None:
        return None
    six = _SECTION6_INLINE_RE.search(doc.folded, title.end())
    return title.end(), six.start() if six else len(doc.text)


@dataclass(frozen=True, slots=True)
class Parts:
    """View ranges of the problem part and the measure part (either may be empty)."""

    problems: tuple[int, int]
    measures: tuple[int, int]
    problems_headed: bool  # the problem part starts right after its own sub-heading


def _heading_end(folded: str, body: int) -> int | None:
    """End of a sub-heading's title starting at ``body``: the line end or the first 。 if short, else None."""
    nl = folded.find("\n", body)
    line_end = len(folded) if nl == -1 else nl
    stop = folded.find("。", body, line_end)
    title_end = stop + 1 if stop != -1 else line_end
    # A page run together keeps a blank where the heading's line ended ("（一）存在的问题 部分…").
    blank = _BLANK_RE.search(folded, body + 2, title_end)
    if blank is not None:
        title_end = blank.start()
    # A heading run into its body with nothing between ("（一）存在的主要问题经自查，…", "（一）存在的问题1.…"):
    # the part's name, when the title is too long for a heading or a list starts right after the name.
    named = _BARE_PROBLEM_RE.match(folded, body) or _BARE_MEASURE_RE.match(folded, body)
    if named and named.end() - body < 4:
        named = None
    if title_end - body > _MAX_HEADING + 1:
        return named.end() if named else None
    if named and named.end() < title_end and (
        _LIST_START_RE.match(folded, named.end())
        # the first sentence of the body glued on ("存在的主要问题部分信息的公开方式不够灵活多样。")
        or (stop != -1 and title_end - named.end() > 6 and folded[named.end()] not in "及和与、,:")
    ):
        return named.end()
    return title_end


def split_parts(folded: str, glued: bool = False) -> Parts:
    """Find the problem and measure parts of the section-五 view (``glued``: of a page with no line break
    where the sections could be found, so sub-headings stand after a sentence, not at a line start)."""
    n = len(folded)
    heads: list[tuple[int, int, str]] = []  # (heading start, body start, kind)
    found: list[tuple[int, int, str, str, int]] = []  # (start, title end, kind or "", style, number)
    for m in (_SUBHEAD_GLUED_RE if glued else _SUBHEAD_RE).finditer(folded):
        title_end = _heading_end(folded, m.end())
        style = m.lastgroup or ""
        raw = m.group(style) if style else ""
        number = int(raw) if raw.isdecimal() else _CN.find(raw) + 1
        if title_end is None:  # too long for a heading: a point (still a sibling of the headings)
            found.append((m.start(), m.end(), "", style, number))
            continue
        title = folded[m.end() : title_end]
        is_p = bool(_PROBLEM_HEAD_RE.search(title))
        is_m = bool(_MEASURE_HEAD_RE.search(title))
        found.append((m.start(), title_end, "p" if is_p and not is_m else "m" if is_m and not is_p else "", style, number))
    for i, (start, title_end, kind, style, number) in enumerate(found):
        if not kind:
            continue
        # Point 1 of a list ("1.研判能力不足。" then "2.…") is not a heading: its next sibling is no heading.
        sib = next((f for f in found[i + 1 :] if f[3] == style), None)
        if sib is not None and not sib[2] and sib[4] == number + 1:
            continue
        heads.append((start, title_end, kind))
    p_head = next((h for h in heads if h[2] == "p"), None)
    m_head = next((h for h in heads if h[2] == "m" and (p_head is None or h[0] > p_head[0])), None)
    if m_head is None and "\n" in folded:
        heads += _bare_heads(folded)
        heads.sort()
        p_head = next((h for h in heads if h[2] == "p"), None)
        m_head = next((h for h in heads if h[2] == "m" and (p_head is None or h[0] > p_head[0])), None)
    if m_head is not None:
        p_start = p_head[1] if p_head else 0
        return Parts((p_start, m_head[0]), (m_head[1], n), p_head is not None)
    p_start = p_head[1] if p_head else 0
    lead = _MEASURE_LEAD_RE.search(folded, p_start)
    while lead is not None and not _has_problem_text(folded[p_start : lead.start()]):
        lead = _MEASURE_LEAD_RE.search(folded, lead.end())
    if lead is not None:
        start = lead.start()
        while start < n and folded[start] in " \n":
            start += 1
        return Parts((p_start, start), (start, n), p_head is not None)
    return Parts((p_start, n), (n, n), p_head is not None)


def _bare_heads(folded: str) -> list[tuple[int, int, str]]:
    """Unnumbered sub-headings: a short line that is only a part's name."""
    out = []
    for m in _BARE_HEAD_RE.finditer(folded):
        title = m.group("t")
        if _BARE_PROBLEM_RE.fullmatch(title):
            out.append((m.start(), m.end(), "p"))
        elif _BARE_MEASURE_RE.fullmatch(title):
            out.append((m.start(), m.end(), "m"))
    return out


def _has_problem_text(text: str) -> bool:
    """Whether a stretch says anything before the measures start (not just a date or a heading)."""
    return len(re.sub(r"\s", "", text)) >= 8
