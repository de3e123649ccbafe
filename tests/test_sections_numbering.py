"""Reports that number their six sections 1、… or （一）… as other reports number subsections."""

from __future__ import annotations

import pytest

from service.reading.document import SourceDocument
from service.sections import SECTION_KEYS, find_sections

TITLES = ("总体情况", "主动公开政府信息情况", "收到和处理政府信息公开申请情况",
          "政府信息公开行政复议、行政诉讼情况", "存在的主要问题及改进情况", "其他需要报告的事项")
# 一、总体情况's usual subsections: two of them read like sections 二 and 三.
SUBTITLES = ("主动公开", "依申请公开", "政府信息管理", "平台建设", "监督保障")
CN = "一二三四五六"
STYLES = {
    "1、": lambda i: f"{i}、",
    "1.": lambda i: f"{i}.",
    "1．": lambda i: f"{i}．",
    "（一）": lambda i: f"（{CN[i - 1]}）",
    "(一)": lambda i: f"({CN[i - 1]})",
}


def _report(section_style: str, sub_style: str) -> tuple[str, list[str]]:
    sec, sub = STYLES[section_style], STYLES[sub_style]
    lines = ["某某县民政局2024年政府信息公开工作年度报告"]
    headings = []
    for i, title in enumerate(TITLES, 1):
        headings.append(sec(i) + title)
        lines.append(headings[-1])
        if i == 1:
            for j, subtitle in enumerate(SUBTITLES, 1):
                lines += [sub(j) + subtitle, f"本机关{subtitle}工作稳步推进。"]
        else:
            lines.append("本年度相关工作情况如下。")
    return "\n".join(lines) + "\n", headings


@pytest.mark.parametrize("sub_style", sorted(STYLES))
@pytest.mark.parametrize("section_style", sorted(STYLES))
def test_minor_numbered_sections_are_found_past_the_overviews_subsections(section_style: str, sub_style: str) -> None:
    text, headings = _report(section_style, sub_style)
    found = find_sections(SourceDocument(text=text)).sections
    assert [s.key for s in found] == list(SECTION_KEYS)
    assert [s.heading for s in found] == headings


def test_a_subsection_title_numbered_as_its_section_is_that_section_only_under_minor_numbering() -> None:
    from service.sections import classify_heading

    assert classify_heading("2、主动公开政府信息情况", minor_numbering=True) == ("active", True)
    assert classify_heading("（三）依申请公开", minor_numbering=True) == ("applications", True)
    assert classify_heading("1.主动公开", minor_numbering=True) is None
    assert classify_heading("（二）依申请公开", minor_numbering=True) is None
    assert classify_heading("（二）主动公开", minor_numbering=False) is None
