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


def test_fee_printed_in_yuan_fails_c8():
    """'251000元' in the 万元 column is a wrong unit, reported on the fee cell's line."""
    path = SEEDS[3]
    text = path.read_text(encoding="utf-8")
    base = analyze_document(read_bytes(text.encode(), path.name), narrative=False)
    fee = base.tables.table2.rows["fees_10k_yuan"].cells[0]
    report = analyze_document(read_bytes(_plant(text, fee.span, "251000元").encode(), "x.txt"), narrative=False)
    c8 = [f for f in report.findings if f.rule == "C8" and f.status is Status.FAIL]
    assert len(c8) == 1 and "元" in c8[0].message and c8[0].lines == [fee.line]
    assert report.active_disclosure["fees_10k_yuan"] == 251000


def test_2019_format_is_reported_with_its_own_fields():
    """A 2019-format 表二 makes the report '2019', with active_disclosure_2019 and C10 not applicable."""
    text = SEEDS[2].read_text(encoding="utf-8")
    start, end = text.index("第二十条第（一）项"), text.index("三、收到和处理政府信息公开申请情况")
    t2_2019 = (
        "第二十条第（一）项\n信息内容\t本年新制作数量\t本年新公开数量\t对外公开总数量\n规章\t0\t0\t0\n规范性文件\t2\t2\t15\n"
        "第二十条第（五）项\n信息内容\t上一年项目数量\t本年增/减\t处理决定数量\n行政许可\t10\t-1\t25\n其他对外管理服务事项\t3\t0\t4\n"
        "第二十条第（六）项\n信息内容\t上一年项目数量\t本年增/减\t处理决定数量\n行政处罚\t5\t1\t7\n行政强制\t0\t0\t0\n"
        "第二十条第（八）项\n信息内容\t上一年项目数量\t本年增/减\n行政事业性收费\t1\t0\n"
        "第二十条第（九）项\n信息内容\t采购项目数量\t采购总金额\n政府集中采购\t3\t45.6\n\n"
    )
    report = analyze_document(read_bytes((text[:start] + t2_2019 + text[end:]).encode(), "old.txt"), narrative=False)
    assert report.format == "2019" and report.active_disclosure is None
    assert report.active_disclosure_2019["licensing"] == {"previous_items": 10, "change": -1, "decisions": 25}
    assert report.active_disclosure_2019["procurement"] == {"items": 3, "amount": 45.6}
    assert not [f for f in report.findings if f.status is Status.FAIL]  # a negative 本年增/减 is not a C8 error
    assert any(f.rule == "FORMAT" and f.status is Status.WARN for f in report.findings)
