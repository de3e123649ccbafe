"""The parser's fast cell constructor builds exactly what the keyword constructor builds."""

from __future__ import annotations

from dataclasses import fields

from service.tables.model import Cell, CellKind, printed_cells
from service.tables.tokens import Token


def _fields(cell: Cell) -> list[object]:
    return [getattr(cell, f.name) for f in fields(Cell)]


def test_printed_cells_equal_the_keyword_constructor() -> None:
    tokens = [Token("3", 40, 41, CellKind.NUMBER, 3), Token("/", -1, -1, CellKind.SLASH),
              Token("0.5", 1, 4, CellKind.NUMBER, 0.5), Token("无", 9, 10, CellKind.TEXT),
              Token("7", 50, 51, CellKind.SLASH, 7)]  # a value on a token that is no NUMBER is not the cell's
    expected = [
        [Cell(value=3, kind=CellKind.NUMBER, printed="3", line=12, span=(40, 41)),
         Cell(kind=CellKind.SLASH, printed="/", line=12, span=None),
         Cell(value=0.5, kind=CellKind.NUMBER, printed="0.5", line=12, span=(1, 4)),
         Cell(kind=CellKind.TEXT, printed="无", line=12, span=(9, 10)),
         Cell(kind=CellKind.SLASH, printed="7", line=12, span=(50, 51))],
        # Without the row's line: each cell's own line from its offset; no offset, no line.
        [Cell(value=3, kind=CellKind.NUMBER, printed="3", line=41, span=(40, 41)),
         Cell(kind=CellKind.SLASH, printed="/", line=None, span=None),
         Cell(value=0.5, kind=CellKind.NUMBER, printed="0.5", line=2, span=(1, 4)),
         Cell(kind=CellKind.TEXT, printed="无", line=10, span=(9, 10)),
         Cell(kind=CellKind.SLASH, printed="7", line=51, span=(50, 51))],
    ]
    for line, want in zip((12, None), expected, strict=True):
        fast = printed_cells(tokens, line, lambda pos: pos + 1)
        assert fast == want
        # Every field is set (a field added to Cell without a default here would be missing).
        assert all(hasattr(cell, f.name) for cell in fast for f in fields(Cell))
        assert [_fields(c) for c in fast] == [_fields(c) for c in want]
    assert printed_cells(tokens[:1], None) == [Cell(value=3, kind=CellKind.NUMBER, printed="3", line=None, span=(40, 41))]


def test_digit_tokens_equal_the_constructor_and_the_regular_expression() -> None:
    """A plain row's values, built without ``Token.__init__``: as the constructor builds them from each
    ``\\d+`` match, for every mix of separators, widths and absurdly long numbers."""
    import random
    import re

    from service.tables.tokens import MAX_DIGITS, _digit_tokens

    rng = random.Random(7)
    for _ in range(500):
        text = "".join(rng.choice(["\t", "|", " "]) * rng.randint(1, 3)
                       + "".join(rng.choice("0123456789") for _ in range(rng.randint(1, MAX_DIGITS + 3)))
                       for _ in range(rng.randint(1, 9)))
        line = "标签" + text
        want = [Token(m.group(), m.start(), m.end(), CellKind.NUMBER, int(m.group()) if len(m.group()) <= MAX_DIGITS else None)
                for m in re.finditer(r"\d+", line)]
        got = _digit_tokens(line, 2, len(line))
        assert got == want
        assert [[getattr(t, f.name) for f in fields(Token)] for t in got] == \
            [[getattr(t, f.name) for f in fields(Token)] for t in want]


def test_new_row_equals_the_keyword_constructor() -> None:
    from service.tables.model import Row, new_row

    cells = [Cell(value=3, kind=CellKind.NUMBER, printed="3", line=12, span=(40, 41))]
    for printed_label, line in (("（一）予以公开", 12), (None, None)):
        fast = new_row("granted", "予以公开", printed_label, line, cells)
        want = Row(key="granted", label="予以公开", printed_label=printed_label, line=line, cells=cells)
        assert fast == want
        # Every field is set (a field added to Row without a default here would be missing).
        assert [getattr(fast, f.name) for f in fields(Row)] == [getattr(want, f.name) for f in fields(Row)]
        assert fast.cells is cells
