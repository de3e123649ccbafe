"""Reports as real publishers make them: Word/WPS .docx written as raw WordprocessingML, and HTML pages
as MS Word "Save as HTML" and government CMSs (TRS, layout tables, GB2312) produce them.

Every builder is deterministic: the same truth and options always give the same bytes.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from xml.sax.saxutils import escape

from tests.unseen_layouts import (
    BODY,
    OUTER,
    T3_HEADER,
    T3_SPEC,
    T4_COL_LABELS,
    Num,
    Truth,
    num_plain,
)

# --------------------------------------------------------------------------------------------------
# DOCX: WordprocessingML by hand

NS = (
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:v="urn:schemas-microsoft-com:vml" '
    'xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" '
    'mc:Ignorable="w14"'
)
_RPR = '<w:rPr><w:rFonts w:hint="eastAsia" w:ascii="仿宋_GB2312" w:eastAsia="仿宋_GB2312"/><w:sz w:val="32"/></w:rPr>'


@dataclass(frozen=True)
class DocxStyle:
    """How a Word/WPS report is written; each flag is one thing real producers do."""

    vmerge_repeat: bool = False  # vMerge continuation cells repeat the merged cell's text (converters)
    digit_runs: bool = False  # each digit its own <w:r>, with proofErr/bookmarkStart between
    full_width: bool = False  # numbers typed with full-width digits
    br_in_cells: bool = False  # soft line breaks inside labels and before/after numbers
    tracked: bool = False  # tracked changes: a digit deleted and another inserted inside numbers
    sdt: bool = False  # 表四 inside a content control; 表二 rows in a row-level content control
    textbox: bool = False  # a paragraph of section 五 in a text box (with its VML fallback)
    heading_numbering: bool = False  # headings are Heading 1/2 styles numbered by numbering.xml
    split_num_instances: bool = False  # headings use two w:num of one abstractNum (Word continues the count)
    split_table3: str = ""  # "" | "tables": 表三 split in two tables, header repeated | "rows": header rows repeated
    nested: str = ""  # "" | "frame": 表三 inside a one-column frame | "side": 表四 in a two-column layout table
    hmerge: bool = False  # legacy horizontal merges (w:hMerge) instead of w:gridSpan in 表二
    wps: bool = False  # WPS style ids ("2" for heading 1) and explicit vMerge="continue"
    image_t3: bool = False  # 表三 pasted as a picture


def _t(text: str) -> str:
    return f'<w:t xml:space="preserve">{escape(text)}</w:t>'


def run(text: str) -> str:
    return f"<w:r>{_RPR}{_t(text)}</w:r>" if text else ""


def para(inner: str, style: str | None = None, jc: str | None = None, numpr: str = "") -> str:
    ppr = ""
    if style or jc or numpr:
        ppr = ("<w:pPr>" + (f'<w:pStyle w:val="{style}"/>' if style else "") + numpr
               + (f'<w:jc w:val="{jc}"/>' if jc else "") + "</w:pPr>")
    return f"<w:p>{ppr}{inner}</w:p>"


def text_para(text: str, style: str | None = None, numpr: str = "") -> str:
    return para(run(text), style=style, numpr=numpr)


class _Num:
    """Renders one number cell's runs in a producer's way."""

    def __init__(self, st: DocxStyle) -> None:
        self.st = st
        self.k = 0  # counter to vary the damage deterministically

    def __call__(self, v: Num) -> str:
        s = num_plain(v)
        if self.st.full_width:
            s = s.translate(str.maketrans("0123456789.", "０１２３４５６７８９．"))
        self.k += 1
        k = self.k
        if self.st.tracked and k % 4 == 1:
            # the author first typed a wrong digit, deleted it, and typed the right ones
            wrong = "9" if s[0] != "9" else "8"
            return (f'<w:del w:id="{k}" w:author="a" w:date="2025-01-10T00:00:00Z"><w:r><w:delText>{wrong}</w:delText></w:r></w:del>'
                    f'<w:ins w:id="{k + 10000}" w:author="a" w:date="2025-01-10T00:00:00Z">{run(s)}</w:ins>')
        if self.st.tracked and k % 4 == 3 and len(s) > 1:
            return (run(s[0]) + f'<w:del w:id="{k}" w:author="a"><w:r><w:delText>7</w:delText></w:r></w:del>'
                    + f'<w:ins w:id="{k + 10000}" w:author="a">{run(s[1:])}</w:ins>')
        if self.st.digit_runs:
            out = []
            for i, ch in enumerate(s):
                if i == 1:
                    out.append('<w:proofErr w:type="spellStart"/>')
                if i == 2:
                    out.append(f'<w:bookmarkStart w:id="{k}" w:name="_Hlk{k}"/><w:bookmarkEnd w:id="{k}"/>')
                out.append(run(ch))
            return "".join(out)
        if self.st.br_in_cells and k % 3 == 0:
            return "<w:r><w:br/></w:r>" + run(s) if k % 2 else run(s) + "<w:r><w:br/></w:r>"
        return run(s)


def _field(instr: str, result: str) -> str:
    """A complex field: its code (not shown) and its cached result (shown)."""
    return ('<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
            f'<w:r><w:instrText xml:space="preserve"> {instr} </w:instrText></w:r>'
            '<w:r><w:fldChar w:fldCharType="separate"/></w:r>' + result
            + '<w:r><w:fldChar w:fldCharType="end"/></w:r>')


def _label(text: str, st: DocxStyle) -> str:
    if st.br_in_cells and len(text) > 12:
        k = len(text) // 2
        return run(text[:k]) + "<w:r><w:br/></w:r>" + run(text[k:])
    return run(text)


def tc(inner: str, span: int = 1, vmerge: str | None = None, hmerge: str | None = None) -> str:
    pr = ""
    if span > 1:
        pr += f'<w:gridSpan w:val="{span}"/>'
    if vmerge == "restart":
        pr += '<w:vMerge w:val="restart"/>'
    elif vmerge == "continue":
        pr += "<w:vMerge/>"
    elif vmerge == "continue!":
        pr += '<w:vMerge w:val="continue"/>'
    if hmerge:
        pr += f'<w:hMerge w:val="{hmerge}"/>' if hmerge == "restart" else "<w:hMerge/>"
    body = inner if inner.startswith(("<w:p>", "<w:p ", "<w:tbl>")) else para(inner, jc="center")
    if inner.startswith("<w:tbl>"):
        body += "<w:p/>"  # a cell ends with a paragraph
    return f'<w:tc><w:tcPr><w:tcW w:w="0" w:type="auto"/>{pr}</w:tcPr>{body}</w:tc>'


def tr(cells: list[str], header: bool = False) -> str:
    trpr = "<w:trPr><w:tblHeader/></w:trPr>" if header else ""
    return f"<w:tr>{trpr}{''.join(cells)}</w:tr>"


def tbl(ncols: int, rows: list[str]) -> str:
    grid = "".join('<w:gridCol w:w="600"/>' for _ in range(ncols))
    return ('<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="0" w:type="auto"/></w:tblPr>'
            f"<w:tblGrid>{grid}</w:tblGrid>{''.join(rows)}</w:tbl>")


def _cont(st: DocxStyle, text: str) -> str:
    """A vertically merged continuation cell's content."""
    return run(text) if st.vmerge_repeat else ""


def _vc(st: DocxStyle) -> str:
    return "continue!" if st.wps else "continue"


def docx_table2(t: Truth, st: DocxStyle, num: _Num) -> str:
    a = t.t2
    reg, norm = a["regulations"], a["normative_documents"]
    assert isinstance(reg, dict) and isinstance(norm, dict)

    def wide(inner: str) -> list[str]:
        """A cell over columns 2–4: gridSpan, or a legacy hMerge run of three cells."""
        if st.hmerge:
            return [tc(inner, hmerge="restart"), tc("", hmerge="continue"), tc("", hmerge="continue")]
        return [tc(inner, span=3)]

    def band(text: str) -> str:
        if st.hmerge:
            return tr([tc(run(text), hmerge="restart")] + [tc("", hmerge="continue")] * 3)
        return tr([tc(run(text), span=4)])

    rows = [band("第二十条第（一）项"),
            tr([tc(run(h)) for h in ("信息内容", "本年制发件数", "本年废止件数", "现行有效件数")]),
            tr([tc(run("规章"))] + [tc(num(reg[k])) for k in ("issued", "repealed", "in_force")]),
            tr([tc(run("行政规范性文件"))] + [tc(num(norm[k])) for k in ("issued", "repealed", "in_force")])]
    for b, head, items in [
        ("第二十条第（五）项", "本年处理决定数量", [("行政许可", a["licensing"])]),
        ("第二十条第（六）项", "本年处理决定数量", [("行政处罚", a["penalty"]), ("行政强制", a["coercion"])]),
        ("第二十条第（八）项", "本年收费金额（单位：万元）", [("行政事业性收费", a["fees_10k_yuan"])]),
    ]:
        rows += [band(b), tr([tc(run("信息内容")), *wide(run(head))])]
        for label, value in items:
            rows.append(tr([tc(run(label)), *wide(num(value))]))  # type: ignore[arg-type]
    if st.sdt:  # rows 3–4 (第（一）项 values) inside a row-level content control
        rows[2:4] = ['<w:sdt><w:sdtPr><w:alias w:val="规范性文件"/></w:sdtPr><w:sdtContent>'
                     + "".join(rows[2:4]) + "</w:sdtContent></w:sdt>"]
    return tbl(4, rows)


def _t3_header_rows(st: DocxStyle) -> list[str]:
    note = T3_HEADER[0][0]
    return [
        tr([tc(run(note), span=3, vmerge="restart"), tc(run("申请人情况"), span=7)], header=True),
        tr([tc(_cont(st, note), span=3, vmerge=_vc(st)), tc(run("自然人"), vmerge="restart"),
            tc(run("法人或其他组织"), span=5), tc(run("总计"), vmerge="restart")], header=True),
        tr([tc(_cont(st, note), span=3, vmerge=_vc(st)), tc(_cont(st, "自然人"), vmerge=_vc(st)),
            *(tc(run(h)) for h in T3_HEADER[2]), tc(_cont(st, "总计"), vmerge=_vc(st))], header=True),
    ]


def docx_table3(t: Truth, st: DocxStyle, num: _Num) -> list[str]:
    """表三 as one table, or (split_table3="tables") two tables with the header repeated in the second."""
    split_at = 10  # before 7.属于行政执法案卷: inside the （三）不予公开 group
    body: list[list[str]] = [[]]
    started: set[str] = set()
    for i, (key, outer, group, label) in enumerate(T3_SPEC):
        if st.split_table3 and i == split_at:
            body.append([])
            if st.split_table3 == "tables":
                started.clear()  # Word splits merged cells: the lower part is a new, empty merged cell
        cells: list[str] = []
        if not outer:
            cells.append(tc(_label(label, st), span=3))
        else:
            for g in (outer, group):
                if not g:
                    continue
                if g in started:
                    cells.append(tc(_cont(st, g), vmerge=_vc(st)))
                else:
                    fresh = not (st.split_table3 == "tables" and len(body) > 1)
                    cells.append(tc(run(g) if fresh else "", vmerge="restart"))
                    started.add(g)
            cells.append(tc(_label(label, st), span=1 if group else 2))
        vals = [tc(num(v)) for v in t.t3[key]]
        if st.digit_runs:  # 总计 computed by a Word table formula: the field's cached result is the text
            vals[-1] = tc(_field("=SUM(LEFT)", num(t.t3[key][-1])))
        cells += vals
        if st.tracked and key == "granted":
            # a duplicated row (wrong numbers) deleted with tracked changes on: not a row of the table
            dead = [tc(f'<w:del w:id="{900 + j}" w:author="a"><w:r><w:delText>{x}</w:delText></w:r></w:del>')
                    for j, x in enumerate(["（一）予以公开", "99", "98", "97", "96", "95", "94", "93"])]
            dead[0] = dead[0].replace("<w:tcPr>", '<w:tcPr><w:gridSpan w:val="2"/>', 1)
            body[-1].append('<w:tr><w:trPr><w:del w:id="999" w:author="a"/></w:trPr>'
                            + tc("", vmerge=_vc(st)) + "".join(dead) + "</w:tr>")
        body[-1].append(tr(cells))
    head = _t3_header_rows(st)
    if st.split_table3 == "tables":
        return [tbl(10, head + body[0]), para('<w:r><w:br w:type="page"/></w:r>'), tbl(10, head + body[1])]
    if st.split_table3 == "rows":
        return [tbl(10, head + body[0] + head + body[1])]
    return [tbl(10, head + body[0])]


def docx_table4(t: Truth, st: DocxStyle, num: _Num) -> str:
    rows = [
        tr([tc(run("行政复议"), span=5), tc(run("行政诉讼"), span=10)], header=True),
        tr([*(tc(run(h), vmerge="restart") for h in T4_COL_LABELS), tc(run("未经复议直接起诉"), span=5),
            tc(run("复议后起诉"), span=5)], header=True),
        tr([*(tc(_cont(st, h), vmerge=_vc(st)) for h in T4_COL_LABELS), *(tc(run(h)) for h in T4_COL_LABELS * 2)],
           header=True),
        tr([tc(num(v)) for v in t.t4_flat]),
    ]
    table = tbl(15, rows)
    if st.sdt:
        table = ('<w:sdt><w:sdtPr><w:tag w:val="table4"/></w:sdtPr><w:sdtContent>' + table
                 + "</w:sdtContent></w:sdt>")
    return table


def _textbox(paragraphs: list[str], vml_only: bool = False) -> str:
    """A floating text box, as Word 2010+ writes it: DrawingML in mc:Choice, VML in mc:Fallback
    (``vml_only``: the VML shape alone, as WPS and Word 2007 write it)."""
    inner = "".join(text_para(p) for p in paragraphs)
    if vml_only:
        return (f'<w:p>{run("")}<w:r><w:pict><v:shape id="tb1"><v:textbox><w:txbxContent>{inner}</w:txbxContent>'
                "</v:textbox></v:shape></w:pict></w:r></w:p>")
    return (
        "<w:p><w:r><mc:AlternateContent><mc:Choice Requires=\"wps\"><w:drawing>"
        '<wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0" relativeHeight="1" behindDoc="0" '
        'locked="0" layoutInCell="1" allowOverlap="1"><wp:simplePos x="0" y="0"/>'
        '<wp:extent cx="5000000" cy="800000"/><wp:docPr id="1" name="文本框 1"/>'
        '<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
        f"<wps:wsp><wps:txbx><w:txbxContent>{inner}</w:txbxContent></wps:txbx><wps:bodyPr/></wps:wsp>"
        "</a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>"
        f'<mc:Fallback><w:pict><v:shape id="tb1"><v:textbox><w:txbxContent>{inner}</w:txbxContent>'
        "</v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>"
    )


TEXTBOX_PARAGRAPH = "三是依申请公开答复质量有待提高，答复文书规范性不足。"
PROBLEMS_DOCX = ["一是政策解读形式还不够丰富；二是队伍建设还需加强。", "下一步，将加强政策解读，定期组织业务培训。"]


def report_docx_raw(t: Truth, st: DocxStyle) -> bytes:
    """A whole report as a .docx package, XML written the way Word or WPS writes it."""
    num = _Num(st)
    h1, h2 = ("2", "3") if st.wps else ("1", "2")  # Chinese Word: styleId "1" is heading 1; WPS: "2"
    body: list[str] = [para(run("测试县人民政府2024年政府信息公开工作年度报告"), jc="center"),
                       text_para("根据《中华人民共和国政府信息公开条例》和国办公开办函〔2021〕30号要求，编制本报告。")]

    def heading(n: int, title: str) -> str:
        if not st.heading_numbering:
            return text_para(f"{'一二三四五六'[n]}、{title}")
        numpr = ""
        if st.split_num_instances and n >= 3:
            numpr = '<w:numPr><w:ilvl w:val="0"/><w:numId w:val="3"/></w:numPr>'
        return text_para(title, style=h1, numpr=numpr)

    def subheading(n: int, text: str) -> str:
        if not st.heading_numbering:
            return text_para(text)
        return text_para(text.split("）", 1)[1], style=h2)

    body.append(heading(0, "总体情况"))
    for p in BODY["overview"]:
        if st.heading_numbering:
            title, rest = p.split("。", 1)
            body += [subheading(0, title), text_para(rest)]
        else:
            body.append(text_para(p))
    body.append(heading(1, "主动公开政府信息情况"))
    t2 = docx_table2(t, st, num)
    body.append(t2)
    body.append(heading(2, "收到和处理政府信息公开申请情况"))
    t3 = docx_table3(t, st, num)
    if st.image_t3:  # 表三 pasted as a picture
        t3 = ['<w:p><w:r><w:drawing><wp:inline><wp:extent cx="5000000" cy="7000000"/><wp:docPr id="2" name="图片 2"/>'
              '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
              '<a:blip r:embed="rId9"/></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>']
    if st.nested == "frame":
        # the table pasted into a one-column frame with a caption row
        frame = tbl(1, [tr([tc(text_para("表三 收到和处理政府信息公开申请情况"))]),
                        tr([tc(t3[0])])])
        body.append(frame)
        body += t3[1:]
    else:
        body += t3
    body.append(heading(3, "政府信息公开行政复议、行政诉讼情况"))
    t4 = docx_table4(t, st, num)
    if st.nested == "side":
        # a layout table: a narrow empty margin cell and the real table nested in the wide cell
        body.append(tbl(2, [tr([tc(""), tc(t4)])]))
    else:
        body.append(t4)
    body.append(heading(4, "存在的主要问题及改进情况"))
    body += [text_para(p) for p in PROBLEMS_DOCX]
    if st.tracked:  # a sentence moved away from here (moveFrom, dropped) to the end of 五 (moveTo, kept)
        body.append(para(run("下一步，") + '<w:moveFrom w:id="801" w:author="a">' + run("将") + "</w:moveFrom>"
                         + run("持续") + '<w:moveTo w:id="802" w:author="a">' + run("改进") + "</w:moveTo>"
                         + run("工作。")))
    if st.textbox:
        body.append(_textbox([TEXTBOX_PARAGRAPH], vml_only=st.wps))
    body.append(heading(5, "其他需要报告的事项"))
    body += [text_para(p) for p in BODY["other"]]
    body.append(para(run("测试县人民政府办公室"), jc="right"))
    body.append(para(run("2025年1月20日"), jc="right"))
    sect = '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr>'
    document = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document {NS}><w:body>'
                + "".join(body) + sect + "</w:body></w:document>")
    return _package(document, _styles(h1, h2, st.heading_numbering), _numbering() if st.heading_numbering else None)


def _styles(h1: str, h2: str, numbered: bool) -> str:
    np1 = '<w:numPr><w:numId w:val="1"/></w:numPr>' if numbered else ""
    np2 = '<w:numPr><w:ilvl w:val="1"/><w:numId w:val="1"/></w:numPr>' if numbered else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:styles {NS}>'
        '<w:style w:type="paragraph" w:default="1" w:styleId="a"><w:name w:val="Normal"/></w:style>'
        f'<w:style w:type="paragraph" w:styleId="{h1}"><w:name w:val="heading 1"/><w:basedOn w:val="a"/>'
        f'<w:next w:val="a"/><w:pPr><w:keepNext/>{np1}<w:outlineLvl w:val="0"/></w:pPr></w:style>'
        f'<w:style w:type="paragraph" w:styleId="{h2}"><w:name w:val="heading 2"/><w:basedOn w:val="a"/>'
        f'<w:pPr>{np2}<w:outlineLvl w:val="1"/></w:pPr></w:style>'
        '<w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/></w:style>'
        "</w:styles>"
    )


def _numbering() -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:numbering {NS}>'
        '<w:abstractNum w:abstractNumId="0"><w:multiLevelType w:val="multilevel"/>'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:pStyle w:val="1"/>'
        '<w:lvlText w:val="%1、"/><w:lvlJc w:val="left"/></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:pStyle w:val="2"/>'
        '<w:lvlText w:val="（%2）"/><w:lvlJc w:val="left"/></w:lvl>'
        "</w:abstractNum>"
        '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
        '<w:num w:numId="3"><w:abstractNumId w:val="0"/></w:num>'
        "</w:numbering>"
    )


_CT = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
       '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
       '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
       '<Default Extension="xml" ContentType="application/xml"/>'
       '<Override PartName="/word/document.xml" '
       'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
       '<Override PartName="/word/styles.xml" '
       'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>'
       '<Override PartName="/word/numbering.xml" '
       'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/>'
       "</Types>")
_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
         '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
         '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
         'officeDocument" Target="word/document.xml"/></Relationships>')
_REL = '<Relationship Id="{id}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/{t}" Target="{f}"/>'


def _package(document: str, styles: str, numbering: str | None) -> bytes:
    rels = [_REL.format(id="rId1", t="styles", f="styles.xml")]
    if numbering:
        rels.append(_REL.format(id="rId2", t="numbering", f="numbering.xml"))
    doc_rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                + "".join(rels) + "</Relationships>")
    parts = {"[Content_Types].xml": _CT, "_rels/.rels": _RELS, "word/document.xml": document,
             "word/_rels/document.xml.rels": doc_rels, "word/styles.xml": styles}
    if numbering:
        parts["word/numbering.xml"] = numbering
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in parts.items():
            zf.writestr(zipfile.ZipInfo(name, date_time=(2025, 1, 1, 0, 0, 0)), text.encode("utf-8"))
    return buf.getvalue()


DocxBuilder = Callable[[Truth], bytes]


# --------------------------------------------------------------------------------------------------
# HTML: Word "Save as HTML" and government CMS pages


@dataclass(frozen=True)
class HtmlStyle:
    """How a page is published; each flag is one thing real producers do."""

    word: bool = False  # MS Word "Save as HTML": o:p, mso- styles, lang=EN-US runs splitting numbers, GB2312
    th: bool = False  # header cells as <th scope=...>
    tbodies: bool = False  # 表三 rows split over several <tbody> (one per printed page)
    trs: bool = False  # the article in <div class="TRS_Editor"> inside a layout table with a side column
    br_labels: bool = False  # labels broken over lines with <br>
    script: bool = False  # <script> that writes text (must be ignored)
    image_t3: bool = False  # 表三 published as an <img>
    sidebar_years: bool = False  # a "related reports" box naming other years' reports
    related_inside: bool = False  # that box and 上一篇/下一篇 links inside the article's own block
    charset: str = "utf-8"  # page encoding; GB2312 pages declare it only in an http-equiv meta


def _h(s: str) -> str:
    return escape(s)


class _Page:
    def __init__(self, st: HtmlStyle) -> None:
        self.st = st
        self.k = 0

    def p(self, text: str, cls: str = "MsoNormal") -> str:
        if self.st.word:
            return (f"<p class={cls} style='text-indent:32.0pt;mso-char-indent-count:2.0;line-height:28.0pt'>"
                    f"<span style='font-size:16.0pt;font-family:仿宋_GB2312;mso-hansi-font-family:\"Times New Roman\"'>"
                    f"{_h(text)}<span lang=EN-US><o:p></o:p></span></span></p>")
        return f"<p style=\"text-indent:2em\">{_h(text)}</p>"

    def heading(self, n: int, title: str) -> str:
        if self.st.word:
            # Word writes the list number as text guarded by a conditional comment
            return (f"<h1 style='margin-left:0cm;mso-list:l0 level1 lfo1'><![if !supportLists]>"
                    f"<span lang=EN-US style='mso-list:Ignore'>{'一二三四五六'[n]}、"
                    f"<span style='font:7.0pt \"Times New Roman\"'>&nbsp;&nbsp; </span></span><![endif]>"
                    f"<span style='font-family:黑体'>{_h(title)}</span></h1>")
        return f"<p><strong>{'一二三四五六'[n]}、{_h(title)}</strong></p>"

    def label(self, text: str) -> str:
        if self.st.br_labels and len(text) > 10:
            k = len(text) // 2
            return _h(text[:k]) + "<br>\n" + _h(text[k:])
        return _h(text)

    def cell(self, inner: str, rs: int = 1, cs: int = 1, head: str | None = None) -> str:
        a = (f" rowspan={rs}" if rs > 1 else "") + (f" colspan={cs}" if cs > 1 else "")
        if self.st.word:
            a = f" width={60 * cs} valign=top style='width:{45 * cs}.0pt;border:solid windowtext 1.0pt;mso-border-alt:solid windowtext .5pt;padding:0cm 5.4pt 0cm 5.4pt'" + a
            inner = (f"<p class=MsoNormal align=center style='text-align:center'><span style='font-size:10.0pt;"
                     f"font-family:仿宋_GB2312'>{inner}<span lang=EN-US><o:p></o:p></span></span></p>")
        if head is not None and self.st.th:
            return f"<th scope=\"{head}\"{a}>{inner}</th>"
        return f"<td{a}>{inner}</td>"

    def num(self, v: Num) -> str:
        s = num_plain(v)
        self.k += 1
        if self.st.word:
            if len(s) > 1 and self.k % 2:
                # Word splits a number where the proofing or formatting state changes
                return (f"<span lang=EN-US style='font-size:10.0pt'>{s[:1]}</span>"
                        f"<span lang=EN-US style='font-size:10.0pt;mso-bidi-font-size:11.0pt'>{s[1:]}</span>")
            return f"<span lang=EN-US>{s}</span>"
        return s

    def vcell(self, v: Num) -> str:
        return self.cell(self.num(v))


def _html_t2(t: Truth, pg: _Page) -> list[str]:
    a = t.t2
    reg, norm = a["regulations"], a["normative_documents"]
    assert isinstance(reg, dict) and isinstance(norm, dict)
    c = pg.cell
    rows = ["<tr>" + c("第二十条第（一）项", cs=4, head="colgroup") + "</tr>",
            "<tr>" + "".join(c(h, head="col") for h in ("信息内容", "本年制发件数", "本年废止件数", "现行有效件数")) + "</tr>",
            "<tr>" + c("规章", head="row") + "".join(pg.vcell(reg[k]) for k in ("issued", "repealed", "in_force")) + "</tr>",
            "<tr>" + c(pg.label("行政规范性文件"), head="row")
            + "".join(pg.vcell(norm[k]) for k in ("issued", "repealed", "in_force")) + "</tr>"]
    for b, head, items in [
        ("第二十条第（五）项", "本年处理决定数量", [("行政许可", a["licensing"])]),
        ("第二十条第（六）项", "本年处理决定数量", [("行政处罚", a["penalty"]), ("行政强制", a["coercion"])]),
        ("第二十条第（八）项", "本年收费金额（单位：万元）", [("行政事业性收费", a["fees_10k_yuan"])]),
    ]:
        rows += ["<tr>" + c(b, cs=4, head="colgroup") + "</tr>",
                 "<tr>" + c("信息内容", head="col") + c(pg.label(head), cs=3, head="col") + "</tr>"]
        for label, v in items:
            rows.append("<tr>" + c(pg.label(label), head="row") + c(pg.num(v), cs=3) + "</tr>")  # type: ignore[arg-type]
    return _table(pg, [rows])


def _table(pg: _Page, bodies: list[list[str]], head: list[str] | None = None) -> list[str]:
    if pg.st.word:
        out = ["<table class=MsoNormalTable border=1 cellspacing=0 cellpadding=0 style='border-collapse:collapse;"
               "border:none;mso-border-alt:solid windowtext .5pt;mso-yfti-tbllook:1184'>"]
    else:
        out = ["<table border=\"1\" cellspacing=\"0\" cellpadding=\"0\" style=\"width:100%\">"]
    if head:
        out += ["<thead>", *head, "</thead>"]
    for body in bodies:
        out += ["<tbody>", *body, "</tbody>"]
    if pg.st.word:
        # Word's trailing row that fixes misaligned column widths: empty cells with &nbsp;-free widths
        out += ["<![if !supportMisalignedColumns]>", "<tr height=0>",
                *("<td width=60 style='border:none'></td>" for _ in range(4)), "</tr>", "<![endif]>"]
    out.append("</table>")
    return out


def _html_t3(t: Truth, pg: _Page) -> list[str]:
    c = pg.cell
    head = ["<tr>" + c(pg.label(T3_HEADER[0][0]), rs=3, cs=3, head="col") + c("申请人情况", cs=7, head="colgroup") + "</tr>",
            "<tr>" + c("自然人", rs=2, head="col") + c("法人或其他组织", cs=5, head="colgroup") + c("总计", rs=2, head="col") + "</tr>",
            "<tr>" + "".join(c(h, head="col") for h in T3_HEADER[2]) + "</tr>"]
    spans = {OUTER: 22, "（三）不予公开": 8, "（四）无法提供": 3, "（五）不予处理": 5, "（六）其他处理": 3}
    seen: set[str] = set()
    bodies: list[list[str]] = [[]]
    for i, (key, outer, group, label) in enumerate(T3_SPEC):
        if pg.st.tbodies and i in (9, 17):
            bodies.append([])
        cells = ""
        if not outer:
            cells += c(pg.label(label), cs=3, head="row")
        else:
            for g in (outer, group):
                if g and g not in seen:
                    cells += c(pg.label(g), rs=spans[g], head="rowgroup")
                    seen.add(g)
            cells += c(pg.label(label), cs=1 if group else 2, head="row")
        bodies[-1].append("<tr>" + cells + "".join(pg.vcell(v) for v in t.t3[key]) + "</tr>")
    if pg.st.tbodies:
        return _table(pg, bodies, head)
    return _table(pg, [head + bodies[0]])


def _html_t4(t: Truth, pg: _Page) -> list[str]:
    c = pg.cell
    rows = ["<tr>" + c("行政复议", cs=5, head="colgroup") + c("行政诉讼", cs=10, head="colgroup") + "</tr>",
            "<tr>" + "".join(c(h, rs=2, head="col") for h in T4_COL_LABELS)
            + c("未经复议直接起诉", cs=5, head="colgroup") + c("复议后起诉", cs=5, head="colgroup") + "</tr>",
            "<tr>" + "".join(c(h, head="col") for h in T4_COL_LABELS * 2) + "</tr>",
            "<tr>" + "".join(pg.vcell(v) for v in t.t4_flat) + "</tr>"]
    return _table(pg, [rows])


SIDEBAR = ["测试县人民政府2023年政府信息公开工作年度报告", "测试县人民政府2022年政府信息公开工作年度报告",
           "测试县人民政府2021年政府信息公开工作年度报告"]


def report_page(t: Truth, st: HtmlStyle) -> bytes:
    """A whole report page as a publisher's system writes it, encoded in ``st.charset``."""
    pg = _Page(st)
    title = "测试县人民政府2024年政府信息公开工作年度报告"
    article = [pg.p(title, cls="MsoTitle") if st.word else f"<h2 style=\"text-align:center\">{title}</h2>",
               pg.p("根据《中华人民共和国政府信息公开条例》和国办公开办函〔2021〕30号要求，编制本报告。"),
               pg.heading(0, "总体情况"), *(pg.p(x) for x in BODY["overview"]),
               pg.heading(1, "主动公开政府信息情况"), *_html_t2(t, pg),
               pg.heading(2, "收到和处理政府信息公开申请情况")]
    if st.image_t3:
        article.append("<p style=\"text-align:center\"><img src=\"/upload/2025/01/t3_7a1.png\" width=\"640\" "
                       "alt=\"\" /></p>")
    else:
        article += _html_t3(t, pg)
    if st.script:
        article.append("<script type=\"text/javascript\">document.write('<p>本年新收政府信息公开申请数量 99999</p>');"
                       "var s = '四、结转下年度继续办理 88888';</script>")
    article += [pg.heading(3, "政府信息公开行政复议、行政诉讼情况"), *_html_t4(t, pg),
                pg.heading(4, "存在的主要问题及改进情况"), *(pg.p(x) for x in BODY["problems"]),
                pg.heading(5, "其他需要报告的事项"), *(pg.p(x) for x in BODY["other"]),
                pg.p("测试县人民政府办公室"), pg.p("2025年1月20日")]
    meta = (f"<meta http-equiv=Content-Type content=\"text/html; charset={st.charset}\">" if st.charset != "utf-8"
            else "<meta charset=\"utf-8\">")
    if st.word:
        head = ("<html xmlns:v=\"urn:schemas-microsoft-com:vml\" xmlns:o=\"urn:schemas-microsoft-com:office:office\" "
                "xmlns:w=\"urn:schemas-microsoft-com:office:word\" xmlns=\"http://www.w3.org/TR/REC-html40\">\n"
                f"<head>{meta}<meta name=ProgId content=Word.Document><meta name=Generator content=\"Microsoft Word 15\">"
                f"<title>{title}</title>"
                "<!--[if gte mso 9]><xml><o:DocumentProperties><o:Author>admin</o:Author><o:Pages>5</o:Pages>"
                "</o:DocumentProperties></xml><![endif]-->"
                "<style><!-- p.MsoNormal {mso-style-parent:\"\"; margin:0cm; font-size:10.5pt;} "
                "@page WordSection1 {size:595.3pt 841.9pt;} div.WordSection1 {page:WordSection1;} --></style>"
                "</head>\n<body lang=ZH-CN style='tab-interval:21.0pt;text-justify-trim:punctuation'>\n"
                "<div class=WordSection1 style='layout-grid:15.6pt'>\n")
        page = head + "\n".join(article) + "\n</div>\n</body>\n</html>\n"
        return page.encode(st.charset if st.charset != "utf-8" else "utf-8")
    if st.related_inside:
        article = [f"<p>上一篇：<a href=\"/art/2024/9.html\">{SIDEBAR[0]}</a></p>", *article,
                   "<div class=\"xgwz\"><b>相关文章：</b><ul>"
                   + "".join(f"<li><a href=\"/art/{2023 - i}/{i}.html\">{x}</a>（{2024 - i}-01-2{i}）</li>"
                             for i, x in enumerate(SIDEBAR)) + "</ul></div>",
                   f"<p>下一篇：<a href=\"/art/2025/1.html\">{SIDEBAR[1]}</a></p>"]
    content = "\n".join(article)
    if st.trs:
        content = ("<div class=\"TRS_Editor\"><style type=\"text/css\">.TRS_Editor P{margin-top:0;font-size:12pt;"
                   "line-height:2;font-family:宋体;}.TRS_Editor TD{font-size:12pt;}</style>"
                   f"<div class=\"Custom_UnionStyle\">{content}</div></div>")
    related = ""
    if st.sidebar_years:
        related = ("<div class=\"related\"><h3>相关报告</h3><ul>"
                   + "".join(f"<li><a href=\"/art/{2023 - i}/{i}.html\">{s}</a> <span>{2024 - i}-01-2{i}</span></li>"
                             for i, s in enumerate(SIDEBAR))
                   + "</ul><p>本单位2023年度报告、2022年度报告请见上方链接。</p></div>")
    nav = ("<div class=\"header\"><a href=\"/\">网站首页</a> | <a href=\"/zwgk/\">政务公开</a> | "
           "<a href=\"/bsfw/\">办事服务</a></div>"
           "<div class=\"crumb\">当前位置：<a href=\"/\">首页</a> &gt; <a href=\"/zfxxgk/\">政府信息公开</a> &gt; 年度报告</div>")
    info = ("<table class=\"xxgk\"><tr><td>索引号：</td><td>001-2025-0001</td><td>发布机构：</td><td>测试县人民政府办公室</td></tr>"
            "<tr><td>发布日期：</td><td>2025-01-20</td><td>文号：</td><td></td></tr></table>")
    foot = ("<div class=\"footer\">主办单位：测试县人民政府办公室 网站标识码：3200000001 "
            "<script>var _hmt = _hmt || [];</script></div>")
    if st.trs:
        body = (f"{nav}<table width=\"1000\" align=\"center\"><tr><td width=\"220\" valign=\"top\">{related}"
                "<ul><li><a href=\"/a\">机构职能</a></li><li><a href=\"/b\">政策文件</a></li></ul></td>"
                f"<td valign=\"top\">{info}<h1>{title}</h1>{content}</td></tr></table>{foot}")
    else:
        body = f"{nav}<div class=\"main\"><div class=\"article\">{info}<h1>{title}</h1>" \
               f"<div id=\"zoom\">{content}</div></div>{related}</div>{foot}"
    page = (f"<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\">\n<html><head>{meta}"
            f"<title>{title}_测试县人民政府</title><script src=\"/js/jquery.js\"></script></head>\n"
            f"<body>{body}</body></html>\n")
    return page.encode(st.charset)
