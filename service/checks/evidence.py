"""Turn table cells into evidence references."""

from __future__ import annotations

from service.checks.model import CellRef
from service.tables.model import Table


def ref(table: Table, row: str, col: int, column_name: str | None = None) -> CellRef:
    cell = table.cell(row, col)
    r = table.rows.get(row)
    return CellRef(
        table=table.name,
        row=r.label if r else row,
        column=column_name or _column(table, row, col),
        value=cell.value if cell else None,
        printed=cell.printed if cell else None,
        kind=str(cell.kind) if cell else "absent",
        line=cell.line if cell else None,
        inferred_from=cell.inferred_from if cell else None,
        confidence=cell.confidence if cell else None,
        at=cell.at if cell else None,
    )


def _column(table: Table, row: str, col: int) -> str:
    r = table.rows.get(row)
    if r is not None and r.columns:
        return r.columns[col]
    return table.columns[col] if col < len(table.columns) else str(col + 1)
