"""A whole report on one or a few lines (a crawler's page text), from the gold numbers: page header
block, navigation, then the report with its line breaks turned into blanks. The breaks are restored
in place (one character for one), so every offset still points into the original text; then the
sections, the three tables and the narrative are read as from the report with its lines.
"""

from __future__ import annotations

import pytest

from service.pipeline import analyze_document
from service.reading import read_bytes
from service.reading.document import SourceDocument
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


def _read_keeping_offsets(text: str) -> SourceDocument:
    """The page read; its text is the page's, character for character, but blanks turned into breaks."""
    doc = read_bytes(text.encode("utf-8"), "crawled.txt")
    assert len(doc.text) == len(text) and all(a == b or (a == "\n" and b in " \u3000")
                                              for a, b in zip(doc.text, text, strict=True)), "offsets kept"
    return doc


@pytest.mark.parametrize(("joiner", "sep", "head", "lines"),
                         [(j, s, h, n) for j in (" ", "\u3000") for s in (" ", "\t") for h in (True, False) for n in (1, 3)])
@pytest.mark.parametrize("layout", list(LAYOUTS))
@pytest.mark.parametrize("name", ALL)
def test_one_line_page(name: str, layout: str, joiner: str, sep: str, head: bool, lines: int) -> None:
    text = _page(name, layout, joiner, sep, head, lines)
    doc = _read_keeping_offsets(text)
    assert doc.line_count > 40 and any("换行" in w for w in doc.warnings)
    report = analyze_document(doc)
    assert report.missing_sections == []
    check(report, truth(name), "all")
    assert report.narrative is not None and report.narrative.problems  # type: ignore[union-attr]


def test_text_with_its_lines_is_left_alone() -> None:
    text = report_text(truth(ALL[0]), with_style())
    assert restore_breaks(text) == (text, 0)


@pytest.mark.parametrize(("sep", "head"), [(s, h) for s in (" ", "\t") for h in (True, False)])
@pytest.mark.parametrize("layout", list(LAYOUTS))
@pytest.mark.parametrize("name", ALL)
def test_one_line_page_without_blanks(name: str, layout: str, sep: str, head: bool) -> None:
    """Lines joined with no blank at all (``…编制本报告。一、总体情况（一）主动公开…``): there is no
    character to turn into a line break, so the line starts are added without one — the text is the
    original, character for character (a blank there may still become a line break); every section is
    found; no cell is another number, no FAIL."""
    text = _page(name, layout, "", sep, head, 1)
    doc = _read_keeping_offsets(text)
    assert doc.line_count > 30 and any("分行读取" in w for w in doc.warnings)
    report = analyze_document(doc)
    assert report.missing_sections == []
    # 表四 five per line: a group's total glued to the next group's first value, split by C5 only
    # where one split fits (not for the two reports with several)
    check(report, truth(name), "none" if layout == "t4-five-per-line" else "all")
    for row in report.tables.table3.rows.values():  # type: ignore[attr-defined]
        for cell in row.cells:
            if cell.span:
                assert doc.text[cell.span[0] : cell.span[1]] == cell.printed


def test_line_starts_without_a_break() -> None:
    """A line start with no newline before it: the line ends where the next begins, no character lost."""
    text = "标题\n报告。一、总体情况（一）主动公开"
    doc = SourceDocument(text=text, breaks=(text.index("一、"), text.index("（一）")))
    assert [doc.text[slice(*doc.line_span(i))] for i in range(1, doc.line_count + 1)] == \
        ["标题", "报告。", "一、总体情况", "（一）主动公开"]
    assert doc.line_of(text.index("总体")) == 3


def _split_and_cut(text: str, breaks: tuple[int, ...], start: int, end: int) -> list[tuple[int, int]]:
    """The lines of text[start:end] the long way: split at newlines, each piece cut at the breaks inside it."""
    out, pos = [], start
    for raw in text[start:end].split("\n"):
        cuts = [b for b in breaks if pos < b < pos + len(raw)]
        out += list(zip([pos, *cuts], [*cuts, pos + len(raw)], strict=True))
        pos += len(raw) + 1
    return out


def test_the_lines_of_a_range_are_its_newlines_and_breaks() -> None:
    """``spans_within`` (what the narrative view and the meta reader walk) is the text split at its newlines
    and cut at its zero-width line starts, for any range: starting or ending mid-line, at a break, at a
    newline, a break right after or before a newline (the empty lines apart, which its readers skip)."""
    import random

    rng = random.Random(7)
    for _ in range(400):
        text = "".join(rng.choice("ab\n。") for _ in range(rng.randrange(1, 40)))
        breaks = tuple(sorted(rng.sample(range(1, len(text) + 1), rng.randrange(0, min(6, len(text)) + 1))))
        doc = SourceDocument(text=text, breaks=breaks)
        start = rng.randrange(0, len(text) + 1)
        end = rng.randrange(start, len(text) + 1)
        got = [(a, b) for a, b in doc.spans_within(start, end) if a < b]  # what its readers skip: empty lines
        assert got == [(a, b) for a, b in _split_and_cut(text, breaks, start, end) if a < b], (text, breaks, start, end)
        assert doc.runs_on(start, end) == any(start <= b < end for b in breaks)
