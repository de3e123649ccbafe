"""Arithmetic relations of one report: C1, C3, C4 (表三) and C5 (表四), each a finding with evidence."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from service.checks.evidence import ref
from service.checks.model import CellRef, Finding, Status, finding
from service.tables.layout import (
    T3_COLUMNS,
    T3_LABELS,
    T3_OUTCOME_KEYS,
    T4_COLUMN_LABELS,
    T4_GROUP_LABELS,
    T4_GROUPS,
)
from service.tables.model import Cell, Number, Table

_EPS = 1e-9
# Enum members looked up once: on Python 3.11 an Enum class's attribute costs ten times a global name.
_PASS, _FAIL, _UNCERTAIN = Status.PASS, Status.FAIL, Status.UNCERTAIN
_new = object.__new__


def _fmt(v: Number | None) -> str:
    if v is None:
        return "?"
    if type(v) is int:
        return str(v)
    return str(int(v)) if float(v).is_integer() else str(v)


def _sum_finding(
    rule: str,
    name: str,
    subject: str,
    table: Table,
    keys: Sequence[str],
    cols: Sequence[int],
    cells: Sequence[Cell | None],
    n: int,
    labels: tuple[str, str],
    column_names: Sequence[str | None] | None = None,
) -> Finding:
    """A finding for Σ parts == Σ total: the operands are ``cells``, those of rows ``keys`` and columns
    ``cols`` of ``table`` (None: the row is absent), the first ``n`` the parts; UNCERTAIN when any operand
    is unknown. ``column_names`` overrides the evidence's column names."""
    # One pass over the operands (most relations hold: this is the path to keep short), left to right
    # from 0 as the cells stand (a float sum depends on the order): the parts, then from index n the totals.
    lines: set[int] = set()
    inferred = False
    expected: Number = 0
    total: Number = 0
    for i, cell in enumerate(cells):
        if i == n:
            expected, total = total, 0
        if cell is None:
            return _unknown(rule, name, subject, table, keys, cols, cells, column_names)
        v = cell.value
        if v is None:
            return _unknown(rule, name, subject, table, keys, cols, cells, column_names)
        total += v
        if cell.line is not None:
            lines.add(cell.line)
        if cell.inferred_from:
            inferred = True
    if n < len(cells):
        actual = total
    else:  # no totals
        expected, actual = total, 0
    parts_label, total_label = labels
    if abs(expected - actual) < _EPS:
        msg = f"{parts_label} = {str(expected) if type(expected) is int else _fmt(expected)} = {total_label}"
        evidence = []
        if inferred:
            which = [i for i, cell in enumerate(cells) if cell is not None and cell.inferred_from]
            msg += f"（其中 {len(which)} 个数值由勾稽关系推定，非原表印出）"
            # A passing relation keeps only the evidence worth reading: the operands that were inferred.
            evidence = _refs(table, keys, cols, column_names, which)
        status = _PASS
    else:
        detail = " + ".join(_fmt(cell.value) for cell in cells[:n] if cell is not None)
        tot_detail = " + ".join(_fmt(cell.value) for cell in cells[n:] if cell is not None)
        msg = (f"{parts_label} = {detail} = {_fmt(expected)}，但 {total_label} = "
               f"{tot_detail + ' = ' if len(cells) - n > 1 else ''}{_fmt(actual)}（相差 {_fmt(actual - expected)}）")
        evidence = _refs(table, keys, cols, column_names, range(len(cells)))
        status = _FAIL
    # finding(...) written out: some forty of these a report (tests/test_checks_relations.py holds it to finding)
    f = _new(Finding)
    f.rule = rule
    f.name = name
    f.category = "report"
    f.status = status
    f.subject = subject
    f.message = msg
    f.expected = expected
    f.actual = actual
    f.cells = evidence
    f.lines = sorted(lines)
    return f


def _unknown(rule: str, name: str, subject: str, table: Table, keys: Sequence[str], cols: Sequence[int],
             cells: Sequence[Cell | None], column_names: Sequence[str | None] | None) -> Finding:
    """The UNCERTAIN finding of a relation with an operand unknown."""
    evidence = _refs(table, keys, cols, column_names, range(len(cells)))
    missing = [i for i, cell in enumerate(cells) if cell is None or cell.value is None]
    which = ", ".join(f"{evidence[i].row} · {evidence[i].column}" for i in missing[:4])
    return finding(rule=rule, name=name, status=_UNCERTAIN, subject=subject,
                   message=f"无法核对：{len(missing)} 个数值未知（{which}）", cells=evidence,
                   lines=sorted({cell.line for cell in cells if cell is not None and cell.line is not None}))


def _refs(table: Table, keys: Sequence[str], cols: Sequence[int], column_names: Sequence[str | None] | None,
          which: Iterable[int]) -> list[CellRef]:
    return [ref(table, keys[i], cols[i], column_names[i] if column_names else None) for i in which]


def _t3_columns(t3: Table, keys: Sequence[str]) -> Sequence[Sequence[Cell | None]]:
    """The cells of 表三's rows ``keys`` (None where a row is absent), column by column."""
    try:
        # Every row there: zip transposes in C (an absent row, or rows of another length, take the general
        # code below).
        columns = list(zip(*[t3.rows[k].cells for k in keys], strict=True))
    except (KeyError, ValueError):
        columns = []
    if len(columns) == len(T3_COLUMNS):
        return columns
    rows = [t3.rows.get(k) for k in keys]
    return [[None if r is None else r.cells[c] for r in rows] for c in range(len(T3_COLUMNS))]


_C1_KEYS = ("new_received", "carried_over", "total_processed", "carried_forward")
_T3_SUBJECTS = [f"表三 column {col}" for col in T3_COLUMNS]
_C4_COLS = tuple(range(7))
_C5_COLS = tuple(range(5))


def check_c1(t3: Table) -> list[Finding]:
    return [_sum_finding("C1", "一 + 二 = (七)总计 + 四", _T3_SUBJECTS[c], t3, _C1_KEYS, (c,) * 4, cells, 2,
                         ("一 本年新收 + 二 上年结转", "(七)总计 + 四 结转下年度"))
            for c, cells in enumerate(_t3_columns(t3, _C1_KEYS))]


def check_c3(t3: Table) -> list[Finding]:
    keys = [k for k in T3_OUTCOME_KEYS if k in t3.rows]
    if "other_no_correction" not in t3.rows and "other_processing" in t3.rows:
        keys.append("other_processing")
    n = len(keys)
    keys.append("total_processed")
    return [_sum_finding("C3", "(七)总计 = (一)+(二)+(三)+(四)+(五)+(六)", _T3_SUBJECTS[c], t3, keys, (c,) * (n + 1),
                         cells, n, ("办理结果(一)至(六)之和", "(七)总计"))
            for c, cells in enumerate(_t3_columns(t3, keys))]


def check_c4(t3: Table) -> list[Finding]:
    return [_sum_finding("C4", "每行 总计 = 自然人 + 法人或其他组织", f"表三 row {T3_LABELS.get(key, row.label)}",
                         t3, (key,) * 7, _C4_COLS, row.cells, 6,
                         ("自然人 + 商业企业 + 科研机构 + 社会公益组织 + 法律服务机构 + 其他", "总计"))
            for key, row in t3.rows.items()]


def check_c5(t4: Table) -> list[Finding]:
    return [_sum_finding("C5", "表四 总计 = 维持 + 纠正 + 其他 + 尚未审结", f"表四 {T4_GROUP_LABELS[group]}",
                         t4, (group,) * 5, _C5_COLS, t4.rows[group].cells, 4, ("维持 + 纠正 + 其他 + 尚未审结", "总计"),
                         T4_COLUMN_LABELS)
            for group in T4_GROUPS]
