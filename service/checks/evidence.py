"""Turn table cells into evidence references."""

from __future__ import annotations

from service.checks.model import CellRef, cell_ref
from service.tables.model import Table

_new = object.__new__


def short_printed(printed: str, limit: int = 24) -> str:
    """A printed value for a message, cut short when it is absurdly long."""
    return printed if len(printed) <= limit else f"{printed[:limit]}…（共 {len(printed)} 个字符）"


def ref(table: Table, row: str, col: int, column_name: str | None = None) -> CellRef:
    r = table.rows.get(row)
    if r is None:
        return cell_ref(table=table.name, row=row, column=column_name or _table_column(table, col), value=None,
                        kind="absent")
    cell = r.cells[col]
    # cell_ref(...) written out: the checks take some twenty of these a report (tests/test_checks_model.py
    # holds it to the keyword constructor).
    out = _new(CellRef)
    out.table = table.name
    out.row = r.label
    out.column = column_name or (r.columns[col] if r.columns else _table_column(table, col))
    out.value = cell.value
    out.printed = cell.printed
    out.kind = str(cell.kind)
    out.line = cell.line
    out.inferred_from = cell.inferred_from
    out.confidence = cell.confidence
    out.at = cell.at
    return out


def _table_column(table: Table, col: int) -> str:
    return table.columns[col] if col < len(table.columns) else str(col + 1)
