"""Report text made inert in the summaries: no spreadsheet formula, no Markdown or HTML markup.

Text taken from a report (a unit's name, a problem, an error message) is data. In a spreadsheet a cell
that begins with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return) may run as a formula — formula
injection; in Markdown, ``<img src=…>`` or ``![](…)`` fetches a remote address when the file is viewed.
The text itself is never changed: the xlsx cell is stored as a string with Excel's quote prefix (shown
as typed, not evaluated even when edited), Markdown gets backslash escapes that render as the characters.
Word does not evaluate text, so summary.docx keeps it as it is.
"""

from __future__ import annotations

import re

from openpyxl.cell.cell import Cell, MergedCell

#: What a spreadsheet takes as the start of a formula (OWASP CSV-injection list).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

_MD_ACTIVE_RE = re.compile(r"([\\`*_\[\]<>|&!#~])")


def formula_like(text: str) -> bool:
    """Whether a spreadsheet could take this text for a formula."""
    return text.startswith(FORMULA_START)


def inert_cell(cell: Cell | MergedCell) -> None:
    """Store a formula-like string in ``cell`` as text, quote-prefixed; other values are left alone."""
    value = cell.value
    if isinstance(cell, Cell) and isinstance(value, str) and formula_like(value):
        cell.data_type = "s"
        cell.quotePrefix = True


def markdown_text(text: str) -> str:
    """Text with every Markdown and HTML active character escaped (it renders as the same characters)."""
    return _MD_ACTIVE_RE.sub(r"\\\1", text)
