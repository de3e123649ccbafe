"""DocumentMaker: documents over one parsed template hold the parts python-docx itself would write."""

from __future__ import annotations

from pathlib import Path
from zipfile import ZipFile

import pytest
from docx import Document
from docx.document import Document as DocxDocument

from service.batch.docx_template import DocumentMaker
from service.batch.summary_doc import Table
from service.batch.summary_docx import Writer, heading, new_document, paragraph, save, table


def _fill(doc: DocxDocument, unit: str) -> None:
    heading(doc, f"{unit}整改清单", 1)
    paragraph(doc, f"{unit}:", indent=False)
    table(doc, Table(["序号", "说明"], [["1", f"{unit} 表三 C4"], ["2", "第5行: 总计=4"]], widths=[1, 4]))


def _parts(path: Path) -> list[tuple[str, bytes]]:
    with ZipFile(path) as z:
        assert z.testzip() is None  # every entry's CRC checks
        return [(i.filename, z.read(i)) for i in z.infolist()]


def test_made_documents_hold_the_parts_python_docx_writes(tmp_path: Path) -> None:
    maker = DocumentMaker(new_document)
    for unit in ("甲区民政局", "乙县人民政府"):  # the second must not keep anything of the first
        doc = maker.new()
        _fill(doc, unit)
        maker.save(doc, tmp_path / f"made-{unit}.docx")
        plain = new_document()
        _fill(plain, unit)
        save(plain, tmp_path / f"plain-{unit}.docx")
        made, expected = _parts(tmp_path / f"made-{unit}.docx"), _parts(tmp_path / f"plain-{unit}.docx")
        assert [n for n, _ in made] == [n for n, _ in expected]
        assert made == expected
        text = "\n".join(p.text for p in Document(str(tmp_path / f"made-{unit}.docx")).paragraphs)
        assert unit in text and ("甲区" in text) == (unit == "甲区民政局")
    assert not list(tmp_path.glob(".*.tmp"))


def test_a_document_that_adds_parts_or_is_not_the_last_one_is_refused(tmp_path: Path) -> None:
    from PIL import Image

    png = tmp_path / "p.png"
    Image.new("RGB", (4, 4)).save(png)
    maker = DocumentMaker(new_document)
    first = maker.new()
    maker.new()
    with pytest.raises(ValueError, match="last"):
        maker.save(first, tmp_path / "a.docx")
    doc = maker.new()
    doc.add_picture(str(png))
    with pytest.raises(ValueError, match="added parts"):
        maker.save(doc, tmp_path / "b.docx")
    assert not (tmp_path / "a.docx").exists() and not (tmp_path / "b.docx").exists()


def test_a_save_that_fails_leaves_no_temporary_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from service.batch import docx_template

    maker = DocumentMaker(new_document)
    doc = maker.new()
    _fill(doc, "甲区民政局")
    real = Path.write_bytes

    def disk_full(self: Path, data: bytes) -> int:
        real(self, data[: len(data) // 2])  # part of it written, then the disk is full
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(docx_template.Path, "write_bytes", disk_full)
    with pytest.raises(OSError):
        maker.save(doc, tmp_path / "a.docx")
    assert list(tmp_path.iterdir()) == []


def _python_docx_table(doc: DocxDocument, header: list[str], rows: list[list[str]], rel: list[float]) -> None:
    """What summary_docx.table writes, every cell through python-docx (as before Writer copied them)."""
    from service.batch import summary_docx as sd

    t = doc.add_table(rows=1, cols=len(header))
    t.style = "Table Grid"
    t.alignment = sd.WD_TABLE_ALIGNMENT.CENTER
    t.autofit = False
    sd._fixed_layout(t)
    widths = sd._widths(Table(header, [], widths=rel), len(header))
    for col, w in zip(t.columns, widths, strict=True):
        col.width = sd.Cm(w)
    for i, (cell, text) in enumerate(zip(t.rows[0].cells, header, strict=True)):
        sd._cell(cell, text, widths[i], bold=True, center=True)
    sd._repeat_header(t.rows[0])
    for row in rows:
        for i, (cell, text) in enumerate(zip(t.add_row().cells, row, strict=True)):
            sd._cell(cell, text, widths[i], center=i > 0 and sd._numeric(text))
    doc.add_paragraph().paragraph_format.line_spacing = sd.Pt(8)


def test_table_cells_copied_from_earlier_ones_are_the_cells_python_docx_makes() -> None:
    rows = [["甲区民政局", "12", "说明 一"], ["乙区", "3.5%", "—"], ["", " 前后有空格 ", "a\tb"], ["丙区\n二行", "—", "x"],
            ["丁区", "7", "说明 二"], ["戊区", "", "\x01控制符"]]
    writer = Writer()
    for _ in range(2):  # the second document's cells are all copies
        made, expected = new_document(), new_document()
        for header, part in ((["单位", "数", "说明"], rows), (["单位", "数", "备注"], rows[::-1])):
            writer.table(made, Table(header, part, widths=[3, 1, 4]))
            _python_docx_table(expected, header, part, [3, 1, 4])
        writer.table(made, Table(["甲", "乙"], [["1", "2"]]))  # other widths
        _python_docx_table(expected, ["甲", "乙"], [["1", "2"]], [])
        assert made.part.blob == expected.part.blob
        assert [c.text for c in made.tables[0].rows[6].cells] == ["戊区", "", "控制符"]
        assert [c.text for c in made.tables[1].rows[0].cells] == ["单位", "数", "备注"]
