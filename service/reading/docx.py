"""Read a .docx report: body paragraphs (with Word's list numbers) and tables with their merged cells.

Tables keep Word's structure: ``w:gridSpan`` is a colspan, a ``w:vMerge`` run of cells is one cell
with a rowspan (the continuation cells are not repeated). Page headers and footers live in other
parts of the package and are not read.
"""

from __future__ import annotations

from collections.abc import Iterator
from io import BytesIO
from typing import Any

from docx.oxml.ns import qn

from service.errors import InputError
from service.reading.document import SourceDocument
from service.reading.docx_numbering import Numbering
from service.reading.layout import RawCell, RawTable, TextBuilder, join_pieces

_P, _TBL, _TR, _TC = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc")
_SDT, _SDT_CONTENT, _CUSTOM_XML = qn("w:sdt"), qn("w:sdtContent"), qn("w:customXml")
_T, _TAB, _BR, _CR, _NB_HYPHEN = qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr"), qn("w:noBreakHyphen")
_PPR, _RPR, _DEL, _R = qn("w:pPr"), qn("w:rPr"), qn("w:del"), qn("w:r")
_TXBX = qn("w:txbxContent")
_BLIP = "{http://schemas.openxmlformats.org/drawingml/2006/main}blip"
_VML_IMAGE = "{urn:schemas-microsoft-com:vml}imagedata"
_TRPR, _TCPR, _VAL = qn("w:trPr"), qn("w:tcPr"), qn("w:val")
_HMERGE, _VMERGE = qn("w:hMerge"), qn("w:vMerge")
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
#: Not read inline: the VML copy of a drawing (mc:Fallback), deleted and moved-away text (tracked
#: changes), field codes, properties. Text boxes are read after their paragraph.
_SKIP = frozenset({_MC_FALLBACK, _DEL, qn("w:moveFrom"), _PPR, _RPR, qn("w:instrText"), qn("w:delText")})


def read_docx(data: bytes, name: str) -> SourceDocument:
    """Read a .docx file's body into a SourceDocument."""
    import docx

    try:
        document = docx.Document(BytesIO(data))
        body = document.element.body
        numbering = Numbering(_numbering_element(document), document.styles.element)
    except Exception as exc:
        reason = str(exc).strip().splitlines()[0][:120] if str(exc).strip() else type(exc).__name__
        raise InputError(f"无法读取 .docx 文件(文件损坏或不是 Word 2007 以上格式): {reason}", name) from exc
    builder = TextBuilder()
    _read_blocks(body, numbering, builder)
    if not builder.text.strip():
        raise InputError(".docx 文件中没有文字", name)
    warnings: list[str] = []
    if len(builder.tables) < 3:
        images = sum(1 for _ in body.iter(_BLIP, _VML_IMAGE))
        if images:
            warnings.append(f"the document shows {images} image(s) and has fewer than three tables; "
                            "tables inserted as pictures need OCR")
    return SourceDocument(text=builder.text, path=name, kind="docx", encoding="utf-8", tables=builder.tables,
                          warnings=warnings)


def _numbering_element(document: Any) -> Any:
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    try:
        return document.part.part_related_by(RT.NUMBERING).element
    except (KeyError, AttributeError):
        return None


def _blocks(parent: Any) -> Iterator[Any]:
    """Paragraphs and tables of a container in document order (content controls opened)."""
    for child in parent.iterchildren():
        if child.tag in (_P, _TBL):
            yield child
        elif child.tag == _SDT:
            content = child.find(_SDT_CONTENT)
            if content is not None:
                yield from _blocks(content)
        elif child.tag == _CUSTOM_XML:
            yield from _blocks(child)


def _read_blocks(parent: Any, numbering: Numbering, builder: TextBuilder) -> None:
    for el in _blocks(parent):
        if el.tag == _P:
            boxes: list[Any] = []
            builder.line(paragraph_text(el, numbering, boxes))
            for box in boxes:  # text boxes anchored in the paragraph: their paragraphs follow it
                _read_blocks(box, numbering, builder)
            continue
        if _is_frame(el):
            # A table used for layout (one column, or a table nested in its cells): read what it holds.
            for tr in _rows(el):
                for tc in _row_cells(tr):
                    _read_blocks(tc, numbering, builder)
            continue
        builder.table(_table_rows(el, numbering))


def _is_frame(tbl: Any) -> bool:
    """True for a layout table: no row has two cells or more, or nested tables hold more text than it."""
    rows = list(_rows(tbl))
    if all(sum(1 for _ in _row_cells(tr)) <= 1 for tr in rows):
        return True
    own = nested = 0
    for tr in rows:
        for tc in _row_cells(tr):
            for el in _blocks(tc):
                if el.tag == _P:
                    own += 1 if paragraph_text(el).strip() else 0
                else:
                    nested += sum(1 for t in el.iter(_T) if (t.text or "").strip())
    return nested > own


def paragraph_text(p: Any, numbering: Numbering | None = None, boxes: list[Any] | None = None) -> str:
    """A paragraph's visible text, its list number first; text boxes found in it go to ``boxes``."""
    parts: list[str] = [numbering.label(p)] if numbering is not None else []
    _collect(p, parts, boxes if boxes is not None else [])
    return "".join(parts)


def _collect(el: Any, parts: list[str], boxes: list[Any]) -> None:
    for child in el.iterchildren():
        tag = child.tag
        if tag == _T:
            parts.append(child.text or "")
        elif tag == _TAB:
            parts.append("\t")
        elif tag in (_BR, _CR):
            parts.append("\n")
        elif tag == _NB_HYPHEN:
            parts.append("-")
        elif tag == _R and _hidden(child):
            continue
        elif tag == _TXBX:
            boxes.append(child)
        elif tag not in _SKIP and isinstance(tag, str):
            _collect(child, parts, boxes)


def _hidden(run: Any) -> bool:
    """A run formatted as hidden text (``w:vanish``)."""
    rpr = run.find(_RPR)
    vanish = rpr.find(qn("w:vanish")) if rpr is not None else None
    return vanish is not None and vanish.get(qn("w:val")) not in ("0", "false", "off")


def _row_cells(tr: Any) -> Iterator[Any]:
    for child in tr.iterchildren():
        if child.tag == _TC:
            yield child
        elif child.tag in (_SDT, _CUSTOM_XML):
            inner = child.find(_SDT_CONTENT) if child.tag == _SDT else child
            if inner is not None:
                yield from _row_cells(inner)


def _rows(tbl: Any) -> Iterator[Any]:
    for child in tbl.iterchildren():
        if child.tag == _TR:
            yield child
        elif child.tag in (_SDT, _CUSTOM_XML):
            inner = child.find(_SDT_CONTENT) if child.tag == _SDT else child
            if inner is not None:
                yield from _rows(inner)


def _cell_text(tc: Any, numbering: Numbering) -> str:
    pieces: list[str] = []
    for el in _blocks(tc):
        if el.tag == _P:
            boxes: list[Any] = []
            pieces.append(paragraph_text(el, numbering, boxes).replace("\t", " ").replace("\n", ""))
            pieces.extend(_cell_text(box, numbering) for box in boxes)
        else:  # a table nested in a cell: its text, row by row
            for row in _table_rows(el, numbering):
                pieces.append(join_pieces([c.text for c in row]))
    return join_pieces(pieces)


def _int_val(el: Any, tag: str, default: int) -> int:
    child = el.find(qn(tag)) if el is not None else None
    try:
        return int(child.get(qn("w:val"))) if child is not None else default
    except (TypeError, ValueError):
        return default


def _table_rows(tbl: Any, numbering: Numbering) -> RawTable:
    """Rows of cells with spans; vertically merged continuation cells are dropped.

    Horizontal merges are ``w:gridSpan`` or, in files from older Word and WPS, a ``w:hMerge`` run of
    cells. Rows deleted with tracked changes are not rows of the table.
    """
    grid: list[list[tuple[int, int, str | None, Any]]] = []  # (column, colspan, vmerge, tc)
    for tr in _rows(tbl):
        trpr = tr.find(_TRPR)
        if trpr is not None and trpr.find(_DEL) is not None:
            continue
        col = _int_val(trpr, "w:gridBefore", 0)
        row: list[tuple[int, int, str | None, Any]] = []
        for tc in _row_cells(tr):
            tcpr = tc.find(_TCPR)
            span = max(1, _int_val(tcpr, "w:gridSpan", 1))
            hm_el = tcpr.find(_HMERGE) if tcpr is not None else None
            if hm_el is not None and (hm_el.get(_VAL) or "continue") == "continue" and row:
                c0, s0, v0, tc0 = row[-1]
                row[-1] = (c0, s0 + span, v0, tc0)
                col += span
                continue
            vm_el = tcpr.find(_VMERGE) if tcpr is not None else None
            vmerge = None if vm_el is None else (vm_el.get(_VAL) or "continue")
            row.append((col, span, vmerge, tc))
            col += span
        grid.append(row)
    out: RawTable = []
    for r, row in enumerate(grid):
        cells: list[RawCell] = []
        for col, span, vmerge, tc in row:
            if vmerge == "continue":
                continue
            rowspan = 1
            if vmerge == "restart":
                for below in grid[r + 1 :]:
                    if not any(c == col and v == "continue" for c, _, v, _ in below):
                        break
                    rowspan += 1
            cells.append(RawCell(_cell_text(tc, numbering), rowspan, span))
        out.append(cells)
    return out
