"""The read document: original text, folded text with the same offsets, and any structured tables."""

from __future__ import annotations

import bisect
import hashlib
import re
from dataclasses import dataclass, field

from service.reading.normalize import fold

_NEWLINE_RE = re.compile("\n")


@dataclass(slots=True)
class GridCell:
    """One cell of a table that the source format kept structured (HTML, DOCX, PDF ruling)."""

    text: str
    start: int | None = None  # offset of the cell's text in SourceDocument.text, if rendered there
    end: int | None = None
    rowspan: int = 1
    colspan: int = 1


@dataclass(slots=True)
class GridTable:
    """A structured table: rows of cells as the source format gave them (spanned cells appear once)."""

    rows: list[list[GridCell]]
    page: int | None = None


@dataclass
class SourceDocument:
    """A report after reading: ``text`` is what offsets refer to; ``folded`` is for matching."""

    text: str
    path: str | None = None
    kind: str = "text"  # text | markdown | html | docx | pdf
    encoding: str = "utf-8"
    title: str | None = None  # e.g. the HTML <title>, when the format has one
    tables: list[GridTable] = field(default_factory=list)
    sha256: str = ""
    warnings: list[str] = field(default_factory=list)
    folded: str = field(init=False)
    line_starts: list[int] = field(init=False)

    def __post_init__(self) -> None:
        self.folded = fold(self.text)
        self.line_starts = [0, *(m.end() for m in _NEWLINE_RE.finditer(self.text))]
        if not self.sha256:
            self.sha256 = hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    @property
    def line_count(self) -> int:
        return len(self.line_starts)

    def line_of(self, offset: int) -> int:
        """1-based line number of a character offset."""
        return bisect.bisect_right(self.line_starts, offset)

    def line_span(self, line: int) -> tuple[int, int]:
        """Offsets [start, end) of a 1-based line, without its newline."""
        start = self.line_starts[line - 1]
        end = self.line_starts[line] - 1 if line < len(self.line_starts) else len(self.text)
        return start, end

    def line_text(self, line: int) -> str:
        start, end = self.line_span(line)
        return self.text[start:end].rstrip("\r")

    def lines(self) -> list[str]:
        return self.text.split("\n")
