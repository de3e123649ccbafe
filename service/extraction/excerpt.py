"""What the LLM is sent for one report: the least text that still carries every item it is asked for.

Section 五 goes whole (problems and measures are quoted from it). From the title, the preamble, section
一 and section 六 only the clauses that can carry a figure the model is asked for are sent: a platform
name with a number (channel statistics), a count with 公开/发布 (the disclosure total), 申请 with a
count or a "none received" (applications received), and 信息处理费/收费 (the fee). The tables (二, 三,
四) are never sent. Verification still works on the whole source, so sending less never lets an
unsupported item through; it only costs fewer tokens.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from service.extraction.rules.channels import KEYWORD_RE
from service.extraction.rules.parts import problems_region
from service.extraction.view import TextView, build_view
from service.lazy_re import lazy_compile
from service.reading.document import SourceDocument
from service.sections import SectionMap

#: A clause: up to and including its stop (。；! ? or a line end).
_CLAUSE_RE = lazy_compile(r"[^。；;！？!?\n]+[。；;！？!?]?")
#: A count or amount with its unit (not a year, a date or a phone number).
_COUNT_RE = lazy_compile(r"(?<![\d.])\d+(?:\.\d+)?\s*(?:万)?\s*(?:余|多)?\s*(?:条|篇|期|则|幅|件|次|个|人|户|名|元|万元)")
#: A follower figure, which only a platform has ("粉丝数达5833人", "关注量5833").
_FOLLOWERS_RE = lazy_compile(r"(?:关注|粉丝|订阅|用户)[^\d，,。；;]{0,6}\d")
_PIECE_RE = lazy_compile(r"[，,]")
_FIGURE_WORD_RE = lazy_compile(r"公开|发布|推送|申请|收到|受理|办理")
_NONE_RE = lazy_compile(r"(?:未|没有|无)(?:收到|受理|接到|接收|新收)")
_FEE_RE = lazy_compile(r"处理费|收费|收取")
_MAX_TITLE = 80

FIVE_LABEL = "五、存在的主要问题及改进情况"
WHOLE_LABEL = "全文（未找到第五部分）"
FIGURES_LABEL = "摘录：标题、一、总体情况与六、其他需要报告的事项中写有平台、数字、申请或收费的句子"


@dataclass(frozen=True, slots=True)
class Excerpt:
    """The text sent for one report and how much of the report it is."""

    text: str
    sent_chars: int  # characters of the report's own text in ``text`` (labels and separators excluded)
    source_chars: int  # characters of the whole report

    @property
    def share(self) -> float:
        return self.sent_chars / self.source_chars if self.source_chars else 0.0


def _wanted(clause: str) -> bool:
    if _FEE_RE.search(clause) or _NONE_RE.search(clause):
        return True
    if not any(c.isdecimal() for c in clause):
        return False
    if KEYWORD_RE.search(clause):  # a platform with any number: a count, followers, a bare figure
        return re.search(r"\d(?!\d*\s*(?:年|月|日|时|:|：|-))", clause) is not None
    if _FOLLOWERS_RE.search(clause):
        return True
    return _COUNT_RE.search(clause) is not None and _FIGURE_WORD_RE.search(clause) is not None


def figure_clauses(view: TextView) -> list[str]:
    """The clauses of ``view`` that may state a channel statistic or one of the stated figures, in order,
    each cut to the stretch of its comma-separated pieces from the first to the last that carries one
    (a platform name just before such a piece counts with it: "在政府门户网站上，公开信息161条")."""
    out: list[str] = []
    for m in _CLAUSE_RE.finditer(view.folded):
        clause = m.group()
        if not _wanted(clause):
            continue
        cuts = [m.start()] + [m.start() + p.end() for p in _PIECE_RE.finditer(clause)] + [m.end()]
        pieces = [(a, b) for a, b in itertools.pairwise(cuts) if b > a]
        keep = [_wanted(view.folded[a:b]) for a, b in pieces]
        for i in range(len(pieces) - 1):
            if keep[i + 1] and KEYWORD_RE.search(view.folded, *pieces[i]):
                keep[i] = True
        hit = [i for i, k in enumerate(keep) if k]
        a, b = (pieces[hit[0]][0], pieces[hit[-1]][1]) if hit else (m.start(), m.end())
        text = view.text[a:b].strip().rstrip("，,")
        if text:
            out.append(text)
    return out


def build_excerpt(doc: SourceDocument, sections: SectionMap) -> Excerpt:
    """Section 五 whole and the figure clauses of the rest (never the tables); the whole text when no
    section 五 can be found."""
    first = min((s.start for s in sections.sections), default=len(doc.text))
    views: list[TextView] = []
    if first > 0:
        views.append(build_view(doc, 0, first))  # title and preamble
    for key in ("overview", "other"):
        s = sections.get(key)
        if s:
            views.append(build_view(doc, s.body_start, s.end))
    clauses = [c for v in views for c in figure_clauses(v)]
    title = next((ln.strip() for ln in build_view(doc, 0, first).text.split("\n") if ln.strip()), "") if first else ""
    if title and len(title) <= _MAX_TITLE and (not clauses or clauses[0] != title):
        clauses.insert(0, title)
    region = problems_region(doc, sections)
    if region is None:  # no section 五 to be found: the problems may stand anywhere, send the whole text
        whole = build_view(doc).text.strip()
        return Excerpt(text=f"【{WHOLE_LABEL}】\n" + whole, sent_chars=len(whole), source_chars=len(doc.text))
    five = build_view(doc, *region).text.strip()
    parts: list[str] = []
    if clauses:
        parts.append(f"【{FIGURES_LABEL}】\n" + "\n".join(clauses))
    if five:
        parts.append(f"【{FIVE_LABEL}】\n" + five)
    sent = sum(len(c) for c in clauses) + len(five)
    return Excerpt(text="\n\n".join(parts), sent_chars=sent, source_chars=len(doc.text))
