"""Make the producer fixtures: gold numbers → DOCX (or HTML) in a table style → PDF by LibreOffice.

Run from the repository root with LibreOffice installed (it is needed only here, never at run time
or in CI): ``.venv/bin/python tests/data/producers/make_fixtures.py [--keep DIR]``. The PDFs are
committed; tests/test_reading_producers.py reads them back against the same gold numbers.
"""

from __future__ import annotations

import argparse
import io
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))

import docx  # noqa: E402
from docx.enum.section import WD_ORIENT  # noqa: E402
from docx.enum.table import WD_ALIGN_VERTICAL  # noqa: E402
from docx.enum.text import WD_ALIGN_PARAGRAPH  # noqa: E402
from docx.oxml import parse_xml  # noqa: E402
from docx.oxml.ns import nsdecls, qn  # noqa: E402
from docx.shared import Cm, Pt  # noqa: E402

from tests.unseen_layouts import (  # noqa: E402
    BODY,
    OUTER,
    T3_HEADER,
    T3_SPEC,
    T4_COL_LABELS,
    Truth,
    load_truth,
    num_plain,
    report_html,
)

_T2_BANDS = [
    ("第二十条第（一）项", ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"]),
    ("第二十条第（五）项", ["信息内容", "本年处理决定数量"]),
    ("第二十条第（六）项", ["信息内容", "本年处理决定数量"]),
    ("第二十条第（八）项", ["信息内容", "本年收费金额（单位：万元）"]),
]


@dataclass(frozen=True)
class Look:
    """How the Word tables look."""

    borders: str = "full"  # full | novert (no vertical rules) | threeline (三线表)
    landscape: bool = False
    narrow: bool = False  # narrow columns: long numbers and labels wrap inside their cells
    split_t3: bool = False  # 表三 starts low on a page and runs onto the next
    repeat_header: bool = False  # 表三's header rows repeat on the next page
    font_pt: float = 10.5
    centered: bool = False  # cells centred horizontally and vertically (the usual in reports)


FIXTURES: dict[str, tuple[str, Look]] = {
    "lo-full": ("huaian-city-2024", Look()),
    "lo-novert": ("synthetic-city-2025", Look(borders="novert")),
    "lo-threeline": ("huaian-city-2024", Look(borders="threeline")),
    "lo-split": ("synthetic-city-2025", Look(split_t3=True)),
    "lo-split-repeat": ("huaian-city-2024", Look(split_t3=True, repeat_header=True)),
    "lo-narrow": ("synthetic-city-2025", Look(narrow=True)),
    "lo-landscape": ("hongze-district-2024", Look(landscape=True, font_pt=9)),
    "lo-centered-narrow": ("synthetic-city-2025", Look(narrow=True, centered=True)),
    "lo-novert-centered": ("huaian-city-2024", Look(borders="novert", centered=True, split_t3=True)),
    "lo-threeline-narrow": ("synthetic-city-2025", Look(borders="threeline", narrow=True, centered=True)),
}
HTML_FIXTURES: dict[str, str] = {"lo-html": "synthetic-city-2025"}


def _borders_xml(tag: str, sides: dict[str, bool], sz: int = 4) -> str:
    parts = []
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        if side not in sides:
            continue
        if sides[side]:
            parts.append(f'<w:{side} w:val="single" w:sz="{sz}" w:space="0" w:color="000000"/>')
        else:
            parts.append(f'<w:{side} w:val="nil"/>')
    return f"<w:{tag} {nsdecls('w')}>{''.join(parts)}</w:{tag}>"


def _style_table(tb: Any, look: Look, widths: list[float], header_rows: int) -> None:
    tbl = tb._tbl
    pr = tbl.tblPr
    for old in pr.findall(qn("w:tblBorders")):
        pr.remove(old)
    if look.borders == "full":
        sides = dict.fromkeys(("top", "left", "bottom", "right", "insideH", "insideV"), True)
    elif look.borders == "novert":
        sides = {"top": True, "bottom": True, "insideH": True, "left": False, "right": False, "insideV": False}
    else:
        sides = {"top": True, "bottom": True, "insideH": False, "left": False, "right": False, "insideV": False}
    pr.append(parse_xml(_borders_xml("tblBorders", sides, 12 if look.borders == "threeline" else 4)))
    pr.append(parse_xml(f'<w:tblLayout {nsdecls("w")} w:type="fixed"/>'))
    grid = tbl.tblGrid
    for gc, w in zip(grid.findall(qn("w:gridCol")), widths, strict=True):
        gc.set(qn("w:w"), str(int(Cm(w).twips)))
    rows = tb.rows
    for r, row in enumerate(rows):
        for tc in row._tr.findall(qn("w:tc")):
            tcpr = tc.get_or_add_tcPr()
            if look.borders == "threeline" and r == header_rows - 1:
                tcpr.append(parse_xml(_borders_xml("tcBorders", {"bottom": True}, 6)))
        if look.repeat_header and r < header_rows:
            trpr = row._tr.get_or_add_trPr()
            trpr.append(parse_xml(f'<w:tblHeader {nsdecls("w")}/>'))
        for cell in row.cells:
            if look.centered:
                cell.vertical_alignment = WD_ALIGN_VERTICAL.CENTER
            for p in cell.paragraphs:
                p.paragraph_format.space_after = Pt(0)
                if look.centered:
                    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
                for run in p.runs:
                    run.font.size = Pt(look.font_pt)


def _table2(d: Any, t: Truth, look: Look) -> None:
    a = t.t2
    reg, norm = a["regulations"], a["normative_documents"]
    assert isinstance(reg, dict) and isinstance(norm, dict)
    tb = d.add_table(rows=0, cols=4)
    values: dict[str, list[tuple[str, list[Any]]]] = {
        "第二十条第（一）项": [("规章", [reg[k] for k in ("issued", "repealed", "in_force")]),
                        ("行政规范性文件", [norm[k] for k in ("issued", "repealed", "in_force")])],
        "第二十条第（五）项": [("行政许可", [a["licensing"]])],
        "第二十条第（六）项": [("行政处罚", [a["penalty"]]), ("行政强制", [a["coercion"]])],
        "第二十条第（八）项": [("行政事业性收费", [a["fees_10k_yuan"]])],
    }
    for band, head in _T2_BANDS:
        r = tb.add_row().cells
        r[0].merge(r[3]).text = band
        r = tb.add_row().cells
        if len(head) == 4:
            for i, h in enumerate(head):
                r[i].text = h
        else:
            r[0].text = head[0]
            r[1].merge(r[3]).text = head[1]
        for label, vals in values[band]:
            r = tb.add_row().cells
            r[0].text = label
            if len(vals) == 3:
                for i, v in enumerate(vals):
                    r[i + 1].text = num_plain(v)
            else:
                r[1].merge(r[3]).text = num_plain(vals[0])
    widths = [3.0, 1.6, 1.6, 1.6] if look.narrow else [4.5, 3.5, 3.5, 3.5]
    _style_table(tb, look, widths, 2)


def _table3(d: Any, t: Truth, look: Look) -> None:
    tb = d.add_table(rows=3 + len(T3_SPEC), cols=10)
    rows = tb.rows
    rows[0].cells[0].merge(rows[2].cells[2]).text = T3_HEADER[0][0]
    rows[0].cells[3].merge(rows[0].cells[9]).text = "申请人情况"
    rows[1].cells[3].merge(rows[2].cells[3]).text = "自然人"
    rows[1].cells[4].merge(rows[1].cells[8]).text = "法人或其他组织"
    rows[1].cells[9].merge(rows[2].cells[9]).text = "总计"
    for i, h in enumerate(T3_HEADER[2]):
        rows[2].cells[4 + i].text = h
    first: dict[str, int] = {}
    last: dict[str, int] = {}
    for i, (_key, outer, group, _label) in enumerate(T3_SPEC):
        for g in (outer, group):
            if g:
                first.setdefault(g, i)
                last[g] = i
    for i, (key, outer, group, label) in enumerate(T3_SPEC):
        r = rows[3 + i]
        if not outer:
            r.cells[0].merge(r.cells[2]).text = label
        elif not group:
            r.cells[1].merge(r.cells[2]).text = label
        else:
            r.cells[2].text = label
        for c, n in enumerate(t.t3[key]):
            r.cells[3 + c].text = num_plain(n)
    for g in first:
        col = 0 if g == OUTER else 1
        rows[3 + first[g]].cells[col].merge(rows[3 + last[g]].cells[col]).text = g
    if look.narrow:
        widths = [0.9, 1.2, 2.4] + [1.0] * 7
    elif look.landscape:
        widths = [1.2, 2.0, 7.0] + [1.9] * 7
    else:
        widths = [1.0, 1.6, 4.2] + [1.3] * 7
    _style_table(tb, look, widths, 3)


def _table4(d: Any, t: Truth, look: Look) -> None:
    tb = d.add_table(rows=4, cols=15)
    rows = tb.rows
    rows[0].cells[0].merge(rows[0].cells[4]).text = "行政复议"
    rows[0].cells[5].merge(rows[0].cells[14]).text = "行政诉讼"
    for i, h in enumerate(T4_COL_LABELS):
        rows[1].cells[i].merge(rows[2].cells[i]).text = h
    rows[1].cells[5].merge(rows[1].cells[9]).text = "未经复议直接起诉"
    rows[1].cells[10].merge(rows[1].cells[14]).text = "复议后起诉"
    for i, h in enumerate(T4_COL_LABELS * 2):
        rows[2].cells[5 + i].text = h
    for i, n in enumerate(t.t4_flat):
        rows[3].cells[i].text = num_plain(n)
    w = 1.6 if look.landscape else 1.05
    _style_table(tb, look, [w] * 15, 3)


def report_docx(t: Truth, look: Look) -> bytes:
    d = docx.Document()
    sec = d.sections[0]
    sec.page_width, sec.page_height = Cm(21.0), Cm(29.7)
    sec.left_margin = sec.right_margin = Cm(2.0)
    sec.top_margin = sec.bottom_margin = Cm(2.0)
    if look.landscape:
        sec.orientation = WD_ORIENT.LANDSCAPE
        sec.page_width, sec.page_height = sec.page_height, sec.page_width
    style = d.styles["Normal"]
    style.font.size = Pt(look.font_pt + 1.5)
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "Noto Serif CJK SC")
    d.add_paragraph("测试县人民政府2024年政府信息公开工作年度报告")
    d.add_paragraph("根据《中华人民共和国政府信息公开条例》和国办公开办函〔2021〕30号要求，编制本报告。")
    d.add_paragraph("一、总体情况")
    for p in BODY["overview"]:
        d.add_paragraph(p)
    d.add_paragraph("二、主动公开政府信息情况")
    _table2(d, t, look)
    d.add_paragraph("三、收到和处理政府信息公开申请情况")
    if look.split_t3:
        for _ in range(6):
            d.add_paragraph("本机关严格按照条例规定的时限和程序办理政府信息公开申请，做到依法答复、规范答复。")
    _table3(d, t, look)
    d.add_paragraph("四、政府信息公开行政复议、行政诉讼情况")
    _table4(d, t, look)
    d.add_paragraph("五、存在的主要问题及改进情况")
    for p in BODY["problems"]:
        d.add_paragraph(p)
    d.add_paragraph("六、其他需要报告的事项")
    for p in BODY["other"]:
        d.add_paragraph(p)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def strip_font_programs(data: bytes) -> bytes:
    """Empty the embedded font programs (most of a PDF's size; text extraction needs only the
    fonts' Unicode maps and widths, which stay) and write a new cross-reference table."""
    m = re.search(rb"startxref\s+(\d+)", data[-200:])
    assert m, "no startxref"
    xref_at = int(m.group(1))
    table = data[xref_at:]
    assert table.startswith(b"xref"), "a cross-reference stream: not handled"
    entries = re.findall(rb"(\d{10}) (\d{5}) ([nf])", table.split(b"trailer")[0])
    offsets = sorted(int(o) for o, _, kind in entries if kind == b"n")
    fonts = {int(n) for n in re.findall(rb"/FontFile[23]? (\d+) 0 R", data)}
    chunks: list[bytes] = []
    for a, b in zip(offsets, [*offsets[1:], xref_at], strict=True):
        chunk = data[a:b]
        num = int(chunk.split(b" ", 1)[0])
        if num in fonts:
            chunk = b"%d 0 obj\n<</Length 0/Length1 0/Length2 0/Length3 0>>\nstream\n\nendstream\nendobj\n" % num
        chunks.append(chunk)
    out = bytearray(data[: offsets[0]])
    new: dict[int, int] = {}
    for chunk in chunks:
        new[int(chunk.split(b" ", 1)[0])] = len(out)
        out += chunk
    size = max(new) + 1
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for n in range(1, size):
        out += b"%010d 00000 n \n" % new[n] if n in new else b"0000000000 65535 f \n"
    trailer = re.search(rb"trailer\s*(<<.*?>>)\s*startxref", table, re.S)
    assert trailer
    out += b"trailer\n" + trailer.group(1) + b"\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def _convert(src: Path, out: Path, filt: str = "pdf") -> Path:
    subprocess.run(["soffice", "--headless", "--convert-to", filt, "--outdir", str(out), str(src)],
                   check=True, capture_output=True, timeout=180)
    return out / (src.stem + ".pdf")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--keep", type=Path, help="also keep the DOCX/HTML sources in this folder")
    ap.add_argument("--only", help="regex of fixture names")
    args = ap.parse_args()
    if not shutil.which("soffice"):
        sys.exit("soffice (LibreOffice) is needed to make the fixtures")
    with tempfile.TemporaryDirectory() as tmp_s:
        tmp = Path(tmp_s)
        jobs: list[tuple[str, Path, str]] = []
        for name, (gold, look) in FIXTURES.items():
            if args.only and not re.search(args.only, name):
                continue
            src = tmp / f"{name}.docx"
            src.write_bytes(report_docx(load_truth(gold), look))
            jobs.append((name, src, "pdf"))
        for name, gold in HTML_FIXTURES.items():
            if args.only and not re.search(args.only, name):
                continue
            src = tmp / f"{name}.html"
            src.write_text(report_html(load_truth(gold)), encoding="utf-8")
            jobs.append((name, src, "pdf:writer_web_pdf_Export"))
        for name, src, filt in jobs:
            pdf = _convert(src, tmp, filt)
            (HERE / f"{name}.pdf").write_bytes(strip_font_programs(pdf.read_bytes()))
            if args.keep:
                args.keep.mkdir(parents=True, exist_ok=True)
                shutil.copy(src, args.keep / src.name)
            print(f"{name}.pdf {(HERE / f'{name}.pdf').stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
