"""Image files (PNG, JPEG, TIFF, multi-page TIFF): each frame a page, read by OCR like a scanned PDF page."""

from __future__ import annotations

from service.errors import UnsupportedFormatError
from service.reading import ocr
from service.reading.document import SourceDocument

#: A page's width in points (an image says nothing reliable about its size): A4, or A4 landscape.
_A4_WIDTH = 595.0


def read_image(data: bytes, name: str) -> SourceDocument:
    """OCR an image file into a SourceDocument: text, tables rebuilt from the rules, OCR readings."""
    if not ocr.available():
        raise UnsupportedFormatError(f"an image, not a text report; reading it needs OCR: {ocr.INSTALL_HINT}", name)
    from service.reading.ocr_page import OcrPage
    from service.reading.pdf import assemble, read_page

    pages = []
    for number, frame in enumerate(ocr.decode_image(data, name), start=1):
        h, w = frame.shape[:2]
        width = _A4_WIDTH if h >= w else _A4_WIDTH * 842 / 595  # points, the aspect kept
        pages.append(read_page(OcrPage(ocr.ocr_array(frame), width, width * h / w), number))
    builder = assemble(pages)
    if not builder.text.strip():
        raise UnsupportedFormatError("OCR found no text in the image (an empty or unreadable page)", name)
    low = sum(1 for s in builder.ocr if s.confidence < ocr.LOW_CONFIDENCE)
    warnings = [f"read by OCR ({len(pages)} page(s)): {len(builder.ocr)} readings, {low} of them below confidence "
                f"{ocr.LOW_CONFIDENCE}"]
    return SourceDocument(text=builder.text, path=name, kind="image", encoding="OCR", tables=builder.tables,
                          warnings=warnings, ocr=builder.ocr)
