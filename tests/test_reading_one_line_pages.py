"""A whole report on one or a few lines (a crawler's page text), from the gold numbers: page header
block, navigation, then the report with its line breaks turned into blanks. The breaks are restored
in place (one character for one), so every offset still points into the original text; then the
sections, the three tables and the narrative are read as from the report with its lines.
"""

from __future__ import annotations

import pytest

from service.pipeline import analyze_document
from service.reading import read_bytes
from service.reading.reflow import restore_breaks
from tests.test_tables_unseen import ALL, check, truth
from tests.unseen_layouts import report_text, t3_no_groups, t4_five_per_line, with_style

CRAWL_HEAD = ("标题：测试县2024年政府信息公开工作年度报告 发布时间：2025-01-20 来源：测试县人民政府办公室 "
              "字号：大 中 小 首页 > 政务公开 > 法定主动公开内容 > 年度报告 ")
LAYOUTS = {"template": {}, "no-group-cells": {"t3": t3_no_groups}, "t4-five-per-line": {"t4": t4_five_per_line}}


def _page(name: str, layout: str, joiner: str, sep: str, head: bool, lines: int) -> str:
    body = report_text(truth(name), with_style(sep=sep, **LAYOUTS[layout])).replace("\n", joiner)  # type: ignore[arg-type]
    text = (CRAWL_HEAD if head else "") + body
    if lines > 1:  # a few long lines: broken at blanks near equal thirds
        cut = [text.index(joiner, len(text) * k // lines) for k in range(1, lines)]
        chars = list(text)
        for c in cut:
            chars[c] = "\n"
        text = "".join(chars)
    return text


@pytest.mark.parametrize(("joiner", "sep", "head", "lines"),
                         [(j, s, h, n) for j in (" ", "\u3000") for s in (" ", "\t") for h in (True, False) for n in (1, 3)])
@pytest.mark.parametrize("layout", list(LAYOUTS))
@pytest.mark.parametrize("name", ALL)
def test_one_line_page(name: str, layout: str, joiner: str, sep: str, head: bool, lines: int) -> None:
    text = _page(name, layout, joiner, sep, head, lines)
    doc = read_bytes(text.encode("utf-8"), "crawled.txt")
    assert len(doc.text) == len(text) and all(a == b or (a == "\n" and b in " \u3000")
                                              for a, b in zip(doc.text, text, strict=True)), "offsets kept"
    assert doc.line_count > 40 and any("换行" in w for w in doc.warnings)
    report = analyze_document(doc)
    assert report.missing_sections == []
    check(report, truth(name), "all")
    assert report.narrative is not None and report.narrative.problems  # type: ignore[union-attr]


def test_text_with_its_lines_is_left_alone() -> None:
    text = report_text(truth(ALL[0]), with_style())
    assert restore_breaks(text) == (text, 0)
