"""C8 (counts are non-negative integers; the fee is in 万元), C10 (fee-not-paid rows vs section 六),
and the findings about reading itself: lost, blank and undetermined cells, missing rows and tables."""

from __future__ import annotations

import re

from service.checks.evidence import ref
from service.checks.model import CellRef, Finding, Status
from service.reading.document import SourceDocument
from service.sections import SectionMap
from service.tables.model import CellKind, Row, Table, Tables

_FEE_WORDS = re.compile(r"信息处理费|处理费|收费")


def check_c8(tables: Tables) -> list[Finding]:
    """Every count must be a non-negative integer; the fee may be a decimal but not negative."""
    bad: list[Finding] = []
    checked = 0
    for table in (tables.table2, tables.table3, tables.table4):
        for key, row in table.rows.items():
            for c, cell in enumerate(row.cells):
                v = cell.value
                if v is None or cell.kind is not CellKind.NUMBER:
                    continue
                checked += 1
                if v >= 0 and isinstance(v, int):
                    continue
                is_fee = table is tables.table2 and key in ("fees_10k_yuan", "procurement")
                col = _column_name(table, row, c)
                is_change = col == "本年增/减"
                problem = None
                if v < 0 and not is_change:
                    problem = "is negative"
                elif not is_fee and not float(v).is_integer():
                    problem = "is not a whole number"
                if problem:
                    r = ref(table, key, c, col)
                    bad.append(Finding(rule="C8", name="counts are non-negative integers", status=Status.FAIL,
                                       subject=f"{table.name} {row.label} · {col}",
                                       message=f"printed value {cell.printed} {problem}", actual=v,
                                       cells=[r], lines=[cell.line] if cell.line else []))
    fee = tables.table2.cell("fees_10k_yuan", 0)
    if fee is not None and fee.printed and fee.printed.endswith("元") and not fee.printed.endswith("万元"):
        bad.append(Finding(rule="C8", name="the fee is in 万元", status=Status.FAIL,
                           subject="表二 行政事业性收费 · 本年收费金额(万元)",
                           message=f"printed '{fee.printed}': an amount in 元 in a 万元 column", actual=fee.value,
                           cells=[ref(tables.table2, "fees_10k_yuan", 0)], lines=[fee.line] if fee.line else []))
    if bad:
        return bad
    return [Finding(rule="C8", name="counts are non-negative integers", status=Status.PASS, subject="all tables",
                    message=f"{checked} printed values are valid counts or amounts")]


def _column_name(table: Table, row: Row, c: int) -> str:
    if row.columns:
        return row.columns[c]
    return table.columns[c] if c < len(table.columns) else str(c + 1)


def check_c10(doc: SourceDocument, sections: SectionMap, t3: Table) -> list[Finding]:
    """If applicants let a fee notice lapse ((六)2 > 0), a fee was charged: section 六 should speak of 信息处理费."""
    name = "(六)2 fee not paid > 0 ⇒ section 六 reports 信息处理费"
    if "other_no_fee" not in t3.rows and "other_processing" in t3.rows:
        return [Finding(rule="C10", name=name, status=Status.INFO, subject="表三 (六)",
                        message="not applicable: the 2019 format has no (六)2 fee-not-paid row")]
    r = ref(t3, "other_no_fee", 6)
    if "other_no_fee" not in t3.rows or r.value is None:
        return [Finding(rule="C10", name=name, status=Status.UNCERTAIN, subject="表三 (六)2 总计",
                        message="cannot check: 表三 (六)2 总计 is unknown", cells=[r])]
    if r.value == 0:
        return [Finding(rule="C10", name=name, status=Status.PASS, subject="表三 (六)2 总计",
                        message="(六)2 is 0: no fee notice lapsed, nothing to report", cells=[r],
                        lines=[r.line] if r.line else [])]
    six = sections.get("other")
    text = sections.text(doc, "other") if six else doc.text[-1500:]
    hit = _FEE_WORDS.search(text)
    lines = [r.line] if r.line else []
    if hit:
        off = (six.body_start if six else len(doc.text) - len(text)) + hit.start()
        lines.append(doc.line_of(off))
        return [Finding(rule="C10", name=name, status=Status.PASS, subject="表三 (六)2 总计",
                        message=f"(六)2 = {r.value} and the text speaks of fees ('{hit.group()}')", cells=[r], lines=lines)]
    where = "section 六" if six else "the end of the report (section 六 not found)"
    return [Finding(rule="C10", name=name, status=Status.FAIL, subject="表三 (六)2 总计", expected=None, actual=r.value,
                    message=f"(六)2 = {r.value}: applicants did not pay a fee notice, but {where} says nothing about 信息处理费",
                    cells=[r], lines=lines)]


def reading_findings(tables: Tables) -> list[Finding]:
    """What reading could not do, kept apart from the report's own errors (category "parse")."""
    out: list[Finding] = []
    for table in (tables.table2, tables.table3, tables.table4):
        if not table.found:
            out.append(Finding(rule="READ", name="table found", category="parse", status=Status.UNCERTAIN,
                               subject=table.name, message=f"{table.name} was not found in the text"))
            continue
        absent = [row for row in table.rows.values() if all(c.kind is CellKind.ABSENT for c in row.cells)]
        undetermined = [row.label for row in absent if any(c.value is None for c in row.cells)]
        determined = [row.label for row in absent if all(c.value is not None for c in row.cells)]
        if undetermined:
            out.append(Finding(rule="READ", name="rows found", category="parse", status=Status.UNCERTAIN,
                               subject=table.name,
                               message=f"{len(undetermined)} row(s) not found: {'; '.join(undetermined[:6])}"))
        if determined:
            out.append(Finding(rule="READ", name="rows found", category="parse", status=Status.INFO,
                               subject=table.name,
                               message=f"{len(determined)} row(s) not printed, every value determined by the relations: "
                                       f"{'; '.join(determined[:6])}"))
        inferred = []
        unknown = []
        blanks = []
        for key, row in table.rows.items():
            for c, cell in enumerate(row.cells):
                kind = cell.kind
                if kind is CellKind.NUMBER:
                    continue
                col = _column_name(table, row, c)
                if kind in (CellKind.BLANK, CellKind.SLASH, CellKind.DASH, CellKind.TEXT):
                    blanks.append(ref(table, key, c, col))
                if cell.value is None and kind is not CellKind.ABSENT:
                    unknown.append(ref(table, key, c, col))
                elif cell.inferred_from and kind is not CellKind.ABSENT:
                    inferred.append(ref(table, key, c, col))
        if inferred:
            out.append(Finding(rule="READ", name="cells inferred", category="parse", status=Status.INFO,
                               subject=table.name,
                               message=f"{len(inferred)} cell(s) not printed were determined by the relations",
                               cells=inferred, lines=sorted({r.line for r in inferred if r.line})))
        if unknown:
            out.append(Finding(rule="READ", name="cells undetermined", category="parse", status=Status.UNCERTAIN,
                               subject=table.name,
                               message=f"{len(unknown)} cell(s) lost or not numeric and not determined by any relation",
                               cells=unknown, lines=sorted({r.line for r in unknown if r.line})))
        if blanks:
            kinds = sorted({r.kind or "" for r in blanks})
            out.append(Finding(rule="BLANK", name="cells printed blank, '/' or '-'", category="report", status=Status.WARN,
                               subject=table.name,
                               message=f"{len(blanks)} cell(s) printed as {', '.join(kinds)} instead of a number"
                                       + (" (values determined by the relations are shown as inferred)" if any(r.inferred_from for r in blanks) else ""),
                               cells=blanks, lines=sorted({r.line for r in blanks if r.line})))
        for note in table.notes:
            out.append(Finding(rule="READ", name="reading note", category="parse", status=Status.INFO,
                               subject=table.name, message=note))
    return out


def conflict_findings(tables: Tables) -> list[Finding]:
    """Rows that lost a cell and whose printed values break the relations wherever it stood."""
    out: list[Finding] = []
    for table in (tables.table3, tables.table4):
        for conflict in table.conflicts:
            refs = [CellRef(table=table.name, row=conflict.label, column="(position lost)", value=_num(p), printed=p,
                            kind="number", line=conflict.line) for p in conflict.printed]
            for rule in conflict.rules:
                out.append(Finding(rule=rule, name="relations with a lost cell", status=Status.FAIL,
                                   subject=f"{table.name} row {conflict.label}", message=conflict.message,
                                   cells=refs, lines=[conflict.line] if conflict.line else []))
    return out


def _num(text: str) -> int | float | None:
    try:
        return int(text)
    except ValueError:
        try:
            return float(text)
        except ValueError:
            return None
