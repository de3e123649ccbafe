"""C9: numbers stated in the text agree with the tables.

Applications received vs 表三 一 总计; review and lawsuit counts vs the 表四 column of the very same
quantity (a total vs 总计; corrected or lost cases — 纠错, 败诉 — vs 结果纠正, a WARN at most; a count of
another outcome vs nothing: "未发生…被行政复议纠错或行政诉讼败诉" is no total); normative documents
(and 规章) issued vs 表二 本年制发; a stated 上年结转 or 结转下年度 (顺延到下年度) count vs 表三 二 and 四 总计 (only
that very quantity: a figure joined to another — "新收和上年结转共…" — is not one); the parts listed after the 主动公开 total vs that total (a WARN:
reports often list only some parts). Nothing stated: no finding. A table value missing: UNCERTAIN.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from service.checks.model import CellRef, Finding, Status, cell_ref, finding
from service.extraction.model import Narrative
from service.extraction.rules import figures
from service.extraction.view import TextView, build_view
from service.lazy_re import lazy_compile
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
    searched). ``tail``: the pattern is N CASE [^。；;，,、]{0,free}? WORD with (WORDS, free), searched
    from the earliest start a match ending at the first WORD can have (none starts before it)."""

    regex: re.Pattern[str]
    needs: tuple[str, ...]
    tail: tuple[tuple[str, ...], int] | None = None


_REVIEW_RES = (
    _CasePattern(lazy_compile(r"行政复议[^。；;，,\d]{0,8}?" + _N + _CASE), _REVIEW_WORDS),
    _CasePattern(lazy_compile(_N_FIRST + _N + _CASE + r"[^。；;，,、]{0,6}?行政复议"), _REVIEW_WORDS, (_REVIEW_WORDS, 6)),
)
_LITIGATION_RES = (
    _CasePattern(lazy_compile(r"行政诉讼[^。；;，,\d]{0,8}?" + _N + _CASE), ("行政诉讼",)),
    _CasePattern(
        lazy_compile(_N_FIRST + _N + _CASE + r"[^。；;，,、]{0,8}?(?:" + "|".join(_LITIGATION_WORDS) + ")"),
        ("诉讼", "败诉"), (_LITIGATION_WORDS, 8),
    ),
)
_ZERO_RE = lazy_compile(r"(?:未|没有|无)(?:发生|出现|产生|收到|被)?[^。；;]{0,24}?(?:行政复议|行政诉讼)")
_ZERO_WORDS = ("行政复议", "行政诉讼")
_ZERO_REACH = 2 + 2 + 24
_DOC_ISSUED_RES = {
    "normative_documents": (lazy_compile(r"(?=[行规])(?:行政)?规范性文件\s*" + _N + r"\s*(?:件|个|份|部)"), "规范性文件"),
    "regulations": (
        lazy_compile(r"(?:新增|制发|制定|出台|发布|公开|印发)[^。；;，,\d]{0,10}?规章\s*" + _N + r"\s*(?:件|部|个)"), "规章",
    ),
}
_NOT_ISSUED_RE = lazy_compile(r"现行有效|有效|废止|清理|失效|累计")


_CARRY_RES = {
    # 上年结转: "上年度结转申请34件", "上年结转政府信息公开申请3件"
    "carried_over": (
        lazy_compile(r"上一?年度?结转(?:的)?(?:政府信息公开)?(?:申请)?(?:数量)?(?:为|有)?\s*" + _N + r"\s*件"),
        "结转", "二、上年结转", "carried_over_stated",
    ),
    # 结转下年度: "结转下年度继续办理2件", "103件顺延到下年度答复"
    "carried_forward": (
        lazy_compile(r"(?:结转|顺延|转入)(?:至|到)?下一?年度?(?:继续)?(?:办理|答复)?(?:的)?(?:申请)?(?:为|有)?\s*" + _N
                   + r"\s*件|" + _N_FIRST + r"(?P<m>\d+|[零一两二三四五六七八九十])\s*件[^。；;，,、\d]{0,6}?"
                   r"(?:结转|顺延|转入)(?:至|到)?下一?年"),
        "结转", "四、结转下年度", "carried_forward_stated",
    ),
}
#: Before a stated carry-over: a joiner means the figure is a sum with something else ("新收和上年结转共…").
_SUM_BEFORE_RE = lazy_compile(r"[和及与加、]\s*$")


@dataclass(frozen=True, slots=True)
class Statement:
    value: int
    start: int  # view positions
    end: int
    quantity: str = "total"  # total | corrected (纠错, 败诉: 表四 结果纠正)


#: Words that narrow a review or lawsuit count to one outcome: such a count is not the total.
_CORRECTED_RE = lazy_compile(r"纠错|纠正|败诉|撤销|确认违法")
_OTHER_OUTCOME_RE = lazy_compile(r"维持|胜诉|驳回|审结|结案|审理中|调解|和解|撤诉|终止")
_JOINER_RE = lazy_compile(r"^[\s、，,或和及与以]*$")
_QUALIFIER_REACH = 8
_DIGIT_RE = lazy_compile(r"\d")


def _num(raw: str) -> int:
    return int(raw) if raw.isdigit() else _CN.get(raw, 0)


def _clause_start(folded: str, i: int) -> int:
    while i > 0 and folded[i - 1] not in "。；;，,\n":
        i -= 1
    return i


def _quantity(text: str) -> str | None:
    """What a count whose words are ``text`` counts: the total, the corrected (lost) cases, or
    another outcome (None: not compared with any 表四 column)."""
    if _CORRECTED_RE.search(text):
        return "corrected"
    if _OTHER_OUTCOME_RE.search(text):
        return None
    return "total"


def _after_word(folded: str, pos: int, stop: int) -> str:
    """The words after a 行政复议/行政诉讼 at ``pos`` up to the next clause mark (at most a few)."""
    end = min(stop, pos + _QUALIFIER_REACH)
    k = pos
    while k < end and folded[k] not in "。；;，,、或和及与\n":
        k += 1
    return folded[pos:k]


def _tail_start(folded: str, words: tuple[str, ...], free: int) -> int:
    """No match of N CASE [^。；;，,、]{0,free}? WORD starts before the returned position.

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
    """The earliest count statement; a count of one outcome other than 纠正 (维持, 审结…) is skipped."""
    best: Statement | None = None
    folded = view.folded
    for pat in pats:
        if not any(w in folded for w in pat.needs):
            continue
        lo = _tail_start(folded, *pat.tail) if pat.tail else 0
        for m in pat.regex.finditer(folded, lo):
            if best is not None and m.start() >= best.start:
                break
            if overlaps(forbidden, m.start(), m.end()):
                continue
            words = m.group() + _after_word(folded, m.end(), len(folded))
            quantity = _quantity(words)
            if quantity is None:
                continue
            best = Statement(_num(m.group("n")), m.start(), m.end(), quantity)
            break
    return best


def _zero_quantity(sentence: str, word: str) -> str | None:
    """In a 未…行政复议…行政诉讼 sentence, what the zero says of ``word``: each mention's words run to
    the next mention; a mention followed only by a joiner (行政复议、行政诉讼败诉) shares the next one's."""
    mentions = sorted(m.start() for w in _ZERO_WORDS for m in re.finditer(w, sentence))
    for i, k in enumerate(mentions):
        if not sentence.startswith(word, k):
            continue
        j = i
        while True:
            end = mentions[j + 1] if j + 1 < len(mentions) else len(sentence)
            seg = sentence[mentions[j] + 4 : end]
            if j + 1 < len(mentions) and _JOINER_RE.match(seg):
                j += 1
                continue
            # A count after the mention (…未发生行政复议，行政诉讼3件) is not this zero's.
            return None if _DIGIT_RE.search(seg) else _quantity(seg)
    return None


def _cases(view: TextView, word: str, pats: tuple[_CasePattern, ...], forbidden: list[tuple[int, int]]) -> Statement | None:
    stated = _first(view, pats, forbidden)
    if word not in view.folded:  # a 未…行政复议 sentence counts only if it names ``word``
        return stated
    # A match ends at a 行政复议/行政诉讼 at most 28 characters after its start (2 + 2 + 24): none
    # starts more than 28 before the first one.
    first = min(k for k in (view.folded.find(w) for w in _ZERO_WORDS) if k != -1)
    for m in _ZERO_RE.finditer(view.folded, max(0, first - _ZERO_REACH)):
        if stated is not None and m.start() >= stated.start:
            break
        stop = view.folded.find("。", m.start())
        sentence = view.folded[m.start() : stop if stop != -1 else len(view.folded)]
        if word not in sentence or overlaps(forbidden, m.start(), m.end()):
            continue
        quantity = _zero_quantity(sentence, word)
        if quantity is None:
            continue
        return Statement(0, m.start(), m.end(), quantity)
    return stated


def _cell(tables: Tables, table: str, row: str, col: int) -> Cell | None:
    t = getattr(tables, table)
    return t.cell(row, col)


_ROW_LABELS = {**T3_LABELS, **T4_GROUP_LABELS, "normative_documents": "行政规范性文件", "regulations": "规章"}


def _ref(cell: Cell | None, table: str, row: str, column: str) -> CellRef:
    return cell_ref(
        table=table, row=_ROW_LABELS.get(row, row), column=column, value=cell.value if cell else None,
        printed=cell.printed if cell else None, kind=str(cell.kind) if cell else None,
        line=cell.line if cell else None, inferred_from=cell.inferred_from if cell else None,
    )


def _compare(
    name: str, subject: str, stated: int, table_value: Number | None, cells: list[CellRef], lines: list[int],
    soft: bool = False,
) -> Finding:
    if table_value is None:
        return finding(rule="C9", name=name, status=Status.UNCERTAIN, subject=subject, actual=stated,
                       message=f"正文称 {stated}，表中对应数值未知", cells=cells, lines=lines)
    ok = stated == table_value
    status = Status.PASS if ok else (Status.WARN if soft else Status.FAIL)
    verb = "一致" if ok else "不一致"
    return finding(rule="C9", name=name, status=status, subject=subject, expected=table_value, actual=stated,
                   message=f"正文称 {stated}，与表中的 {table_value} {verb}", cells=cells, lines=lines)


_T4_COLUMN = {"total": (4, "总计"), "corrected": (1, "结果纠正")}
_CASE_SUBJECT = {
    ("review", "total"): ("review_cases", "administrative reviews (表四 行政复议 总计)"),
    ("review", "corrected"): ("review_corrected", "reviews that corrected the unit (表四 行政复议 结果纠正)"),
    ("litigation", "total"): ("litigation_cases", "lawsuits (表四 行政诉讼 直接起诉 + 复议后起诉 总计)"),
    ("litigation", "corrected"): ("litigation_corrected",
                                  "lawsuits the unit lost (表四 行政诉讼 直接起诉 + 复议后起诉 结果纠正)"),
}


def _case_finding(tables: Tables, st: Statement, kind: str, lines: list[int]) -> Finding:
    """A stated count of reviews or lawsuits against the 表四 column of the very same quantity.

    A total is compared with 总计 and may FAIL. A count of corrected or lost cases (纠错, 败诉) is
    compared with 结果纠正 and only WARNs: the template's column and the text's word are close but not
    one and the same, and a false FAIL would tell the office above that the unit erred."""
    col, col_name = _T4_COLUMN[st.quantity]
    name, subject = _CASE_SUBJECT[(kind, st.quantity)]
    groups = ("review",) if kind == "review" else ("litigation_direct", "litigation_after_review")
    cells = [_cell(tables, "table4", g, col) for g in groups]
    values = [c.value if c else None for c in cells]
    total = None if any(v is None for v in values) else sum(v for v in values if v is not None)
    refs = [_ref(c, "表四", g, col_name) for c, g in zip(cells, groups, strict=True)]
    return _compare(name, subject, st.value, total, refs, lines, soft=st.quantity != "total")


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
        out.append(_case_finding(tables, review, "review", line(review)))
    lit = _cases(view, "行政诉讼", _LITIGATION_RES, forbidden)
    if lit is not None:
        out.append(_case_finding(tables, lit, "litigation", line(lit)))

    for row, (pat, need, label, name) in _CARRY_RES.items():
        if need not in view.folded:
            continue
        for m in pat.finditer(view.folded):
            if overlaps(forbidden, m.start(), m.end()) or _SUM_BEFORE_RE.search(view.folded, 0, m.start()):
                continue
            st = Statement(_num(m.group("n") or m.group("m")), m.start(), m.end())
            cell = _cell(tables, "table3", row, 6)
            out.append(_compare(name, f"表三 {label} 总计", st.value, cell.value if cell else None,
                                [_ref(cell, "表三", row, "总计")], line(st)))
            break

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
