"""summary.docx: the summary blocks as a Word document (opens in Word and WPS), charts embedded."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from service.batch.summary_doc import Block, Bullets, Heading, Image, Para, Table

_EAST_ASIAN = "宋体"
_HEADING_EAST_ASIAN = "黑体"


def render_docx(blocks: Sequence[Block], out: Path, path: Path) -> None:
    """Write ``path``; image paths in the blocks are relative to ``out``."""
    doc = Document()
    _fonts(doc)
    for b in blocks:
        if isinstance(b, Heading):
            doc.add_heading(b.text, level=min(b.level, 3) if b.level > 1 else 0)
        elif isinstance(b, Para):
            doc.add_paragraph(_clean(b.text))
        elif isinstance(b, Bullets):
            for item in b.items:
                doc.add_paragraph(_clean(item), style="List Bullet")
        elif isinstance(b, Image):
            doc.add_picture(str(out / b.path), width=Cm(15.5))
            cap = doc.add_paragraph(_clean(b.caption))
            cap.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif isinstance(b, Table):
            table = doc.add_table(rows=1, cols=len(b.header))
            table.style = "Table Grid"
            for cell, text in zip(table.rows[0].cells, b.header, strict=True):
                cell.text = _clean(text)
                for run in cell.paragraphs[0].runs:
                    run.bold = True
            for row in b.rows:
                cells = table.add_row().cells
                for cell, text in zip(cells, row, strict=True):
                    cell.text = _clean(text)
            for row in table.rows:
                for cell in row.cells:
                    for p in cell.paragraphs:
                        for run in p.runs:
                            run.font.size = Pt(9)
            if b.note:
                doc.add_paragraph(_clean("注: " + b.note))
    tmp = path.with_name(f".{path.name}.tmp")
    doc.save(str(tmp))
    tmp.replace(path)


def _fonts(doc: DocxDocument) -> None:
    """Chinese text in 宋体 (headings 黑体), so Word and WPS pick a CJK face, not a fallback."""
    for style_name, face in (("Normal", _EAST_ASIAN), ("Title", _HEADING_EAST_ASIAN), ("Heading 1", _HEADING_EAST_ASIAN),
                             ("Heading 2", _HEADING_EAST_ASIAN), ("Heading 3", _HEADING_EAST_ASIAN)):
        style = doc.styles[style_name]
        rpr = style.element.get_or_add_rPr()
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = rpr.makeelement(qn("w:rFonts"), {})
            rpr.append(fonts)
        fonts.set(qn("w:eastAsia"), face)
    doc.styles["Normal"].font.size = Pt(10.5)


def _clean(text: str) -> str:
    """Drop characters XML cannot hold (control characters other than tab and newline)."""
    return "".join(ch for ch in text if ch in "\t\n" or ord(ch) >= 32)
