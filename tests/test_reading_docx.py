"""DOCX: reports built here in the official template's table layout read back exactly."""

from __future__ import annotations

import json
from io import BytesIO
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from service.errors import InputError, UnsupportedFormatError
from service.reading import read_bytes
from service.reading.docx_numbering import format_number
from service.sections import find_sections
from service.tables import gold_view_2021, parse_tables
from service.tables.layout import T3_KEYS_2021, T4_COLUMNS, T4_GROUPS

GOLD = Path(__file__).parent.parent / "eval" / "gold"
GOLD_FILES = sorted(p.name for p in GOLD.glob("*.json"))

T3_LABELS: list[tuple[str, str | None, str]] = [  # (key, group label, row label)
    ("new_received", None, "一、本年新收政府信息公开申请数量"),
    ("carried_over", None, "二、上年结转政府信息公开申请数量"),
    ("granted", None, "（一）予以公开"),
    ("partially_granted", None, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
    ("denied_state_secret", "（三）不予公开", "1.属于国家秘密"),
    ("denied_law_prohibited", "（三）不予公开", "2.其他法律行政法规禁止公开"),
    ("denied_three_safety_one_stability", "（三）不予公开", "3.危及“三安全一稳定”"),
    ("denied_third_party_rights", "（三）不予公开", "4.保护第三方合法权益"),
    ("denied_internal_affairs", "（三）不予公开", "5.属于三类内部事务信息"),
    ("denied_process_info", "（三）不予公开", "6.属于四类过程性信息"),
    ("denied_enforcement_case_file", "（三）不予公开", "7.属于行政执法案卷"),
    ("denied_administrative_inquiry", "（三）不予公开", "8.属于行政查询事项"),
    ("unable_not_held", "（四）无法提供", "1.本机关不掌握相关政府信息"),
    ("unable_needs_creation", "（四）无法提供", "2.没有现成信息需要另行制作"),
    ("unable_unclear_after_correction", "（四）无法提供", "3.补正后申请内容仍不明确"),
    ("not_processed_petition", "（五）不予处理", "1.信访举报投诉类申请"),
    ("not_processed_duplicate", "（五）不予处理", "2.重复申请"),
    ("not_processed_publication", "（五）不予处理", "3.要求提供公开出版物"),
    ("not_processed_excessive", "（五）不予处理", "4.无正当理由大量反复申请"),
    ("not_processed_confirmation", "（五）不予处理", "5.要求行政机关确认或重新出具已获取信息"),
    ("other_no_correction", "（六）其他处理", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    ("other_no_fee", "（六）其他处理", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    ("other_other", "（六）其他处理", "3.其他"),
    ("total_processed", None, "（七）总计"),
    ("carried_forward", None, "四、结转下年度继续办理"),
]
T4_HEADS = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]


def _num(v: Any) -> str:
    return "" if v is None else str(v)


class _Sheet:
    """Cell texts and merged regions of one table, written to python-docx in one pass (fast)."""

    def __init__(self, rows: int, cols: int) -> None:
        self.rows, self.cols = rows, cols
        self.texts: dict[tuple[int, int], str] = {}
        self.merges: list[tuple[int, int, int, int]] = []

    def set(self, r: int, c: int, text: str) -> None:
        self.texts[(r, c)] = text

    def merge(self, r0: int, c0: int, r1: int, c1: int, text: str) -> None:
        self.merges.append((r0, c0, r1, c1))
        self.texts[(r0, c0)] = text

    def write(self, document: Any) -> None:
        table = document.add_table(rows=self.rows, cols=self.cols)
        table.style = "Table Grid"
        cells = [list(row.cells) for row in table.rows]
        for (r, c), text in self.texts.items():
            cells[r][c].text = text
        for r0, c0, r1, c1 in self.merges:
            cells[r0][c0].merge(cells[r1][c1])


def _table2(document: Any, ad: dict[str, Any]) -> None:
    t = _Sheet(14, 4)
    reg, nd = ad["regulations"], ad["normative_documents"]
    t.merge(0, 0, 0, 3, "第二十条第（一）项")
    for c, text in enumerate(["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"]):
        t.set(1, c, text)
    for r, (label, row) in enumerate([("规章", reg), ("行政规范性文件", nd)], start=2):
        t.set(r, 0, label)
        for c, k in enumerate(["issued", "repealed", "in_force"], start=1):
            t.set(r, c, _num(row[k]))
    r = 4
    for band, head, rows in [
        ("第二十条第（五）项", "本年处理决定数量", [("行政许可", ad["licensing"])]),
        ("第二十条第（六）项", "本年处理决定数量", [("行政处罚", ad["penalty"]), ("行政强制", ad["coercion"])]),
        ("第二十条第（八）项", "本年收费金额（单位：万元）", [("行政事业性收费", ad["fees_10k_yuan"])]),
    ]:
        t.merge(r, 0, r, 3, band)
        t.set(r + 1, 0, "信息内容")
        t.merge(r + 1, 1, r + 1, 3, head)
        r += 2
        for label, value in rows:
            t.set(r, 0, label)
            t.merge(r, 1, r, 3, _num(value))
            r += 1
    t.write(document)


def _table3(document: Any, apps: dict[str, list[Any]]) -> None:
    t = _Sheet(28, 10)
    t.merge(0, 0, 2, 2, "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）")
    t.merge(0, 3, 0, 9, "申请人情况")
    t.merge(1, 3, 2, 3, "自然人")
    t.merge(1, 4, 1, 8, "法人或其他组织")
    t.merge(1, 9, 2, 9, "总计")
    for c, text in enumerate(["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"], start=4):
        t.set(2, c, text)
    t.merge(5, 0, 26, 0, "三、本年度办理结果")
    groups: dict[str, list[int]] = {}
    for i, (key, group, label) in enumerate(T3_LABELS):
        r = 3 + i
        if group is None:
            first = 0 if key in ("new_received", "carried_over", "carried_forward") else 1
            t.merge(r, first, r, 2, label)
        else:
            groups.setdefault(group, []).append(r)
            t.set(r, 2, label)
        for c, v in enumerate(apps[key], start=3):
            t.set(r, c, _num(v))
    for group, rows in groups.items():
        t.merge(rows[0], 1, rows[-1], 1, group)
    t.write(document)


def _table4(document: Any, rl: dict[str, dict[str, Any]]) -> None:
    t = _Sheet(4, 15)
    t.merge(0, 0, 0, 4, "行政复议")
    t.merge(0, 5, 0, 14, "行政诉讼")
    for c, head in enumerate(T4_HEADS):
        t.merge(1, c, 2, c, head)
    t.merge(1, 5, 1, 9, "未经复议直接起诉")
    t.merge(1, 10, 1, 14, "复议后起诉")
    for c in range(5, 15):
        t.set(2, c, T4_HEADS[(c - 5) % 5])
    for g, group in enumerate(T4_GROUPS):
        for i, col in enumerate(T4_COLUMNS):
            t.set(3, g * 5 + i, _num(rl[group][col]))
    t.write(document)


def build_report(gold: dict[str, Any]) -> bytes:
    """A .docx report in the national template's layout holding a gold file's tables."""
    document = docx.Document()
    document.add_paragraph(f"{gold['meta']['organization']}{gold['meta']['year']}年政府信息公开工作年度报告")
    document.add_paragraph("一、总体情况")
    document.add_paragraph("（一）主动公开。全年主动公开政府信息。")
    document.add_paragraph("二、主动公开政府信息情况")
    _table2(document, gold["active_disclosure"])
    document.add_paragraph("三、收到和处理政府信息公开申请情况")
    _table3(document, gold["applications"])
    document.add_paragraph("四、政府信息公开行政复议、行政诉讼情况")
    _table4(document, gold["review_litigation"])
    document.add_paragraph("五、存在的主要问题及改进情况")
    document.add_paragraph("一是公开质量有待提升。")
    document.add_paragraph("六、其他需要报告的事项")
    document.add_paragraph("本年度未收取信息处理费。")
    buf = BytesIO()
    document.save(buf)
    return buf.getvalue()


@pytest.mark.parametrize("name", GOLD_FILES)
def test_docx_round_trip_gold_tables(name: str) -> None:
    gold = json.loads((GOLD / name).read_text(encoding="utf-8"))
    doc = read_bytes(build_report(gold), "report.docx")
    assert doc.kind == "docx"
    assert find_sections(doc).missing == []
    t = parse_tables(doc, find_sections(doc)).tables
    assert gold_view_2021(t.table2) == gold["active_disclosure"]
    for key in T3_KEYS_2021:
        assert t.table3.rows[key].values == gold["applications"][key], key
    for group in T4_GROUPS:
        assert dict(zip(T4_COLUMNS, t.table4.rows[group].values, strict=True)) == gold["review_litigation"][group]


def test_docx_grid_keeps_spans_and_every_cell() -> None:
    gold = json.loads((GOLD / "synthetic-city-2025.json").read_text(encoding="utf-8"))
    doc = read_bytes(build_report(gold), "report.docx")
    t2, t3, t4 = doc.tables
    assert [c.text for c in t2.rows[0]] == ["第二十条第（一）项"] and t2.rows[0][0].colspan == 4
    assert [c.colspan for c in t2.rows[6]] == [1, 3]
    # 表三 header: the note spans 3×3, 自然人 and 总计 span two rows and are not repeated in row 3.
    assert (t3.rows[0][0].rowspan, t3.rows[0][0].colspan) == (3, 3)
    assert [c.text for c in t3.rows[1]] == ["自然人", "法人或其他组织", "总计"]
    assert [c.rowspan for c in t3.rows[1]] == [2, 1, 2]
    assert [c.text for c in t3.rows[2]] == ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]
    assert t3.rows[5][0].text == "三、本年度办理结果" and t3.rows[5][0].rowspan == 22
    assert [c.rowspan for c in t3.rows[7][:2]] == [8, 1]  # （三）不予公开 spans its eight sub-rows
    assert len(t3.rows[8]) == 1 + 7  # a sub-row: its own label and seven values
    for i, (key, _, label) in enumerate(T3_LABELS):
        row = t3.rows[3 + i]
        assert row[-8].text == label or row[-8].text.endswith(label)
        assert [c.text for c in row[-7:]] == [str(v) for v in gold["applications"][key]]
    assert [c.text for c in t4.rows[2]] == T4_HEADS * 2
    assert [int(c.text) for c in t4.rows[3]] == [gold["review_litigation"][g][c] for g in T4_GROUPS for c in T4_COLUMNS]
    for grid in doc.tables:
        for row in grid.rows:
            for cell in row:
                assert doc.text[cell.start : cell.end] == cell.text


def test_docx_blank_cells_stay_blank() -> None:
    gold = json.loads((GOLD / "shuyang-fagai-2023.json").read_text(encoding="utf-8"))
    gold["applications"] = {k: [v[0], None, None, None, None, None, v[6]] for k, v in gold["applications"].items()}
    doc = read_bytes(build_report(gold), "report.docx")
    row = doc.tables[1].rows[3]
    assert [c.text for c in row[-7:]] == ["26", "", "", "", "", "", "26"]
    t = parse_tables(doc, find_sections(doc)).tables
    assert t.table3.rows["new_received"].values == [26, 0, 0, 0, 0, 0, 26]  # inferred by C4, not read


def test_docx_numbering_and_paragraph_text() -> None:
    document = docx.Document()
    document.add_paragraph("总体情况", style="List Number")
    document.add_paragraph("主动公开", style="List Number")
    p = document.add_paragraph()
    p.add_run("政务")
    p.add_run("公开")
    hidden = p.add_run("（隐藏）")
    hidden.font.hidden = True
    buf = BytesIO()
    document.save(buf)
    doc = read_bytes(buf.getvalue(), "x.docx")
    assert doc.text.split("\n") == ["1.总体情况", "2.主动公开", "政务公开"]


def test_docx_content_control_and_frame_table() -> None:
    document = docx.Document()
    frame = document.add_table(rows=1, cols=1)
    frame.cell(0, 0).text = "一、总体情况"
    frame.cell(0, 0).add_paragraph("正文")
    body = document.element.body
    sdt = parse_xml(
        f'<w:sdt {nsdecls("w")}><w:sdtContent><w:p><w:r><w:t>控件中的段落</w:t></w:r></w:p></w:sdtContent></w:sdt>'
    )
    body.insert(len(body) - 1, sdt)
    buf = BytesIO()
    document.save(buf)
    doc = read_bytes(buf.getvalue(), "x.docx")
    assert doc.text.split("\n") == ["一、总体情况", "正文", "控件中的段落"]
    assert doc.tables == []


def test_format_number_chinese() -> None:
    assert [format_number(n, "chineseCounting") for n in (1, 10, 12, 20, 23)] == ["一", "十", "十二", "二十", "二十三"]
    assert format_number(3, "decimalEnclosedCircle") == "③"
    assert format_number(2, "ideographTraditional") == "乙"


def test_old_doc_is_unsupported() -> None:
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    with pytest.raises(UnsupportedFormatError, match=r"转换为 \.docx"):
        read_bytes(data, "report.doc")


def test_damaged_docx_is_input_error() -> None:
    buf = BytesIO()
    import zipfile

    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("word/document.xml", "<not xml")
    with pytest.raises(InputError, match=r"无法读取 \.docx"):
        read_bytes(buf.getvalue(), "broken.docx")


def test_docx_one_column_frame_with_rows_is_read_as_paragraphs() -> None:
    document = docx.Document()
    frame = document.add_table(rows=2, cols=1)
    frame.cell(0, 0).text = "某局2024年政府信息公开工作年度报告"
    frame.cell(1, 0).text = "一、总体情况"
    inner = frame.cell(1, 0).add_table(rows=1, cols=2)
    inner.cell(0, 0).text = "行政许可"
    inner.cell(0, 1).text = "5"
    buf = BytesIO()
    document.save(buf)
    doc = read_bytes(buf.getvalue(), "x.docx")
    assert doc.text.split("\n") == ["某局2024年政府信息公开工作年度报告", "一、总体情况", "行政许可\t5"]
    assert [[c.text for c in r] for r in doc.tables[0].rows] == [["行政许可", "5"]]
