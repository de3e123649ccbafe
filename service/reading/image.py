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
        raise UnsupportedFormatError(f"图片而不是文字报告, 需要 OCR 文字识别: {ocr.INSTALL_HINT}", name)
    from service.reading.ocr_page import OcrPage
    from service.reading.pdf import assemble, read_page

    pages = []
    for number, frame in enumerate(ocr.decode_image(data, name), start=1):
        h, w = frame.shape[:2]
        width = _A4_WIDTH if h >= w else _A4_WIDTH * 842 / 595  # points, the aspect kept
        pages.append(read_page(OcrPage(ocr.ocr_array(frame), width, width * h / w), number))
    builder = assemble(pages)
    if not builder.text.strip():
        raise UnsupportedFormatError("OCR 文字识别在图片中没有找到文字(空白或无法识别的页面)", name)
    low = sum(1 for s in builder.ocr if s.confidence < ocr.LOW_CONFIDENCE)
    warnings = [f"read by OCR ({len(pages)} page(s)): {len(builder.ocr)} readings, {low} of them below confidence "
                f"{ocr.LOW_CONFIDENCE}"]
    return SourceDocument(text=builder.text, path=name, kind="image", encoding="OCR", tables=builder.tables,
                          warnings=warnings, ocr=builder.ocr)
