"""PDF: text layer in reading order, ruled tables as grids joined across pages, no page chrome."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from service.errors import InputError, UnsupportedFormatError
from service.reading import read_bytes, read_document

DEV = Path(__file__).parent.parent / "eval" / "corpus" / "dev"
DEV_PDFS = sorted(p.name for p in DEV.glob("*.pdf"))

# ---------------------------------------------------------------- a minimal PDF writer for tests

_IMAGE = b"<</Type/XObject/Subtype/Image/Width 2/Height 2/ColorSpace/DeviceGray/BitsPerComponent 8/Length 4>>stream\n\x00\xff\xff\x00\nendstream"


def build_pdf(pages: list[bytes]) -> bytes:
    """A PDF whose pages draw the given content streams (font F1: Chinese via Adobe-GB1, image Im0)."""
    objs: list[bytes] = [b"", b""]
    objs.append(b"<</Type/Font/Subtype/Type0/BaseFont/STSong-Light/Encoding/UniGB-UCS2-H/DescendantFonts[4 0 R]>>")
    objs.append(b"<</Type/Font/Subtype/CIDFontType0/BaseFont/STSong-Light"
                b"/CIDSystemInfo<</Registry(Adobe)/Ordering(GB1)/Supplement 4>>/DW 1000>>")
    objs.append(_IMAGE)
    kids: list[int] = []
    for content in pages:
        objs.append(b"<</Length %d>>stream\n" % len(content) + content + b"\nendstream")
        objs.append(b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Resources<</Font<</F1 3 0 R>>"
                    b"/XObject<</Im0 5 0 R>>>>/Contents %d 0 R>>" % len(objs))
        kids.append(len(objs))
    objs[0] = b"<</Type/Catalog/Pages 2 0 R>>"
    objs[1] = b"<</Type/Pages/Kids[%s]/Count %d>>" % (b" ".join(b"%d 0 R" % k for k in kids), len(kids))
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, obj in enumerate(objs, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


def text(x: float, y: float, s: str, size: int = 14) -> bytes:
    """Text at (x, y) from the bottom-left, one em per character."""
    return b"BT /F1 %d Tf %.1f %.1f Td <%s> Tj ET\n" % (size, x, y, s.encode("utf-16-be").hex().encode())


def rule(x0: float, y0: float, x1: float, y1: float) -> bytes:
    return b"0 0 0 RG 0.5 w %.1f %.1f m %.1f %.1f l S\n" % (x0, y0, x1, y1)


def white_box(x: float, y: float, w: float, h: float) -> bytes:
    return b"1 1 1 rg %.1f %.1f %.1f %.1f re f\n" % (x, y, w, h)


def ruled_table(top: float, rows: list[list[str]], xs: tuple[float, ...] = (72, 250, 380, 520)) -> bytes:
    out = b""
    for r, cells in enumerate(rows):
        y = top - 30 * r
        for c, cell in enumerate(cells):
            out += text(xs[c] + 5, y - 20, cell)
    bottom = top - 30 * len(rows)
    for r in range(len(rows) + 1):
        out += rule(xs[0], top - 30 * r, xs[-1], top - 30 * r)
    for x in xs:
        out += rule(x, top, x, bottom)
    return out


def page_chrome(n: int) -> bytes:
    return text(200, 800, "某局政府信息公开工作年度报告", 10) + text(280, 40, f"- {n} -", 10)


FULL = "本年度依法依规做好政府信息公开工作，按照要求主动公开各类信息"  # 30 characters: 72 + 2em .. 520
FULL2 = FULL + "内容"  # 32 characters: 72 .. 520


def synthetic_report() -> bytes:
    p1 = (page_chrome(1) + text(150, 740, "某局2024年政府信息公开工作年度报告", 16)
          + white_box(72, 690, 448, 18) + text(100, 700, FULL) + text(72, 680, "及时回应社会关切。")
          + text(100, 640, "二、主动公开政府信息情况")
          + ruled_table(300, [["信息内容", "本年制发件数", "现行有效件数"], ["规章", "1", "2"], ["行政规范性文件", "3", ""]]))
    p2 = (page_chrome(2)
          + ruled_table(760, [["信息内容", "本年制发件数", "现行有效件数"], ["行政许可", "5", "/"], ["行政处罚", "0", "-"]])
          + text(100, 600, "五、存在的主要问题及改进情况")
          + white_box(72, 570, 448, 18) + text(100, 580, FULL)
          + text(72, 560, FULL2))
    p3 = (page_chrome(3) + text(72, 760, "强。") + text(100, 720, "六、其他需要报告的事项")
          + text(72, 690, "行政强制") + text(400, 690, "7") + text(72, 670, "行政事业性收费") + text(400, 670, "0.5"))
    return build_pdf([p1, p2, p3])


# ---------------------------------------------------------------- tests


def test_synthetic_pdf_text_tables_and_chrome() -> None:
    doc = read_bytes(synthetic_report(), "r.pdf")
    assert doc.kind == "pdf"
    lines = doc.text.split("\n")
    assert lines[0] == "某局2024年政府信息公开工作年度报告"
    assert lines[1] == FULL + "及时回应社会关切。"  # a paragraph's lines joined
    assert "某局政府信息公开工作年度报告" not in doc.text  # running header
    assert not any(line.startswith("- ") for line in lines)  # page numbers
    assert len(doc.tables) == 1  # split over pages 1-2, joined; the repeated header row dropped
    grid = doc.tables[0]
    assert [[c.text for c in r] for r in grid.rows] == [
        ["信息内容", "本年制发件数", "现行有效件数"], ["规章", "1", "2"], ["行政规范性文件", "3", ""],
        ["行政许可", "5", "/"], ["行政处罚", "0", "-"],
    ]
    assert grid.page == 1
    assert lines[2:8] == ["二、主动公开政府信息情况", "信息内容\t本年制发件数\t现行有效件数", "规章\t1\t2",
                          "行政规范性文件\t3\t", "行政许可\t5\t/", "行政处罚\t0\t-"]
    # A paragraph continued on the next page is one line; an unruled row keeps its column break.
    assert lines[-3:] == ["六、其他需要报告的事项", "行政强制\t7", "行政事业性收费\t0.5"]
    assert FULL + FULL2 + "强。" in lines


def test_image_only_pdf_needs_ocr() -> None:
    data = build_pdf([b"q 500 0 0 700 50 50 cm /Im0 Do Q\n"] * 2)
    with pytest.raises(UnsupportedFormatError, match=r"没有文字层.*OCR"):
        read_bytes(data, "scan.pdf")


def test_blank_pdf_is_unsupported() -> None:
    with pytest.raises(UnsupportedFormatError, match="OCR"):
        read_bytes(build_pdf([b""]), "blank.pdf")


def test_partly_scanned_pdf_warns() -> None:
    data = build_pdf([text(100, 700, "一、总体情况") + text(72, 680, FULL), b"q 500 0 0 700 50 50 cm /Im0 Do Q\n"])
    doc = read_bytes(data, "mixed.pdf")
    assert doc.text.startswith("一、总体情况")
    assert any("page(s) 2" in w and "OCR" in w for w in doc.warnings)


@pytest.mark.parametrize("data", [b"%PDF-1.4\n\x00\x01 not really a pdf", b"%PDF-1.7\n"])
def test_corrupt_pdf_is_input_error(data: bytes) -> None:
    with pytest.raises(InputError, match="无法读取 PDF") as info:
        read_bytes(data, "bad.pdf")
    assert not isinstance(info.value, UnsupportedFormatError)


def test_truncated_dev_pdf_is_input_error() -> None:
    data = (DEV / "hongze-district-2023.pdf").read_bytes()
    with pytest.raises(InputError):
        read_bytes(data[: len(data) // 2], "truncated.pdf")


@pytest.mark.parametrize("name", DEV_PDFS)
def test_dev_pdf_reading_order_and_chrome(name: str) -> None:
    start = time.process_time()  # CPU time: a loaded machine's waits for a core do not count
    doc = read_document(DEV / name)
    elapsed = time.process_time() - start
    assert elapsed < 3.0
    lines = doc.text.split("\n")
    assert not any(line.strip().startswith("- ") and line.strip().endswith(" -") for line in lines)
    t3 = doc.tables[1]
    labels = [r[0].text for r in t3.rows]
    assert labels[-1] == "四、结转下年度继续办理"  # 表三 joined across the page break, in row order
    assert sum(1 for r in t3.rows if len(r) >= 7 and r[-1].text.isdigit()) >= 21
    t4 = doc.tables[2]
    assert len(t4.rows[-1]) == 15 and all(c.text.isdigit() for c in t4.rows[-1])
    assert doc.warnings == []


def test_hongze_vertical_label_and_split_cells() -> None:
    doc = read_document(DEV / "hongze-district-2023.pdf")
    t3 = doc.tables[1]
    group = next(c for r in t3.rows for c in r if c.text.startswith("三、本年度"))
    assert group.text == "三、本年度办理结果"
    assert "（二）部分公开（区分处理的，只计这一情形，不计其他情形）" in doc.text
    assert "5.要求行政机关确认或重新出具已获取信息" in doc.text


def test_rows_without_rules_between_them_are_split() -> None:
    xs = (72, 250, 380, 520)
    rows = [["信息内容", "本年制发件数", "现行有效件数"], ["规章", "1", "2"], ["行政规范性文件", "3", "/"], ["合计", "4", "-"]]
    content = b""
    for r, cells in enumerate(rows):
        for c, cell in enumerate(cells):
            content += text(xs[c] + 5, 700 - 30 * r - 20, cell)
    for y in (700, 670, 580):  # the top, the rule under the header, the bottom: no rules between body rows
        content += rule(xs[0], y, xs[-1], y)
    for x in xs:
        content += rule(x, 700, x, 580)
    doc = read_bytes(build_pdf([content]), "r.pdf")
    assert [[c.text for c in r] for r in doc.tables[0].rows] == rows


def test_border_drawn_as_one_path() -> None:
    rows = [["行政许可", "5"], ["行政处罚", "6"]]
    content = text(77, 680, "行政许可") + text(255, 680, "5") + text(77, 650, "行政处罚") + text(255, 650, "6")
    content += b"0 0 0 RG 0.5 w 72 700 m 400 700 l 400 640 l 72 640 l 72 700 l S\n"
    content += rule(72, 670, 400, 670) + rule(250, 700, 250, 640)
    doc = read_bytes(build_pdf([content]), "r.pdf")
    assert [[c.text for c in r] for r in doc.tables[0].rows] == rows


def test_password_protected_pdf_is_input_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect
    from pdfplumber.utils.exceptions import PdfminerException

    def locked(*args: object, **kwargs: object) -> None:
        raise PdfminerException(PDFPasswordIncorrect())

    monkeypatch.setattr(pdfplumber, "open", locked)
    with pytest.raises(InputError, match="密码保护"):
        read_bytes(b"%PDF-1.7\n", "locked.pdf")


def test_large_image_on_a_text_page_warns() -> None:
    data = build_pdf([text(100, 760, "三、收到和处理政府信息公开申请情况") + b"q 400 0 0 500 72 100 cm /Im0 Do Q\n"])
    doc = read_bytes(data, "p.pdf")
    assert any("page(s) 1 hold a large image" in w for w in doc.warnings)  # (a 2 × 2 image: nothing to OCR)


def test_slanted_watermark_dropped() -> None:
    mark = b"BT /F1 40 Tf 0.7 0.7 -0.7 0.7 150 300 Tm <%s> Tj ET\n" % "内部资料".encode("utf-16-be").hex().encode()
    data = build_pdf([text(100, 760, "一、总体情况") + text(72, 740, FULL2) + text(72, 720, FULL2) + mark])
    doc = read_bytes(data, "w.pdf")
    assert "内部资料" not in doc.text and "内" not in doc.text.replace("内容", "")


def test_different_tables_on_consecutive_pages_not_joined() -> None:
    p1 = ruled_table(200, [["信息内容", "本年制发件数", "现行有效件数"], ["规章", "1", "2"]])
    p2 = ruled_table(780, [["行政复议", "维持", "纠正", "总计"], ["1", "2", "3", "6"]], xs=(72, 190, 300, 410, 520))
    doc = read_bytes(build_pdf([p1, p2]), "two.pdf")
    assert len(doc.tables) == 2
    assert [c.text for c in doc.tables[1].rows[0]] == ["行政复议", "维持", "纠正", "总计"]


def _pdfminer_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make PDFium refuse every document, so that pdfplumber (pdfminer) reads it."""
    from service.reading import pdf

    def refuse(data: bytes) -> Iterator[object]:
        raise pdf.PdfiumError("refused by the test")
        yield

    monkeypatch.setattr(pdf, "open_pages", refuse)


@pytest.mark.parametrize("name", DEV_PDFS)
def test_pdfium_reads_what_pdfminer_reads(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The fast engine gives the same document as pdfminer: text, tables and cell offsets."""
    from service.reading.pdf_pdfium import open_pages

    data = (DEV / name).read_bytes()
    assert not any(p.unmeasured for p in open_pages(data))  # read by PDFium, not by the fallback
    fast = read_bytes(data, name)
    _pdfminer_only(monkeypatch)
    slow = read_bytes(data, name)
    assert fast.text == slow.text
    assert [[(c.text, c.start, c.rowspan, c.colspan) for c in r] for t in fast.tables for r in t.rows] == [
        [(c.text, c.start, c.rowspan, c.colspan) for c in r] for t in slow.tables for r in t.rows]
    assert fast.warnings == slow.warnings


def test_page_pdfium_cannot_measure_is_read_by_pdfminer() -> None:
    """A font program emptied of its glyphs: PDFium drops those characters, so the page goes to pdfminer."""
    from service.reading.pdf_pdfium import open_pages

    data = (Path(__file__).parent / "data" / "producers" / "lo-full.pdf").read_bytes()
    pages = list(open_pages(data))
    assert pages[1].unmeasured > 0
    doc = read_bytes(data, "lo-full.pdf")
    assert any(line.endswith("3.危及“三安全一稳定”\t5\t0\t0\t0\t0\t0\t5") for line in doc.lines())


def test_pdfium_joins_a_characters_surrogate_halves_and_drops_a_lone_half(monkeypatch: pytest.MonkeyPatch) -> None:
    """PDFium gives a text page's characters as UTF-16 code units: 𠀀 (CJK Extension B, as in rare
    place names) is two of them. Read one by one they were two lone surrogates, which no UTF-8 output
    holds (the report became an internal error); now they are one character, and a lone half is U+FFFD."""
    import types

    import pypdfium2.raw as real

    from service.reading import pdf_pdfium

    rare = "𠀀".encode("utf-16-le")
    units = [ord("区"), int.from_bytes(rare[:2], "little"), int.from_bytes(rare[2:], "little"), 0xDC00, ord("局")]

    def box(tp: object, i: int, b: object) -> int:
        for name, v in (("left", 10.0 * i), ("right", 10.0 * i + 9), ("bottom", 0.0), ("top", 9.0)):
            setattr(b, name, v)
        return 1

    fake = types.SimpleNamespace(
        FS_RECTF=real.FS_RECTF, FS_MATRIX=real.FS_MATRIX, FPDFText_CountChars=lambda tp: len(units),
        FPDFText_GetUnicode=lambda tp, i: units[i], FPDFText_IsGenerated=lambda tp, i: 0,
        FPDFText_GetLooseCharBox=box, FPDFText_GetMatrix=lambda tp, i, m: None,
        FPDFText_GetFontSize=lambda tp, i: 9.0, FPDFText_GetCharBox=lambda *a: 1)
    monkeypatch.setattr(pdf_pdfium, "raw", fake)

    class TextPage:
        raw = None

        def close(self) -> None:
            pass

    page = pdf_pdfium.PdfiumPage.__new__(pdf_pdfium.PdfiumPage)
    page.height = 100.0
    chars = page._chars(types.SimpleNamespace(get_textpage=TextPage))
    assert "".join(c["text"] for c in chars) == "区𠀀\ufffd局"
