"""The read document: original text, folded text with the same offsets, and any structured tables."""

from __future__ import annotations

import bisect
import hashlib
import itertools
import re
from dataclasses import InitVar, dataclass, field

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


@dataclass(frozen=True, slots=True)
class OcrSpan:
    """Text that OCR read: its offsets in SourceDocument.text, the page and the box it was read from
    (points from the page's top-left corner: x0, top, x1, bottom) and the recogniser's confidence."""

    start: int
    end: int
    page: int | None
    box: tuple[float, float, float, float] | None
    confidence: float

    def where(self) -> str:
        """Where on the page, for a person: "page 3 at 212,340 pt"."""
        at = f" at {self.box[0]:.0f},{self.box[1]:.0f} pt" if self.box else ""
        return f"page {self.page}{at}" if self.page is not None else at.strip()


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
    warnings: list[str] = field(default_factory=list)
    ocr: list[OcrSpan] = field(default_factory=list)  # what was read by OCR, in text order
    #: Offsets where a line starts with no line break before it (a page run together with no blank to
    #: turn into one: see ``reading.reflow``); lines are text[start:next start] there.
    breaks: tuple[int, ...] = ()
    #: ``fold(text)`` as the reader computed it from a scan of its own (see ``read_bytes``), else computed
    #: here. An init-only value, not a field: ``dataclasses.replace(doc, text=…)`` folds the new text.
    known_fold: InitVar[str | None] = None
    #: The hash the reader took of its input (the text as read, before line breaks are restored), else the
    #: hash of ``text`` as UTF-8. Init-only too: ``dataclasses.replace`` hashes the text it is given, so a new
    #: text never keeps the old hash (it keys ``chrome.running_lines``'s memo and the batch API's custom_id).
    known_sha256: InitVar[str | None] = None
    sha256: str = field(init=False)
    folded: str = field(init=False)
    line_starts: list[int] = field(init=False)
    _starts: list[int] = field(init=False, default_factory=list, repr=False)

    def __post_init__(self, known_fold: str | None, known_sha256: str | None) -> None:
        self.folded = known_fold if known_fold is not None and len(known_fold) == len(self.text) else fold(self.text)
        self.line_starts = [0, *(m.end() for m in _NEWLINE_RE.finditer(self.text))]
        if self.breaks:
            self.line_starts = sorted({*self.line_starts, *self.breaks})
        self.sha256 = known_sha256 or hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    def ocr_at(self, start: int, end: int) -> OcrSpan | None:
        """The least confident OCR reading overlapping text[start:end], or None (not OCR'd)."""
        if not self.ocr:
            return None
        i = bisect.bisect_right(self._ocr_starts(), end) - 1
        best: OcrSpan | None = None
        while i >= 0 and self.ocr[i].end > start - 200:
            s = self.ocr[i]
            if s.start < max(end, start + 1) and s.end > start and (best is None or s.confidence < best.confidence):
                best = s
            i -= 1
        return best

    def _ocr_starts(self) -> list[int]:
        if len(self._starts) != len(self.ocr):
            self.ocr.sort(key=lambda s: s.start)
            self._starts = [s.start for s in self.ocr]
        return self._starts

    @property
    def line_count(self) -> int:
        return len(self.line_starts)

    def line_of(self, offset: int) -> int:
        """1-based line number of a character offset."""
        return bisect.bisect_right(self.line_starts, offset)

    def line_span(self, line: int) -> tuple[int, int]:
        """Offsets [start, end) of a 1-based line, without its newline."""
        start = self.line_starts[line - 1]
        if line >= len(self.line_starts):
            return start, len(self.text)
        end = self.line_starts[line]
        return start, end - 1 if self.text[end - 1] == "\n" else end

    def line_spans(self) -> list[tuple[int, int]]:
        """``line_span`` of every line, in order (one pass: for code that visits every line)."""
        text, starts = self.text, self.line_starts
        spans = [(a, b - 1 if text[b - 1] == "\n" else b) for a, b in itertools.pairwise(starts)]
        spans.append((starts[-1], len(text)))
        return spans

    def spans_within(self, start: int, end: int) -> list[tuple[int, int]]:
        """The lines of ``text[start:end]`` as :meth:`line_span` gives them (a zero-width line start in
        ``breaks`` starts one too), the first from ``start``, the last to ``end`` (empty when ``end`` ends
        a line): ``text[start:end].split("\n")`` with each piece's offsets, cut at the breaks (a break just
        before a newline adds an empty line)."""
        text, starts = self.text, self.line_starts
        spans: list[tuple[int, int]] = []
        a = start
        for i in range(bisect.bisect_right(starts, start), bisect.bisect_right(starts, end)):
            b = starts[i]
            spans.append((a, b - 1 if text[b - 1] == "\n" else b))
            a = b
        spans.append((a, end))
        return spans

    def runs_on(self, start: int, end: int) -> bool:
        """Whether a zero-width line start (``breaks``: text run together) falls inside ``[start, end)``."""
        i = bisect.bisect_left(self.breaks, start)
        return i < len(self.breaks) and self.breaks[i] < end

    def line_text(self, line: int) -> str:
        start, end = self.line_span(line)
        return self.text[start:end].rstrip("\r")

    def lines(self) -> list[str]:
        return self.text.split("\n")
