"""DocumentMaker: documents over one parsed template hold the parts python-docx itself would write."""

from __future__ import annotations

from pathlib import Path
from zipfile import ZipFile

import pytest
from docx import Document
from docx.document import Document as DocxDocument

from service.batch.docx_template import DocumentMaker
from service.batch.summary_doc import Table
from service.batch.summary_docx import heading, new_document, paragraph, save, table


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
