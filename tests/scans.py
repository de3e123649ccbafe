"""Scanned copies of the bundled PDFs, made at test time: rasterised, turned a little, noisy, with a red seal.

``scan_pages(pdf, dpi)`` renders each page of a text-layer PDF with PDFium and degrades it the way a
print-and-scan does: a slight rotation, grey noise and dust, a red seal stamped over a table, JPEG
compression. ``plant_digit`` paints another number over one printed cell (found through the text
layer), so that the image says something the gold numbers do not. ``image_pdf`` wraps the pages into
an image-only PDF (what a scanner writes). Everything is seeded: the same arguments give the same bytes.
"""

from __future__ import annotations

import io
import math
import random
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageDraw, ImageFont

from service.reading.pdf_pdfium import render_page

DEV = Path(__file__).resolve().parent.parent / "eval" / "corpus" / "dev"


def cell_box(pdf: bytes, page: int, row_label: str, column: int) -> tuple[float, float, float, float]:
    """The box (points, from the top left) of the ``column``-th number (0-based) on the text line whose
    label starts with ``row_label``, on 1-based ``page``."""
    doc = pdfium.PdfDocument(pdf)
    try:
        p = doc[page - 1]
        height = p.get_height()
        tp = p.get_textpage()
        text = tp.get_text_range()
        at = text.index(row_label)
        line_end = text.index("\n", at + len(row_label)) if "\n" in text[at:] else len(text)
        numbers: list[tuple[int, int]] = []
        i = at + len(row_label)
        while i < line_end:
            if text[i].isdigit():
                j = i
                while j < line_end and (text[j].isdigit() or text[j] == "."):
                    j += 1
                numbers.append((i, j))
                i = j
            else:
                i += 1
        start, end = numbers[column]
        boxes = [tp.get_charbox(k) for k in range(start, end)]
        left, right = min(b[0] for b in boxes), max(b[2] for b in boxes)
        bottom, top = min(b[1] for b in boxes), max(b[3] for b in boxes)
        return left, height - top, right, height - bottom
    finally:
        doc.close()


def _stamp(im: Image.Image, centre: tuple[int, int], radius: int, rng: random.Random) -> None:
    """A seal-like red stamp: two rings, a star and arcs of strokes, drawn translucent over the page."""
    layer = Image.new("RGBA", im.size, (0, 0, 0, 0))
    d = ImageDraw.Draw(layer)
    red = (215, 35, 40, 170)
    cx, cy = centre
    d.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), outline=red, width=max(3, radius // 18))
    r2 = radius * 0.86
    d.ellipse((cx - r2, cy - r2, cx + r2, cy + r2), outline=red, width=max(1, radius // 60))
    star = []
    for k in range(10):
        r = radius * (0.28 if k % 2 == 0 else 0.12)
        a = -math.pi / 2 + k * math.pi / 5
        star.append((cx + r * math.cos(a), cy + r * math.sin(a)))
    d.polygon(star, fill=red)
    for k in range(14):  # the ring of characters, as short strokes
        a = math.pi * (0.8 + 1.4 * k / 13)
        r = radius * 0.68
        x, y = cx + r * math.cos(a), cy + r * math.sin(a)
        s = radius * 0.09
        d.rectangle((x - s, y - s, x + s, y + s), outline=red, width=max(2, radius // 40))
    im.alpha_composite(layer) if im.mode == "RGBA" else im.paste(layer, (0, 0), layer)


def degrade(im: Image.Image, seed: int, angle: float = 0.6, stamp_at: tuple[float, float] | None = (0.62, 0.45),
            noise: float = 10.0, jpeg: int = 80) -> Image.Image:
    """A print-and-scan look: a red seal (centre as fractions of the page), rotation, noise, JPEG."""
    rng = random.Random(seed)
    im = im.convert("RGB")
    if stamp_at is not None:
        w, h = im.size
        _stamp(im, (int(stamp_at[0] * w), int(stamp_at[1] * h)), int(0.11 * w), rng)
    im = im.rotate(angle, resample=Image.Resampling.BILINEAR, expand=False, fillcolor=(255, 255, 255))
    arr = np.asarray(im).astype(np.int16)
    noise_rng = np.random.default_rng(seed)
    arr = arr + noise_rng.normal(0, noise, arr.shape[:2])[:, :, None].astype(np.int16)
    dust = noise_rng.random(arr.shape[:2]) < 0.0004
    arr[dust] = 40
    im = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=jpeg)
    return Image.open(io.BytesIO(buf.getvalue())).convert("RGB")


def plant_digit(im: Image.Image, box_pt: tuple[float, float, float, float], dpi: int, text: str) -> Image.Image:
    """Paint ``text`` over the printed number in ``box_pt`` (before degrading): white it out, write anew."""
    im = im.copy()
    s = dpi / 72
    x0, top, x1, bottom = (v * s for v in box_pt)
    d = ImageDraw.Draw(im)
    d.rectangle((x0 - 2, top - 2, x1 + 2, bottom + 2), fill=(255, 255, 255))
    font = ImageFont.load_default(size=int((bottom - top) * 1.05))
    d.text((x0, top - (bottom - top) * 0.05), text, fill=(0, 0, 0), font=font)
    return im


def scan_pages(pdf: bytes, dpi: int = 150, seed: int = 1, pages: list[int] | None = None,
               plant: tuple[int, tuple[float, float, float, float], str] | None = None) -> list[Image.Image]:
    """Degraded page images of a PDF (1-based ``pages``, default all); ``plant``: (page, box, text)."""
    n = len(pdfium.PdfDocument(pdf))
    out: list[Image.Image] = []
    for number in pages or list(range(1, n + 1)):
        im = Image.fromarray(render_page(pdf, number - 1, dpi))
        if plant is not None and plant[0] == number:
            im = plant_digit(im, plant[1], dpi, plant[2])
        angle = (0.7 if number % 2 else -0.5) if seed else 0.0
        out.append(degrade(im, seed * 100 + number, angle=angle, stamp_at=(0.6, 0.4) if number % 2 else (0.35, 0.6)))
    return out


def image_pdf(images: list[Image.Image], dpi: int) -> bytes:
    """An image-only PDF of the pages, as a scanner writes it."""
    buf = io.BytesIO()
    images[0].save(buf, "PDF", save_all=True, append_images=images[1:], resolution=dpi)
    return buf.getvalue()
