"""Table cells with provenance: what was printed, where, and whether a value was inferred.

Plain slotted keyword-only dataclasses: the parser builds hundreds of them per report, so they are not
validated one by one. The ``Report`` that holds them is written as JSON by their fields, in this order
(service/outputs/json_text.py); pydantic gives them their schema.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

Number = int | float


class CellKind(StrEnum):
    """What the source held for a cell. Blank, "/", "-" and 0 are different things."""

    NUMBER = "number"  # a number was printed
    BLANK = "blank"  # the cell exists and is empty (structured sources only)
    SLASH = "slash"  # "/" printed
    DASH = "dash"  # "-", "—" printed
    TEXT = "text"  # something else printed (e.g. "无")
    LOST = "lost"  # the row printed fewer values than columns: this one was lost in extraction
    ABSENT = "absent"  # the row (or table) was not found at all


@dataclass(slots=True, kw_only=True)
class Cell:
    """One table cell. ``value`` is the number used by the checks: printed or inferred, else null."""

    value: Number | None = None
    kind: CellKind = CellKind.ABSENT
    printed: str | None = None
    line: int | None = None
    span: tuple[int, int] | None = None
    # ``metadata["description"]`` is the field's description in the JSON Schema (pydantic reads it).
    inferred_from: str | None = field(
        default=None, metadata={"description": "the relation that determined a value that was not printed"})
    confidence: float | None = field(
        default=None, metadata={"description": "read by OCR: the recogniser's confidence (0-1); null when not OCR'd"})
    at: str | None = field(default=None, metadata={"description": "read by OCR: the page and position it was read from"})

    @property
    def inferred(self) -> bool:
        return self.inferred_from is not None


_NUMBER = CellKind.NUMBER


_new = object.__new__


class PrintedToken(Protocol):
    """What a cell is built from: a printed token of the text (``service.tables.tokens.Token``)."""

    text: str
    start: int  # -1 when the source gave no offset
    end: int
    kind: CellKind
    value: Number | None


def printed_cells(tokens: Iterable[PrintedToken], line: int | None,
                  line_of: Callable[[int], int] | None = None) -> list[Cell]:
    """The cells of printed tokens: ``Cell(value=…, kind=…, printed=…, line=…, span=…)``, the other fields
    at their defaults, ``value`` only for a NUMBER. ``line`` is the row's line; when it is None, each
    cell's own (``line_of`` its start). Built without the keyword call, in one loop (a third of the
    cost; the parser builds some 200 cells a report): tests/test_tables_model.py checks that every
    field is set as the constructor sets it."""
    out: list[Cell] = []
    for tok in tokens:
        cell = _new(Cell)
        kind, start = tok.kind, tok.start
        cell.value = tok.value if kind is _NUMBER else None
        cell.kind = kind
        cell.printed = tok.text
        if start >= 0:
            cell.line = line if line is not None or line_of is None else line_of(start)
            cell.span = (start, tok.end)
        else:
            cell.line = line
            cell.span = None
        cell.inferred_from = None
        cell.confidence = None
        cell.at = None
        out.append(cell)
    return out


@dataclass(slots=True, kw_only=True)
class Row:
    """A table row identified by its label, with the label as printed and its line."""

    key: str
    label: str
    printed_label: str | None = None
    line: int | None = None
    cells: list[Cell]
    columns: list[str] | None = None  # column labels when they differ from the table's (表二)
    note: str | None = None

    @property
    def values(self) -> list[Number | None]:
        return [c.value for c in self.cells]


def new_row(key: str, label: str, printed_label: str | None, line: int | None, cells: list[Cell]) -> Row:
    """``Row(key=…, label=…, printed_label=…, line=…, cells=…)``, the other fields at their defaults, built
    without the keyword call (a table's rows are built so; tests/test_tables_model.py checks that every
    field is set as the constructor sets it)."""
    row = _new(Row)
    row.key = key
    row.label = label
    row.printed_label = printed_label
    row.line = line
    row.cells = cells
    row.columns = None
    row.note = None
    return row


@dataclass(slots=True, kw_only=True)
class Conflict:
    """A row whose printed values fit no placement of its lost cell(s) under the relations."""

    row: str
    label: str
    printed: list[str]
    line: int | None = None
    rules: list[str]
    message: str


@dataclass(slots=True, kw_only=True)
class Table:
    """One of 表二/表三/表四 with its rows, where it was found and what went wrong reading it."""

    name: str
    found: bool = False
    source: str = "text"  # text | grid (a structured table of the source format)
    lines: tuple[int, int] | None = None
    columns: list[str]
    rows: dict[str, Row] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)

    def value(self, row: str, col: int) -> Number | None:
        r = self.rows.get(row)
        return r.cells[col].value if r else None

    def cell(self, row: str, col: int) -> Cell | None:
        r = self.rows.get(row)
        return r.cells[col] if r else None


@dataclass(slots=True, kw_only=True)
class Tables:
    """The three tables of a report."""

    table2: Table
    table3: Table
    table4: Table
