"""Split section 五 into the part that states problems and the part that states measures.

Three layouts occur: sub-headings ((一)存在的问题 / (二)改进措施, also inline "（一）存在的主要问题。…"),
one paragraph per part with the measures introduced by a lead-in (对此, 针对存在问题, 下一步…),
or both in one paragraph. A section with no measure part is all problems.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# (?m)^ is "start or after a newline", like (?:^|(?<=\n)), and much faster to scan for.
_SUBHEAD_RE = re.compile(
    r"(?m)^\s*(?:\(\s*[一二三四五六七八九十]\s*\)|[一二三四五六七八九十]\s*[、.．]|\d{1,2}\s*[.、．](?!\d)|第[一二三四五六七八九十]部分)\s*"
)
_PROBLEM_HEAD_RE = re.compile(r"问题|不足|差距|短板|薄弱")
_MEASURE_HEAD_RE = re.compile(r"改进|整改|措施|举措|计划|打算|下一步|方向|思路|安排|对策|努力|下步|展望|工作重点")
_MAX_HEADING = 30

# A sentence that opens the measures: 对此, 为此, 针对(上述)问题, 下一步, 下一年度/今后/2025年 … 将.
_MEASURE_LEAD_RE = re.compile(
    r"(?=[\s针对为下今未明\d])"  # the first character of a match: other positions fail at once
    r"(?:^|(?<=[\n。；;!?！？]))\s*"
    r"(?:针对(?:上述|以上|存在的?|这些|前述)?[^，,。]{0,8}?(?:问题|不足|短板)|对此|为此|下一步|下步|下一阶段"
    r"|(?:下一?年度?|今后|未来|明年|\d{4}\s*年)[^。]{0,30}?(?:将|要|拟|计划|继续|着力))"
)


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
    if title_end - body > _MAX_HEADING + 1:
        return None
    return title_end


def split_parts(folded: str) -> Parts:
    """Find the problem and measure parts of the section-五 view."""
    n = len(folded)
    heads: list[tuple[int, int, str]] = []  # (heading start, body start, kind)
    for m in _SUBHEAD_RE.finditer(folded):
        title_end = _heading_end(folded, m.end())
        if title_end is None:
            continue
        title = folded[m.end() : title_end]
        is_p = bool(_PROBLEM_HEAD_RE.search(title))
        is_m = bool(_MEASURE_HEAD_RE.search(title))
        if is_p and not is_m:
            heads.append((m.start(), title_end, "p"))
        elif is_m and not is_p:
            heads.append((m.start(), title_end, "m"))
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


def _has_problem_text(text: str) -> bool:
    """Whether a stretch says anything before the measures start (not just a date or a heading)."""
    return len(re.sub(r"\s", "", text)) >= 8
