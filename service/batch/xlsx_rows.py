"""The rows of a write-only openpyxl worksheet written as text: the bytes openpyxl would write, much faster.

openpyxl's write-only sheet still makes a cell object per value and serialises it through lxml (about 10 µs a
cell); a summary of 1,000 reports has some 190,000 cells. ``SheetRows`` writes each row as SpreadsheetML text
instead — inline strings, numbers as ``%.16g``, the workbook's own style ids — the same bytes as openpyxl's
lxml writer, and splices them into the sheet openpyxl writes (``<sheetData></sheetData>``, the sheet left
empty) when the sheet is closed. openpyxl keeps the workbook: styles, sheet set-up, print titles, the zip.
A value the text path does not handle the same way (a bool, a date, an error code such as ``#N/A``, NaN,
text with a carriage return or a character XML cannot hold) is written by openpyxl's own cell writer.
tests/test_xlsx_rows.py checks the bytes against openpyxl's.
"""

from __future__ import annotations

import math
import re
import shutil
import tempfile
from collections.abc import Sequence
from io import BytesIO
from pathlib import Path
from typing import IO, Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell._writer import write_cell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.xml.functions import xmlfile

from service.batch.escape import FORMULA_START, inert_cell

#: A write-only worksheet (openpyxl's type stubs do not declare the attributes it gets at run time).
Sheet = Any

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
HEADER_ALIGNMENT = Alignment(vertical="center", wrap_text=True)
WRAPPED = Alignment(wrap_text=True, vertical="top")
PERCENT = "0.0%"
#: The longest text a cell keeps.
MAX_TEXT = 32000

#: What the text path leaves to openpyxl: a carriage return (lxml writes &#13;) and what XML cannot hold.
_AWKWARD_RE = re.compile("[\r\ud800-\udfff\ufffe\uffff]")
_EMPTY = b"<sheetData></sheetData>"
#: Rows are encoded and written to the spill file this many at a time.
_CHUNK = 512

#: A cell's style: (the header's, a percentage, wrapped, quote-prefixed).
StyleKey = tuple[bool, bool, bool, bool]
_HEADER: StyleKey = (True, False, False, False)
_QUOTED: StyleKey = (False, False, False, True)
_WRAPPED: StyleKey = (False, False, True, False)
_ERRORS = frozenset(ERROR_CODES)


class Styles:
    """The workbook's style ids of the few cell styles the summary uses, registered with openpyxl as first met
    (so in the order openpyxl's cell writer registers them, and styles.xml is the same)."""

    def __init__(self) -> None:
        self._ids: dict[StyleKey, int] = {}

    def id(self, ws: Sheet, key: StyleKey) -> int:
        sid = self._ids.get(key)
        if sid is None:
            sid = self._ids[key] = _styled(WriteOnlyCell(ws), key).style_id
        return sid


def _styled(cell: Any, key: StyleKey) -> Any:
    """``cell`` styled as the summary styles it (the header's font, fill and alignment; else quote prefix for
    formula-like text, the percent format, wrapping)."""
    header, percent, wrapped, quote = key
    if header:
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = HEADER_ALIGNMENT
        return cell
    if quote:
        cell.quotePrefix = True
    inert_cell(cell)
    if percent:
        cell.number_format = PERCENT
    if wrapped:
        cell.alignment = WRAPPED
    return cell


class SheetRows:
    """The rows of one write-only sheet: ``header``, then ``add`` each row; ``close`` closes the sheet with
    them. Text is cleaned (characters a worksheet cannot hold removed, cut at MAX_TEXT), formula-like text is
    quote-prefixed, floats in ``percent`` columns get 0.0 %, ``wide`` columns wrap (columns from 1). The rows
    wait in a temporary file in ``spill`` (default the system's) until the sheet is closed; use it in a with
    block so that the file goes even when a row fails."""

    def __init__(self, ws: Sheet, styles: Styles, percent: Sequence[int] = (), wide: Sequence[int] = (),
                 spill: Path | None = None) -> None:
        self.ws, self.styles = ws, styles
        self._percent = frozenset(c - 1 for c in percent)  # columns from 0
        self._wide = frozenset(c - 1 for c in wide)
        self.count = 0  # rows written, the header's included
        self.ncols = 0  # the most cells in a row
        self._letters: list[str] = []
        self._buf: list[str] = []
        # the rows until the sheet is closed; the file goes with close() or on leaving the with block
        self._spill: IO[bytes] = tempfile.TemporaryFile(dir=spill)  # noqa: SIM115

    def __enter__(self) -> SheetRows:
        return self

    def __exit__(self, *exc: object) -> None:
        self._spill.close()

    def _columns(self, n: int) -> list[str]:
        while len(self._letters) < n:
            self._letters.append(get_column_letter(len(self._letters) + 1))
        return self._letters

    def header(self, titles: Sequence[str]) -> None:
        """The header row: bold, filled, wrapped, centred vertically."""
        r = self.count = self.count + 1
        letters = self._columns(len(titles))
        sid = self.styles.id(self.ws, _HEADER)
        out = [f'<row r="{r}">']
        for i, title in enumerate(titles):
            # a title openpyxl takes for an error value or a formula (a header is not made inert), or with a
            # control character (not removed from a header: openpyxl refuses it), goes to openpyxl
            awkward = title in _ERRORS or (len(title) > 1 and title[0] == "=") or not title.isprintable()
            text = None if awkward else _text(title)
            if text is None:
                out.append(self._openpyxl(title, i + 1, r, _HEADER))
            else:
                out.append(f'<c r="{letters[i]}{r}" s="{sid}" t="inlineStr"{text}')
        out.append("</row>")
        self.ncols = max(self.ncols, len(titles))
        self._push("".join(out))

    def add(self, row: Sequence[Any]) -> None:
        """One row of values: str, int, float or None (an empty cell) as the text path writes them; any
        other value as openpyxl writes it."""
        r = self.count = self.count + 1
        n = len(row)
        letters = self._columns(n)
        percent, wide, style = self._percent, self._wide, self._style
        out = [f'<row r="{r}">']
        for i, v in enumerate(row):
            t = type(v)
            if t is not str and isinstance(v, str):
                v, t = str.__str__(v), str
            if t is str:
                if not v.isprintable():
                    v = ILLEGAL_CHARACTERS_RE.sub("", v)
                if len(v) > MAX_TEXT:
                    v = v[:MAX_TEXT]
                quote = v.startswith(FORMULA_START)
                key = (False, False, True, quote) if i in wide else (_QUOTED if quote else None)
                body = None if v in _ERRORS else _text(v)
                if body is None:
                    out.append(self._openpyxl(v, i + 1, r, key))
                    continue
                if key is None:
                    out.append(f'<c r="{letters[i]}{r}" t="inlineStr"{body}')
                else:
                    out.append(f'<c r="{letters[i]}{r}" s="{style(key)}" t="inlineStr"{body}')
            elif (t is int or t is float) and math.isfinite(v):
                if i in wide or (t is float and i in percent):
                    key = (False, t is float and i in percent, i in wide, False)
                    out.append(f'<c r="{letters[i]}{r}" s="{style(key)}" t="n"><v>{v:.16g}</v></c>')
                else:
                    out.append(f'<c r="{letters[i]}{r}" t="n"><v>{v:.16g}</v></c>')
            elif v is None:
                if i in wide:
                    out.append(f'<c r="{letters[i]}{r}" s="{style(_WRAPPED)}" t="n"></c>')
            else:
                pct = isinstance(v, float) and i in percent
                styled = i in wide or pct
                out.append(self._openpyxl(v, i + 1, r, (False, pct, i in wide, False) if styled else None))
        out.append("</row>")
        self.ncols = max(self.ncols, n)
        self._push("".join(out))

    def _style(self, key: StyleKey) -> int:
        return self.styles.id(self.ws, key)

    def _openpyxl(self, value: Any, col: int, r: int, key: StyleKey | None) -> str:
        """One cell as openpyxl's write-only sheet writes it ('' when it writes nothing)."""
        cell = WriteOnlyCell(self.ws, value=value)
        if key is not None:
            _styled(cell, key)
        cell.column, cell.row = col, r
        if cell.value is None and not cell.has_style:
            return ""
        buf = BytesIO()
        with xmlfile(buf) as xf:
            write_cell(xf, self.ws, cell, cell.has_style)
        return buf.getvalue().decode("ascii")

    def _push(self, row: str) -> None:
        self._buf.append(row)
        if len(self._buf) >= _CHUNK:
            self._flush()

    def _flush(self) -> None:
        self._spill.write("".join(self._buf).encode("ascii", "xmlcharrefreplace"))
        self._buf.clear()

    def close(self) -> None:
        """Closes the sheet (openpyxl writes it, with no rows) and puts the rows in it."""
        self._flush()
        self.ws.close()
        out = self.ws._writer.out  # the file openpyxl's workbook writer puts in the zip
        with open(out, "rb") as fh:
            xml = fh.read()
        head, empty, tail = xml.partition(_EMPTY)
        if not empty or _EMPTY in tail:
            raise RuntimeError(f"openpyxl wrote an unexpected sheet: {xml[:200]!r}")
        self._spill.seek(0)
        with open(out, "wb") as fh:
            fh.write(head + b"<sheetData>")
            shutil.copyfileobj(self._spill, fh)
            fh.write(b"</sheetData>" + tail)
        self._spill.close()


def _text(v: str) -> str | None:
    """A string cell's content after its attributes, from the closing '>' of <c> on ('></c>' when empty),
    with lxml's escapes; None when the text path does not write it as lxml does."""
    if not v:
        return "></c>"
    if not v.isprintable() and _AWKWARD_RE.search(v):
        return None
    if "&" in v:
        v = v.replace("&", "&amp;")
    if "<" in v:
        v = v.replace("<", "&lt;")
    if ">" in v:
        v = v.replace(">", "&gt;")
    if v[0].isspace() or v[-1].isspace():
        return f'><is><t xml:space="preserve">{v}</t></is></c>'
    return f"><is><t>{v}</t></is></c>"
