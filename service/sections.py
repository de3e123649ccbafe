"""Find the six sections of an annual report under their title variants.

Headings are recognised by what they say, not by their numbering, because numbering is often
missing or restarts. Each section runs from its heading to the next section found.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from service.lazy_re import lazy_compile
from service.reading.chrome import is_chrome, running_lines
from service.reading.document import SourceDocument
from service.reading.normalize import compact

SECTION_KEYS = ("overview", "active", "applications", "review", "problems", "other")

SECTION_NAMES = {
    "overview": "一、总体情况",
    "active": "二、主动公开政府信息情况",
    "applications": "三、收到和处理政府信息公开申请情况",
    "review": "四、政府信息公开行政复议、行政诉讼情况",
    "problems": "五、存在的主要问题及改进情况",
    "other": "六、其他需要报告的事项",
}

# Each section: patterns over the compacted heading text (no spaces or punctuation).
_TITLE_PATTERNS: dict[str, re.Pattern[str]] = {
    "overview": lazy_compile(r"^(?:政府信息公开(?:工作)?)?(?:总体|基本|总的)情况|^概述$|^总体情况"),
    "active": lazy_compile(r"^主动公开(?:政府)?信息(?:的)?(?:情况)?|^主动公开(?:情况)?$|^主动公开政府信息"),
    "applications": lazy_compile(r"^收到和处理政府信息公开申请|^(?:收到|受理)(?:和|及)?处理.{0,6}申请|^依申请公开(?:政府信息)?(?:情况)?$"),
    "review": lazy_compile(r"行政复议.{0,6}行政诉讼|复议.{0,3}诉讼情况|被申请行政复议|提起行政诉讼"),
    "problems": lazy_compile(r"存在的?(?:主要)?问题|问题及(?:其)?改进|问题和改进|改进情况$|整改措施"),
    "other": lazy_compile(r"^其[他它]需要?报告|^其[他它](?:需要|应当|需)?(?:报告|说明)?(?:的)?事项"),
}

_ENUM_RE = lazy_compile(
    r"^\s*(?:[#>*\-+]\s*|\*\*)*\s*"
    r"(?P<num>(?:第[一二三四五六七八九十]+(?:部分|章|节)|[一二三四五六七八九十]+\s*[、.．,，:：]|[(（]?[一二三四五六七八九十]+[)）]|[1-9][、.．]|[1-9]\s)?)"
    r"\s*(?P<title>.*)$"
)

_MAX_TITLE = 40
#: A long heading wrapped by a PDF-to-text tool leaves its last characters on the next line
#: ("…下一步工作打" / "算"): a line of at most this many CJK characters, nothing else.
_TAIL_RE = lazy_compile(r"[ \t\u3000]*[\u4e00-\u9fff]{1,6}[ \t\u3000]*")
_NOT_TAIL = frozenset({"无", "暂无", "没有", "无此类情况", "无其他事项", "无其他"})
_TITLE_END_RE = lazy_compile(r"(?:情况|事项|打算|措施|计划|问题|不足|方向|举措|思路|安排|整改|报告)$")


@dataclass(frozen=True, slots=True)
class Section:
    """One section: key, heading as printed, its line, and the text range it covers."""

    key: str
    heading: str
    line: int
    start: int  # offset of the heading line
    body_start: int  # offset just after the heading line
    end: int  # offset where the next section starts (or end of text)
    numbered: bool


@dataclass(frozen=True, slots=True)
class SectionMap:
    """The sections found, in document order, and which of the six are missing."""

    sections: tuple[Section, ...]

    def get(self, key: str) -> Section | None:
        for s in self.sections:
            if s.key == key:
                return s
        return None

    @property
    def missing(self) -> list[str]:
        found = {s.key for s in self.sections}
        return [k for k in SECTION_KEYS if k not in found]

    def text(self, doc: SourceDocument, key: str) -> str:
        s = self.get(key)
        return doc.text[s.body_start : s.end] if s else ""


# A numbered heading naming a shortcoming with its remedy is section 五 too: 五、存在的不足与下一步打算,
# 五、问题与整改, 五、工作中存在的不足及改进方向 (unnumbered, such a line may be a sentence's start).
_SHORTCOMING_RE = lazy_compile(r"(?:问题|不足|差距|短板).{0,6}(?:改进|整改|打算|措施|计划|方向|举措)")
_DIGIT_RE = lazy_compile(r"\d")
_QUICK_RE = lazy_compile(
    r"情\s*况|事\s*项|问\s*题|概\s*述|改\s*进|措\s*施|复\s*议|诉\s*讼|主\s*动\s*公\s*开|申\s*请|不\s*足|打\s*算"
)


#: Subsection titles of 一、总体情况 that must not pass for sections under "(一)" or "1." numbering.
_SUBSECTION_RE = lazy_compile(r"^(?:主动公开|依申请公开|政府信息管理|平台建设|监督保障)(?:政府信息)?(?:工作)?(?:情况)?$")


_POSITION = {key: n for n, key in enumerate(SECTION_KEYS, 1)}
_ORDINALS = {c: n for n, c in enumerate("一二三四五六七八九", 1)} | {str(n): n for n in range(1, 10)}


def _ordinal(num: str) -> int | None:
    """The number of a one-digit enumerator: （二） → 2, 3. → 3; None for anything longer."""
    core = num.strip().strip("(（)）、.．,，:： ")
    return _ORDINALS.get(core)


def classify_heading(line: str, minor_numbering: bool = False) -> tuple[str, bool] | None:
    """Return (section key, numbered) if the line reads as one of the six section headings.

    Sections are numbered 一、… (or 第一部分, or not at all); "（一）" and "1." number subsections, unless
    ``minor_numbering`` says the report numbers its sections that way.
    """
    if not _QUICK_RE.search(line):
        return None
    return _classify(line, minor_numbering)


def _classify(line: str, minor_numbering: bool) -> tuple[str, bool] | None:
    """``classify_heading`` of a line that passed its first test (``_QUICK_RE``)."""
    m = _ENUM_RE.match(line)
    if not m:
        return None
    title = m.group("title").strip().strip("*").strip()
    if not title or len(title) - title.count(" ") > _MAX_TITLE:  # letter-spaced titles: blanks not counted
        return None
    num = m.group("num")
    numbered = bool(num)
    # An unnumbered heading is a bare title: no figures, no sentence punctuation ("主动公开政府信息共计589条。"
    # opens a paragraph, it is not the title of section 二).
    if not numbered and (_DIGIT_RE.search(title) or title.rstrip("*").endswith(("。", "；", "，", "：", ":"))):
        return None
    minor = numbered and (num.lstrip().startswith(("(", "（")) or num[0].isdigit())
    if minor and not minor_numbering:
        return None
    key_text = compact(title)
    if not key_text or len(key_text) > (32 if numbered else 20):
        return None
    # 主动公开 or 依申请公开 under (一)/1. numbering is a subsection of 一、总体情况, unless the report
    # numbers its sections so and the number is the section's own (2、主动公开…, （三）依申请公开).
    subsection = minor and _SUBSECTION_RE.match(key_text) is not None
    for key, pat in _TITLE_PATTERNS.items():
        if pat.search(key_text):
            if key == "problems" and not numbered and "问题" not in key_text:
                continue
            if subsection and _ordinal(num) != _POSITION[key]:
                return None
            return key, numbered
    if subsection:
        return None
    if numbered and _SHORTCOMING_RE.search(key_text):
        return "problems", numbered
    return None


def find_sections(doc: SourceDocument) -> SectionMap:
    """Locate the six sections. The first plausible heading of each key wins, in document order."""
    text = doc.text
    starts = doc.line_starts
    quick = _QUICK_RE.search  # classify_heading's first test, on the line in place (no copy of every line)
    lines: list[tuple[int, int, str]] = []  # (line number, offset, text) of the lines of ≤ 120 characters worth classifying
    # One search over the text finds the next line that passes; a match that runs on past its line's end
    # (the blanks of 情 况 are a line break) is looked for again within the line.
    pos = 0
    while (m := quick(text, pos)) is not None:
        i = bisect.bisect_right(starts, m.start())
        start, end = doc.line_span(i)
        if end - start <= 120 and (m.end() <= end or quick(text, start, end)):
            lines.append((i, start, text[start:end]))
        if i >= len(starts):
            break
        pos = starts[i]
    candidates: list[tuple[int, str, bool, int]] = []  # (line, key, numbered, offset)
    for i, start, line in lines:
        hit = _classify(line, False)
        if hit:
            candidates.append((i, hit[0], hit[1], start))
    if not any(numbered for _, _, numbered, _ in candidates):
        # No 一、-numbered heading at all: the report may number its sections （一） or 1.
        minor = []
        for i, start, line in lines:
            hit = _classify(line, True)
            if hit:
                minor.append((i, hit[0], hit[1], start))
        if sum(1 for c in minor if c[2]) >= 3:
            candidates = minor
    chosen: dict[str, tuple[int, str, bool, int]] = {}
    order = {k: n for n, k in enumerate(SECTION_KEYS)}
    last_rank = -1
    for cand in candidates:
        key, numbered = cand[1], cand[2]
        if key in chosen:
            continue
        # Sections normally come in template order; an unnumbered title out of order is more likely a
        # mention than a heading. A numbered heading out of order is a report that moved a section.
        if order[key] < last_rank and chosen and not numbered:
            continue
        chosen[key] = cand
        last_rank = max(last_rank, order[key])
    ordered = sorted(chosen.values(), key=lambda c: c[3])
    sections: list[Section] = []
    for idx, (line_no, key, numbered, offset) in enumerate(ordered):
        nxt = ordered[idx + 1][3] if idx + 1 < len(ordered) else len(doc.text)
        _, line_end = doc.line_span(line_no)
        line_end = _wrapped_tail(doc, line_no, offset, line_end, nxt)
        sections.append(
            Section(
                key=key,
                heading=doc.text[offset:line_end].strip(),
                line=line_no,
                start=offset,
                # after the heading's newline; a zero-width line start (doc.breaks) has none to skip
                body_start=line_end + 1 if doc.text[line_end : line_end + 1] == "\n" else line_end,
                end=nxt,
                numbered=numbered,
            )
        )
    return SectionMap(tuple(sections))


def _wrapped_tail(doc: SourceDocument, line_no: int, start: int, line_end: int, limit: int) -> int:
    """End of a heading, its wrapped tail on the next line included: a heading of 16 characters or more
    that does not end as a title does, and a next line (page chrome skipped) that completes it."""
    head = compact(doc.text[start:line_end])
    if len(head) < 16 or _TITLE_END_RE.search(head):
        return line_end
    running: frozenset[str] | None = None
    for nxt in range(line_no + 1, min(line_no + 5, doc.line_count + 1)):
        a, b = doc.line_span(nxt)
        if b > limit:
            break
        line = doc.text[a:b]
        if not line.strip():
            continue
        if _TAIL_RE.fullmatch(line):
            return b if line.strip() not in _NOT_TAIL and _TITLE_END_RE.search(head + line.strip()) else line_end
        running = running_lines(doc) if running is None else running
        if not is_chrome(line, running):
            break
    return line_end
