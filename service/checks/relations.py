"""Arithmetic relations of one report: C1, C3, C4 (表三) and C5 (表四), each a finding with evidence."""

from __future__ import annotations

from collections.abc import Sequence

from service.checks.evidence import ref
from service.checks.model import CellRef, Finding, Status
from service.tables.layout import (
    T3_COLUMNS,
    T3_LABELS,
    T3_OUTCOME_KEYS,
    T4_COLUMN_LABELS,
    T4_GROUP_LABELS,
    T4_GROUPS,
)
from service.tables.model import Number, Table

_EPS = 1e-9


def _fmt(v: Number | None) -> str:
    if v is None:
        return "?"
    return str(int(v)) if float(v).is_integer() else str(v)


Operand = tuple[Table, str, int, str | None]  # (table, row key, column index, column name override)




def _sum_finding(
    rule: str,
    name: str,
    subject: str,
    parts: Sequence[Operand],
    total: Sequence[Operand],
    parts_label: str,
    total_label: str,
) -> Finding:
    """A finding for Σ parts == Σ total; UNCERTAIN when any operand is unknown."""
    ops = [*parts, *total]
    n = len(parts)
    values: list[Number | None] = []
    line_set: set[int] = set()
    missing: list[int] = []
    inferred: list[int] = []
    expected: Number = 0
    actual: Number = 0
    for i, (t, k, c, _) in enumerate(ops):
        row = t.rows.get(k)
        cell = row.cells[c] if row is not None else None
        v = cell.value if cell is not None else None
        values.append(v)
        if cell is not None:
            if cell.line is not None:
                line_set.add(cell.line)
            if cell.inferred_from:
                inferred.append(i)
        if v is None:
            missing.append(i)
        elif i < n:
            expected += v
        else:
            actual += v
    lines = sorted(line_set)

    def refs(which: Sequence[int]) -> list[CellRef]:
        return [ref(ops[i][0], ops[i][1], ops[i][2], ops[i][3]) for i in which]

    if missing:
        evidence = refs(range(len(ops)))
        which = ", ".join(f"{evidence[i].row} · {evidence[i].column}" for i in missing[:4])
        return Finding(rule=rule, name=name, status=Status.UNCERTAIN, subject=subject,
                       message=f"无法核对：{len(missing)} 个数值未知（{which}）",
                       cells=evidence, lines=lines)
    ok = abs(expected - actual) < _EPS
    if ok:
        msg = f"{parts_label} = {_fmt(expected)} = {total_label}"
        if inferred:
            msg += f"（其中 {len(inferred)} 个数值由勾稽关系推定，非原表印出）"
        # A passing relation keeps only the evidence worth reading: the operands that were inferred.
        evidence = refs(inferred)
    else:
        detail = " + ".join(_fmt(v) for v in values[:n])
        tot_detail = " + ".join(_fmt(v) for v in values[n:])
        msg = (f"{parts_label} = {detail} = {_fmt(expected)}，但 {total_label} = "
               f"{tot_detail + ' = ' if len(total) > 1 else ''}{_fmt(actual)}（相差 {_fmt(actual - expected)}）")
        evidence = refs(range(len(ops)))
    return Finding(rule=rule, name=name, category="report", status=Status.PASS if ok else Status.FAIL,
                                   subject=subject, message=msg, expected=expected, actual=actual, cells=evidence,
                                   lines=lines)


def check_c1(t3: Table) -> list[Finding]:
    out = []
    for c, col in enumerate(T3_COLUMNS):
        out.append(_sum_finding(
            "C1", "一 + 二 = (七)总计 + 四", f"表三 column {col}",
            [(t3, "new_received", c, None), (t3, "carried_over", c, None)],
            [(t3, "total_processed", c, None), (t3, "carried_forward", c, None)],
            "一 本年新收 + 二 上年结转", "(七)总计 + 四 结转下年度",
        ))
    return out


def check_c3(t3: Table) -> list[Finding]:
    keys = [k for k in T3_OUTCOME_KEYS if k in t3.rows]
    if "other_no_correction" not in t3.rows and "other_processing" in t3.rows:
        keys.append("other_processing")
    out = []
    for c, col in enumerate(T3_COLUMNS):
        out.append(_sum_finding(
            "C3", "(七)总计 = (一)+(二)+(三)+(四)+(五)+(六)", f"表三 column {col}",
            [(t3, k, c, None) for k in keys], [(t3, "total_processed", c, None)],
            "办理结果(一)至(六)之和", "(七)总计",
        ))
    return out


def check_c4(t3: Table) -> list[Finding]:
    out = []
    for key, row in t3.rows.items():
        label = T3_LABELS.get(key, row.label)
        out.append(_sum_finding(
            "C4", "每行 总计 = 自然人 + 法人或其他组织", f"表三 row {label}",
            [(t3, key, c, None) for c in range(6)], [(t3, key, 6, None)],
            "自然人 + 商业企业 + 科研机构 + 社会公益组织 + 法律服务机构 + 其他", "总计",
        ))
    return out


def check_c5(t4: Table) -> list[Finding]:
    out = []
    for group in T4_GROUPS:
        out.append(_sum_finding(
            "C5", "表四 总计 = 维持 + 纠正 + 其他 + 尚未审结", f"表四 {T4_GROUP_LABELS[group]}",
            [(t4, group, i, T4_COLUMN_LABELS[i]) for i in range(4)], [(t4, group, 4, T4_COLUMN_LABELS[4])],
            "维持 + 纠正 + 其他 + 尚未审结", "总计",
        ))
    return out
