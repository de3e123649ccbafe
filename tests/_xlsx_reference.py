"""The summary.xlsx sheet writer as it was before service.batch.xlsx_rows: openpyxl's write-only cells, one
object a value. Test-only: the reference the fast writer is checked against (tests/test_xlsx_rows.py) and
timed against (bench/summary_xlsx_speed.py)."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import chain, islice
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from service.batch.escape import formula_like, inert_cell
from service.batch.summary_xlsx import SheetSpec

_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")


def write_workbook(specs: Iterable[SheetSpec], path: Path) -> None:
    wb = Workbook(write_only=True)
    for spec in specs:
        _sheet(wb.create_sheet(spec.name), spec.header, spec.rows, spec.percent_cols, spec.wide)
    tmp = path.with_name(f".{path.name}.tmp")
    wb.save(tmp)
    tmp.replace(path)


def _sheet(ws: Any, header: list[str], rows: Iterable[Any], percent_cols: Iterable[int] = (),
           wide: dict[int, int] | None = None) -> None:
    widths = wide or {}
    rest = iter(rows)
    first = list(islice(rest, 500))
    for i, title in enumerate(header, start=1):
        longest = max([_width(title), *(_width(r[i - 1]) for r in first if i - 1 < len(r))])
        ws.column_dimensions[get_column_letter(i)].width = widths.get(i, min(max(8, longest + 2), 40))
    ws.freeze_panes = "A2"
    _print_setup(ws)
    head = []
    for title in header:
        cell = WriteOnlyCell(ws, value=title)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(vertical="center", wrap_text=True)
        head.append(cell)
    ws.append(head)
    percent = set(percent_cols)
    wrapped = Alignment(wrap_text=True, vertical="top")
    count, ncols = 0, len(header)
    for row in chain(first, rest):
        count += 1
        ncols = max(ncols, len(row))
        out: list[Any] = []
        for i, v in enumerate(row, start=1):
            v = _value(v)
            if i in widths or (i in percent and isinstance(v, float)) or (isinstance(v, str) and formula_like(v)):
                cell = WriteOnlyCell(ws, value=v)
                inert_cell(cell)
                if i in percent and isinstance(v, float):
                    cell.number_format = "0.0%"
                if i in widths:
                    cell.alignment = wrapped
                out.append(cell)
            else:
                out.append(v)
        ws.append(out)
    if count:
        ws.auto_filter.ref = f"A1:{get_column_letter(ncols)}{count + 1}"


def _print_setup(ws: Any) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_title_rows = "1:1"
    ws.print_options.gridLines = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    footer = ws.HeaderFooter.oddFooter
    if footer is not None and footer.center is not None:
        footer.center.text = "第 &P 页, 共 &N 页"


def _value(v: Any) -> Any:
    if isinstance(v, str):
        return ILLEGAL_CHARACTERS_RE.sub("", v)[:32000]
    return v


def _width(v: Any) -> int:
    if v is None:
        return 0
    s = str(v)
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in s[:60])
