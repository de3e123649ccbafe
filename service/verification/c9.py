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
from service.tables.model import Cell, Number, Tables
from service.verification.injection import instruction_spans, overlaps

_CN = {c: i for i, c in enumerate("一二三四五六七八九十", start=1)} | {"两": 2, "零": 0}
_N = r"(?P<n>\d+|[零一两二三四五六七八九十])"
_CASE = r"\s*(?:件|起|宗|个|次)"
_REVIEW_RES = (
    re.compile(r"行政复议[^。；;，,\d]{0,8}?" + _N + _CASE),
    re.compile(_N + _CASE + r"[^。；;，,]{0,6}?行政复议"),
)
_LITIGATION_RES = (
    re.compile(r"行政诉讼[^。；;，,\d]{0,8}?" + _N + _CASE),
    re.compile(_N + _CASE + r"[^。；;，,]{0,8}?(?:行政诉讼|行政败诉|诉讼案件|败诉案件)"),
)
_ZERO_RE = re.compile(r"(?:未|没有|无)(?:发生|出现|产生|收到|被)?[^。；;]{0,24}?(?:行政复议|行政诉讼)")
_DOC_ISSUED_RES = {
    "normative_documents": re.compile(r"(?:行政)?规范性文件\s*" + _N + r"\s*(?:件|个|份|部)"),
    "regulations": re.compile(r"(?:新增|制发|制定|出台|发布|公开|印发)[^。；;，,\d]{0,10}?规章\s*" + _N + r"\s*(?:件|部|个)"),
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


def _first(view: TextView, pats: tuple[re.Pattern[str], ...], forbidden: list[tuple[int, int]]) -> Statement | None:
    best: Statement | None = None
    for pat in pats:
        for m in pat.finditer(view.folded):
            if overlaps(forbidden, m.start(), m.end()):
                continue
            if best is None or m.start() < best.start:
                best = Statement(_num(m.group("n")), m.start(), m.end())
            break
    return best


def _cases(view: TextView, word: str, pats: tuple[re.Pattern[str], ...], forbidden: list[tuple[int, int]]) -> Statement | None:
    stated = _first(view, pats, forbidden)
    for m in _ZERO_RE.finditer(view.folded):
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


def _ref(cell: Cell | None, table: str, row: str, column: str) -> CellRef:
    return CellRef(
        table=table, row=row, column=column, value=cell.value if cell else None,
        printed=cell.printed if cell else None, kind=str(cell.kind) if cell else None,
        line=cell.line if cell else None, inferred_from=cell.inferred_from if cell else None,
    )


def _compare(
    name: str, subject: str, stated: int, table_value: Number | None, cells: list[CellRef], lines: list[int],
    soft: bool = False,
) -> Finding:
    if table_value is None:
        return Finding(rule="C9", name=name, status=Status.UNCERTAIN, subject=subject, actual=stated,
                       message=f"the text states {stated}; the table value is missing", cells=cells, lines=lines)
    ok = stated == table_value
    status = Status.PASS if ok else (Status.WARN if soft else Status.FAIL)
    verb = "agrees with" if ok else "differs from"
    return Finding(rule="C9", name=name, status=status, subject=subject, expected=table_value, actual=stated,
                   message=f"the text states {stated}, which {verb} the table's {table_value}", cells=cells, lines=lines)


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

    for row, pat in _DOC_ISSUED_RES.items():
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
            f.message = (f"the parts listed ({' + '.join(str(p.value) for p in parts)} = {s}) "
                         + ("equal" if s == stated_total.value else "do not equal") + f" the stated total {stated_total.value}")
            out.append(f)
    return out
