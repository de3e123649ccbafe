"""Reports as Word, WPS and government CMSs publish them, read end to end against the gold numbers.

Each fixture (built in tests/publishers.py) renders a gold file's true table numbers the way a real
producer writes them: raw WordprocessingML (vMerge, gridSpan, hMerge, nested and split tables, runs
per digit, tracked changes, content controls, text boxes, numbered Heading styles) and HTML pages (MS
Word "Save as HTML" in GB2312, <th scope>, several <tbody>, TRS_Editor in layout tables, <br> in
labels, scripts, a table as an image, other years' reports linked around the article). Every table
cell must come out as the truth (or unknown where the page does not print it), every section must be
found and the narrative of section 五 kept.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from service.checks.model import Status
from service.pipeline import analyze_path
from service.reading import read_bytes
from tests.publishers import (
    PROBLEMS_DOCX,
    SIDEBAR,
    TEXTBOX_PARAGRAPH,
    DocxStyle,
    HtmlStyle,
    report_docx_raw,
    report_page,
)
from tests.unseen_layouts import BODY, Truth, cells_of, load_truth, truth_cells

TRUTHS = ["huaian-city-2024", "synthetic-city-2025", "000_b08e00100893f003"]
_CACHE: dict[str, Truth] = {}


def truth(name: str) -> Truth:
    if name not in _CACHE:
        _CACHE[name] = load_truth(name)
    return _CACHE[name]


DOCX = {
    "word-plain": DocxStyle(),
    "vmerge-repeats-text": DocxStyle(vmerge_repeat=True),
    "digit-runs-proof-bookmark-field": DocxStyle(digit_runs=True),
    "full-width-digits": DocxStyle(full_width=True),
    "soft-breaks": DocxStyle(br_in_cells=True),
    "tracked-changes": DocxStyle(tracked=True),
    "content-controls": DocxStyle(sdt=True),
    "text-box": DocxStyle(textbox=True),
    "heading-numbering": DocxStyle(heading_numbering=True),
    "heading-numbering-two-num": DocxStyle(heading_numbering=True, split_num_instances=True),
    "table3-split-header-repeated": DocxStyle(split_table3="tables"),
    "table3-split-vmerge-repeat": DocxStyle(split_table3="tables", vmerge_repeat=True),
    "table3-header-rows-repeated": DocxStyle(split_table3="rows"),
    "nested-in-frame": DocxStyle(nested="frame"),
    "nested-in-layout-cell": DocxStyle(nested="side"),
    "legacy-hmerge": DocxStyle(hmerge=True),
    "wps": DocxStyle(wps=True, heading_numbering=True, textbox=True),
    "word-everything": DocxStyle(digit_runs=True, br_in_cells=True, sdt=True, textbox=True, heading_numbering=True,
                                 split_num_instances=True, split_table3="tables", nested="frame"),
    "wps-everything": DocxStyle(wps=True, vmerge_repeat=True, full_width=True, tracked=True, hmerge=True,
                                heading_numbering=True, textbox=True, split_table3="rows", nested="side"),
}
HTML = {
    "cms-plain": HtmlStyle(),
    "word-save-as-html": HtmlStyle(word=True),
    "word-save-as-html-gb2312": HtmlStyle(word=True, charset="gb2312"),
    "word-th-tbodies-br-gbk": HtmlStyle(word=True, th=True, tbodies=True, br_labels=True, charset="gbk"),
    "th-scope-tbodies": HtmlStyle(th=True, tbodies=True),
    "trs-editor-layout-table": HtmlStyle(trs=True, br_labels=True),
    "trs-gb2312-http-equiv": HtmlStyle(trs=True, charset="gb2312"),
    "script-writes-text": HtmlStyle(script=True),
    "related-reports-sidebar": HtmlStyle(sidebar_years=True, trs=True, script=True),
    "related-reports-inside-article": HtmlStyle(related_inside=True),
    "related-inside-trs": HtmlStyle(related_inside=True, trs=True, th=True),
}


def _write(tmp_path: Path, data: bytes, name: str) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _check(report: object, t: Truth, unknown_prefix: str | None = None) -> None:
    """Every cell is the truth; cells under ``unknown_prefix`` (not printed in the file) are unknown."""
    got = cells_of(report)
    for key, want in truth_cells(t).items():
        if unknown_prefix and key.startswith(unknown_prefix):
            assert got.get(key) is None, key
        else:
            assert got.get(key) == want, (key, got.get(key), want)
    assert report.missing_sections == []  # type: ignore[attr-defined]
    assert not [f.message for f in report.findings if f.status is Status.FAIL]  # type: ignore[attr-defined]
    assert report.meta.year == 2024  # type: ignore[attr-defined]
    problems = [p.text for p in report.narrative.problems]  # type: ignore[attr-defined]
    assert problems, "section 五's problems lost"


# ------------------------------------------------------------------------------------------- DOCX


@pytest.mark.parametrize("name", TRUTHS)
@pytest.mark.parametrize("variant", list(DOCX))
def test_docx_publisher(variant: str, name: str, tmp_path: Path) -> None:
    t = truth(name)
    st = DOCX[variant]
    data = report_docx_raw(t, st)
    assert data == report_docx_raw(t, st)  # deterministic
    report = analyze_path(_write(tmp_path, data, "report.docx"), backend="rules", narrative=True)
    _check(report, t)
    doc = read_bytes(data, "report.docx")
    lines = doc.text.split("\n")
    for p in PROBLEMS_DOCX + BODY["other"]:
        assert p in lines
    if st.textbox:  # the text box's paragraph, once, in section 五 (the VML fallback copy is not read)
        assert doc.text.count(TEXTBOX_PARAGRAPH) == 1
        assert lines.index(TEXTBOX_PARAGRAPH) < lines.index("六、其他需要报告的事项")
    for cell in (c for g in doc.tables for r in g.rows for c in r):
        assert doc.text[cell.start : cell.end] == cell.text


def test_docx_heading_numbers_continue_across_num_instances() -> None:
    """Headings numbered through two w:num of one list definition: Word continues 一…六."""
    data = report_docx_raw(truth("synthetic-city-2025"), DOCX["heading-numbering-two-num"])
    lines = read_bytes(data, "r.docx").text.split("\n")
    for title in ("一、总体情况", "（一）主动公开", "（二）依申请公开", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                  "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"):
        assert title in lines


def test_docx_tracked_changes() -> None:
    """Inserted text is kept, deleted and moved-away text dropped, a deleted row is not a row."""
    t = truth("synthetic-city-2025")
    doc = read_bytes(report_docx_raw(t, DOCX["tracked-changes"]), "r.docx")
    assert "下一步，持续改进工作。" in doc.text.split("\n")
    t3 = doc.tables[1]
    assert not any(c.text in ("99", "98") for r in t3.rows for c in r)
    assert len(t3.rows) == 3 + 25
    assert [c.text for c in t3.rows[5][-7:]] == [str(v) for v in t.t3["granted"]]


def test_docx_legacy_hmerge_is_a_colspan() -> None:
    t = truth("synthetic-city-2025")
    t2 = read_bytes(report_docx_raw(t, DOCX["legacy-hmerge"]), "r.docx").tables[0]
    assert [(c.text, c.colspan) for c in t2.rows[0]] == [("第二十条第（一）项", 4)]
    licensing = next(r for r in t2.rows if r[0].text == "行政许可")
    assert [(c.text, c.colspan) for c in licensing] == [("行政许可", 1), (str(t.t2["licensing"]), 3)]


def test_docx_table_nested_in_a_layout_cell_is_a_grid() -> None:
    t = truth("synthetic-city-2025")
    doc = read_bytes(report_docx_raw(t, DOCX["nested-in-layout-cell"]), "r.docx")
    assert len(doc.tables) == 3
    assert [int(c.text) for c in doc.tables[2].rows[-1]] == t.t4_flat


def test_docx_vmerge_continuation_text_is_not_repeated() -> None:
    t = truth("synthetic-city-2025")
    doc = read_bytes(report_docx_raw(t, DOCX["vmerge-repeats-text"]), "r.docx")
    t3 = doc.tables[1]
    assert [c.text for c in t3.rows[1]] == ["自然人", "法人或其他组织", "总计"]
    assert sum(c.text == "（三）不予公开" for r in t3.rows for c in r) == 1
    assert (t3.rows[7][0].text, t3.rows[7][0].rowspan) == ("（三）不予公开", 8)


# ------------------------------------------------------------------------------------------- HTML


@pytest.mark.parametrize("name", TRUTHS)
@pytest.mark.parametrize("variant", list(HTML))
def test_html_publisher(variant: str, name: str, tmp_path: Path) -> None:
    t = truth(name)
    st = HTML[variant]
    data = report_page(t, st)
    assert data == report_page(t, st)
    report = analyze_path(_write(tmp_path, data, "report.html"), backend="rules", narrative=True)
    _check(report, t)
    doc = read_bytes(data, "report.html")
    assert doc.encoding == ("gb18030" if st.charset != "utf-8" else "utf-8")
    lines = doc.text.split("\n")
    for p in BODY["problems"] + BODY["other"]:
        assert p in lines
    for title in ("一、总体情况", "三、收到和处理政府信息公开申请情况", "六、其他需要报告的事项"):
        assert title in lines  # Word's list number and its &nbsp; "tab" make one heading
    assert lines.count("测试县人民政府2024年政府信息公开工作年度报告") == 1
    for chrome in ("99999", "88888", "document.write", "网站首页", "索引号", "网站标识码", "上一篇", "相关文章", "相关报告", *SIDEBAR):
        assert chrome not in doc.text
    assert len(doc.tables) == 3
    for grid in doc.tables:
        assert any(c.text for c in grid.rows[-1])  # Word's empty column-width row is not a table row
        for cell in (c for r in grid.rows for c in r):
            assert doc.text[cell.start : cell.end] == cell.text


@pytest.mark.parametrize("st", [HtmlStyle(image_t3=True), HtmlStyle(image_t3=True, trs=True, sidebar_years=True)])
def test_html_table_as_image_warns(st: HtmlStyle, tmp_path: Path) -> None:
    """表三 published as a picture: a warning, 表三 unknown (never guessed), the rest read."""
    t = truth("synthetic-city-2025")
    data = report_page(t, st)
    doc = read_bytes(data, "report.html")
    assert any("image" in w and "OCR" in w for w in doc.warnings)
    report = analyze_path(_write(tmp_path, data, "report.html"), backend="rules", narrative=True)
    got = cells_of(report)
    for key, want in truth_cells(t).items():
        assert got.get(key) == (None if key.startswith("t3.") else want), key
    assert report.summary is not None and report.summary.status is not Status.PASS
    assert not [f for f in report.findings if f.status is Status.FAIL]


def test_docx_table_as_picture_warns(tmp_path: Path) -> None:
    t = truth("synthetic-city-2025")
    data = report_docx_raw(t, DocxStyle(image_t3=True))
    assert any("picture" in w and "OCR" in w for w in read_bytes(data, "r.docx").warnings)
    report = analyze_path(_write(tmp_path, data, "report.docx"), backend="rules", narrative=True)
    got = cells_of(report)
    for key, want in truth_cells(t).items():
        assert got.get(key) == (None if key.startswith("t3.") else want), key
    assert not [f for f in report.findings if f.status is Status.FAIL]
