"""HTML inside a text file, from the gold numbers: the content block of a page saved as text, the page's
HTML in a JavaScript string literal (quotes escaped as \\", newlines as \\n, &nbsp; for empty cells), and
plain-text paragraphs around table markup. The tables are read as grids by the HTML reader: every cell
the truth (or, for &nbsp; zeros, the truth or unknown), no FAIL.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from service.pipeline import analyze_document
from service.reading import read_bytes
from service.reading.markup import markup_in_text
from tests.test_tables_unseen import ALL, check, truth
from tests.unseen_layouts import Truth, num_thousands, report_html

CRAWL_HEAD = "标题：测试县2024年政府信息公开工作年度报告\n发布时间：2025-01-20\n原文链接：/zwgk/ndbg/2025.html\n首页 > 政务公开 > 年度报告\n"


def _content(t: Truth, **kw: object) -> str:
    page = report_html(t, **kw)  # type: ignore[arg-type]
    return page[page.index("<div id='zoom'>") + len("<div id='zoom'>") : page.rindex("</div>")]


def _js(quote: str, keyword: str, newline: str) -> Callable[[Truth], str]:
    def build(t: Truth) -> str:
        body = _content(t, nbsp_zero=True).replace("\\", "\\\\").replace(quote, "\\" + quote)
        body = body.replace("'", "\\'") if quote == '"' and "\\'" not in body else body
        body = body.replace("/", "\\/").replace("\n", newline)
        return CRAWL_HEAD + f"<script>\n{keyword} content = {quote}{body}{quote};\ndocument.write(content);\n</script>\n"
    return build


def _mixed(t: Truth) -> str:
    """Paragraphs as plain lines, tables as markup (a page copied as text where tables kept their tags)."""
    body = _content(t)
    body = re.sub(r"<p>(.*?)</p>", r"\1", body)
    return CRAWL_HEAD + body


VARIANTS: dict[str, tuple[Callable[[Truth], str], str]] = {
    "content-block-as-text": (lambda t: _content(t), "all"),
    "content-block-thousands": (lambda t: _content(t, number=num_thousands), "all"),
    "content-block-nbsp-zeros": (lambda t: CRAWL_HEAD + _content(t, nbsp_zero=True), "nonzero"),
    "content-block-br-labels": (lambda t: _content(t, br_labels=True), "all"),
    "js-double-quotes-escaped-newlines": (_js('"', "var", "\\n"), "nonzero"),
    "js-double-quotes-one-line": (_js('"', "let", ""), "nonzero"),
    "js-single-quotes": (_js("'", "var", "\\n"), "nonzero"),
    "js-backtick-template": (_js("`", "const", "\n"), "nonzero"),
    "paragraphs-as-lines-tables-as-markup": (_mixed, "all"),
}


@pytest.mark.parametrize("variant", list(VARIANTS))
@pytest.mark.parametrize("name", ALL)
def test_markup_in_text_read_as_grids(name: str, variant: str) -> None:
    t = truth(name)
    build, complete = VARIANTS[variant]
    text = build(t)
    doc = read_bytes(text.encode("utf-8"), "crawled.txt")
    assert len(doc.tables) >= 3, "tables read as grids"
    assert any("HTML" in w for w in doc.warnings)
    assert "\\" not in doc.text and "<td" not in doc.text, "the script's escapes and the tags are gone"
    report = analyze_document(doc, narrative=False)
    check(report, t, complete)
    assert not report.missing_sections  # type: ignore[attr-defined]


def test_prose_quoting_a_tag_is_not_markup() -> None:
    text = "一、总体情况\n本单位网站使用<table>标签发布表格，<td>单元格不超过十个。\n" * 3
    assert markup_in_text(text) is None
    assert read_bytes(text.encode("utf-8"), "a.txt").kind == "text"
