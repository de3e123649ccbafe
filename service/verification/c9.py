"""C9: numbers stated in the text agree with the tables.

Applications received vs 表三 一 总计; review and lawsuit counts vs 表四 总计; normative documents
(and 规章) issued vs 表二 本年制发; the parts listed after the 主动公开 total vs that total (a WARN:
reports often list only some parts). Nothing stated: no finding. A table value missing: UNCERTAIN.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from service.checks.model import CellRef, Finding, Status
from service.extraction.model import Narrative
from service.extraction.rules import figures
from service.extraction.view import TextView, build_view
from service.reading.document import SourceDocument
from service.sections import SectionMap
from service.tables.layout import T3_LABELS, T4_GROUP_LABELS
from service.tables.model import Cell, Number, Tables
from service.verification.injection import instruction_spans, overlaps

_CN = {c: i for i, c in enumerate("一二三四五六七八九十", start=1)} | {"两": 2, "零": 0}
_N = r"(?P<n>\d+|[零一两二三四五六七八九十])"
_N_FIRST = r"(?=[\d零一两二三四五六七八九十])"  # a pattern starting with _N fails at once elsewhere
_CASE = r"\s*(?:件|起|宗|个|次)"
_REVIEW_WORDS = ("行政复议",)
_LITIGATION_WORDS = ("行政诉讼", "行政败诉", "诉讼案件", "败诉案件")


@dataclass(frozen=True, slots=True)
class _CasePattern:
    """A statement pattern. ``needs``: one of these words is in every match (else the text is not
    searched). ``tail``: the pattern is N CASE [^。；;，,]{0,free}? WORD with (WORDS, free), searched
    from the earliest start a match ending at the first WORD can have (none starts before it)."""

    regex: re.Pattern[str]
    needs: tuple[str, ...]
    tail: tuple[tuple[str, ...], int] | None = None


_REVIEW_RES = (
    _CasePattern(re.compile(r"行政复议[^。；;，,\d]{0,8}?" + _N + _CASE), _REVIEW_WORDS),
    _CasePattern(re.compile(_N_FIRST + _N + _CASE + r"[^。；;，,]{0,6}?行政复议"), _REVIEW_WORDS, (_REVIEW_WORDS, 6)),
)
_LITIGATION_RES = (
    _CasePattern(re.compile(r"行政诉讼[^。；;，,\d]{0,8}?" + _N + _CASE), ("行政诉讼",)),
    _CasePattern(
        re.compile(_N_FIRST + _N + _CASE + r"[^。；;，,]{0,8}?(?:" + "|".join(_LITIGATION_WORDS) + ")"),
        ("诉讼", "败诉"), (_LITIGATION_WORDS, 8),
    ),
)
_ZERO_RE = re.compile(r"(?:未|没有|无)(?:发生|出现|产生|收到|被)?[^。；;]{0,24}?(?:行政复议|行政诉讼)")
_ZERO_WORDS = ("行政复议", "行政诉讼")
_ZERO_REACH = 2 + 2 + 24
_DOC_ISSUED_RES = {
    "normative_documents": (re.compile(r"(?=[行规])(?:行政)?规范性文件\s*" + _N + r"\s*(?:件|个|份|部)"), "规范性文件"),
    "regulations": (
        re.compile(r"(?:新增|制发|制定|出台|发布|公开|印发)[^。；;，,\d]{0,10}?规章\s*" + _N + r"\s*(?:件|部|个)"), "规章",
    ),
}
_NOT_ISSUED_RE = re.compile(r"现行有效|有效|废止|清理|失效|累计")


@dataclass(frozen=True, slots=True)
class Statement:
    value: int
    start: int  # view positions
    end: int


def _num(raw: str) -> int:
    return int(raw) if raw.isdigit() else _CN.get(raw, 0)


def _clause_start(folded: str, i: int) -> int:
    while i > 0 and folded[i - 1] not in "。；;，,\n":
        i -= 1
    return i


def _tail_start(folded: str, words: tuple[str, ...], free: int) -> int:
    """No match of N CASE [^。；;，,]{0,free}? WORD starts before the returned position.

    A match starting before the first WORD's earliest start would reach that WORD with its lazy gap
    and so end there. Between N's first character and the unit there are only digits and blanks, and
    the gap is at most ``free`` characters: walk back over those from the first WORD.
    """
    j = min((k for k in (folded.find(w) for w in words) if k != -1), default=len(folded))
    k = max(0, j - free - 1)
    while k > 0 and (folded[k - 1].isspace() or folded[k - 1].isdecimal()):  # regex \s and \d
        k -= 1
    return max(0, k - 1)


def _first(view: TextView, pats: tuple[_CasePattern, ...], forbidden: list[tuple[int, int]]) -> Statement | None:
    best: Statement | None = None
    folded = view.folded
    for pat in pats:
        if not any(w in folded for w in pat.needs):
            continue
        lo = _tail_start(folded, *pat.tail) if pat.tail else 0
        for m in pat.regex.finditer(folded, lo):
            if overlaps(forbidden, m.start(), m.end()):
                continue
            if best is None or m.start() < best.start:
                best = Statement(_num(m.group("n")), m.start(), m.end())
            break
    return best


def _cases(view: TextView, word: str, pats: tuple[_CasePattern, ...], forbidden: list[tuple[int, int]]) -> Statement | None:
    stated = _first(view, pats, forbidden)
    if word not in view.folded:  # a 未…行政复议 sentence counts only if it names ``word``
        return stated
    # A match ends at a 行政复议/行政诉讼 at most 28 characters after its start (2 + 2 + 24): none
    # starts more than 28 before the first one.
    first = min(k for k in (view.folded.find(w) for w in _ZERO_WORDS) if k != -1)
    for m in _ZERO_RE.finditer(view.folded, max(0, first - _ZERO_REACH)):
        stop = view.folded.find("。", m.start())
        sentence = view.folded[m.start() : stop if stop != -1 else len(view.folded)]
        if word in sentence and not overlaps(forbidden, m.start(), m.end()):
            if stated is None or m.start() < stated.start:
                return Statement(0, m.start(), m.end())
            break
    return stated


def _cell(tables: Tables, table: str, row: str, col: int) -> Cell | None:
    t = getattr(tables, table)
    return t.cell(row, col)


_ROW_LABELS = {**T3_LABELS, **T4_GROUP_LABELS, "normative_documents": "行政规范性文件", "regulations": "规章"}


def _ref(cell: Cell | None, table: str, row: str, column: str) -> CellRef:
    return CellRef(
        table=table, row=_ROW_LABELS.get(row, row), column=column, value=cell.value if cell else None,
        printed=cell.printed if cell else None, kind=str(cell.kind) if cell else None,
        line=cell.line if cell else None, inferred_from=cell.inferred_from if cell else None,
    )


def _compare(
    name: str, subject: str, stated: int, table_value: Number | None, cells: list[CellRef], lines: list[int],
    soft: bool = False,
) -> Finding:
    if table_value is None:
        return Finding(rule="C9", name=name, status=Status.UNCERTAIN, subject=subject, actual=stated,
                       message=f"正文称 {stated}，表中对应数值未知", cells=cells, lines=lines)
    ok = stated == table_value
    status = Status.PASS if ok else (Status.WARN if soft else Status.FAIL)
    verb = "一致" if ok else "不一致"
    return Finding(rule="C9", name=name, status=status, subject=subject, expected=table_value, actual=stated,
                   message=f"正文称 {stated}，与表中的 {table_value} {verb}", cells=cells, lines=lines)


def c9_findings(doc: SourceDocument, sections: SectionMap, tables: Tables, narrative: Narrative) -> list[Finding]:
    """Compare the figures the text states with 表二, 表三 and 表四."""
    out: list[Finding] = []
    ov = sections.get("overview")
    view = build_view(doc, ov.body_start, ov.end) if ov else build_view(doc, 0, min(len(doc.text), 4000))
    forbidden = instruction_spans(view.folded)

    def line(st: Statement | figures.Figure) -> list[int]:
        return [doc.line_of(view.to_doc(st.start))]

    if narrative.applications_received is not None:
        fig = figures.find_applications(view.folded)
        lines = line(fig) if fig else []
        cell = _cell(tables, "table3", "new_received", 6)
        out.append(_compare("applications_received", "applications received (表三 一、本年新收 总计)",
                            narrative.applications_received, cell.value if cell else None,
                            [_ref(cell, "表三", "new_received", "总计")], lines))

    review = _cases(view, "行政复议", _REVIEW_RES, forbidden)
    if review is not None:
        cell = _cell(tables, "table4", "review", 4)
        out.append(_compare("review_cases", "administrative reviews (表四 行政复议 总计)", review.value,
                            cell.value if cell else None, [_ref(cell, "表四", "review", "总计")], line(review)))
    lit = _cases(view, "行政诉讼", _LITIGATION_RES, forbidden)
    if lit is not None:
        c1 = _cell(tables, "table4", "litigation_direct", 4)
        c2 = _cell(tables, "table4", "litigation_after_review", 4)
        v1, v2 = (c1.value if c1 else None), (c2.value if c2 else None)
        total = v1 + v2 if v1 is not None and v2 is not None else None
        out.append(_compare("litigation_cases", "lawsuits (表四 行政诉讼 直接起诉 + 复议后起诉 总计)", lit.value, total,
                            [_ref(c1, "表四", "litigation_direct", "总计"), _ref(c2, "表四", "litigation_after_review", "总计")],
                            line(lit)))

    for row, (pat, need) in _DOC_ISSUED_RES.items():
        if need not in view.folded:
            continue
        for m in pat.finditer(view.folded):
            cs = _clause_start(view.folded, m.start())
            if overlaps(forbidden, m.start(), m.end()) or _NOT_ISSUED_RE.search(view.folded, cs, m.start()):
                continue
            st = Statement(_num(m.group("n")), m.start(), m.end())
            cell = _cell(tables, "table2", row, 0)
            label = "行政规范性文件" if row == "normative_documents" else "规章"
            out.append(_compare(f"{row}_issued", f"{label} issued (表二 本年制发)", st.value,
                                cell.value if cell else None, [_ref(cell, "表二", row, "本年制发件数")], line(st)))
            break

    stated_total = figures.find_disclosure_total(view.folded)
    if stated_total is not None and narrative.disclosure_total == stated_total.value:
        parts = [p for p in figures.disclosure_parts(view.folded, stated_total) if not overlaps(forbidden, p.start, p.end)]
        if len(parts) >= 2:
            s = sum(p.value for p in parts)
            f = _compare("disclosure_parts", "主动公开 total vs the parts the text lists", s, stated_total.value, [],
                         line(stated_total), soft=True)
            f.message = (f"正文列出的分项（{' + '.join(str(p.value) for p in parts)} = {s}）"
                         + ("等于" if s == stated_total.value else "不等于") + f"所称总数 {stated_total.value}")
            out.append(f)
    return out
