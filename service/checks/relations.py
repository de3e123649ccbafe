"""Arithmetic relations of one report: C1, C3, C4 (表三) and C5 (表四), each a finding with evidence."""

from __future__ import annotations

from collections.abc import Sequence

from service.checks.evidence import lines_of, ref
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


def _sum_finding(
    rule: str,
    name: str,
    subject: str,
    parts: Sequence[CellRef],
    total: Sequence[CellRef],
    parts_label: str,
    total_label: str,
) -> Finding:
    """A finding for Σ parts == Σ total; UNCERTAIN when any operand is unknown."""
    refs = list(parts) + list(total)
    missing = [r for r in refs if r.value is None]
    if missing:
        which = ", ".join(f"{r.row} · {r.column}" for r in missing[:4])
        return Finding(rule=rule, name=name, status=Status.UNCERTAIN, subject=subject,
                       message=f"cannot check: {len(missing)} operand(s) unknown ({which})",
                       cells=refs, lines=lines_of(refs))
    expected = sum(r.value for r in parts if r.value is not None)
    actual = sum(r.value for r in total if r.value is not None)
    ok = abs(expected - actual) < _EPS
    detail = " + ".join(_fmt(r.value) for r in parts)
    tot_detail = " + ".join(_fmt(r.value) for r in total)
    if ok:
        msg = f"{parts_label} = {_fmt(expected)} = {total_label}"
    else:
        msg = (f"{parts_label} = {detail} = {_fmt(expected)}, but {total_label} = "
               f"{tot_detail + ' = ' if len(total) > 1 else ''}{_fmt(actual)} (difference {_fmt(actual - expected)})")
    inferred = [r for r in refs if r.inferred_from]
    if inferred and ok:
        msg += f" ({len(inferred)} operand(s) inferred, not printed)"
    return Finding(rule=rule, name=name, status=Status.PASS if ok else Status.FAIL, subject=subject, message=msg,
                   expected=expected, actual=actual, cells=refs, lines=lines_of(refs))


def check_c1(t3: Table) -> list[Finding]:
    out = []
    for c, col in enumerate(T3_COLUMNS):
        out.append(_sum_finding(
            "C1", "一 + 二 = (七)总计 + 四", f"表三 column {col}",
            [ref(t3, "new_received", c), ref(t3, "carried_over", c)],
            [ref(t3, "total_processed", c), ref(t3, "carried_forward", c)],
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
            [ref(t3, k, c) for k in keys], [ref(t3, "total_processed", c)],
            "sum of outcome rows (一)…(六)", "(七)总计",
        ))
    return out


def check_c4(t3: Table) -> list[Finding]:
    out = []
    for key, row in t3.rows.items():
        label = T3_LABELS.get(key, row.label)
        out.append(_sum_finding(
            "C4", "row 总计 = 自然人 + 法人或其他组织", f"表三 row {label}",
            [ref(t3, key, c) for c in range(6)], [ref(t3, key, 6)],
            "自然人 + 商业企业 + 科研机构 + 社会公益组织 + 法律服务机构 + 其他", "总计",
        ))
    return out


def check_c5(t4: Table) -> list[Finding]:
    out = []
    for group in T4_GROUPS:
        out.append(_sum_finding(
            "C5", "表四 总计 = 维持 + 纠正 + 其他 + 尚未审结", f"表四 {T4_GROUP_LABELS[group]}",
            [ref(t4, group, i, T4_COLUMN_LABELS[i]) for i in range(4)], [ref(t4, group, 4, T4_COLUMN_LABELS[4])],
            "维持 + 纠正 + 其他 + 尚未审结", "总计",
        ))
    return out
