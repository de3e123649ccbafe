"""Meta on layouts not in the corpus: each labelled report's body under new titles, preambles and
signatures, plus synthetic reports, where the organisation, year and date are known by construction.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import pytest

from service.meta import read_meta
from service.reading import read_bytes, read_document
from service.reading.document import SourceDocument
from service.sections import find_sections
from tests._corpus import EVAL, GOLD_DIR


@dataclass(frozen=True)
class Case:
    """A report body whose meta is known, without its title, preamble or signature."""

    name: str
    org: str
    year: int
    body: str  # from section 一 to the end of section 六


@dataclass(frozen=True)
class Built:
    """A generated report and the meta it must give."""

    text: str
    title: str | None
    expected: tuple[str | None, int | None, str | None]


def _corpus_case(path_stem: str) -> Case:
    gold = json.loads((GOLD_DIR / f"{path_stem}.json").read_text(encoding="utf-8"))
    doc = read_document(EVAL / gold["report"])
    first = find_sections(doc).sections[0].start
    body = doc.text[first:].rstrip()
    if gold["meta"]["report_date"]:  # drop the printed signature (unit, then date)
        body = body.rsplit("\n", 2)[0].rstrip()
    return Case(path_stem, gold["meta"]["organization"], gold["meta"]["year"], body)


_SYNTHETIC_BODY = (
    "一、总体情况\n{y}年，{short}深入贯彻落实《中华人民共和国政府信息公开条例》，市政府办公室加强指导。\n"
    "（一）主动公开情况。{y}年主动公开政府信息120条。\n"
    "二、主动公开政府信息情况\n（略）\n三、收到和处理政府信息公开申请情况\n（略）\n"
    "四、政府信息公开行政复议、行政诉讼情况\n（略）\n"
    "五、存在的主要问题及改进情况\n{y}年工作仍有不足。{n}年，我们将于{n}年3月31日前完成整改。\n"
    "六、其他需要报告的事项\n本报告于{n}年1月10日经审议通过。{y}年未收取信息处理费。"
)

_SYNTHETIC_ORGS = (
    ("宁夏回族自治区发展和改革委员会", 2024, "自治区发展改革委"),
    ("兴庆区丽景街街道办事处", 2023, "我街道"),
    ("青铜峡市叶盛镇人民政府", 2024, "我镇"),
    ("中卫市沙坡头区民政和社会保障局", 2022, "我局"),
    ("银川市公安局交通警察支队", 2024, "我支队"),
    ("某某县人民政府办公室", 2021, "县政府办"),
    ("银川经济技术开发区管理委员会", 2024, "管委会"),
)


@lru_cache(maxsize=1)
def _cases() -> tuple[Case, ...]:
    corpus = [_corpus_case(p.stem) for p in sorted(GOLD_DIR.glob("*.json"))]
    synthetic = [Case(f"syn-{org}", org, y, _SYNTHETIC_BODY.format(y=y, n=y + 1, short=short))
                 for org, y, short in _SYNTHETIC_ORGS]
    return (*corpus, *synthetic)


# ----------------------------------------------------------------------------------------------
# Pieces
# ----------------------------------------------------------------------------------------------

_CN_DIGITS = "〇一二三四五六七八九"


def _cn_number(n: int) -> str:
    """1..31 in Chinese numerals (十, 十二, 二十, 二十一)."""
    tens, units = divmod(n, 10)
    return ("" if tens == 0 else ("十" if tens == 1 else _CN_DIGITS[tens] + "十")) + (
        _CN_DIGITS[units] if units else "")


def _date_parts(case: Case) -> tuple[int, int, int]:
    """The signature date: early in the year after the report's year, varying by case."""
    k = sum(map(ord, case.name))
    return case.year + 1, 1 + k % 3, 20 + k % 10


def _iso(case: Case) -> str:
    y, m, d = _date_parts(case)
    return f"{y:04d}-{m:02d}-{d:02d}"


_DATE_FORMATS: dict[str, Callable[[int, int, int], str]] = {
    "cn": lambda y, m, d: f"{y}年{m}月{d}日",
    "cn-spaced": lambda y, m, d: f"{y} 年 {m} 月 {d} 日",
    "iso": lambda y, m, d: f"{y}-{m:02d}-{d:02d}",
    "dots": lambda y, m, d: f"{y}.{m}.{d}",
    "slashes": lambda y, m, d: f"{y}/{m:02d}/{d:02d}",
    "fullwidth": lambda y, m, d: f"{y}年{m}月{d}日".translate({c: c + 0xFEE0 for c in range(0x30, 0x3A)}),
    "numerals-0": lambda y, m, d: "".join(_CN_DIGITS[int(c)] for c in str(y)) + f"年{_cn_number(m)}月{_cn_number(d)}日",
    "numerals-circle": lambda y, m, d: ("".join(_CN_DIGITS[int(c)] for c in str(y)).replace("〇", "○")
                                        + f"年{'元' if m == 1 else _cn_number(m)}月{_cn_number(d)}日"),
}

_PERIOD = "本报告中所列数据的统计期限自{y}年1月1日起至{y}年12月31日止。"
_PREAMBLE = "根据《中华人民共和国政府信息公开条例》规定，编制本报告。" + _PERIOD
_PREAMBLE_NO_PERIOD = "根据《中华人民共和国政府信息公开条例》规定，编制本报告。如对本报告有疑问，请来电咨询。"

_CHROME = (
    "首页 > 政务公开 > 政府信息公开年报\n当前位置：首页 > 信息公开 > 法定主动公开内容\n"
    "索引号：640502/{n}-00012\t分类：政府信息公开年报\n发布机构：{org}\t公开日期：{n}-01-15\n"
    "文号：无\t信息来源：{org}\n【字体：大 中 小】 打印本页\n"
)
_FOOTER = "\n【打印本页】【关闭窗口】\n主办：某某市人民政府办公室  版权所有\n网站标识码：6405000001"


def _spaced(s: str) -> str:
    return " ".join(s)


def _build(case: Case, head: str, *, preamble: str = _PREAMBLE, signature: str = "", footer: str = "",
           title: str | None = None, expected_date: str | None = None,
           expected_org: str | None = None) -> Built:
    y = case.year
    parts = [head, preamble.format(y=y, n=y + 1, org=case.org), case.body]
    if signature:
        parts.append(signature)
    text = "\n".join(p for p in parts if p) + footer + "\n"
    return Built(text, title, (expected_org or case.org, y, expected_date))


def _signature(case: Case, fmt: str = "cn", org: bool = True) -> str:
    date = _DATE_FORMATS[fmt](*_date_parts(case))
    return f"{case.org}\n{date}" if org else date


# Each variant: case -> Built.
VARIANTS: dict[str, Callable[[Case], Built]] = {
    # Titles
    "title-year": lambda c: _build(c, f"{c.org}{c.year}年政府信息公开工作年度报告"),
    "title-year-du": lambda c: _build(c, f"{c.org}{c.year}年度政府信息公开工作年度报告"),
    "title-no-gongzuo": lambda c: _build(c, f"{c.org}{c.year}年政府信息公开年度报告"),
    "title-year-in-brackets": lambda c: _build(c, f"{c.org}政府信息公开工作年度报告（{c.year}年度）"),
    "title-year-bracket-line": lambda c: _build(c, f"{c.org}政府信息公开工作年度报告\n（{c.year}年度）"),
    "title-year-first": lambda c: _build(c, f"{c.year}年{c.org}政府信息公开工作年度报告"),
    "title-guanyu": lambda c: _build(c, f"关于{c.org}{c.year}年政府信息公开工作年度报告"),
    "title-org-guanyu": lambda c: _build(c, f"{c.org}关于{c.year}年度政府信息公开工作年度报告"),
    "title-quoted": lambda c: _build(c, f"《{c.org}{c.year}年政府信息公开工作年度报告》"),
    "title-two-lines": lambda c: _build(c, f"{c.org}\n{c.year}年政府信息公开工作年度报告"),
    "title-two-lines-split-after-gongkai": lambda c: _build(c, f"{c.org}{c.year}年政府信息公开\n工作年度报告"),
    "title-three-lines": lambda c: _build(c, f"{c.org}\n{c.year}年政府信息公开\n工作年度报告"),
    "title-blank-lines-between": lambda c: _build(c, f"\n\n{c.org}\n\n{c.year}年政府信息公开工作年度报告\n"),
    "title-after-chrome": lambda c: _build(
        c, _CHROME.format(n=c.year + 1, org=c.org) + f"{c.org}{c.year}年政府信息公开工作年度报告"),
    "title-two-lines-after-chrome": lambda c: _build(
        c, _CHROME.format(n=c.year + 1, org=c.org) + f"{c.org}\n{c.year}年政府信息公开工作年度报告"),
    "title-under-site-header": lambda c: _build(c, f"某某市人民政府\n{c.org}{c.year}年政府信息公开工作年度报告"),
    "title-in-breadcrumb-too": lambda c: _build(
        c, f"首页 > 信息公开 > 政府信息公开年报 > {c.org}{c.year}年政府信息公开工作年度报告\n"
           f"{c.org}{c.year}年政府信息公开工作年度报告"),
    "title-markdown-h1": lambda c: _build(c, f"# {c.org}{c.year}年政府信息公开工作年度报告"),
    "title-markdown-bold": lambda c: _build(c, f"**{c.org}{c.year}年度政府信息公开工作年度报告**"),
    "title-markdown-h2-bold-two-lines": lambda c: _build(
        c, f"## **{c.org}**\n## **{c.year}年政府信息公开工作年度报告**"),
    "title-spaced": lambda c: _build(c, _spaced(f"{c.org}{c.year}年政府信息公开工作年度报告")),
    "title-spaced-two-lines": lambda c: _build(
        c, _spaced(c.org) + "\n" + _spaced(f"{c.year}年政府信息公开工作年度报告")),
    "title-ideographic-spaces": lambda c: _build(c, f"\u3000\u3000{c.org}\u3000{c.year}\u3000年政府信息公开工作年度报告"),
    # Year from the statistics period when the title has none; January publication never wins.
    "title-no-year-period": lambda c: _build(
        c, f"{c.org}政府信息公开工作年度报告", signature=_signature(c), expected_date=_iso(c)),
    "title-no-year-chrome-period": lambda c: _build(
        c, _CHROME.format(n=c.year + 1, org=c.org) + f"{c.org}政府信息公开工作年度报告",
        signature=_signature(c, "iso"), expected_date=_iso(c)),
    # A crawled page's fields on the title's line ("标题：… 发布时间：… 来源：…").
    "title-in-crawl-fields": lambda c: _build(
        c, f"标题：{c.org}{c.year}年政府信息公开工作年度报告 发布时间：{c.year + 1}-01-20 来源：某某市人民政府"),
    "title-after-crawl-fields": lambda c: _build(
        c, f"发布时间：{c.year + 1}-01-20 来源：某某市人民政府 {c.org}{c.year}年政府信息公开工作年度报告"),
    # Organisation only in the signature block.
    "org-in-signature-only": lambda c: _build(
        c, f"{c.year}年政府信息公开工作年度报告", signature=_signature(c), expected_date=_iso(c)),
    "org-in-signature-no-title": lambda c: _build(
        c, "", signature=_signature(c, "dots"), expected_date=_iso(c)),
    "org-in-signature-under-site-header": lambda c: _build(
        c, f"某某市人民政府门户网站\n{c.year}年政府信息公开工作年度报告", signature=_signature(c, "iso"),
        expected_date=_iso(c)),
    "org-in-signature-no-title-no-period": lambda c: _build(
        c, "", preamble=_PREAMBLE_NO_PERIOD, signature=_signature(c), expected_date=_iso(c)),
    "org-in-signature-spaced": lambda c: _build(
        c, f"{c.year}年政府信息公开工作年度报告",
        signature=f"{_spaced(c.org)}\n{_DATE_FORMATS['cn-spaced'](*_date_parts(c))}", expected_date=_iso(c)),
    "org-in-signature-with-footer": lambda c: _build(
        c, f"{c.year}年度政府信息公开工作年度报告", signature=_signature(c, "cn"), footer=_FOOTER,
        expected_date=_iso(c)),
    "org-and-date-one-line": lambda c: _build(
        c, f"{c.year}年政府信息公开工作年度报告",
        signature=f"{c.org}\u3000\u3000{_DATE_FORMATS['cn'](*_date_parts(c))}", expected_date=_iso(c)),
    # Organisation only in the preamble.
    "org-in-preamble-xianjiang": lambda c: _build(
        c, f"{c.year}年政府信息公开工作年度报告",
        preamble=f"根据《中华人民共和国政府信息公开条例》规定，现将{c.org}{c.year}年政府信息公开工作年度报告公布如下。"),
    "org-in-preamble-quoted": lambda c: _build(
        c, "", preamble=f"现将《{c.org}{c.year}年度政府信息公开工作年度报告》予以公布。" + _PERIOD),
    "org-in-preamble-no-year": lambda c: _build(
        c, "", preamble=f"根据《条例》要求，现向社会公布{c.org}政府信息公开工作年度报告。" + _PERIOD),
    # Organisation only in the HTML <title>.
    "html-title-site-suffix": lambda c: _build(
        c, "", title=f"{c.org}{c.year}年政府信息公开工作年度报告_某某市人民政府"),
    "html-title-site-dash": lambda c: _build(
        c, f"{c.year}年政府信息公开工作年度报告",
        title=f"{c.org}{c.year}年政府信息公开工作年度报告 - 某某市人民政府门户网站"),
    "html-title-site-is-org": lambda c: _build(
        c, "", title=f"{c.year}年政府信息公开工作年度报告 - {c.org}门户网站"),
    "html-title-site-first": lambda c: _build(
        c, "", title=f"{c.org}网站 | {c.year}年政府信息公开工作年度报告"),
    # Signature dates in every format.
    **{f"date-{fmt}": (lambda f: lambda c: _build(
        c, f"{c.org}{c.year}年政府信息公开工作年度报告", signature=_signature(c, f),
        expected_date=_iso(c)))(fmt) for fmt in _DATE_FORMATS},
    "date-with-footer": lambda c: _build(
        c, f"{c.org}{c.year}年政府信息公开工作年度报告", signature=_signature(c, "iso"), footer=_FOOTER,
        expected_date=_iso(c)),
    "date-labelled": lambda c: _build(
        c, f"{c.org}{c.year}年政府信息公开工作年度报告",
        signature=f"{c.org}\n日期：{_DATE_FORMATS['cn'](*_date_parts(c))}", expected_date=_iso(c)),
    "date-in-brackets": lambda c: _build(
        c, f"{c.org}{c.year}年政府信息公开工作年度报告",
        signature=f"{c.org}\n（{_DATE_FORMATS['cn'](*_date_parts(c))}）", expected_date=_iso(c)),
    # Dates that are not the signature.
    "no-signature-date-chrome-only": lambda c: _build(
        c, _CHROME.format(n=c.year + 1, org=c.org) + f"{c.org}{c.year}年政府信息公开工作年度报告"),
    "no-signature-date-in-text": lambda c: _build(
        c, f"{c.org}{c.year}年政府信息公开工作年度报告",
        signature=f"本报告于{_DATE_FORMATS['cn'](*_date_parts(c))}经审议通过，自{c.year + 1}年2月1日起公开。"),
    "no-signature-date-under-title": lambda c: _build(
        c, f"{c.org}{c.year}年政府信息公开工作年度报告\n（{_DATE_FORMATS['cn'](*_date_parts(c))}）"),
    "no-signature-org-only": lambda c: _build(
        c, f"{c.org}{c.year}年政府信息公开工作年度报告", signature=c.org),
    # Year without a statistics period: from the text, or the signature's year before.
    "title-no-year-no-period": lambda c: _build(
        c, f"{c.org}政府信息公开工作年度报告", preamble=_PREAMBLE_NO_PERIOD,
        signature=_signature(c), expected_date=_iso(c)),
}


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_meta_on_unseen_layouts(variant: str) -> None:
    failures = []
    for case in _cases():
        built = VARIANTS[variant](case)
        doc = SourceDocument(text=built.text, title=built.title)
        meta = read_meta(doc, find_sections(doc))
        got = (meta.organization, meta.year, meta.report_date)
        if got != built.expected:
            failures.append(f"{case.name}: got {got}, expected {built.expected}")
    assert not failures, "\n".join(failures)


def test_variants_keep_their_sections() -> None:
    """The generated reports still have all six sections, so the preamble ends where it should."""
    case = _cases()[0]
    built = VARIANTS["title-after-chrome"](case)
    doc = SourceDocument(text=built.text)
    assert [s.key for s in find_sections(doc).sections][:1] == ["overview"]


def _meta(text: str, title: str | None = None) -> tuple[str | None, int | None, str | None]:
    doc = SourceDocument(text=text, title=title)
    meta = read_meta(doc, find_sections(doc))
    return meta.organization, meta.year, meta.report_date


_BODY = "一、总体情况\n本机关扎实推进政务公开。\n六、其他需要报告的事项\n无。\n"


def test_a_place_name_line_above_the_title_is_part_of_the_organisation() -> None:
    text = "中卫市沙坡头区\n民政和社会保障局\n2024年政府信息公开工作年度报告\n" + _BODY
    assert _meta(text)[:2] == ("中卫市沙坡头区民政和社会保障局", 2024)
    text = "中卫市\n沙坡头区民政局2024年度政府信息公开工作年度报告\n" + _BODY
    assert _meta(text)[:2] == ("中卫市沙坡头区民政局", 2024)


def test_year_from_the_signature_when_nothing_else_states_it() -> None:
    text = "某某县交通运输局政府信息公开工作年度报告\n" + _BODY + "某某县交通运输局\n2025年1月20日\n"
    assert _meta(text) == ("某某县交通运输局", 2024, "2025-01-20")


def test_an_impossible_signature_date_is_no_date() -> None:
    text = "某某县交通运输局2024年政府信息公开工作年度报告\n" + _BODY + "某某县交通运输局\n2025年2月30日\n"
    assert _meta(text) == ("某某县交通运输局", 2024, None)


def test_chrome_and_sentences_are_not_organisations() -> None:
    # A site header, a category label and a breadcrumb above a title without the unit's name.
    text = ("某某县人民政府门户网站\n通知公告\n政府信息公开年报\n2024年政府信息公开工作年度报告\n"
            "根据条例，现发布本机关2024年政府信息公开工作年度报告。\n" + _BODY)
    assert _meta(text) == (None, 2024, None)



@pytest.mark.parametrize("joiner", ["", " ", "\u3000\u3000"])
def test_meta_of_a_page_run_together(joiner: str) -> None:
    """A crawled page with its line breaks gone, read as the text reader reads it (in-place or zero-width
    line starts): the title among the page's fields, run into section 一 with no blank (``joiner=""``), the
    signature run on after the last sentence and followed by the page's buttons."""
    failures = []
    for case in _cases():
        head = f"标题：{case.org}{case.year}年政府信息公开工作年度报告 发布时间：{case.year + 1}-01-20 来源：某某市人民政府"
        body = joiner.join(line for line in case.body.split("\n") if line.strip())
        body = body.rstrip("。") + "。" + joiner + case.org + joiner + _DATE_FORMATS["cn"](*_date_parts(case))
        doc = read_bytes((head + " " + case.org + f"{case.year}年政府信息公开工作年度报告" + joiner + body
                          + " 【打印本页】【关闭窗口】").encode(), "page.txt")
        meta = read_meta(doc, find_sections(doc))
        if (meta.organization, meta.year, meta.report_date) != (case.org, case.year, _iso(case)):
            failures.append(f"{case.name}: got {(meta.organization, meta.year, meta.report_date)}")
    assert not failures, "\n".join(failures)
