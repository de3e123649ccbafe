"""Word documents in 公文 layout (GB/T 9704 as offices use it): the summary and each unit's 整改清单.

A4, margins 3.7/3.5/2.8/2.6 cm; title in 小标宋 (方正小标宋简体, else 华文中宋/宋体) 二号, centred; level-one
headings 黑体 三号, level-two 楷体 三号; body 仿宋 (仿宋_GB2312) 三号 with 28 pt lines and a two-character
indent; tables in 仿宋 小五 with fixed column widths (the label column wide enough for 表三's labels);
page numbers "— N —" at the foot, centred. Opens in Word and WPS; fonts missing on a machine fall back.
"""

from __future__ import annotations

from collections.abc import Sequence
from copy import deepcopy
from itertools import islice
from pathlib import Path
from typing import Any

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table as DocxTable
from docx.table import _Cell
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from service.batch.summary_doc import Block, Bullets, Heading, Image, PageBreak, Para, Table

TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"
SUBHEADING_FONT = "楷体_GB2312"
BODY_FONT = "仿宋_GB2312"
#: Widths of an A4 page's text area (21 − 2.8 − 2.6 cm) and the label column of a table, in cm.
TEXT_WIDTH = 15.6
LABEL_WIDTH = 5.2
#: Rows a table of the summary lists at most (the tables with a row per unit, finding or problem): python-docx
#: builds the whole document in memory, about 20 KiB a row. The table then says how many rows it has and
#: that summary.md lists them all (summary.xlsx and summary.json hold the data). Feedback documents list all.
MAX_ROWS = 200


def new_document() -> DocxDocument:
    """An empty A4 公文 document: margins, default fonts, page numbers in the footer."""
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    section.footer_distance = Cm(2.0)
    normal = doc.styles["Normal"]
    normal.font.size = Pt(16)
    _east_asian(normal.element, BODY_FONT)
    fmt = normal.paragraph_format
    fmt.line_spacing = Pt(28)
    fmt.space_before = fmt.space_after = Pt(0)
    _page_numbers(section.footer.paragraphs[0])
    return doc


def render_docx(blocks: Sequence[Block], out: Path, path: Path) -> None:
    """Write ``path``; image paths in the blocks are relative to ``out``; a table lists at most MAX_ROWS rows."""
    doc = new_document()
    add_blocks(doc, blocks, out, max_rows=MAX_ROWS, stem=path.stem)
    save(doc, path)


def add_blocks(doc: DocxDocument, blocks: Sequence[Block], out: Path | None = None, max_rows: int | None = None,
               stem: str = "summary") -> None:
    for b in blocks:
        if isinstance(b, Heading):
            heading(doc, b.text, b.level)
        elif isinstance(b, Para):
            paragraph(doc, b.text)
        elif isinstance(b, Bullets):
            for item in b.items:
                paragraph(doc, item)
        elif isinstance(b, Image) and out is not None:
            doc.add_picture(str(out / b.path), width=Cm(TEXT_WIDTH))
            doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
            cap = paragraph(doc, b.caption, indent=False, size=10.5)
            cap.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif isinstance(b, Table):
            table(doc, b, max_rows, stem)
        elif isinstance(b, PageBreak):
            doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def heading(doc: DocxDocument, text: str, level: int) -> Paragraph:
    """Level 1: the title (小标宋 二号, centred); 2: 黑体 三号; 3 and below: 楷体 三号."""
    p = doc.add_paragraph()
    run = p.add_run(clean(text))
    if level <= 1:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _font(run, TITLE_FONT, 22)
        p.paragraph_format.space_after = Pt(16)
        p.paragraph_format.line_spacing = Pt(36)
    else:
        _font(run, HEADING_FONT if level == 2 else SUBHEADING_FONT, 16)
        p.paragraph_format.first_line_indent = Cm(1.1)
        p.paragraph_format.keep_with_next = True
    return p


def paragraph(doc: DocxDocument, text: str, indent: bool = True, size: float | None = None) -> Paragraph:
    p = doc.add_paragraph()
    run = p.add_run(clean(text))
    if size is not None:
        run.font.size = Pt(size)
    if indent:
        p.paragraph_format.first_line_indent = Cm(1.1)  # two characters of 三号
    return p


def table(doc: DocxDocument, b: Table, max_rows: int | None = None, stem: str = "summary") -> None:
    """A grid with fixed widths: ``b.widths`` (relative) or a wide first (label) column and even others;
    with ``max_rows``, the first that many rows and a note that ``stem``.md has them all."""
    n = len(b.header)
    widths = _widths(b, n)
    t = doc.add_table(rows=1, cols=n)
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    t.autofit = False
    _fixed_layout(t)
    for col, w in zip(t.columns, widths, strict=True):
        col.width = Cm(w)  # the grid (LibreOffice reads this) as well as each cell (Word reads that)
    _header(t, b.header, widths)
    _repeat_header(t.rows[0])
    for row in islice(b.rows, max_rows):
        _add_row(t, row, widths)
    if max_rows is not None and len(b.rows) > max_rows:
        paragraph(doc, f"注: 本表共 {len(b.rows):,} 行, 此处只列前 {max_rows} 行; 全部各行见 {stem}.md, "
                       f"逐项数据见 {stem}.xlsx 和 {stem}.json。", indent=False, size=10.5)
    if b.note:
        paragraph(doc, "注: " + b.note, indent=False, size=10.5)
    else:
        doc.add_paragraph().paragraph_format.line_spacing = Pt(8)


def save(doc: DocxDocument, path: Path) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        doc.save(str(tmp))
        tmp.replace(path)
    except BaseException:  # a full disk, Ctrl-C: no half-written temporary file left behind
        tmp.unlink(missing_ok=True)
        raise


def clean(text: str) -> str:
    """Drop characters XML cannot hold (control characters other than tab and newline)."""
    return "".join(ch for ch in text if ch in "\t\n" or ord(ch) >= 32)


def _widths(b: Table, n: int) -> list[float]:
    if b.widths is not None and len(b.widths) == n:
        scale = TEXT_WIDTH / sum(b.widths)
        return [w * scale for w in b.widths]
    if n == 1:
        return [TEXT_WIDTH]
    label = min(LABEL_WIDTH, TEXT_WIDTH / 2)
    return [label] + [(TEXT_WIDTH - label) / (n - 1)] * (n - 1)


def _numeric(text: str) -> bool:
    s = text.replace(",", "").replace("%", "").replace("—", "").strip()
    return s == "" or s.replace(".", "", 1).lstrip("-").isdigit() or s.startswith("—")


def _cell(cell: object, text: str, width_cm: float, bold: bool = False, center: bool = False) -> None:
    assert isinstance(cell, _Cell)
    cell.width = Cm(width_cm)
    p = cell.paragraphs[0]
    p.paragraph_format.first_line_indent = Cm(0)
    p.paragraph_format.line_spacing = 1.0
    if center:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = p.add_run(clean(text))
    run.bold = bold
    _font(run, HEADING_FONT if bold else BODY_FONT, 9)


#: Cells made by ``_cell`` with a plain text, by (width, bold, centred): the next such cell is a copy with its own
#: text (python-docx spends ~0.4 ms a cell setting the same properties again, most of a 整改清单's time).
_MADE: dict[tuple[float, bool, bool], Any] = {}
_T = qn("w:t")


def _plain(text: str) -> bool:
    """A text python-docx writes as one w:t without xml:space (nothing it turns into w:tab or w:br)."""
    return bool(text) and text.strip() == text and not any(ch in text for ch in "\t\n\r")


def _made(text: str, width_cm: float, bold: bool, center: bool) -> Any | None:
    """A copy of the cell ``_cell`` made first with these properties (the one remembered), holding ``text``;
    None if there is none."""
    made = _MADE.get((width_cm, bold, center))
    if made is None or not _plain(text):
        return None
    tc = deepcopy(made)
    next(tc.iter(_T)).text = text
    return tc


def _remember(tc: Any, text: str, width_cm: float, bold: bool, center: bool) -> None:
    if _plain(text):
        _MADE.setdefault((width_cm, bold, center), deepcopy(tc))


def _header(t: DocxTable, header: Sequence[str], widths: list[float]) -> None:
    """The header row (made with the table) filled as ``_cell`` fills it."""
    for cell, text, w in zip(t.rows[0].cells, header, widths, strict=True):
        text = clean(text)
        tc = _made(text, w, True, True)
        row = cell._tc.getparent()
        if tc is not None and row is not None:
            row.replace(cell._tc, tc)
        else:
            _cell(cell, text, w, bold=True, center=True)
            _remember(cell._tc, text, w, True, True)


def _add_row(t: DocxTable, row: Sequence[str], widths: list[float]) -> None:
    """A body row as python-docx's ``add_row`` and ``_cell`` make it."""
    if len(row) != len(widths):
        raise ValueError(f"a row of {len(row)} cells in a table of {len(widths)} columns")
    tr = t._tbl.add_tr()
    for i, (grid, text, w) in enumerate(zip(t._tbl.tblGrid.gridCol_lst, row, widths, strict=True)):
        center = i > 0 and _numeric(text)
        text = clean(text)
        tc = _made(text, w, False, center)
        if tc is not None:
            tr.append(tc)
            continue
        tc = tr.add_tc()
        if grid.w is not None:
            tc.width = grid.w
        _cell(_Cell(tc, t), text, w, center=center)
        _remember(tc, text, w, False, center)


def _font(run: Run, face: str, size: float) -> None:
    run.font.size = Pt(size)
    run.font.name = face
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    fonts.set(qn("w:eastAsia"), face)
    fonts.set(qn("w:hint"), "eastAsia")


def _east_asian(style_element: Any, face: str) -> None:
    rpr = style_element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    for attr in ("w:eastAsia", "w:ascii", "w:hAnsi"):
        fonts.set(qn(attr), face)


def _fixed_layout(t: object) -> None:
    assert isinstance(t, DocxTable)
    tbl_pr = t._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tbl_pr.append(layout)


def _repeat_header(row: object) -> None:
    from docx.table import _Row

    assert isinstance(row, _Row)
    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def _page_numbers(p: Paragraph) -> None:
    """'— PAGE —' centred, 宋体 四号."""
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(p.add_run("— "), "宋体", 14)
    run = p.add_run()
    _font(run, "宋体", 14)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._element.append(el)
    _font(p.add_run(" —"), "宋体", 14)
