"""Score the three tables cell by cell against gold: right, unknown (null where gold has a number), wrong."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from service.evaluation.gold import T3_ROW_KEYS, T4_COLUMN_KEYS, T4_GROUP_KEYS, GoldReport
from service.report import Report
from service.tables.layout import T2_ROWS_2019, T2_ROWS_2021
from service.tables.model import Cell, Table

TABLES = ("表二", "表三", "表四")
T3_COLUMN_NAMES = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]


@dataclass
class CellDiff:
    """A cell that is not right: where it is, what gold says, what we said and where we read it."""

    table: str
    row: str
    column: str
    gold: Any
    got: Any
    status: str  # wrong | unknown
    kind: str | None = None
    printed: str | None = None
    line: int | None = None
    inferred_from: str | None = None


@dataclass
class TableScore:
    table: str
    total: int = 0
    right: int = 0
    unknown: int = 0
    wrong: int = 0
    diffs: list[CellDiff] = field(default_factory=list)

    @property
    def accuracy(self) -> float | None:
        return self.right / self.total if self.total else None


def same_number(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    try:
        return abs(float(a) - float(b)) < 1e-9
    except (TypeError, ValueError):
        return False


def _t2_cells(fmt: str) -> list[tuple[str, str | None, int]]:
    """表二 cells of a format as (row, column key or None for single values, column index)."""
    out: list[tuple[str, str | None, int]] = []
    rows = T2_ROWS_2019 if fmt == "2019" else T2_ROWS_2021
    for spec, cols in rows:
        if fmt != "2019" and len(cols) == 1:
            out.append((spec.key, None, 0))
        else:
            out.extend((spec.key, c, i) for i, c in enumerate(cols))
    return out


def _cell(table: Table | None, row: str, col: int) -> Cell | None:
    if table is None or row not in table.rows:
        return None
    cells = table.rows[row].cells
    return cells[col] if col < len(cells) else None


def _compare(score: TableScore, row: str, column: str, gold: Any, got: Any, cell: Cell | None) -> None:
    score.total += 1
    if same_number(gold, got):
        score.right += 1
        return
    status = "unknown" if got is None else "wrong"
    if status == "unknown":
        score.unknown += 1
    else:
        score.wrong += 1
    score.diffs.append(CellDiff(
        table=score.table, row=row, column=column, gold=gold, got=got, status=status,
        kind=str(cell.kind) if cell else None, printed=cell.printed if cell else None,
        line=cell.line if cell else None, inferred_from=cell.inferred_from if cell else None,
    ))


def score_tables(gold: GoldReport, report: Report) -> dict[str, TableScore]:
    """Per-table cell scores. A table gold does not label (null) is not scored."""
    tables = report.tables
    out = {name: TableScore(name) for name in TABLES}
    gad = gold.active_disclosure
    if isinstance(gad, dict):
        fmt = gold.format
        ours = (report.active_disclosure_2019 if fmt == "2019" else report.active_disclosure) or {}
        for row, colkey, idx in _t2_cells(fmt):
            g = gad.get(row) if colkey is None else (gad.get(row) or {}).get(colkey)
            o = ours.get(row) if colkey is None else (ours.get(row) or {}).get(colkey)
            cell = _cell(tables.table2 if tables else None, row, idx)
            _compare(out["表二"], row, colkey or "value", g, o, cell)
    apps = report.applications or {}
    keys = [k for k in T3_ROW_KEYS if k in gold.applications] + [k for k in gold.applications if k not in T3_ROW_KEYS]
    for key in keys:
        gold_row = gold.applications[key]
        our_row = apps.get(key) or [None] * 7
        for c in range(7):
            cell = _cell(tables.table3 if tables else None, key, c)
            _compare(out["表三"], key, T3_COLUMN_NAMES[c], gold_row[c], our_row[c] if c < len(our_row) else None, cell)
    rl = report.review_litigation or {}
    for group in T4_GROUP_KEYS:
        if group not in gold.review_litigation:
            continue
        for i, col in enumerate(T4_COLUMN_KEYS):
            cell = _cell(tables.table4 if tables else None, group, i)
            _compare(out["表四"], group, col, gold.review_litigation[group].get(col), (rl.get(group) or {}).get(col), cell)
    return out


def pooled(scores: list[dict[str, TableScore]]) -> dict[str, TableScore]:
    """Sum per-table counts over reports (diffs are kept per report, not here)."""
    out = {name: TableScore(name) for name in TABLES}
    for s in scores:
        for name, ts in s.items():
            o = out[name]
            o.total += ts.total
            o.right += ts.right
            o.unknown += ts.unknown
            o.wrong += ts.wrong
    return out
