"""C8 (counts are non-negative integers; the fee is in 万元), C10 (fee-not-paid rows vs section 六),
and the findings about reading itself: lost, blank and undetermined cells, missing rows and tables."""

from __future__ import annotations

import re

from service.checks.evidence import ref, short_printed
from service.checks.model import Finding, Status, cell_ref, finding
from service.reading.document import SourceDocument
from service.sections import SectionMap
from service.tables.model import CellKind, Row, Table, Tables
from service.tables.tokens import ZERO_LOOKALIKES, absurd_reason, classify

# Enum members looked up once: on Python 3.11 an Enum class's attribute costs ten times a global name.
_NUMBER, _ABSENT = CellKind.NUMBER, CellKind.ABSENT
_NOT_A_NUMBER = (CellKind.BLANK, CellKind.SLASH, CellKind.DASH, CellKind.TEXT)  # printed, but no number

_FEE_WORDS = re.compile(r"信息处理费|处理费|收费")
_FEE_NAME = re.compile(r"信息处理费|处理费")


def check_c8(tables: Tables) -> list[Finding]:
    """Every count must be a non-negative integer; the fee may be a decimal but not negative."""
    bad: list[Finding] = []
    checked = 0
    for table in (tables.table2, tables.table3, tables.table4):
        for key, row in table.rows.items():
            for c, cell in enumerate(row.cells):
                if cell.kind is not _NUMBER:
                    continue
                v = cell.value
                if v is None:  # printed as a number, but no count or amount ("1e30", a thousand digits)
                    why = absurd_reason(cell.printed or "")
                    if why:
                        col = _column_name(table, row, c)
                        bad.append(finding(rule="C8", name="counts are non-negative integers", status=Status.FAIL,
                                           subject=f"{table.name} {row.label} · {col}",
                                           message=f"印出的数值 {short_printed(cell.printed or '')} {why}",
                                           cells=[ref(table, key, c, col)], lines=[cell.line] if cell.line else []))
                    continue
                checked += 1
                if v >= 0 and isinstance(v, int):
                    continue
                is_fee = table is tables.table2 and key in ("fees_10k_yuan", "procurement")
                col = _column_name(table, row, c)
                is_change = col == "本年增/减"
                problem = None
                if v < 0 and not is_change:
                    problem = "为负数"
                elif not is_fee and not float(v).is_integer():
                    problem = "不是整数"
                if problem:
                    r = ref(table, key, c, col)
                    bad.append(finding(rule="C8", name="counts are non-negative integers", status=Status.FAIL,
                                       subject=f"{table.name} {row.label} · {col}",
                                       message=f"印出的数值 {cell.printed} {problem}", actual=v,
                                       cells=[r], lines=[cell.line] if cell.line else []))
    fee = tables.table2.cell("fees_10k_yuan", 0)
    if fee is not None and fee.printed and fee.printed.endswith("元") and not fee.printed.endswith("万元"):
        bad.append(finding(rule="C8", name="the fee is in 万元", status=Status.FAIL,
                           subject="表二 行政事业性收费 · 本年收费金额(万元)",
                           message=f"印为“{fee.printed}”：万元栏中填写了以元为单位的金额", actual=fee.value,
                           cells=[ref(tables.table2, "fees_10k_yuan", 0)], lines=[fee.line] if fee.line else []))
    if bad:
        return bad
    return [finding(rule="C8", name="counts are non-negative integers", status=Status.PASS, subject="all tables",
                    message=f"{checked} 个印出数值均为有效的件数或金额")]


_KIND_ZH = {"blank": "空白", "slash": "“/”", "dash": "“-”", "text": "文字"}


def _column_name(table: Table, row: Row, c: int) -> str:
    if row.columns:
        return row.columns[c]
    return table.columns[c] if c < len(table.columns) else str(c + 1)


def check_c10(doc: SourceDocument, sections: SectionMap, t3: Table) -> list[Finding]:
    """If applicants let a fee notice lapse ((六)2 > 0), a fee was charged: section 六 should speak of 信息处理费."""
    name = "(六)2 fee not paid > 0 ⇒ section 六 reports 信息处理费"
    if "other_no_fee" not in t3.rows and "other_processing" in t3.rows:
        return [finding(rule="C10", name=name, status=Status.INFO, subject="表三 (六)",
                        message="不适用：2019 年格式没有(六)2（逾期未缴费）行")]
    r = ref(t3, "other_no_fee", 6)
    if "other_no_fee" not in t3.rows or r.value is None:
        return [finding(rule="C10", name=name, status=Status.UNCERTAIN, subject="表三 (六)2 总计",
                        message="无法核对：表三(六)2 总计未知", cells=[r])]
    if r.value == 0:
        return [finding(rule="C10", name=name, status=Status.PASS, subject="表三 (六)2 总计",
                        message="(六)2 为 0：无申请人逾期未缴费，无需说明", cells=[r],
                        lines=[r.line] if r.line else [])]
    six = sections.get("other")
    lines = [r.line] if r.line else []
    # Without section 六 (missing, or a title we do not know) the fee may be spoken of anywhere; 表二's
    # "收费" does not count, so only the fee's own name is looked for.
    start = six.body_start if six else 0
    hit = (_FEE_WORDS if six else _FEE_NAME).search(doc.text, start, six.end if six else len(doc.text))
    if hit:
        lines.append(doc.line_of(hit.start()))
        return [finding(rule="C10", name=name, status=Status.PASS, subject="表三 (六)2 总计",
                        message=f"(六)2 = {r.value}，正文已说明收费情况（“{hit.group()}”）", cells=[r], lines=lines)]
    if six is None:
        return [finding(rule="C10", name=name, status=Status.UNCERTAIN, subject="表三 (六)2 总计", actual=r.value,
                        message=f"(六)2 = {r.value}，但未找到第六部分，全文也未提及信息处理费：无法核对", cells=[r],
                        lines=lines)]
    return [finding(rule="C10", name=name, status=Status.FAIL, subject="表三 (六)2 总计", expected=None, actual=r.value,
                    message=f"(六)2 = {r.value}：有申请人逾期未按收费通知缴费，说明收取了信息处理费，但第六部分未提及信息处理费",
                    cells=[r], lines=lines)]


def reading_findings(tables: Tables) -> list[Finding]:
    """What reading could not do, kept apart from the report's own errors (category "parse")."""
    out: list[Finding] = []
    for table in (tables.table2, tables.table3, tables.table4):
        if not table.found:
            out.append(finding(rule="READ", name="table found", category="parse", status=Status.UNCERTAIN,
                               subject=table.name, message=f"文中未找到{table.name}"))
            continue
        absent: list[Row] = []
        inferred = []
        unknown = []
        blanks = []
        zeros = []  # printed as a character that looks like 0 ("O", "〇"), read as 0
        zero_like = ZERO_LOOKALIKES
        for key, row in table.rows.items():
            row_absent = True
            for c, cell in enumerate(row.cells):
                kind = cell.kind
                if kind is _NUMBER:
                    row_absent = False
                    if cell.printed in zero_like:
                        zeros.append(ref(table, key, c, _column_name(table, row, c)))
                    continue
                if kind is _ABSENT:
                    continue
                row_absent = False
                col = _column_name(table, row, c)
                if kind in _NOT_A_NUMBER:
                    blanks.append(ref(table, key, c, col))
                if cell.value is None:
                    unknown.append(ref(table, key, c, col))
                elif cell.inferred_from:
                    inferred.append(ref(table, key, c, col))
            if row_absent:
                absent.append(row)
        undetermined = [row.label for row in absent if any(c.value is None for c in row.cells)]
        determined = [row.label for row in absent if all(c.value is not None for c in row.cells)]
        if undetermined:
            out.append(finding(rule="READ", name="rows found", category="parse", status=Status.UNCERTAIN,
                               subject=table.name,
                               message=f"未找到 {len(undetermined)} 行：{'；'.join(undetermined[:6])}"))
        if determined:
            out.append(finding(rule="READ", name="rows found", category="parse", status=Status.INFO,
                               subject=table.name,
                               message=f"{len(determined)} 行未印出，数值均由勾稽关系确定："
                                       f"{'；'.join(determined[:6])}"))
        if zeros:
            shown = "”“".join(sorted({r.printed or "" for r in zeros}))
            out.append(finding(rule="READ", name="cells read as 0", category="parse", status=Status.INFO,
                               subject=table.name,
                               message=f"{len(zeros)} 个单元格印为“{shown}”（形似数字 0 的字符，多为识别或录入错误），按 0 读取",
                               cells=zeros, lines=sorted({r.line for r in zeros if r.line})))
        if inferred:
            out.append(finding(rule="READ", name="cells inferred", category="parse", status=Status.INFO,
                               subject=table.name,
                               message=f"{len(inferred)} 个未印出的单元格由勾稽关系确定",
                               cells=inferred, lines=sorted({r.line for r in inferred if r.line})))
        if unknown:
            out.append(finding(rule="READ", name="cells undetermined", category="parse", status=Status.UNCERTAIN,
                               subject=table.name,
                               message=f"{len(unknown)} 个单元格缺失或非数字，且无法由勾稽关系确定",
                               cells=unknown, lines=sorted({r.line for r in unknown if r.line})))
        if blanks:
            kinds = sorted({r.kind or "" for r in blanks})
            out.append(finding(rule="BLANK", name="cells printed blank, '/' or '-'", category="report", status=Status.WARN,
                               subject=table.name,
                               message=f"{len(blanks)} 个单元格印为{'、'.join(_KIND_ZH.get(k, k) for k in kinds)}，而不是数字"
                                       + ("（能由勾稽关系确定的数值已标为推定）" if any(r.inferred_from for r in blanks) else ""),
                               cells=blanks, lines=sorted({r.line for r in blanks if r.line})))
        for note in table.notes:
            out.append(finding(rule="READ", name="reading note", category="parse", status=Status.INFO,
                               subject=table.name, message=note))
    return out


def conflict_findings(tables: Tables) -> list[Finding]:
    """Rows that lost a cell and whose printed values break the relations wherever it stood."""
    out: list[Finding] = []
    for table in (tables.table3, tables.table4):
        for conflict in table.conflicts:
            refs = [cell_ref(table=table.name, row=conflict.label, column="(position lost)", value=classify(p)[1], printed=p,
                            kind="number", line=conflict.line) for p in conflict.printed]
            for rule in conflict.rules:
                out.append(finding(rule=rule, name="relations with a lost cell", status=Status.FAIL,
                                   subject=f"{table.name} row {conflict.label}", message=conflict.message,
                                   cells=refs, lines=[conflict.line] if conflict.line else []))
    return out
