"""Assemble a SourceDocument's text from paragraphs and tables, recording each table cell's offsets.

Every reader (HTML, DOCX, PDF) produces blocks: a paragraph is one line; a table is one line per row
with its cells separated by a tab, so the plain-text table parser also works on the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from service.reading.document import GridCell, GridTable, OcrSpan
from service.reading.normalize import strip_invisible

_CJK_RE = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef\u201c\u201d\u2018\u2019]")
_CELL_WS_RE = re.compile(r"[\t\n\r\f\v]+")


@dataclass(slots=True)
class RawCell:
    """A table cell before offsets are known: its text and spans."""

    text: str
    rowspan: int = 1
    colspan: int = 1
    ocr: tuple[tuple[float, float, float, float], float] | None = None  # OCR'd: (box in points, confidence)


RawTable = list[list[RawCell]]


def is_cjk(ch: str) -> bool:
    """True for CJK ideographs and full-width punctuation (text that is not separated by spaces)."""
    return bool(_CJK_RE.match(ch))


def join_pieces(pieces: list[str]) -> str:
    """Join line fragments of one paragraph or cell: no space between CJK, one space between words."""
    out = ""
    for piece in pieces:
        piece = piece.strip()
        if not piece:
            continue
        if out and out[-1].isascii() and out[-1].isalnum() and piece[0].isascii() and piece[0].isalnum():
            out += " "
        out += piece
    return out


def clean_cell(text: str) -> str:
    """A cell's text on one line: no tabs or newlines, no invisible characters, trimmed."""
    return _CELL_WS_RE.sub(" ", strip_invisible(text)).strip()


class TextBuilder:
    """Append paragraphs and tables; ``text`` and ``tables`` are the SourceDocument's."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._len = 0
        self.tables: list[GridTable] = []
        self.ocr: list[OcrSpan] = []

    def _add(self, s: str) -> None:
        self._parts.append(s)
        self._len += len(s)

    def line(self, text: str, keep_tabs: bool = False, page: int | None = None,
             ocr: list[tuple[tuple[float, float, float, float], float]] | None = None) -> None:
        """One paragraph (internal newlines become separate lines; blank lines are dropped).

        Tabs become spaces unless ``keep_tabs`` (a table row that the source did not rule). ``ocr``: the
        text was read by OCR on ``page``: one (box, confidence) for the whole text, or with ``keep_tabs``
        one per tab-separated piece.
        """
        start = self._len
        for part in strip_invisible(text).replace("\r", "\n").split("\n"):
            part = (part if keep_tabs else part.replace("\t", " ")).strip()
            if part:
                self._add(part + "\n")
        if not ocr or self._len == start:
            return
        pieces = "".join(self._parts[-1:]).rstrip("\n").split("\t") if keep_tabs else []
        if keep_tabs and len(pieces) == len(ocr) and self._len - start == len(self._parts[-1]):
            at = start
            for piece, (box, conf) in zip(pieces, ocr, strict=True):
                self.ocr.append(OcrSpan(at, at + len(piece), page, box, conf))
                at += len(piece) + 1
            return
        boxes = [b for b, _ in ocr]
        union = (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))
        self.ocr.append(OcrSpan(start, self._len - 1, page, union, min(c for _, c in ocr)))

    def table(self, rows: RawTable, page: int | None = None) -> GridTable | None:
        """One table: a line per row, cells tab-separated; rows without cells are dropped."""
        grid_rows: list[list[GridCell]] = []
        for row in rows:
            if not row:
                continue
            cells: list[GridCell] = []
            for i, raw in enumerate(row):
                if i:
                    self._add("\t")
                text = clean_cell(raw.text)
                start = self._len
                self._add(text)
                cells.append(GridCell(text, start, self._len, max(1, raw.rowspan), max(1, raw.colspan)))
                if raw.ocr is not None and text:
                    self.ocr.append(OcrSpan(start, self._len, page, raw.ocr[0], raw.ocr[1]))
            self._add("\n")
            grid_rows.append(cells)
        if not grid_rows:
            return None
        grid = GridTable(rows=grid_rows, page=page)
        self.tables.append(grid)
        return grid

    @property
    def text(self) -> str:
        return "".join(self._parts).rstrip("\n")
