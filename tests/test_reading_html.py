"""HTML: the report found inside the page chrome, tables as grids, declared or detected encodings."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest

from service.reading import read_bytes, read_document
from service.reading.html import clean_inline, decode_html
from service.sections import find_sections
from service.tables import parse_tables

DEV = Path(__file__).parent.parent / "eval" / "corpus" / "dev"
GOLD = Path(__file__).parent.parent / "eval" / "gold"
SYNTHETIC = DEV / "synthetic-city-2025.html"
SHUYANG = DEV / "shuyang-fagai-2023.html"


def _t3_new_received(data: bytes, name: str) -> list[int | float | None]:
    doc = read_bytes(data, name)
    return parse_tables(doc, find_sections(doc)).tables.table3.rows["new_received"].values


def _gold_new_received(stem: str) -> list[int]:
    return json.loads((GOLD / f"{stem}.json").read_text(encoding="utf-8"))["applications"]["new_received"]


@pytest.mark.parametrize("declare", [True, False])
def test_gbk_page_reads_right(declare: bool) -> None:
    page = SYNTHETIC.read_text(encoding="utf-8")
    page = page.replace('<meta charset="utf-8">', '<meta charset="gbk">' if declare else "")
    data = page.encode("gbk")
    doc = read_bytes(data, "page.html")
    assert doc.encoding == "gb18030"
    assert doc.title == "测试市2025年政府信息公开工作年度报告"
    assert "依据《政府信息公开信息处理费管理办法》规定" in doc.text
    assert _t3_new_received(data, "page.html") == _gold_new_received("synthetic-city-2025")


def test_gb2312_declared_http_equiv_and_utf8_mislabelled() -> None:
    page = SYNTHETIC.read_text(encoding="utf-8").replace(
        '<meta charset="utf-8">', '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">')
    assert decode_html(page.encode("gbk"))[1] == "gb18030"
    # Saved as UTF-8 but still declaring GB2312: the bytes win.
    text, enc = decode_html(page.encode("utf-8"))
    assert enc == "utf-8" and "测试市" in text


def test_utf8_bom_and_xml_declaration() -> None:
    page = '<?xml version="1.0" encoding="utf-8"?>\n' + SYNTHETIC.read_text(encoding="utf-8")
    doc = read_bytes(b"\xef\xbb\xbf" + page.encode("utf-8"), "page.xhtml")
    assert doc.encoding == "utf-8-sig"
    assert doc.text.startswith("根据《中华人民共和国政府信息公开条例》")


def test_shuyang_chrome_removed() -> None:
    doc = read_document(SHUYANG)
    assert doc.kind == "html"
    assert doc.title == "沭阳县发展和改革局2023年政府信息公开年度报告-沭阳县发改局"
    lines = doc.text.split("\n")
    assert lines[0] == "沭阳县发展和改革局2023年政府信息公开年度报告"  # the article's own <h1>
    assert lines[1].startswith("根据《中华人民共和国政府信息公开条例》")
    assert lines[-2:] == ["沭阳县发展和改革局", "2024年1月17日"]
    for chrome in ("索引号", "采集时间", "网站首页", "var ", "function", "沭阳县人民政府网站标识码", "{"):
        assert chrome not in doc.text
    assert len(doc.tables) == 3  # the page's metadata table is not read as a report table
    assert not any("索引号" in c.text for t in doc.tables for r in t.rows for c in r)


def test_shuyang_inline_runs_joined_and_blank_cells_kept() -> None:
    doc = read_document(SHUYANG)
    assert "本年度报告所列数据的统计时限为2023年1月1日至2023年12月31日。" in doc.text
    assert "更好地服务民生" in doc.text
    t3 = doc.tables[1]
    first = next(r for r in t3.rows if r[0].text.startswith("一、本年新收"))
    assert [c.text for c in first[1:]] == ["26", "", "", "", "", "", "26"]
    group = next(c for r in t3.rows for c in r if c.text == "三、本年度办理结果")
    assert group.rowspan == 22


def test_synthetic_grid_spans_and_empty_header_cells() -> None:
    doc = read_document(SYNTHETIC)
    t2, t3, t4 = doc.tables
    assert (t2.rows[0][0].text, t2.rows[0][0].colspan) == ("第二十条第（一）项", 4)
    assert (t3.rows[0][0].rowspan, t3.rows[0][0].colspan) == (3, 3)
    assert [c.text for c in t3.rows[2]] == ["", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", ""]
    assert [c.text for c in t4.rows[2]][:6] == ["", "", "", "", "", "结果维持"]
    line = doc.line_text(doc.line_of(t4.rows[3][0].start or 0))
    assert line == "376\t97\t196\t121\t790\t16\t1\t12\t27\t56\t74\t1\t30\t51\t156"


def test_layout_tables_hidden_and_nav_dropped() -> None:
    page = """<html><head><title>某局2024年政府信息公开工作年度报告</title><style>p{}</style></head><body>
    <div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/x">政务公开</a></li></ul></div>
    <table width="100%"><tr><td>
      <div id="content">
        <p>一、总体情况</p><p>本年度主动<span>公开</span>信息。</p>
        <p style="display:none">隐藏的文字</p>
        <p>二、主动公开政府信息情况</p>
        <table><tr><td>规章</td><td>1</td><td></td><td>/</td></tr>
               <tr><td>行政许可</td><td colspan="3">5</td></tr></table>
        <p>六、其他需要报告的事项</p><p>无。<br>某局<br/>2025年1月20日</p>
      </div>
    </td></tr></table>
    <div class="footer"><p>主办：某市人民政府办公室 版权所有</p><script>var x = 1;</script></div>
    </body></html>"""
    doc = read_bytes(page.encode("utf-8"), "p.html")
    assert doc.text.split("\n") == [
        "一、总体情况", "本年度主动公开信息。", "二、主动公开政府信息情况", "规章\t1\t\t/", "行政许可\t5",
        "六、其他需要报告的事项", "无。", "某局", "2025年1月20日",
    ]
    assert [[c.text for c in r] for r in doc.tables[0].rows] == [["规章", "1", "", "/"], ["行政许可", "5"]]
    assert doc.warnings == []


def test_whole_body_when_no_report_markers() -> None:
    doc = read_bytes("<html><body><p>你好</p><p>世界</p></body></html>".encode(), "x.html")
    assert doc.text == "你好\n世界"
    assert doc.warnings


def test_clean_inline_whitespace() -> None:
    assert clean_inline("政府\n    信息") == "政府信息"
    assert clean_inline("a\n  b") == "a b"
    assert clean_inline("\u00a0\u00a0一、 总体情况\u3000") == "一、 总体情况"


def test_html_reading_is_fast() -> None:
    data = SHUYANG.read_bytes()
    start = time.process_time()  # CPU time: a loaded machine's waits for a core do not count
    for _ in range(5):
        read_bytes(data, "s.html")
    assert (time.process_time() - start) / 5 < 0.2


def test_no_tag_soup_leaks() -> None:
    doc = read_document(SHUYANG)
    assert not re.search(r"<[a-z/]", doc.text)


def test_tables_as_images_or_attachments_warn() -> None:
    page = """<html><body><div class="nav"><a href="/">首页</a></div><div class="content">
    <p>一、总体情况</p><p>二、主动公开政府信息情况</p><p><img src="t2.png"></p>
    <p>附件：<a href="/files/2024年报.pdf">2024年报.pdf</a></p></div></body></html>"""
    doc = read_bytes(page.encode("utf-8"), "p.html")
    assert any("image(s)" in w and "OCR" in w for w in doc.warnings)
    assert any("2024年报.pdf" in w for w in doc.warnings)


def test_two_column_layout_table_is_not_a_grid() -> None:
    para = "本机关认真贯彻落实政府信息公开条例，" * 20
    page = f"""<html><body><table><tr><td>导航 栏目</td><td>
    <p>一、总体情况</p><p>{para}</p><p>二、主动公开政府信息情况</p><p>六、其他需要报告的事项</p><p>无。</p>
    </td></tr></table></body></html>"""
    doc = read_bytes(page.encode("utf-8"), "p.html")
    assert doc.tables == []
    assert doc.text.split("\n")[:2] == ["一、总体情况", para]


def test_gbk_page_with_a_broken_byte_still_reads() -> None:
    page = SYNTHETIC.read_text(encoding="utf-8").replace('<meta charset="utf-8">', '<meta charset="gb2312">')
    data = page.encode("gbk")
    cut = data.index("全市各级".encode("gbk"))
    data = data[:cut] + b"\xb5" + data[cut:]  # half a character
    doc = read_bytes(data, "p.html")
    assert doc.encoding == "gb18030"
    assert "行政许可\t11398889" in doc.text  # only the paragraph with the broken byte is garbled
    assert "（一）主动公开。发布规章与规范性文件若干。" in doc.text
