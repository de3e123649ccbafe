"""An OCR'd page image as the PDF reader's page: characters from the text boxes, rules from the image.

The PDF reader (pdf.py) reads a page through its characters (text and box, in points from the top
left) and its rules; an OCR'd page gives it the same, so a scanned page goes through the same
reading as a text-layer page: ruled tables rebuilt as grids (rows and columns from the rules, each
character in the cell holding it), lines and paragraphs, page chrome, tables joined across pages.
Each character carries the confidence of the text box it came from (``conf``) and that box in
points (``box``), so every cell and line knows how sure the recogniser was and where it stands.
"""

from __future__ import annotations

import re
import sys
from typing import Any, cast

from service.reading import ocr
from service.reading.layout import is_cjk
from service.reading.ocr import PageImage, TextBox
from service.reading.pdf_grid import find_grids

Obj = dict[str, Any]
_BLACK = (0.0, 0.0, 0.0)


def _width(ch: str) -> float:
    """A character's advance in ems: CJK and full-width characters are square, the rest about half."""
    return 1.0 if is_cjk(ch) else 0.55


class OcrPage:
    """A page image's text boxes and rules in the shape of a pdfplumber page (see pdf_pdfium)."""

    def __init__(self, image: PageImage, width_pt: float, height_pt: float, keep: Any = None) -> None:
        """``keep``: a predicate on a character's centre (x, y in points) choosing the characters to take
        (a picture on a page with a text layer: only what lies inside it)."""
        self.width = width_pt
        self.height = height_pt
        self.bbox = (0.0, 0.0, width_pt, height_pt)
        sx, sy = width_pt / image.width, height_pt / image.height
        self.chars: list[Obj] = []
        for b in image.boxes:
            box = (b.x0 * sx, b.top * sy, b.x1 * sx, b.bottom * sy)
            for c in _box_chars(b, box):
                if keep is None or keep((c["x0"] + c["x1"]) / 2, (c["top"] + c["bottom"]) / 2):
                    self.chars.append(c)
        self.lines: list[Obj] = []
        for x0, x1, y in image.h_rules:
            self._rule(x0 * sx, y * sy, x1 * sx, y * sy, keep)
        for y0, y1, x in image.v_rules:
            self._rule(x * sx, y0 * sy, x * sx, y1 * sy, keep)
        self.rects: list[Obj] = []
        self.curves: list[Obj] = []
        self.images: list[Obj] = []
        self.unmeasured = 0
        self.angle = image.angle
        if image.grey is not None and self.lines:
            _read_cells(self, image, sx, sy, keep)

    def _rule(self, x0: float, top: float, x1: float, bottom: float, keep: Any) -> None:
        if keep is not None and not keep((x0 + x1) / 2, (top + bottom) / 2):
            return
        self.lines.append({"x0": x0, "x1": x1, "top": top, "bottom": bottom, "width": x1 - x0,
                           "height": bottom - top, "stroking_color": _BLACK, "stroke": True, "fill": False})

    def find_tables(self, settings: dict[str, Any]) -> list[Any]:
        """pdfplumber's table finder on explicit rules (it uses the page for nothing else)."""
        from pdfplumber.table import TableFinder, TableSettings

        return TableFinder(cast(Any, self), TableSettings.resolve(settings)).tables


def _box_chars(b: TextBox, box: tuple[float, float, float, float]) -> list[Obj]:
    """A text box's characters, spread over its width by their advances (a space is a gap)."""
    x0, top, x1, bottom = box
    text = b.text.replace(" ", "")
    if len(text) > 1 and bottom - top > 1.5 * len(text) ** 0.5 * (x1 - x0):  # set vertically: one under the other
        step = (bottom - top) / len(text)
        size = min(step, x1 - x0) * 0.8
        return [{"text": ch, "x0": x0, "x1": x1, "top": top + k * step, "bottom": top + (k + 1) * step,
                 "size": max(size, 1.0), "matrix": (1.0, 0.0, 0.0, 1.0, x0, top + (k + 1) * step),
                 "conf": b.confidence, "box": box} for k, ch in enumerate(text)]
    ems = sum(_width(ch) for ch in b.text) or 1.0
    em = (x1 - x0) / ems
    size = min(bottom - top, 1.6 * em) * 0.8  # the box is padded around the glyphs
    out: list[Obj] = []
    x = x0
    for ch in b.text:
        adv = _width(ch) * em
        if not ch.isspace():
            out.append({"text": ch, "x0": x, "x1": x + adv, "top": top, "bottom": bottom, "size": max(size, 1.0),
                        "matrix": (1.0, 0.0, 0.0, 1.0, x, bottom), "conf": b.confidence, "box": box})
        x += adv
    return out


# ---------------------------------------------------------------- a second reading, cell by cell

#: What a table cell holding one value reads as: a number, or a mark for nothing.
_VALUE = re.compile(r"[0-9][0-9.,，]*|[/／\-—–－]|无")


def _read_cells(page: OcrPage, image: PageImage, sx: float, sy: float, keep: Any) -> None:
    """Read again, one by one, the ruled cells the page's text detection left empty or read with low
    confidence (the detector drops a lone 0 or 1; a seal or a fill blurs a digit): each cell is cut out
    between its rules and recognised alone (no detection). A cell with no ink is blank, never 0. A
    reading is taken only when it is one value; where the two readings of a cell differ, the more
    confident value stands with the lower confidence of the two (a doubt for the relations to settle)."""
    grey = image.grey
    threshold = _ink_threshold(grey)
    heights = sorted(b.bottom - b.top for b in image.boxes if len(b.text) >= 2)
    line_h = heights[len(heights) // 2] if heights else 0.015 * image.height
    margin = max(3, round(image.width / 400))
    todo: list[tuple[list[Obj], tuple[int, int, int, int]]] = []  # (the characters read in it, its ink's box)
    crops: list[Any] = []
    for grid in find_grids(page):
        for cell in grid.cells:
            b = cell.box
            inside = [c for c in page.chars if b.contains((c["x0"] + c["x1"]) / 2, (c["top"] + c["bottom"]) / 2)]
            text = "".join(c["text"] for c in inside)
            if inside and not (_short(text) and (not _VALUE.fullmatch(text)
                                                 or min(c["conf"] for c in inside) < ocr.LOW_CONFIDENCE)):
                continue
            x0, x1 = round(b.x0 / sx) + margin, round(b.x1 / sx) - margin
            top, bottom = round(b.top / sy) + margin, round(b.bottom / sy) - margin
            if x1 - x0 < 6 or bottom - top < 6:
                continue
            found = _ink(grey[top:bottom, x0:x1], threshold, line_h)
            if found is None:
                continue  # no ink: a blank cell
            crop, (ix0, itop, ix1, ibottom) = found
            todo.append((inside, (x0 + ix0, top + itop, x0 + ix1, top + ibottom)))
            crops.append(crop)
    if not crops:
        return
    readings = sys.modules[ocr.__name__].recognise_cells(crops)  # (through the module: tests may cache it)
    for (inside, (ix0, itop, ix1, ibottom)), (text, conf) in zip(todo, readings, strict=True):
        text = text.replace(" ", "")
        if not _VALUE.fullmatch(text):
            continue
        if inside:
            old = "".join(c["text"] for c in inside)
            first = min(c["conf"] for c in inside)
            if text == old:
                for c in inside:
                    c["conf"] = max(first, conf)
                continue
            if conf <= first and _VALUE.fullmatch(old):
                for c in inside:
                    c["conf"] = min(first, conf)
                continue
            conf = min(first, conf)
            drop = {id(c) for c in inside}
            page.chars = [c for c in page.chars if id(c) not in drop]
        box = TextBox(ix0, itop, ix1, ibottom, text, conf)
        for c in _box_chars(box, (ix0 * sx, itop * sy, ix1 * sx, ibottom * sy)):
            if keep is None or keep((c["x0"] + c["x1"]) / 2, (c["top"] + c["bottom"]) / 2):
                page.chars.append(c)


def _short(text: str) -> bool:
    """Could the text be a misreading of one value (``D`` for 0, ``一`` for 1), not a label?"""
    return len(text) <= 8 and sum(1 for ch in text if is_cjk(ch)) <= 1


def _ink_threshold(grey: Any) -> float:
    import cv2

    value, _ = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return max(float(value), 200.0)  # a thin digit scanned light is ink; dust is told by its size


def _ink(cell: Any, threshold: float, line_h: float) -> tuple[Any, tuple[int, int, int, int]] | None:
    """The ink in a cell cut out between its rules, as an image to recognise (dust and pieces of rules
    left white, a margin around the ink) with the ink's box in the cell; None when the cell holds no ink,
    or more than one line."""
    import cv2
    import numpy as np

    h, w = cell.shape
    mask = (cell < threshold).astype(np.uint8)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    keep = np.zeros(n, dtype=bool)
    for i in range(1, n):
        x, y, cw, ch, area = (int(v) for v in stats[i])
        edge = x == 0 or y == 0 or x + cw == w or y + ch == h
        if area < 12 or (cw < 8 and ch < 8):
            continue  # dust
        if edge and (cw <= 3 or ch <= 3 or cw >= 0.9 * w or ch >= 0.9 * h):
            continue  # a piece of a rule
        keep[i] = True
    if not keep.any():
        return None
    ys, xs = np.nonzero(keep[labels])
    x0, x1, top, bottom = int(xs.min()), int(xs.max()) + 1, int(ys.min()), int(ys.max()) + 1
    if bottom - top > 1.6 * line_h:
        return None  # several lines: not one value
    clean = np.where(mask.astype(bool) & ~keep[labels], 255, cell).astype(np.uint8)
    pad = max(4, round(0.3 * (bottom - top)))
    crop = np.full((bottom - top + 2 * pad, x1 - x0 + 2 * pad), 255, dtype=np.uint8)
    crop[pad:pad + bottom - top, pad:pad + x1 - x0] = clean[top:bottom, x0:x1]
    return crop, (x0, top, x1, bottom)
