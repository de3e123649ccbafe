"""Planted errors: change one printed cell of a seed and the right rule FAILs, naming that cell and line."""

from __future__ import annotations

import pytest

from service.checks.model import Status
from service.pipeline import analyze_document
from service.reading import read_bytes
from service.tables.layout import T3_COLUMNS, T4_COLUMN_LABELS
from service.tables.model import CellKind
from tests._corpus import SEEDS

_COLUMN_RULE = {"new_received": "C1", "carried_over": "C1", "carried_forward": "C1", "total_processed": "C1"}


def _printed_cells(report):
    for tname, table in (("表三", report.tables.table3), ("表四", report.tables.table4)):
        for key, row in table.rows.items():
            for c, cell in enumerate(row.cells):
                if cell.kind is CellKind.NUMBER and cell.span:
                    yield tname, key, c, cell


def _expected_rules(tname: str, key: str, col: int) -> set[str]:
    if tname == "表四":
        return {"C5"}
    return {"C4", _COLUMN_RULE.get(key, "C3")} | ({"C3"} if key == "total_processed" else set())


def base_row_cells(text: str, tname: str, key: str):
    report = analyze_document(read_bytes(text.encode(), "base.txt"), narrative=False)
    table = report.tables.table3 if tname == "表三" else report.tables.table4
    return table.rows[key].cells


def _plant(text: str, span: tuple[int, int], new: str) -> str:
    return text[: span[0]] + new + text[span[1] :]


def _variants():
    for path in SEEDS:
        text = path.read_text(encoding="utf-8")
        base = analyze_document(read_bytes(text.encode(), path.name), narrative=False)
        for tname, key, col, cell in _printed_cells(base):
            yield pytest.param(text, tname, key, col, cell, id=f"{path.stem[:3]}-{tname}-{key}-{col}")


@pytest.mark.parametrize(("text", "tname", "key", "col", "cell"), list(_variants()))
def test_single_cell_change_is_found(text, tname, key, col, cell):
    new_value = int(cell.value) + 3
    planted = _plant(text, cell.span, str(new_value))
    report = analyze_document(read_bytes(planted.encode(), "planted.txt"), narrative=False)
    column = (T3_COLUMNS if tname == "表三" else T4_COLUMN_LABELS)[col]
    fails = [f for f in report.findings if f.status is Status.FAIL and f.category == "report"]
    lost_in_row = any(c.kind is CellKind.LOST for c in base_row_cells(text, tname, key))
    naming = [
        f for f in fails
        if any(r.table == tname and r.value == new_value and r.line == cell.line
               and (r.column == column or (lost_in_row and r.column == "(position lost)")) for r in f.cells)
    ]
    expected = _expected_rules(tname, key, col)
    if lost_in_row:
        # The row also lost a cell: the planted value cannot be placed; the relations that break are named.
        assert {f.rule for f in naming} & expected, [f.message for f in fails]
        return
    assert {f.rule for f in naming} >= expected, [f.message for f in fails]
    if tname == "表三":
        located = [f for f in fails if f.rule == "LOCATE"]
        assert located and located[0].expected == cell.value and located[0].lines == [cell.line]


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.stem[:3])
def test_negative_count_fails_c8(path):
    text = path.read_text(encoding="utf-8")
    base = analyze_document(read_bytes(text.encode(), path.name), narrative=False)
    cell = base.tables.table2.rows["licensing"].cells[0]
    report = analyze_document(read_bytes(_plant(text, cell.span, "-5").encode(), "x.txt"), narrative=False)
    c8 = [f for f in report.findings if f.rule == "C8" and f.status is Status.FAIL]
    assert c8 and c8[0].cells[0].line == cell.line and c8[0].actual == -5
