"""The checks' fast constructors build exactly what the keyword constructors build."""

from __future__ import annotations

from dataclasses import fields

from service.checks.model import CellRef, Finding, Status, cell_ref, finding


def _field_values(obj: CellRef | Finding) -> list[object]:
    return [getattr(obj, f.name) for f in fields(obj)]


def test_finding_equals_the_keyword_constructor() -> None:
    ref = CellRef(table="表三", row="一、本年新收", column="自然人", value=3)
    pairs = [
        (finding(rule="C1", name="n", status=Status.PASS, subject="s", message="m"),
         Finding(rule="C1", name="n", status=Status.PASS, subject="s", message="m")),
        (finding(rule="READ", name="n", category="parse", status=Status.INFO, subject="s", message="m",
                 expected=1.5, actual=2, cells=[ref], lines=[3, 7]),
         Finding(rule="READ", name="n", category="parse", status=Status.INFO, subject="s", message="m",
                 expected=1.5, actual=2, cells=[ref], lines=[3, 7])),
    ]
    for fast, slow in pairs:
        assert fast == slow
        assert all(hasattr(fast, f.name) for f in fields(Finding))  # a field added without a default here: missing
        assert _field_values(fast) == _field_values(slow)
    # The default lists are new lists, not one list shared by every finding.
    a = finding(rule="C1", name="n", status=Status.PASS, subject="s", message="m")
    b = finding(rule="C1", name="n", status=Status.PASS, subject="s", message="m")
    a.cells.append(ref)
    a.lines.append(1)
    assert b.cells == [] and b.lines == []


def test_cell_ref_equals_the_keyword_constructor() -> None:
    pairs = [
        (cell_ref(table="表二", row="规章", column="本年新制发件数", value=None),
         CellRef(table="表二", row="规章", column="本年新制发件数", value=None)),
        (cell_ref(table="表三", row="r", column="c", value=4, printed="4", kind="number", line=9, inferred_from="C4",
                  confidence=0.8, at="page 2"),
         CellRef(table="表三", row="r", column="c", value=4, printed="4", kind="number", line=9, inferred_from="C4",
                 confidence=0.8, at="page 2")),
    ]
    for fast, slow in pairs:
        assert fast == slow
        assert all(hasattr(fast, f.name) for f in fields(CellRef))
        assert _field_values(fast) == _field_values(slow)
