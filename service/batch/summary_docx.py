"""Word documents in 公文 layout (GB/T 9704 as offices use it): the summary and each unit's 整改清单.

A4, margins 3.7/3.5/2.8/2.6 cm; title in 小标宋 (方正小标宋简体, else 华文中宋/宋体) 二号, centred; level-one
headings 黑体 三号, level-two 楷体 三号; body 仿宋 (仿宋_GB2312) 三号 with 28 pt lines and a two-character
indent; tables in 仿宋 小五 with fixed column widths (the label column wide enough for 表三's labels);
page numbers "— N —" at the foot, centred. Opens in Word and WPS; fonts missing on a machine fall back.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from copy import copy, deepcopy
from itertools import islice
from pathlib import Path
from typing import Any, TypeVar, cast

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.table import CT_Row, CT_Tbl, CT_Tc
from docx.oxml.text.run import CT_R
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Cm, Pt
from docx.table import Table as DocxTable
from docx.table import _Cell
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from lxml import etree

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
    Writer().add_blocks(doc, blocks, out, max_rows=MAX_ROWS, stem=path.stem)
    save(doc, path)


def add_blocks(doc: DocxDocument, blocks: Sequence[Block], out: Path | None = None, max_rows: int | None = None,
               stem: str = "summary") -> None:
    """The blocks through python-docx, each made anew (``Writer`` makes the same XML faster)."""
    PythonDocx().add_blocks(doc, blocks, out, max_rows, stem)


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
    PythonDocx().table(doc, b, max_rows, stem)


def save(doc: DocxDocument, path: Path) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        doc.save(str(tmp))
        tmp.replace(path)
    except BaseException:  # a full disk, Ctrl-C: no half-written temporary file left behind
        tmp.unlink(missing_ok=True)
        raise


_CONTROL = re.compile("[\\x00-\\x08\\x0b-\\x1f]")


def clean(text: str) -> str:
    """Drop characters XML cannot hold (control characters other than tab and newline)."""
    return _CONTROL.sub("", text)


class PythonDocx:
    """Blocks added through python-docx, every paragraph and cell made anew: the general path, which
    ``Writer`` follows with copies."""

    def add_blocks(self, doc: DocxDocument, blocks: Sequence[Block], out: Path | None = None,
                   max_rows: int | None = None, stem: str = "summary") -> None:
        for b in blocks:
            if isinstance(b, Heading):
                self.heading(doc, b.text, b.level)
            elif isinstance(b, Para):
                self.paragraph(doc, b.text)
            elif isinstance(b, Bullets):
                for item in b.items:
                    self.paragraph(doc, item)
            elif isinstance(b, Image) and out is not None:
                doc.add_picture(str(out / b.path), width=Cm(TEXT_WIDTH))
                doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
                self.caption(doc, b.caption)
            elif isinstance(b, Table):
                self.table(doc, b, max_rows, stem)
            elif isinstance(b, PageBreak):
                self.page_break(doc)

    def heading(self, doc: DocxDocument, text: str, level: int) -> None:
        heading(doc, text, level)

    def paragraph(self, doc: DocxDocument, text: str, indent: bool = True, size: float | None = None) -> None:
        paragraph(doc, text, indent, size)

    def caption(self, doc: DocxDocument, text: str) -> None:
        """A picture's caption: 五号, centred."""
        paragraph(doc, text, indent=False, size=10.5).alignment = WD_ALIGN_PARAGRAPH.CENTER

    def spacer(self, doc: DocxDocument) -> None:
        """The narrow empty paragraph after a table without a note."""
        doc.add_paragraph().paragraph_format.line_spacing = Pt(8)

    def page_break(self, doc: DocxDocument) -> None:
        doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def table(self, doc: DocxDocument, b: Table, max_rows: int | None = None, stem: str = "summary") -> None:
        """As ``table`` (the module function)."""
        widths = _widths(b, len(b.header))
        t = _grid(doc, b.header, widths)
        for row in islice(b.rows, max_rows):
            _add_row(t, row, widths)
        self._notes(doc, b, max_rows, stem)

    def _notes(self, doc: DocxDocument, b: Table, max_rows: int | None, stem: str) -> None:
        """What follows a table: the note that it is cut, its own note, else a narrow empty paragraph."""
        if max_rows is not None and len(b.rows) > max_rows:
            self.paragraph(doc, f"注: 本表共 {len(b.rows):,} 行, 此处只列前 {max_rows} 行; 全部各行见 {stem}.md, "
                                f"逐项数据见 {stem}.xlsx 和 {stem}.json。", indent=False, size=10.5)
        if b.note:
            self.paragraph(doc, "注: " + b.note, indent=False, size=10.5)
        else:
            self.spacer(doc)


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


def _grid(doc: DocxDocument, header: Sequence[str], widths: list[float]) -> DocxTable:
    """The table with its header row (repeated on every page), no other row yet."""
    t = doc.add_table(rows=1, cols=len(header))
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    t.autofit = False
    _fixed_layout(t)
    for col, w in zip(t.columns, widths, strict=True):
        col.width = Cm(w)  # the grid (LibreOffice reads this) as well as each cell (Word reads that)
    for cell, text, w in zip(t.rows[0].cells, header, widths, strict=True):
        _cell(cell, text, w, bold=True, center=True)
    _repeat_header(t.rows[0])
    return t


def _add_row(t: DocxTable, row: Sequence[str], widths: list[float]) -> None:
    """A body row through python-docx's ``add_tr`` and ``_cell``."""
    if len(row) != len(widths):
        raise ValueError(f"a row of {len(row)} cells in a table of {len(widths)} columns")
    tr = t._tbl.add_tr()
    for i, text in enumerate(row):
        _body_cell(t, tr, i, text, widths[i])


def _body_cell(t: DocxTable, tr: CT_Row, i: int, text: str, width_cm: float) -> CT_Tc:
    """The ``i``-th cell of the body row ``tr`` of ``t``, appended (numbers centred, but in the label column)."""
    tc = tr.add_tc()
    grid = t._tbl.tblGrid.gridCol_lst[i]
    if grid.w is not None:
        tc.width = grid.w
    _cell(_Cell(tc, t), text, width_cm, center=i > 0 and _numeric(text))
    return tc


_T, _TAB, _BR, _P, _R, _RPR, _TR, _TC, _SECT = (
    qn(t) for t in ("w:t", "w:tab", "w:br", "w:p", "w:r", "w:rPr", "w:tr", "w:tc", "w:sectPr"))
_SPACE = qn("xml:space")
_E = TypeVar("_E", bound=etree._Element)
_BREAKS = re.compile("([\\t\\n])")


class Writer(PythonDocx):
    """Blocks added fast to the documents of one template (``new_document``'s, or a DocumentMaker's over it).

    The first paragraph of each kind (heading level; indent and size), the first cell of each kind (width,
    header or body, centred) and the first table of each set of column widths are made through python-docx
    (``PythonDocx``); later ones are copies of them, emptied of text, with their own text added as python-docx
    adds it: the same XML, byte for byte (tests/test_batch_docx_writer.py), without python-docx's ~0.4 ms a
    cell and ~1 ms a table (it looks the style "Table Grid" up among all styles) setting the same properties
    again. A table's copy holds the template's id of that style: one Writer for documents of one template."""

    def __init__(self) -> None:
        self._paras: dict[tuple[object, ...], BaseOxmlElement] = {}
        self._cells: dict[tuple[int, bool], CT_Tc] = {}  # a body cell by width (EMU) and centred
        self._tables: dict[tuple[float, ...], tuple[CT_Tbl, list[CT_Tc]]] = {}  # by widths: header cells apart

    def heading(self, doc: DocxDocument, text: str, level: int) -> None:
        key = ("heading", min(max(level, 1), 3))
        if not self._copy(doc, key, text):
            self._paras[key] = _emptied(heading(doc, text, level)._p)

    def paragraph(self, doc: DocxDocument, text: str, indent: bool = True, size: float | None = None) -> None:
        key = ("paragraph", indent, size)
        if not self._copy(doc, key, text):
            self._paras[key] = _emptied(paragraph(doc, text, indent, size)._p)

    def caption(self, doc: DocxDocument, text: str) -> None:
        if not self._copy(doc, ("caption",), text):
            super().caption(doc, text)
            self._paras[("caption",)] = _emptied(_last(doc))

    def spacer(self, doc: DocxDocument) -> None:
        if not self._copy(doc, ("spacer",), None):
            super().spacer(doc)
            self._paras[("spacer",)] = deepcopy(_last(doc))

    def page_break(self, doc: DocxDocument) -> None:
        if not self._copy(doc, ("page break",), None):
            super().page_break(doc)
            self._paras[("page break",)] = deepcopy(_last(doc))

    def table(self, doc: DocxDocument, b: Table, max_rows: int | None = None, stem: str = "summary") -> None:
        widths = _widths(b, len(b.header))
        made = self._tables.get(tuple(widths))
        t: DocxTable | None = None
        if made is None:  # through python-docx; its header cells remembered with it
            t = _grid(doc, b.header, widths)
            tbl = t._tbl
            self._tables[tuple(widths)] = (_skeleton(tbl), [_emptied(tc) for tc in tbl.tr_lst[0].tc_lst])
        else:
            skeleton, cells = made
            tbl = copy(skeleton)  # lxml copies an element with its children
            head = tbl[-1]
            for text, header_cell in zip(b.header, cells, strict=True):
                head.append(_filled(header_cell, text))
            _append(doc, tbl)
        emu = [int(Cm(w)) for w in widths]
        n = len(widths)
        for row in islice(b.rows, max_rows):
            if len(row) != n:
                raise ValueError(f"a row of {len(row)} cells in a table of {n} columns")
            tr = cast(CT_Row, etree.SubElement(tbl, _TR))  # a CT_Row (the parser's classes), as add_tr makes
            for i, text in enumerate(row):
                key = (emu[i], i > 0 and _numeric(text))
                cell = self._cells.get(key)
                if cell is None:
                    t = t or DocxTable(tbl, doc._body)
                    self._cells[key] = _emptied(_body_cell(t, tr, i, text, widths[i]))
                else:
                    tr.append(_filled(cell, text))
        self._notes(doc, b, max_rows, stem)

    def _copy(self, doc: DocxDocument, key: tuple[object, ...], text: str | None) -> bool:
        """Add a copy of the paragraph remembered under ``key`` with ``text`` (None: as it is); False if none is."""
        made = self._paras.get(key)
        if made is None:
            return False
        _append(doc, copy(made) if text is None else _filled(made, text))
        return True


def _run(el: etree._Element) -> CT_R:
    """The run of a paragraph (or of a cell's paragraph) made by the functions above: its last child."""
    p = el[-1] if el.tag == _TC else el
    r = p[-1]
    if r.tag != _R:
        raise ValueError(f"not a paragraph with a run last: {p.tag}")
    return cast(CT_R, r)


def _emptied(el: _E) -> _E:
    """A copy of a paragraph or cell whose run holds (after its properties) only an empty w:t."""
    clone = deepcopy(el)
    r = _run(clone)
    for child in list(r):
        if child.tag != _RPR:
            r.remove(child)
    etree.SubElement(r, _T)
    return clone


def _filled(made: _E, text: str) -> _E:
    """A copy of ``made`` (an ``_emptied`` paragraph or cell) holding ``text``, cleaned, as python-docx's
    ``add_run(text)`` holds it."""
    clone = copy(made)  # lxml copies an element with its children, without deepcopy's memo
    r = _run(clone)
    t = r[-1]
    text = clean(text)
    if text and not _breaks(text):
        _set_t(t, text)
    else:
        r.remove(t)
        _set_text(r, text)
    return clone


def _breaks(text: str) -> bool:
    """Whether a cleaned text (no carriage return left) holds a tab or a newline."""
    return "\t" in text or "\n" in text


def _set_text(r: CT_R, text: str) -> None:
    """What python-docx's ``run.text = text`` adds to an empty run for a cleaned text: a w:t a stretch, w:tab
    a tab, w:br a newline."""
    for piece in _BREAKS.split(text) if _breaks(text) else (text,):
        if piece == "\t":
            etree.SubElement(r, _TAB)
        elif piece == "\n":
            etree.SubElement(r, _BR)
        elif piece:
            _set_t(etree.SubElement(r, _T), piece)


def _set_t(t: etree._Element, text: str) -> None:
    """A w:t's text, xml:space="preserve" when it has white space at an end."""
    t.text = text
    if len(text.strip()) < len(text):
        t.set(_SPACE, "preserve")


def _append(doc: DocxDocument, el: BaseOxmlElement) -> None:
    """``el`` as the body's last block, before its section properties (where python-docx adds one)."""
    body = doc.element.body
    last = body[-1] if len(body) else None
    if last is not None and last.tag == _SECT:
        last.addprevious(el)
    else:
        body.insert_element_before(el, "w:sectPr")


def _last(doc: DocxDocument) -> BaseOxmlElement:
    """The body's last block (the one python-docx added last)."""
    body = doc.element.body
    last = body[-1]
    return cast(BaseOxmlElement, last.getprevious() if last.tag == _SECT else last)


def _skeleton(tbl: CT_Tbl) -> CT_Tbl:
    """A copy of a table made by ``_grid`` with its header row's cells taken out (the row's properties kept)."""
    clone = deepcopy(tbl)
    head = clone[-1]
    if head.tag != _TR:
        raise ValueError("not a table with its header row last")
    for tc in list(head.iterchildren(_TC)):
        head.remove(tc)
    return clone


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
