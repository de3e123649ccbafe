"""Read a PDF with a text layer: paragraphs in reading order, ruled tables as grids.

Tables are found on the page's visible ruling (lines and thin filled rectangles; invisible white
boxes that some editors draw behind each text line are ignored), their cells filled with the
characters inside them, so rows come out row by row whatever order the text layer stores them
in. A table that runs on from one page to the next is joined; repeated page headers, footers and
page numbers are dropped; the lines of a paragraph are joined into one line. A table without
vertical rules whose cells are centred (wrapped numbers interleave its rows' lines) is rebuilt as a
grid from the white gaps between its numbers (pdf_unruled), or else left as text lines.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from io import BytesIO
from itertools import pairwise
from typing import Any

from service.errors import InputError, UnsupportedFormatError
from service.reading import ocr
from service.reading.document import SourceDocument
from service.reading.layout import RawCell, RawTable, TextBuilder, is_cjk, join_pieces
from service.reading.pdf_grid import Box, Grid, find_grids, ruling
from service.reading.pdf_pdfium import PdfiumError, PdfiumPage, open_pages
from service.reading.pdf_unruled import find_unruled

Char = dict[str, Any]
OcrBox = tuple[tuple[float, float, float, float], float]

_PAGE_NUMBER_RE = re.compile(
    r"^[-—–－_·•\s]*(?:第\s*)?\d{1,4}\s*(?:页)?(?:\s*[/／]\s*(?:共\s*)?\d{1,4}\s*页?)?(?:\s*共\s*\d{1,4}\s*页)?[-—–－_·•\s]*$"
)
_ENUM_START_RE = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十\d]+[)）]|\d+[、.．](?!\d))")
_DIGITS_RE = re.compile(r"\d+")
_VALUE_RE = re.compile(r"^(?:[+-]?\d[\d,]*(?:\.\d+)?|[/／\\]|[-—–－]{1,2})$")
_NUMBER_PIECE_RE = re.compile(r"^[\d,.]+$")
_MIN_TEXT_CHARS = 10  # a page with fewer visible characters has no usable text layer
OCR_DPI = 200  # scanned pages are rendered at this resolution for OCR


@dataclass(slots=True)
class _Line:
    """A visual line of text outside tables."""

    page: int
    top: float
    bottom: float
    x0: float
    x1: float
    size: float
    text: str
    page_height: float
    chars: list[Char] = field(default_factory=list)
    ocr: list[OcrBox] | None = None  # read by OCR: (box, confidence) per tab-separated piece


@dataclass(slots=True)
class _Table:
    page: int
    top: float
    bottom: float
    x0: float
    x1: float
    rows: RawTable
    last_page: int = 0
    cols: list[float] = field(default_factory=list)  # left edges of the columns
    xs: list[list[tuple[float, float]]] = field(default_factory=list)  # each cell's left and right, row by row
    page_height: float = 0.0


@dataclass(slots=True)
class _Page:
    number: int
    height: float
    items: list[_Line | _Table] = field(default_factory=list)


def read_pdf(data: bytes, name: str) -> SourceDocument:
    """Read a PDF's text layer into a SourceDocument (text, tables). Pages without a text layer (scans)
    and large pictures on text pages (a table pasted as an image) are read by OCR when the OCR extra
    is installed."""
    pages: list[_Page] = []
    stats = _Stats()
    scanned: list[int] = []
    try:
        can_ocr = ocr.available()
        for number, page in enumerate(_source_pages(data, name), start=1):
            read = _read_page(page, number, stats)
            if can_ocr and number in stats.image_pages + stats.picture_pages and _holds_a_scan(page):
                by_ocr = _read_page(_ocr_page(data, number, page, number in stats.picture_pages), number, _Stats())
                if any(it.top >= 0 for it in by_ocr.items):  # OCR found text (else the warnings stand)
                    read = by_ocr
                    scanned.append(number)
                else:
                    stats.empty_scans.append(number)
            pages.append(read)
    except InputError:
        raise
    except Exception as exc:
        raise InputError(_failure_reason(exc), name) from exc
    for number in scanned + stats.empty_scans:
        for group in (stats.blank_pages, stats.image_pages, stats.picture_pages):
            if number in group and (number in scanned or group is not stats.blank_pages):
                group.remove(number)
    warnings = _check_text_layer(stats, len(pages), name)
    builder = assemble(pages)
    if scanned:
        low = sum(1 for s in builder.ocr if s.confidence < ocr.LOW_CONFIDENCE)
        warnings.append(f"page(s) {_page_list(scanned)} read by OCR: {len(builder.ocr)} readings, {low} of them "
                        f"below confidence {ocr.LOW_CONFIDENCE}")
    if not builder.text.strip():
        raise UnsupportedFormatError("PDF 没有文字层(扫描图片), OCR 文字识别也没有找到文字", name)
    encoding = "OCR" if len(scanned) == len(pages) else "text layer + OCR" if scanned else "text layer"
    return SourceDocument(text=builder.text, path=name, kind="pdf", encoding=encoding, tables=builder.tables,
                          warnings=warnings, ocr=builder.ocr)


def assemble(pages: list[_Page]) -> TextBuilder:
    """The read pages as one text with its tables: page chrome dropped, tables and rows joined across pages."""
    builder = TextBuilder()
    _emit(_glue_across_pages(_drop_running_lines(pages)), builder)
    return builder


def read_page(page: Any, number: int) -> _Page:
    """One page (a pdfplumber, PDFium or OCR page) read into lines and tables."""
    return _read_page(page, number, _Stats())


def _holds_a_scan(page: Any) -> bool:
    """Does the page hold an image with enough pixels to carry text (not a rule, logo or 2 × 2 fill)?"""
    sizes = [im.get("srcsize") or (0, 0) for im in page.images]
    return any(min(int(w), int(h)) >= 100 for w, h in sizes)


def _page_list(numbers: list[int]) -> str:
    return ", ".join(str(n) for n in numbers)


def _ocr_page(data: bytes, number: int, page: Any, picture: bool) -> Any:
    """The page rendered and read by OCR; a text page with a large picture keeps its text layer and takes
    from OCR only what lies inside the picture."""
    from service.reading.ocr_page import OcrPage
    from service.reading.pdf_pdfium import render_page

    image = ocr.ocr_array(render_page(data, number - 1, OCR_DPI))
    if not picture:
        return OcrPage(image, float(page.width), float(page.height))
    boxes = [(im["x0"], im["top"], im["x1"], im["bottom"]) for im in page.images]

    def inside(x: float, y: float) -> bool:
        return any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)

    return _Merged(page, OcrPage(image, float(page.width), float(page.height), keep=inside))


class _Merged:
    """A text page and what OCR read in its pictures, as one page."""

    def __init__(self, page: Any, scan: Any) -> None:
        self.width, self.height = float(page.width), float(page.height)
        self.chars = [c for c in page.chars if c["text"] and not c["text"].isspace()] + scan.chars
        self.lines = list(page.lines) + scan.lines
        self.rects, self.curves = page.rects, page.curves
        self.images: list[Any] = []
        self._scan = scan

    def find_tables(self, settings: dict[str, Any]) -> list[Any]:
        return list(self._scan.find_tables(settings))


def _source_pages(data: bytes, name: str) -> Iterator[Any]:
    """The document's pages, read by PDFium; a page PDFium cannot read fully (a text object it could not
    measure), or a document it cannot open or whose pages are rotated, by pdfplumber (pdfminer), which is
    about twenty times slower but reads those too and says why a document cannot be read."""
    import pdfplumber

    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    try:
        fast: list[PdfiumPage] | None = list(open_pages(data))
    except PdfiumError:
        fast = None
    if fast and not any(p.unmeasured for p in fast):
        yield from fast
        return
    with pdfplumber.open(BytesIO(data)) as pdf:
        if not pdf.pages:
            raise InputError("PDF 没有页面", name)
        if fast is None or len(fast) != len(pdf.pages):
            yield from pdf.pages
            return
        for page, slow in zip(fast, pdf.pages, strict=True):
            yield slow if page.unmeasured else page


def _failure_reason(exc: BaseException) -> str:
    """One line saying why a PDF could not be opened (pdfplumber wraps pdfminer's errors)."""
    seen: list[BaseException] = []
    todo: list[BaseException] = [exc]
    while todo and len(seen) < 10:
        e = todo.pop()
        seen.append(e)
        todo.extend(a for a in (*e.args, e.__cause__, e.__context__) if isinstance(a, BaseException))
    names = {type(e).__name__ for e in seen}
    if "PDFPasswordIncorrect" in names:
        return "PDF 有密码保护, 请先去除密码"
    if "PDFEncryptionError" in names:
        return "PDF 的加密方式无法读取, 请不加密另存"
    return "无法读取 PDF(文件损坏或不是 PDF)"


# ---------------------------------------------------------------- text layer checks


@dataclass(slots=True)
class _Stats:
    chars: int = 0
    cid: int = 0
    cjk: int = 0
    blank_pages: list[int] = field(default_factory=list)  # pages without text
    image_pages: list[int] = field(default_factory=list)  # ... of which hold an image
    picture_pages: list[int] = field(default_factory=list)  # pages with text and a large image
    empty_scans: list[int] = field(default_factory=list)  # ... of the two, pages where OCR found no text


def _check_text_layer(stats: _Stats, npages: int, name: str) -> list[str]:
    if stats.chars and stats.cid > 0.3 * stats.chars:
        raise UnsupportedFormatError(
            "PDF 的文字层无法解码(字体没有 Unicode 映射), 需要先做 OCR 文字识别", name)
    if len(stats.blank_pages) == npages:
        if stats.empty_scans and not stats.image_pages:
            raise UnsupportedFormatError("PDF 没有文字层, 其图片经 OCR 文字识别也没有找到文字", name)
        if stats.image_pages:
            raise UnsupportedFormatError(f"PDF 没有文字层(扫描图片), 需要先做 OCR 文字识别: {ocr.INSTALL_HINT}", name)
        raise UnsupportedFormatError("PDF 没有文字层(既无文字也无图片), 需要先做 OCR 文字识别", name)
    warnings: list[str] = []
    if stats.empty_scans:
        warnings.append(f"page(s) {_page_list(stats.empty_scans)} hold a large image or a scan in which OCR "
                        "found no text")
    if stats.image_pages:
        pages = ", ".join(str(p) for p in stats.image_pages)
        warnings.append(f"page(s) {pages} have no text layer (scanned images); their content is missing, "
                        f"OCR needed ({ocr.INSTALL_HINT})")
    if stats.picture_pages:
        pages = ", ".join(str(p) for p in stats.picture_pages)
        warnings.append(f"page(s) {pages} hold a large image (a table or a scan?) whose content is not read "
                        f"({ocr.INSTALL_HINT})")
    if stats.chars > 200 and stats.cjk < 0.05 * stats.chars:
        warnings.append("the text layer holds almost no Chinese characters; it may be garbled")
    return warnings


# ---------------------------------------------------------------- one page


def _read_page(page: Any, number: int, stats: _Stats) -> _Page:
    chars = [c for c in page.chars if c["text"] and not c["text"].isspace()]
    slanted = sum(1 for c in chars if _slanted(c))
    if 0 < slanted < 0.2 * len(chars):
        chars = [c for c in chars if not _slanted(c)]  # a watermark across the page
    out = _Page(number, float(page.height))
    stats.chars += len(chars)
    stats.cid += sum(1 for c in chars if c["text"].startswith("(cid:"))
    stats.cjk += sum(1 for c in chars if is_cjk(c["text"][0]))
    if len(chars) < _MIN_TEXT_CHARS:
        stats.blank_pages.append(number)
        if page.images:
            stats.image_pages.append(number)
    elif any((im["x1"] - im["x0"]) * (im["bottom"] - im["top"]) > 0.25 * page.width * page.height
             for im in page.images):
        stats.picture_pages.append(number)
    rules = ruling(page) if chars else ([], [])
    grids = find_grids(page, rules) if chars else []
    cell_chars: list[list[Char]] = [[] for g in grids for _ in g.cells]
    offsets: list[int] = []
    n = 0
    for g in grids:
        offsets.append(n)
        n += len(g.cells)
    free: list[Char] = []
    for c in chars:
        cx = (c["x0"] + c["x1"]) / 2
        cy = (c["top"] + c["bottom"]) / 2
        for gi, g in enumerate(grids):
            if g.bbox.contains(cx, cy):
                cell_chars[offsets[gi] + g.cell_at(cx, cy)].append(c)
                break
        else:
            free.append(c)
    for gi, g in enumerate(grids):
        members = [cell_chars[offsets[gi] + ci] for ci in range(len(g.cells))]
        lines = [_cell_lines(m) for m in members]
        ocr = [_ocr_box(m, (c.box.x0, c.box.top, c.box.x1, c.box.bottom)) for m, c in zip(members, g.cells, strict=True)]
        rows, xs = _grid_rows(g, lines, ocr)
        cols = sorted({round(c.box.x0, 1) for c in g.cells})
        out.items.append(_Table(number, g.bbox.top, g.bbox.bottom, g.bbox.x0, g.bbox.x1, rows, number, cols, xs,
                                out.height))
    loose = [r for r in rules[0] if not any(g.bbox.contains((r["x0"] + r["x1"]) / 2, r["top"]) for g in grids)]
    # Text read by OCR keeps its confidence only through ruled grids and lines: no unruled-table rebuild.
    by_ocr = any("conf" in c for c in chars)
    unruled, free_lines = ([], _cluster_lines(free)) if by_ocr else find_unruled(_cluster_lines(free), loose, out.height)
    for t in unruled:
        out.items.append(_Table(number, t.top, t.bottom, t.x0, t.x1, t.rows, number, t.cols, t.xs, out.height))
    for line in _glue_wrapped_numbers(free_lines):
        text = _line_text(line, tabs=True)
        if text:
            sizes = sorted(c["size"] for c in line)
            out.items.append(_Line(number, min(c["top"] for c in line), max(c["bottom"] for c in line),
                                   line[0]["x0"], line[-1]["x1"], sizes[len(sizes) // 2], text, out.height, line,
                                   _ocr_pieces(line) if by_ocr else None))
    out.items.sort(key=lambda it: it.top)
    return out


def _slanted(c: Char) -> bool:
    """Text set at a slant (not a multiple of 90°): watermarks and stamps."""
    a, b = (c.get("matrix") or (1, 0))[:2]
    return min(abs(a), abs(b)) > 0.1 * max(abs(a), abs(b))


def _ocr_box(chars: list[Char], box: tuple[float, float, float, float]) -> OcrBox | None:
    """A cell's OCR reading: its box and the least confidence of the text boxes in it (None: not OCR'd)."""
    confs = [c["conf"] for c in chars if "conf" in c]
    return (box, min(confs)) if confs else None


def _ocr_pieces(line: list[Char]) -> list[OcrBox]:
    """An OCR'd line's pieces as _line_text separates them with tabs: each piece's box and least confidence."""
    groups: list[list[Char]] = []
    for c in line:
        p = groups[-1][-1] if groups else None
        if p is not None and c["x0"] - p["x1"] <= 1.5 * max(p["size"], c["size"], 1.0):
            groups[-1].append(c)
        else:
            groups.append([c])
    out: list[OcrBox] = []
    for g in groups:
        boxes = [c.get("box") or (c["x0"], c["top"], c["x1"], c["bottom"]) for c in g]
        out.append(((min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes),
                     max(b[3] for b in boxes)), min(c.get("conf", 1.0) for c in g)))
    return out


def _cluster_lines(chars: list[Char]) -> list[list[Char]]:
    """Group characters into visual lines (by vertical overlap), each sorted left to right."""
    lines: list[tuple[float, float, list[Char]]] = []
    for c in sorted(chars, key=lambda c: (c["top"], c["x0"])):
        h = max(c["bottom"] - c["top"], 0.1)
        if lines:
            top, bottom, members = lines[-1]
            overlap = min(bottom, c["bottom"]) - max(top, c["top"])
            if overlap >= 0.5 * min(h, bottom - top):
                members.append(c)
                lines[-1] = (min(top, c["top"]), max(bottom, c["bottom"]), members)
                continue
        lines.append((c["top"], c["bottom"], [c]))
    out: list[list[Char]] = []
    for _, _, members in lines:
        members.sort(key=lambda c: c["x0"])
        deduped: list[Char] = []
        for c in members:
            if deduped:
                p = deduped[-1]
                if c["text"] == p["text"] and abs(c["x0"] - p["x0"]) < 1.5 and abs(c["top"] - p["top"]) < 1.5:
                    continue  # the same glyph drawn twice (fake bold)
            deduped.append(c)
        out.append(deduped)
    return out


def _pieces(line: list[Char]) -> list[list[Char]]:
    """A line's runs of characters separated by a wide gap (the cells of an unruled table row)."""
    out: list[list[Char]] = []
    for c in line:
        p = out[-1][-1] if out else None
        gap = c["x0"] - p["x1"] if p else 0.0
        size = max(c["size"], p["size"], 1.0) if p else 1.0
        # a label abutting its value: a gap where the text turns to digits
        turn = p is not None and p["text"][-1:].isdigit() != c["text"][:1].isdigit() and gap > 0.3 * size
        if p is not None and gap <= 1.5 * size and not turn:
            out[-1].append(c)
        else:
            out.append([c])
    return out


def _glue_wrapped_numbers(lines: list[list[Char]]) -> list[list[Char]]:
    """Put the ends of numbers that wrapped in narrow table columns back after their beginnings.

    In a table without column rules, a number too wide for its column goes on in the line below,
    under its beginning: that line then holds only number fragments, each under a number of the
    line above, and fewer of them than the row has numbers (a row of its own has its label or
    all of its numbers).
    """
    out: list[list[Char]] = []
    for line in lines:
        # The line above may be a character of a label set vertically beside the row: look a little further.
        for back in range(1, min(3, len(out)) + 1):
            if _is_number_tail(out[-back], line):
                out[-back] = _glue(out[-back], line)
                break
        else:
            out.append(line)
    return out


def _glue(prev: list[Char], tail: list[Char]) -> list[Char]:
    glued = list(prev)
    for piece in _pieces(tail):
        i = next(i for i in range(len(glued)) if _heads(glued, i, piece))
        glued[i] = {**glued[i], "text": glued[i]["text"] + "".join(c["text"] for c in piece)}
    return glued


def _number_pieces(line: list[Char]) -> list[list[Char]]:
    return [p for p in _pieces(line) if _NUMBER_PIECE_RE.match("".join(c["text"] for c in p))]


def _heads(line: list[Char], i: int, tail: list[Char]) -> bool:
    """Is line[i] the last character of a number that ``tail`` (a run of the next line) continues?"""
    for p in _number_pieces(line):
        if p[-1] is line[i]:
            return p[0]["x0"] - 1 <= tail[0]["x0"] <= p[-1]["x1"]
    return False


def _is_number_tail(prev: list[Char], line: list[Char], next_page: bool = False) -> bool:
    """Does ``line`` hold only the wrapped ends of numbers of ``prev`` (the line above, or the last
    line of the page before)?"""
    pieces = _pieces(line)
    if not pieces or not all(_NUMBER_PIECE_RE.match("".join(c["text"] for c in p)) for p in pieces):
        return False
    size = max(c["size"] for c in line)
    if not next_page and not 0 <= min(c["top"] for c in line) - max(c["bottom"] for c in prev) <= 0.8 * size:
        return False
    above = _number_pieces(prev)
    if len(pieces) >= len(above) and len(above) == len(_pieces(prev)):
        return False  # as many numbers as the row above and no label: a row of its own
    return all(any(_heads(prev, i, p) for i in range(len(prev))) for p in pieces)


def _line_text(line: list[Char], tabs: bool) -> str:
    """A line's text: no space between CJK, a space between words, a tab at a wide gap (a column break)."""
    parts: list[str] = []
    prev: Char | None = None
    for c in line:
        t = c["text"]
        if prev is not None:
            gap = c["x0"] - prev["x1"]
            size = max(prev["size"], c["size"], 1.0)
            a, b = prev["text"][-1], t[0]
            if tabs and gap > 1.5 * size:
                parts.append("\t")
            elif gap > 0.2 * size and not is_cjk(a) and not is_cjk(b):
                parts.append(" ")
        parts.append(t)
        prev = c
    return "".join(parts).strip()


@dataclass(slots=True)
class _CellLine:
    """One text line inside a table cell."""

    y: float  # vertical centre
    text: str
    x0: float
    x1: float
    first_w: float  # width of its first character
    h: float  # height


def _cell_lines(chars: list[Char]) -> list[_CellLine]:
    """A cell's text lines, top to bottom."""
    out: list[_CellLine] = []
    for line in _cluster_lines(chars):
        text = _line_text(line, tabs=False)
        if text:
            top, bottom = min(c["top"] for c in line), max(c["bottom"] for c in line)
            out.append(_CellLine((top + bottom) / 2, text, line[0]["x0"], line[-1]["x1"],
                                 line[0]["x1"] - line[0]["x0"], bottom - top))
    return out


def _wrapped(a: _CellLine, b: _CellLine, box: Box, pad: float) -> bool:
    """Did line b only start because a number did not fit on line a (the cell's width was used up)?"""
    if not (_NUMBER_PIECE_RE.match(a.text) and _NUMBER_PIECE_RE.match(b.text)):
        return False
    if b.y - a.y > 2.0 * max(a.h, b.h):
        return False  # the next line of a wrapped text follows at line spacing
    return (a.x1 - a.x0) + b.first_w > (box.x1 - box.x0) - 2 * pad - 0.25 * b.first_w - 0.5


def _unwrap(lines: list[_CellLine], box: Box) -> tuple[list[_CellLine], bool]:
    """Join a number wrapped over several lines of a narrow cell back into one line.

    Returns the lines and whether every break between value lines was such a wrap (so the cell
    holds one value, not one value per row of a ruled row whose inner rules were not drawn).
    """
    if len(lines) < 2:
        return lines, True
    # The cell's inner padding: what the text leaves free on its nearer side, at most a usual 6pt
    # (centred text leaves more on both sides than the padding).
    pad = max(0.0, min(6.0, *(min(ln.x0 - box.x0, box.x1 - ln.x1) for ln in lines)))
    out = [lines[0]]
    all_wraps = True
    for ln in lines[1:]:
        prev = out[-1]
        if _wrapped(prev, ln, box, pad):
            out[-1] = _CellLine(ln.y, prev.text + ln.text, prev.x0, max(prev.x1, ln.x1), prev.first_w, prev.h)
            continue
        if _VALUE_RE.match(prev.text) and _VALUE_RE.match(ln.text):
            all_wraps = False
        out.append(ln)
    return out, all_wraps


def _grid_rows(grid: Grid, raw: list[list[_CellLine]], ocr: list[OcrBox | None]
               ) -> tuple[RawTable, list[list[tuple[float, float]]]]:
    """Rows of a grid's cells. A ruled row holding several rows of values (rules between body rows
    not drawn) is split at the value lines, so each printed row is one row. A number wrapped over
    two lines of a narrow cell is one value."""
    unwrapped = [_unwrap(lines, c.box) for lines, c in zip(raw, grid.cells, strict=True)]
    bands: dict[int, list[float]] = {}
    stacked_rows: set[int] = set()
    for r in range(grid.nrows):
        cells = [i for i, c in enumerate(grid.cells) if c.row == r and c.rowspan == 1]
        if any(not unwrapped[i][1] for i in cells):
            stacked_rows.add(r)  # some cell holds values one under the other: rows without rules
    lines = [raw[i] if c.row in stacked_rows else unwrapped[i][0] for i, c in enumerate(grid.cells)]
    for r in range(grid.nrows):
        stacked = [i for i, c in enumerate(grid.cells) if c.row == r and c.rowspan == 1
                   and sum(1 for ln in lines[i] if _VALUE_RE.match(ln.text)) >= 2]
        if len(stacked) >= 2:
            ys = _cluster_y([ln.y for i in stacked for ln in lines[i] if _VALUE_RE.match(ln.text)])
            if len(ys) >= 2:
                bands[r] = ys
    rows: RawTable = [[] for _ in range(sum(len(bands.get(r, [0.0])) for r in range(grid.nrows)))]
    xs: list[list[tuple[float, float]]] = [[] for _ in rows]
    first = [0]
    for r in range(grid.nrows):
        first.append(first[-1] + len(bands.get(r, [0.0])))
    for i, cell in enumerate(grid.cells):
        band = bands.get(cell.row)
        if band is None or cell.rowspan > 1:
            span = first[min(cell.row + cell.rowspan, grid.nrows)] - first[cell.row]
            rows[first[cell.row]].append(RawCell(join_pieces([ln.text for ln in lines[i]]), span, cell.colspan, ocr[i]))
            xs[first[cell.row]].append((cell.box.x0, cell.box.x1))
            continue
        parts: list[list[str]] = [[] for _ in band]
        for ln in lines[i]:
            parts[min(range(len(band)), key=lambda k: abs(band[k] - ln.y))].append(ln.text)
        for k, texts in enumerate(parts):
            rows[first[cell.row] + k].append(RawCell(join_pieces(texts), 1, cell.colspan, ocr[i]))
            xs[first[cell.row] + k].append((cell.box.x0, cell.box.x1))
    return rows, xs


def _cluster_y(values: list[float], tol: float = 3.0) -> list[float]:
    out: list[list[float]] = []
    for y in sorted(values):
        if out and y - out[-1][-1] <= tol:
            out[-1].append(y)
        else:
            out.append([y])
    return [sum(g) / len(g) for g in out]


# ---------------------------------------------------------------- across pages


def _drop_running_lines(pages: list[_Page]) -> list[_Page]:
    """Remove page numbers and headers/footers repeated on several pages (in the top or bottom margin)."""
    def key(line: _Line) -> str:
        return _DIGITS_RE.sub("#", line.text.replace(" ", ""))

    def in_margin(line: _Line) -> bool:
        return line.bottom < 0.15 * line.page_height or line.top > 0.85 * line.page_height

    def candidates(p: _Page) -> list[_Line]:
        """The first two and last two lines of a page, when they stand in its top or bottom margin."""
        edge = p.items[:2] + p.items[-2:]
        return [it for it in edge if isinstance(it, _Line) and in_margin(it)]

    counts: Counter[str] = Counter()
    for p in pages:
        counts.update({key(it) for it in candidates(p)})
    repeat = max(2, (len(pages) + 1) // 2)
    for p in pages:
        drop: set[int] = set()
        for it in candidates(p):
            first_or_last = it is p.items[0] or it is p.items[-1]
            if (first_or_last and _PAGE_NUMBER_RE.match(it.text)) or (len(pages) > 1 and counts[key(it)] >= repeat):
                drop.add(id(it))
        p.items = [it for it in p.items if id(it) not in drop]
    return pages


def _glue_across_pages(pages: list[_Page]) -> list[_Page]:
    """A row of an unruled table that broke at the page end: the ends of its wrapped numbers open the next page."""
    for p, q in pairwise(pages):
        if not p.items or not q.items:
            continue
        last, first = p.items[-1], q.items[0]
        if (isinstance(last, _Line) and isinstance(first, _Line) and "\t" in last.text
                and _is_number_tail(last.chars, first.chars, next_page=True)):
            last.chars = _glue(last.chars, first.chars)
            last.text = _line_text(last.chars, tabs=True)
            q.items = q.items[1:]
    return pages


def _emit(pages: list[_Page], builder: TextBuilder) -> None:
    """Write lines joined into paragraphs and tables joined across pages into the builder."""
    items = [it for p in pages for it in p.items]
    lines = [it for it in items if isinstance(it, _Line)]
    left, right = _margins(lines)
    para: list[_Line] = []
    prev: _Line | _Table | None = None
    table: _Table | None = None

    def flush_para() -> None:
        if para:
            ocr = [piece for ln in para for piece in ln.ocr or []]
            builder.line(join_pieces([ln.text for ln in para]), page=para[0].page, ocr=ocr or None)
            para.clear()

    def flush_table() -> None:
        nonlocal table
        if table is not None:
            builder.table(table.rows, table.page)
            table = None

    for it in items:
        if isinstance(it, _Table):
            flush_para()
            if table is not None and prev is table and _continues(table, it):
                k = _repeated_header_rows(table.rows, it.rows)
                rows, xs = it.rows[k:], it.xs[k:]
                if rows and _split_row(table, rows[0], xs[0], it.top):
                    _merge_split_row(table, rows[0], xs[0])
                    rows, xs = rows[1:], xs[1:]
                table.rows.extend(rows)
                table.xs.extend(xs)
                table.bottom, table.last_page, table.page_height = it.bottom, it.page, it.page_height
                table.cols = sorted(set(table.cols) | set(it.cols))
            else:
                flush_table()
                table = _Table(it.page, it.top, it.bottom, it.x0, it.x1, list(it.rows), it.page, list(it.cols),
                               list(it.xs), it.page_height)
            prev = table
            continue
        flush_table()
        if "\t" in it.text:
            flush_para()
            builder.line(it.text, keep_tabs=True, page=it.page, ocr=it.ocr)
            prev = None
            continue
        if para and isinstance(prev, _Line) and _joins(prev, it, left, right):
            para.append(it)
        else:
            flush_para()
            para.append(it)
        prev = it
    flush_para()
    flush_table()


def _margins(lines: list[_Line]) -> tuple[float, float]:
    """The body's left and right edges: the outermost line starts and ends that recur.

    (The most common start can be the first-line indent in a report of short paragraphs.)
    """
    if not lines:
        return 0.0, 0.0
    lefts = Counter(round(ln.x0) for ln in lines)
    rights = Counter(round(ln.x1) for ln in lines)
    top_left, top_right = max(lefts.values()), max(rights.values())
    left = min(x for x, n in lefts.items() if n >= min(top_left, max(2, 0.2 * top_left)))
    right = max(x for x, n in rights.items() if n >= min(top_right, max(2, 0.5 * top_right)))
    return float(left), float(right)


def _joins(prev: _Line, line: _Line, left: float, right: float) -> bool:
    """Does ``line`` continue ``prev``'s paragraph? prev runs to the right edge, line starts at the left."""
    size = max(prev.size, line.size)
    if abs(prev.size - line.size) > 1.5:
        return False
    if prev.x1 < right - 1.5 * size or line.x0 > left + 0.6 * size:
        return False
    if _ENUM_START_RE.match(line.text):
        return False
    if line.page == prev.page:
        return line.top - prev.bottom < 2.5 * size
    return line.page == prev.page + 1


def _continues(a: _Table, b: _Table) -> bool:
    """Is table b (at the top of the next page) the rest of table a (at the bottom of this one)?"""
    if b.page != max(a.page, a.last_page) + 1 or abs(a.x0 - b.x0) >= 8 or abs(a.x1 - b.x1) >= 8:
        return False
    # The same column rules: the part with fewer columns has its columns among the other's.
    few, many = sorted((a.cols, b.cols), key=len)
    return all(any(abs(x - y) < 3 for y in many) for x in few)


def _repeated_header_rows(head: RawTable, rows: RawTable) -> int:
    """How many first rows of a continuation repeat the table's first rows (a repeated header)."""
    k = 0
    while k < len(rows) and k < len(head) and [c.text for c in rows[k]] == [c.text for c in head[k]]:
        if not any(c.text for c in rows[k]):
            break
        k += 1
    return k if k < len(rows) else 0


def _split_row(table: _Table, first: list[RawCell], first_xs: list[tuple[float, float]], top: float) -> bool:
    """Is a continuation's first row the rest of the table's last row, broken by the page end?

    The row ran off the bottom of the page and went on at the top of the next one: the rest holds only
    what did not fit (the end of wrapped numbers or labels), under cells of the last row that are
    filled, and nothing under its label; a row of its own would start with its label.
    """
    if not table.rows or not table.xs or table.bottom < 0.75 * table.page_height or top > 0.25 * table.page_height:
        return False
    last, last_xs = table.rows[-1], table.xs[-1]
    filled = [i for i, c in enumerate(first) if c.text]
    if not filled or len(filled) == len(first):
        return False
    above = [_under(x, last_xs) for x in first_xs]
    if all(a is None for a in above):
        return False
    for i, c in enumerate(first):
        a = above[i]
        if a is None:  # under a cell spanning down from an earlier row: its text may go on
            if _VALUE_RE.match(c.text):
                return False
            continue
        over = last[a].text
        if c.text and not over:
            return False  # text under an empty cell: a row of its own
        if not _VALUE_RE.match(over) and over and c.text and _ENUM_START_RE.match(c.text):
            return False  # a label of its own
    labels = [i for i, c in enumerate(last) if c.text and not _VALUE_RE.match(c.text)]
    if labels:
        # the row's label fitted on the first page, or only its end went on
        return all(not first[i].text or not _ENUM_START_RE.match(first[i].text)
                   for i in range(len(first)) if above[i] in labels)
    return all(_NUMBER_PIECE_RE.match(first[i].text) for i in filled)


def _under(x: tuple[float, float], row_xs: list[tuple[float, float]]) -> int | None:
    """The cell of a row whose column range holds most of the range x."""
    best, best_overlap = None, 0.0
    for i, (a, b) in enumerate(row_xs):
        overlap = min(b, x[1]) - max(a, x[0])
        if overlap > best_overlap:
            best, best_overlap = i, overlap
    if best is None or best_overlap < 0.5 * (x[1] - x[0]):
        return None
    return best


def _merge_split_row(table: _Table, first: list[RawCell], first_xs: list[tuple[float, float]]) -> None:
    last, last_xs = table.rows[-1], table.xs[-1]
    for c, x in zip(first, first_xs, strict=True):
        i = _under(x, last_xs)
        if i is None or not c.text:
            continue
        over = last[i].text
        joined = over + c.text if _NUMBER_PIECE_RE.match(over) and _NUMBER_PIECE_RE.match(c.text) else join_pieces([over, c.text])
        readings = [r for r in (last[i].ocr, c.ocr) if r is not None]
        last[i] = RawCell(joined, last[i].rowspan, last[i].colspan, min(readings, key=lambda r: r[1]) if readings else None)
