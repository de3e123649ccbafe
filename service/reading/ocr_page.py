"""An OCR'd page image as the PDF reader's page: characters from the text boxes, rules from the image.

The PDF reader (pdf.py) reads a page through its characters (text and box, in points from the top
left) and its rules; an OCR'd page gives it the same, so a scanned page goes through the same
reading as a text-layer page: ruled tables rebuilt as grids (rows and columns from the rules, each
character in the cell holding it), lines and paragraphs, page chrome, tables joined across pages.
Each character carries the confidence of the text box it came from (``conf``) and that box in
points (``box``), so every cell and line knows how sure the recogniser was and where it stands.
"""

from __future__ import annotations

from typing import Any, cast

from service.reading.layout import is_cjk
from service.reading.ocr import PageImage, TextBox

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
