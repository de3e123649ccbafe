"""A PDF's pages through PDFium (pypdfium2): characters, paths and images as pdfplumber's page gives them.

PDFium parses a page's content in C, about twenty times faster than pdfminer in Python. The page
objects here carry what the PDF reader uses of a pdfplumber page, in its coordinates (points from
the top-left corner) and its dictionaries: ``chars`` (text, x0, x1, top, bottom, size, matrix),
``lines``, ``rects`` and ``curves`` (paths split into subpaths the way pdfminer does, with fill,
stroke and their colours) and ``images``; ``find_tables`` runs pdfplumber's table finder on
explicit rules, which needs nothing else of the page.
"""

from __future__ import annotations

import ctypes
import math
from collections.abc import Iterator
from typing import Any, cast

import pypdfium2 as pdfium
import pypdfium2.raw as raw

Obj = dict[str, Any]
Matrix = tuple[float, float, float, float, float, float]

_IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


class PdfiumError(Exception):
    """PDFium could not open the document (the message says why)."""


def _mul(m: Matrix, n: Matrix) -> Matrix:
    """m then n (row vectors: p' = p·m·n), as in PDF's ``cm``."""
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _matrix(obj: Any) -> Matrix:
    m = raw.FS_MATRIX()
    if not raw.FPDFPageObj_GetMatrix(obj, m):
        return _IDENTITY
    return (m.a, m.b, m.c, m.d, m.e, m.f)


def _rgb(getter: Any, obj: Any) -> tuple[float, float, float] | None:
    r, g, b, a = ctypes.c_uint(), ctypes.c_uint(), ctypes.c_uint(), ctypes.c_uint()
    if not getter(obj, r, g, b, a):
        return None
    return (r.value / 255, g.value / 255, b.value / 255)


class PdfiumPage:
    """One page, read eagerly (PDFium handles are closed when the document closes)."""

    def __init__(self, page: Any) -> None:
        self.width = float(page.get_width())
        self.height = float(page.get_height())
        self.bbox = (0.0, 0.0, self.width, self.height)
        self.chars = self._chars(page)
        self.lines: list[Obj] = []
        self.rects: list[Obj] = []
        self.curves: list[Obj] = []
        self.images: list[Obj] = []
        #: text objects PDFium could not measure (a font program without glyphs): their characters are
        #: missing from ``chars``, so the page must be read another way.
        self.unmeasured = 0
        for obj, ctm in self._objects(page.raw):
            kind = raw.FPDFPageObj_GetType(obj)
            if kind == raw.FPDF_PAGEOBJ_TEXT:
                left, right = ctypes.c_float(), ctypes.c_float()
                bottom, top = ctypes.c_float(), ctypes.c_float()
                if raw.FPDFPageObj_GetBounds(obj, left, bottom, right, top) and right.value - left.value < 0.01:
                    self.unmeasured += 1
            elif kind == raw.FPDF_PAGEOBJ_PATH:
                self._path(obj, ctm)
            elif kind == raw.FPDF_PAGEOBJ_IMAGE:
                a, b, c, d, e, f = ctm
                xs = [e, e + a, e + c, e + a + c]
                ys = [f, f + b, f + d, f + b + d]
                pw, ph = ctypes.c_uint(), ctypes.c_uint()
                size = (pw.value, ph.value) if raw.FPDFImageObj_GetImagePixelSize(obj, pw, ph) else (0, 0)
                self.images.append({"x0": min(xs), "x1": max(xs), "top": self.height - max(ys),
                                    "bottom": self.height - min(ys), "srcsize": size})

    # ------------------------------------------------------------ text

    def _chars(self, page: Any) -> list[Obj]:
        textpage = page.get_textpage()
        try:
            tp = textpage.raw
            box = raw.FS_RECTF()
            m = raw.FS_MATRIX()
            left, right, low, high = ctypes.c_double(), ctypes.c_double(), ctypes.c_double(), ctypes.c_double()
            out: list[Obj] = []
            count = raw.FPDFText_CountChars(tp)
            joined = -1  # the index of a low surrogate already joined to the character before it
            for i in range(count):
                if i == joined:
                    continue
                code = raw.FPDFText_GetUnicode(tp, i)
                if code == 0 or raw.FPDFText_IsGenerated(tp, i) == 1:
                    continue
                if 0xD800 <= code <= 0xDFFF:
                    # PDFium gives UTF-16 code units: a character beyond the BMP (a rare place-name character
                    # of CJK Extension B…) is two of them, a pair joined here into one character; a lone half
                    # is no character at all (U+FFFD), never a surrogate in the text, which UTF-8 cannot hold.
                    after = raw.FPDFText_GetUnicode(tp, i + 1) if i + 1 < count else 0
                    text = surrogate_char(code, after)
                    if len(text) == 1 and text != "\ufffd":
                        joined = i + 1
                else:
                    text = chr(code)
                if text.isspace() or not raw.FPDFText_GetLooseCharBox(tp, i, box):
                    continue
                raw.FPDFText_GetMatrix(tp, i, m)
                # pdfminer's character box: the advance wide, the font size (scaled) high, on the descent.
                size = raw.FPDFText_GetFontSize(tp, i) * math.hypot(m.c, m.d)
                x0, x1, bottom = box.left, box.right, self.height - box.bottom
                if x1 - x0 > 2 * size or box.top - box.bottom > 2 * size:
                    # vertical writing (PDFium's loose box runs along the column): a square on the glyph
                    raw.FPDFText_GetCharBox(tp, i, left, right, low, high)
                    cx, cy = (left.value + right.value) / 2, self.height - (low.value + high.value) / 2
                    x0, x1, bottom = cx - size / 2, cx + size / 2, cy + size / 2
                out.append({"text": text, "x0": x0, "x1": x1, "top": bottom - size, "bottom": bottom,
                            "size": size, "matrix": (m.a, m.b, m.c, m.d, m.e, m.f)})
            return out
        finally:
            textpage.close()

    # ------------------------------------------------------------ paths and images

    def _objects(self, container: Any, ctm: Matrix = _IDENTITY, form: bool = False,
                 depth: int = 0) -> Iterator[tuple[Any, Matrix]]:
        """Every text, path and image object, inside form XObjects too, with its matrix to page space."""
        count = raw.FPDFFormObj_CountObjects(container) if form else raw.FPDFPage_CountObjects(container)
        for i in range(max(0, count)):
            obj = raw.FPDFFormObj_GetObject(container, i) if form else raw.FPDFPage_GetObject(container, i)
            if not obj:
                continue
            kind = raw.FPDFPageObj_GetType(obj)
            if kind == raw.FPDF_PAGEOBJ_FORM and depth < 8:
                yield from self._objects(obj, _mul(_matrix(obj), ctm), True, depth + 1)
            elif kind in (raw.FPDF_PAGEOBJ_PATH, raw.FPDF_PAGEOBJ_IMAGE, raw.FPDF_PAGEOBJ_TEXT):
                yield obj, _mul(_matrix(obj), ctm)

    def _path(self, obj: Any, ctm: Matrix) -> None:
        fillmode, stroke = ctypes.c_int(), ctypes.c_int()
        if not raw.FPDFPath_GetDrawMode(obj, fillmode, stroke):
            return
        style = {"fill": fillmode.value != 0, "stroke": bool(stroke.value),
                 "stroking_color": _rgb(raw.FPDFPageObj_GetStrokeColor, obj),
                 "non_stroking_color": _rgb(raw.FPDFPageObj_GetFillColor, obj)}
        a, b, c, d, e, f = ctm
        x, y = ctypes.c_float(), ctypes.c_float()
        subpaths: list[list[tuple[float, float]]] = []
        for i in range(raw.FPDFPath_CountSegments(obj)):
            seg = raw.FPDFPath_GetPathSegment(obj, i)
            if not seg or not raw.FPDFPathSegment_GetPoint(seg, x, y):
                continue
            pt = (x.value * a + y.value * c + e, x.value * b + y.value * d + f)
            if raw.FPDFPathSegment_GetType(seg) == raw.FPDF_SEGMENT_MOVETO or not subpaths:
                subpaths.append([pt])
            else:
                subpaths[-1].append(pt)
            if raw.FPDFPathSegment_GetClose(seg) and subpaths[-1][0] != subpaths[-1][-1]:
                subpaths[-1].append(subpaths[-1][0])
        for pts in subpaths:
            self._subpath(pts, style)

    def _subpath(self, pts: list[tuple[float, float]], style: Obj) -> None:
        """One subpath as pdfminer classifies it: a line (two points), a rectangle, or a curve."""
        if len(pts) < 2:
            return
        if len(pts) > 2 and pts[-1] == pts[0] and len(pts) == 6 and pts[-2] == pts[0]:
            pts = pts[:-1]  # a redundant closing segment
        flipped = [(px, self.height - py) for px, py in pts]
        xs = [p[0] for p in flipped]
        ys = [p[1] for p in flipped]
        geom = {"x0": min(xs), "x1": max(xs), "top": min(ys), "bottom": max(ys),
                "width": max(xs) - min(xs), "height": max(ys) - min(ys)}
        if len(pts) == 2:
            self.lines.append({**style, **geom, "pts": flipped})
            return
        if len(pts) == 5 and pts[0] == pts[4]:
            (x0, y0), (x1, y1), (x2, y2), (x3, y3) = pts[:4]
            if (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or (y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0):
                self.rects.append({**style, **geom})
                return
        self.curves.append({**style, **geom, "pts": flipped})

    # ------------------------------------------------------------ tables

    def find_tables(self, settings: dict[str, Any]) -> list[Any]:
        """pdfplumber's table finder on explicit rules (it uses the page for nothing else)."""
        from pdfplumber.table import TableFinder, TableSettings

        page = cast(Any, self)  # duck-typed: the finder reads no attribute of the page on explicit rules
        return TableFinder(page, TableSettings.resolve(settings)).tables


def open_pages(data: bytes) -> Iterator[PdfiumPage]:
    """The pages of a PDF, one at a time. Raises PdfiumError when the document cannot be opened.

    A page with /Rotate is not supported here (its coordinates would need turning): PdfiumError too,
    so that the caller can read the document another way.
    """
    try:
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise PdfiumError(str(exc)) from exc
    try:
        for i in range(len(doc)):
            page = doc[i]
            try:
                if page.get_rotation() % 360:
                    raise PdfiumError("rotated page")
                yield PdfiumPage(page)
            finally:
                page.close()
    finally:
        doc.close()


def render_page(data: bytes, index: int, dpi: int) -> Any:
    """One page rendered as an RGB array (height × width × 3), at ``dpi``."""
    import numpy as np

    doc = pdfium.PdfDocument(data)
    try:
        page = doc[index]
        try:
            bitmap = page.render(scale=dpi / 72, rev_byteorder=True)
            return np.array(bitmap.to_pil().convert("RGB"))
        finally:
            page.close()
    finally:
        doc.close()


def surrogate_char(code: int, after: int) -> str:
    """The character of a UTF-16 code unit ``code`` that is half of a surrogate pair, ``after`` the unit
    that follows it (0 when none): the pair's character when ``code`` is a high half and ``after`` a low one,
    else U+FFFD."""
    if 0xD800 <= code <= 0xDBFF and 0xDC00 <= after <= 0xDFFF:
        return chr(0x10000 + ((code - 0xD800) << 10) + (after - 0xDC00))
    return "\ufffd"
