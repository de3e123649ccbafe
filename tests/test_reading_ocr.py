"""OCR: scanned copies of a bundled PDF (rasterised at 150 dpi, turned, noisy, a red seal over a table) read
back to the gold numbers or honestly unknown; a digit planted in the image FAILs or is a reading doubt;
image files; bad images; the message without the OCR extra.

OCR is slow (seconds per page): one module-scoped cache in front of the engine (detection and the
second reading of single cells), keyed by the prepared images, so each is recognised once per run. The OCR extra is part of ``.[dev]``, so
these tests run in CI; they fail (not skip) when it is missing.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator
from itertools import pairwise
from typing import Any

import pytest
from PIL import Image

from service.checks.model import Status
from service.errors import InputError, UnsupportedFormatError
from service.pipeline import analyze_document
from service.reading import ocr, read_bytes
from service.reading.document import OcrSpan, SourceDocument
from tests.scans import DEV, cell_box, image_pdf, scan_pages
from tests.unseen_layouts import cells_of, load_truth, truth_cells

NAME = "hongze-district-2023"
DPI = 150
_CACHE: dict[str, Any] = {}


@pytest.fixture(autouse=True, scope="module")
def _ocr_cache() -> Iterator[None]:
    """Each distinct prepared page image is recognised once in this module."""
    def cache(real: Any) -> Any:
        def cached(images: Any) -> Any:
            digest = hashlib.sha1(real.__name__.encode())
            for image in images if isinstance(images, list) else [images]:
                digest.update(image.tobytes() + str(image.shape).encode())
            key = digest.hexdigest()
            if key not in _CACHE:
                _CACHE[key] = real(images)
            return _CACHE[key]
        return cached

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(ocr, "recognise", cache(ocr.recognise))
        mp.setattr(ocr, "recognise_cells", cache(ocr.recognise_cells))
        yield


@pytest.fixture(scope="module")
def pdf() -> bytes:
    return (DEV / f"{NAME}.pdf").read_bytes()


@pytest.fixture(scope="module")
def scanned(pdf: bytes) -> bytes:
    return image_pdf(scan_pages(pdf, DPI), DPI)


def _score(report: Any, gold: str) -> tuple[int, int, dict[str, tuple[object, object]]]:
    want = truth_cells(load_truth(gold))
    got = cells_of(report)
    right = sum(1 for k, v in want.items() if got.get(k) == v)
    wrong = {k: (got.get(k), v) for k, v in want.items() if got.get(k) is not None and got.get(k) != v}
    return right, len(want), wrong


def test_engine_is_installed_with_its_models() -> None:
    """The extra is installed (CI installs .[dev]) and its wheel carries the models: nothing to download."""
    assert ocr.available()
    from pathlib import Path

    import rapidocr_onnxruntime

    models = Path(rapidocr_onnxruntime.__file__).parent / "models"
    assert {p.name for p in models.glob("*.onnx")} >= {"ch_PP-OCRv4_det_infer.onnx", "ch_PP-OCRv4_rec_infer.onnx"}


def test_scanned_pdf_cells_equal_gold_or_unknown(scanned: bytes) -> None:
    doc = read_bytes(scanned, f"{NAME}-scan.pdf")
    assert doc.encoding == "OCR" and doc.ocr
    assert any("read by OCR" in w for w in doc.warnings)
    report = analyze_document(doc, narrative=False)
    right, total, wrong = _score(report, NAME)
    assert wrong == {}, "a number read wrong without a doubt"
    assert right >= 0.97 * total
    # every printed cell carries its OCR confidence and where it was read
    cells = [c for t in (report.tables.table3, report.tables.table4) for r in t.rows.values() for c in r.cells
             if c.span is not None]
    assert cells and all(c.confidence is not None and c.at and c.at.startswith("page ") for c in cells)


def test_scanned_tables_are_grids_with_page_and_box(scanned: bytes) -> None:
    doc = read_bytes(scanned, f"{NAME}-scan.pdf")
    assert len(doc.tables) >= 2
    grid = doc.tables[1]
    cell = next(c for r in grid.rows for c in r if c.text == "21")
    reading = doc.ocr_at(cell.start or 0, cell.end or 0)
    assert reading is not None and reading.page == grid.page and reading.box is not None
    x0, top, x1, bottom = reading.box
    assert 0 < x0 < x1 < 595 and 0 < top < bottom < 842


def test_planted_digit_fails_or_is_a_doubt(pdf: bytes) -> None:
    """10 → 16 painted over 表三 (四)1 自然人: the relations through it must not pass silently."""
    box = cell_box(pdf, 3, "1.本机关不掌握相关政府信息", 0)
    pages = scan_pages(pdf, DPI, pages=[1, 2, 3, 4, 5], plant=(3, box, "16"))
    report = analyze_document(read_bytes(image_pdf(pages, DPI), "planted.pdf"), narrative=False)
    cell = report.tables.table3.rows["unable_not_held"].cells[0]
    assert cell.value != 10, "the planted digit was 'corrected' back"
    row = "(四)无法提供 1.本机关不掌握相关政府信息"
    flagged = [f for f in report.findings if any(c.row == row and c.column == "自然人" for c in f.cells)
               and (f.status is Status.FAIL or f.rule == "OCR")]
    if cell.value is None:  # unreadable: honestly unknown, and the relations through it are not PASS
        assert all(f.status is not Status.PASS for f in report.findings
                   if any(c.row == row and c.column == "自然人" for c in f.cells))
    else:
        assert flagged, "a wrong digit passed silently"


def test_png_tiff_and_jpeg_pages(pdf: bytes) -> None:
    page = scan_pages(pdf, DPI, pages=[3])[0]
    seen: dict[str, list[str]] = {}
    for fmt, suffix in (("PNG", "png"), ("TIFF", "tif"), ("JPEG", "jpg")):
        buf = io.BytesIO()
        page.save(buf, fmt)
        doc = read_bytes(buf.getvalue(), f"page3.{suffix}")
        assert doc.kind == "image" and doc.ocr
        seen[fmt] = [line for line in doc.lines() if line.startswith("行政处罚")]
    assert seen["PNG"] == seen["TIFF"] == ["行政处罚\t4119"]
    assert seen["JPEG"] in (["行政处罚\t4119"], [])  # a second JPEG pass may blur, never change the number
    assert not any("4119" not in line for line in seen["JPEG"])


def test_multipage_tiff_is_one_document_per_file(pdf: bytes) -> None:
    pages = scan_pages(pdf, DPI, pages=[3, 4])
    buf = io.BytesIO()
    pages[0].save(buf, "TIFF", save_all=True, append_images=pages[1:])
    doc = read_bytes(buf.getvalue(), "scan.tiff")
    assert {t.page for t in doc.tables} >= {1}
    assert any(s.page == 2 for s in doc.ocr)


# ---------------------------------------------------------------- bad images


def test_empty_page_image() -> None:
    buf = io.BytesIO()
    Image.new("RGB", (1240, 1754), (255, 255, 255)).save(buf, "PNG")
    with pytest.raises(UnsupportedFormatError, match="没有找到文字"):
        read_bytes(buf.getvalue(), "blank.png")


@pytest.mark.parametrize("size", [(20000, 20000), (9000, 9000)])
def test_huge_image_refused_before_decoding(size: tuple[int, int]) -> None:
    """Refused from the header, before the pixels are decoded (20,000² is Pillow's bomb bound, 9,000² ours)."""
    buf = io.BytesIO()
    Image.new("1", size, 1).save(buf, "PNG")
    with pytest.raises(InputError, match=r"图片过大|像素.*超过"):
        read_bytes(buf.getvalue(), "huge.png")


@pytest.mark.parametrize("cut", [0.5, 0.05])
def test_corrupt_jpeg(cut: float) -> None:
    buf = io.BytesIO()
    Image.new("RGB", (800, 600), (200, 10, 10)).save(buf, "JPEG")
    data = buf.getvalue()
    with pytest.raises(InputError, match="无法读取图片") as info:
        read_bytes(data[: int(len(data) * cut)], "bad.jpg")
    assert not isinstance(info.value, UnsupportedFormatError)


def test_without_the_extra_the_message_says_how_to_install(monkeypatch: pytest.MonkeyPatch,
                                                           scanned: bytes) -> None:
    monkeypatch.setattr(ocr, "available", lambda: False)
    with pytest.raises(UnsupportedFormatError, match=r"没有文字层.*OCR.*govreport\[ocr\]"):
        read_bytes(scanned, "scan.pdf")
    buf = io.BytesIO()
    Image.new("RGB", (100, 100)).save(buf, "PNG")
    with pytest.raises(UnsupportedFormatError, match=r"govreport\[ocr\]"):
        read_bytes(buf.getvalue(), "page.png")


# ---------------------------------------------------------------- doubts, without running OCR


def _seed_with_ocr(confidence: float) -> tuple[SourceDocument, str]:
    """A text report whose 表三 (四)1 自然人 is printed one too high, as if every character came from OCR."""
    from tests.unseen_layouts import report_text, with_style

    truth = load_truth(NAME)
    text = report_text(truth, with_style())
    doc = read_bytes(text.encode("utf-8"), "seed.txt")
    line = next(ln for ln in doc.lines() if "1.本机关不掌握相关政府信息\t" in ln)
    planted = line.replace("\t10\t", "\t16\t", 1)
    assert planted != line
    text = doc.text.replace(line, planted, 1)
    out = read_bytes(text.encode("utf-8"), "seed.txt")
    out.ocr = [OcrSpan(0, len(out.text), 3, (100.0, 200.0, 140.0, 215.0), confidence)]
    return out, "16"


def test_low_confidence_cell_against_the_relations_is_a_reading_doubt() -> None:
    doc, _ = _seed_with_ocr(0.62)
    report = analyze_document(doc, narrative=False)
    doubts = [f for f in report.findings if f.rule == "OCR"]
    doubt = next(f for f in doubts if "本机关不掌握" in f.subject and "自然人" in f.subject)
    assert doubt.category == "parse" and doubt.status is Status.UNCERTAIN
    assert doubt.expected == 10 and "0.62" in doubt.message and "page 3" in doubt.message
    assert report.tables.table3.rows["unable_not_held"].cells[0].value == 16  # never silently corrected
    assert not any(f.status is Status.FAIL and f.category == "report" for f in report.findings)
    assert report.summary.status is not Status.FAIL
    # 表二 stands in no relation: each of its cells read below 0.95 is a doubt of its own
    t2 = [f for f in doubts if "表二没有勾稽关系" in f.message]
    printed = [c for r in report.tables.table2.rows.values() for c in r.cells if c.value is not None]
    assert printed and len(t2) == len(printed)
    assert all(f.status is Status.UNCERTAIN and f.category == "parse" and "0.62" in f.message for f in t2)


def test_confident_ocr_cell_is_still_a_doubt_and_text_layer_a_fail() -> None:
    """The recogniser can be sure of a wrong digit: a relation broken through OCR'd cells is a doubt
    whatever the confidence; the same numbers from a text layer are the report's FAIL."""
    doc, _ = _seed_with_ocr(0.99)
    report = analyze_document(doc, narrative=False)
    doubt = next(f for f in report.findings if f.rule == "OCR" and "本机关不掌握" in f.subject)
    assert doubt.expected == 10 and "0.99" in doubt.message
    assert not any("表二没有勾稽关系" in f.message for f in report.findings)  # confident 表二 cells stand
    assert report.summary.status is not Status.FAIL
    doc.ocr = []
    report = analyze_document(doc, narrative=False)
    assert not any(f.rule == "OCR" for f in report.findings)
    assert report.summary.status is Status.FAIL
    assert any(f.rule == "LOCATE" and f.expected == 10 for f in report.findings)


# ---------------------------------------------------------------- preparing the image, reading single cells


def test_seal_is_removed_by_its_colour_and_the_strokes_under_it_kept() -> None:
    """Translucent red over paper turns white; red over a black stroke stays dark."""
    import numpy as np
    from PIL import ImageDraw

    im = Image.new("RGB", (300, 200), (255, 255, 255))
    ImageDraw.Draw(im).rectangle((100, 20, 110, 180), fill=(0, 0, 0))  # a black stroke
    layer = Image.new("RGBA", im.size, (0, 0, 0, 0))
    ImageDraw.Draw(layer).ellipse((40, 40, 260, 160), fill=(215, 35, 40, 170))
    im.paste(layer, (0, 0), layer)
    grey, seal = ocr._without_seal(np.asarray(im))
    assert seal is not None and seal[100, 200]
    assert grey[100, 200] == 255 and grey[100, 60] == 255  # the seal over paper
    assert grey[100, 105] < 60 and grey[25, 105] < 60  # the stroke, under the seal and outside it
    assert ocr._without_seal(np.asarray(Image.new("RGB", (50, 50), (255, 255, 255))))[1] is None


def test_grey_fill_turns_white_and_its_text_stays() -> None:
    import numpy as np

    grey = np.full((200, 400), 250, dtype=np.uint8)
    grey[50:120, :] = 200  # a shaded row
    grey[70:100, 50:60] = 20  # a stroke on it
    out = ocr._unfilled(grey)
    assert out[60, 200] == 255 and out[80, 55] == 20 and out[150, 200] == 250


def _grid_page(texts: list[str]) -> tuple[ocr.PageImage, list[tuple[int, int]]]:
    """A ruled row of cells on an A4 page at 200 dpi (one number or nothing per cell), as OCR found it
    when the text detector saw nothing: its rules, no text boxes."""
    import numpy as np
    from PIL import ImageDraw, ImageFont

    w, h, top, bottom = 1654, 2339, 100, 180
    xs = [100 + 200 * i for i in range(len(texts) + 1)]
    im = Image.new("L", (w, h), 255)
    d = ImageDraw.Draw(im)
    for x in xs:
        d.line((x, top, x, bottom), fill=0, width=3)
    for y in (top, bottom):
        d.line((xs[0], y, xs[-1], y), fill=0, width=3)
    font = ImageFont.load_default(size=40)
    for x, text in zip(xs, texts, strict=False):
        d.text((x + 80, top + 18), text, fill=0, font=font)
    d.point([(xs[-2] + 40, top + 30), (xs[-2] + 150, top + 60)], fill=0)  # dust in the last cell
    grey = np.asarray(im).copy()
    h_rules = [(float(xs[0]), float(xs[-1]), float(y)) for y in (top, bottom)]
    v_rules = [(float(top), float(bottom), float(x)) for x in xs]
    return ocr.PageImage(w, h, [], h_rules, v_rules, 0.0, grey), list(pairwise(xs))


def test_cells_the_detector_left_empty_are_read_alone_and_no_ink_is_blank() -> None:
    from service.reading.ocr_page import OcrPage

    image, cells = _grid_page(["0", "1", "37", ""])
    page = OcrPage(image, 827.0, 1169.5)  # 2 px per point
    by_cell = {i: "".join(c["text"] for c in page.chars if a / 2 <= c["x0"] < b / 2)
               for i, (a, b) in enumerate(cells)}
    assert by_cell == {0: "0", 1: "1", 2: "37", 3: ""}
    assert all(0 < c["conf"] <= 1 and c["box"] for c in page.chars)


def test_a_short_misreading_is_read_again_and_disagreement_lowers_the_confidence() -> None:
    from service.reading.ocr_page import OcrPage

    image, cells = _grid_page(["0", "5"])
    (a0, _), (a1, _) = cells
    image.boxes = [ocr.TextBox(a0 + 75, 115, a0 + 110, 165, "D", 0.9),   # a 0 read as a letter
                   ocr.TextBox(a1 + 75, 115, a1 + 110, 165, "6", 0.7)]   # a 5 read as 6, unsure
    page = OcrPage(image, 827.0, 1169.5)
    got = {"".join(c["text"] for c in page.chars if a / 2 <= c["x0"] < b / 2): min(
        c["conf"] for c in page.chars if a / 2 <= c["x0"] < b / 2) for a, b in cells}
    assert set(got) == {"0", "5"}
    assert got["5"] <= 0.7  # two readings that differ: the lower confidence stands
