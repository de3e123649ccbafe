"""The parser's fast cell constructor builds exactly what the keyword constructor builds."""

from __future__ import annotations

from dataclasses import fields

from service.tables.model import Cell, CellKind, printed_cell


def test_printed_cell_equals_the_keyword_constructor() -> None:
    cases = [(3, CellKind.NUMBER, "3", 12, (40, 41)), (None, CellKind.SLASH, "/", None, None),
             (0.5, CellKind.NUMBER, "0.5", 2, (1, 4)), (None, CellKind.TEXT, "无", 7, (9, 10))]
    for value, kind, printed, line, span in cases:
        fast = printed_cell(value, kind, printed, line, span)
        assert fast == Cell(value=value, kind=kind, printed=printed, line=line, span=span)
        # Every field is set (a field added to Cell without a default here would be missing).
        assert all(hasattr(fast, f.name) for f in fields(Cell))
        assert [getattr(fast, f.name) for f in fields(Cell)] == \
            [getattr(Cell(value=value, kind=kind, printed=printed, line=line, span=span), f.name) for f in fields(Cell)]
