"""Unseen layouts: the gold numbers of ten reports rendered in layouts no seed or dev file has.

Every variant must give, for every table cell, the true number or null; a null makes the report
UNCERTAIN; no FAIL finding on a report whose true numbers are consistent; no crash. Variants whose
text clearly prints every number must also leave no cell unknown ("all"), or at least no non-zero
cell ("nonzero", where zeros are printed as "—", "/" or "无"). Known bugs are strict xfails: they flip
when the parser is fixed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from service.checks.model import Status
from service.pipeline import analyze_document
from service.reading import read_bytes
from tests.unseen_layouts import (
    T3_SPEC,
    Num,
    Style,
    Truth,
    cells_of,
    load_truth,
    num_bold,
    num_full,
    num_thousands,
    num_unit,
    num_zero_dash,
    num_zero_slash,
    num_zero_wu,
    report_docx,
    report_html,
    report_text,
    t2_cell_per_line,
    t2_markdown,
    t2_values_first,
    t3_cell_per_line,
    t3_column_major,
    t3_group_every_row,
    t3_group_in_label,
    t3_group_own_line,
    t3_header_lines,
    t3_label_after_values,
    t3_label_wrapped,
    t3_long_header,
    t3_markdown,
    t3_markdown_spanned,
    t3_no_groups,
    t3_rows,
    t3_tabs_first_group,
    t3_values_next_line,
    t4_header_interleaved,
    t4_markdown,
    t4_one_per_line,
    t4_total_interleaved,
    t4_transposed,
    truth_cells,
    with_style,
)
from tests.unseen_layouts import t4_five_per_line as t4_five

RICH = ["huaian-city-2024", "synthetic-city-2025"]  # many non-zero cells, 4–8 digit numbers
ALL = [*RICH, "hongze-district-2024", "004_3233181e384595fa", "000_b08e00100893f003"]
_TRUTHS: dict[str, Truth] = {}


def truth(name: str) -> Truth:
    if name not in _TRUTHS:
        _TRUTHS[name] = load_truth(name)
    return _TRUTHS[name]


Builder = Callable[[Truth], tuple[bytes, str]]


@dataclass(frozen=True)
class Variant:
    name: str
    build: Builder
    truths: tuple[str, ...] = tuple(ALL)
    complete: str = "all"  # all | nonzero | none: which cells must be known
    bug: str | None = None  # xfail reason


def txt(style: Style | None = None, edit: Callable[[str, Truth], str] | None = None) -> Builder:
    def build(t: Truth) -> tuple[bytes, str]:
        text = report_text(t, style or Style())
        if edit:
            text = edit(text, t)
        return text.encode("utf-8"), "unseen.txt"
    return build


def html(**kw: object) -> Builder:
    def build(t: Truth) -> tuple[bytes, str]:
        return report_html(t, **kw).encode("utf-8"), "unseen.html"  # type: ignore[arg-type]
    return build


def html_edit(edit: Callable[[str, Truth], str]) -> Builder:
    def build(t: Truth) -> tuple[bytes, str]:
        return edit(report_html(t), t).encode("utf-8"), "unseen.html"
    return build


def docx(merged: bool) -> Builder:
    def build(t: Truth) -> tuple[bytes, str]:
        return report_docx(t, merged_groups=merged), "unseen.docx"
    return build


# --- edits on a rendered text ---------------------------------------------------------------------


def _line_index(lines: list[str], pred: Callable[[str], bool]) -> int:
    return next(i for i, ln in enumerate(lines) if pred(ln))


def wrap_number(label: str, from_end: int, cut: int) -> Callable[[str, Truth], str]:
    """A number too wide for its cell: its last digits on the next line, under the same column."""
    def edit(text: str, t: Truth) -> str:
        lines = text.split("\n")
        i = _line_index(lines, lambda ln: ln.startswith(label) or f"\t{label}" in ln)
        cells = lines[i].split("\t")
        j = len(cells) - from_end
        v = cells[j]
        cells[j] = v[:cut]
        lines[i] = "\t".join(cells)
        lines.insert(i + 1, "\t" * j + v[cut:])
        return "\n".join(lines)
    return edit


def after_line(pred: Callable[[str], bool], new: list[str], before: bool = False) -> Callable[[str, Truth], str]:
    def edit(text: str, t: Truth) -> str:
        lines = text.split("\n")
        i = _line_index(lines, pred)
        return "\n".join(lines[: i + (0 if before else 1)] + new + lines[i + (0 if before else 1) :])
    return edit


def on_table3_rows(fn: Callable[[int, str], str]) -> Callable[[str, Truth], str]:
    """Apply fn(row number, line) to each 表三 row line (a line with at least 7 tab-separated cells)."""
    def edit(text: str, t: Truth) -> str:
        lines = text.split("\n")
        k = 0
        for i, ln in enumerate(lines):
            if ln.count("\t") >= 7:
                lines[i] = fn(k, ln)
                k += 1
        return "\n".join(lines)
    return edit


def replace_cell(label: str, from_end: int, fn: Callable[[str], str]) -> Callable[[str, Truth], str]:
    def edit(text: str, t: Truth) -> str:
        lines = text.split("\n")
        i = _line_index(lines, lambda ln: label in ln)
        cells = lines[i].split("\t")
        cells[-from_end] = fn(cells[-from_end])
        lines[i] = "\t".join(cells)
        return "\n".join(lines)
    return edit


def t3_values_split(k: int) -> Callable[[Truth, Style], list[str]]:
    """A row's 7 numbers wrapped after the k-th onto the next line."""
    def layout(t: Truth, st: Style) -> list[str]:
        lines = t3_header_lines(st.sep)
        for _key, _outer, group, label, vals in t3_rows(t, st):
            lines += [st.sep.join([group + label, *vals[:k]]), st.sep.join(vals[k:])]
        return lines
    return layout


def t3_group_after(t: Truth, st: Style) -> list[str]:
    """The sub-group label printed after each of its rows (vertical text of a merged cell)."""
    lines = t3_header_lines(st.sep)
    for _key, _outer, group, label, vals in t3_rows(t, st):
        lines.append(st.sep.join([label, *vals]))
        if group:
            lines.append(group)
    return lines


def heading(fn: Callable[[str, str], str]) -> Style:
    return with_style(headings=fn)


def _title(t: str) -> str:
    return t.split("、", 1)[1]


_RESTART = {"overview": "一", "active": "二", "applications": "一", "review": "二", "problems": "一", "other": "二"}
_CN = "一二三四五六"
_SIX_1 = {"other_no_correction": "1、申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
          "other_no_fee": "2、申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
          "other_other": "3、其他"}
_SIX_PAREN = {k: f"（{v[0]}）{v[2:]}" for k, v in _SIX_1.items()}
_CIRCLED = {k: "①②③④⑤⑥⑦⑧"[int(lab[0]) - 1] + lab[2:] for k, _o, g, lab in T3_SPEC if g and lab[0].isdigit()}
_NO_ENUM = {k: lab[2:] for k, _o, g, lab in T3_SPEC if g and lab[0].isdigit()}
_SHORT = {"new_received": "一、本年新收申请数量", "carried_over": "二、上年结转申请数量", "partially_granted": "（二）部分公开"}
_OCR1 = {"denied_process_info": "6.属于四类过稈性信息", "not_processed_duplicate": "2.重夏申请", "unable_not_held": "1.本机关不掌捤相关政府信息"}
_OCR2 = {"granted": "（一）予以公幵", "denied_state_secret": "1.属干国家秘蜜", "other_other": "3.其它"}


def _html_split_t3(h: str, t: Truth) -> str:
    i = h.index("<tr><td>2.没有现成信息")
    return h[:i] + "</tbody></table>\n<p>— 4 —</p>\n<table border=1><tbody>" + h[i:]


def _html_nested(h: str, t: Truth) -> str:
    import re

    return re.sub(r"(<table border=1>.*?</table>)", r"<table><tr><td>\1</td></tr></table>", h, flags=re.S)


def _html_span_digits(h: str, t: Truth) -> str:
    v = str(t.t2["licensing"])
    return h.replace(f"<td colspan=3>{v}</td>", f"<td colspan=3><span>{v[:3]}</span><span>{v[3:]}</span></td>")


def _html_br_in_number(h: str, t: Truth) -> str:
    v = str(t.t2["penalty"])
    return h.replace(f"<td colspan=3>{v}</td>", f"<td colspan=3>{v[:4]}<br>{v[4:]}</td>")


def _is_t4_values(ln: str) -> bool:
    return ln.count("\t") == 14 and ln.replace("\t", "").isdigit()




V: list[Variant] = [
    # 表三 flattened in other ways
    Variant("t3-group-first-row-only", txt(with_style(t3=t3_tabs_first_group))),
    Variant("t3-group-every-row", txt(with_style(t3=t3_group_every_row))),
    Variant("t3-group-in-label-cell", txt(with_style(t3=t3_group_in_label))),
    Variant("t3-no-group-cells", txt(with_style(t3=t3_no_groups))),
    Variant("t3-group-own-line", txt(with_style(t3=t3_group_own_line))),
    Variant("t3-group-after-row", txt(with_style(t3=t3_group_after))),
    Variant("t3-values-next-line", txt(with_style(t3=t3_values_next_line))),
    Variant("t3-label-wrapped-values-middle", txt(with_style(t3=t3_label_wrapped))),
    Variant("t3-header-5-lines-broken-words", txt(with_style(t3=t3_long_header))),
    Variant("t3-markdown", txt(with_style(t3=t3_markdown))),
    Variant("t3-markdown-rowspan-blanks", txt(with_style(t3=t3_markdown_spanned))),
    Variant("t3-column-major-block", txt(with_style(t3=t3_column_major)), complete="none"),
    Variant("t3-vertical-group-chars-leading",
            txt(edit=on_table3_rows(lambda k, ln: ("三、本年度办理结果"[k - 2] + "\t" + ln) if 2 <= k < 11 else ln))),
    Variant("t3-label-after-values", txt(with_style(t3=t3_label_after_values))),
    Variant("t3-cell-per-line", txt(with_style(t3=t3_cell_per_line))),
    Variant("t3-values-wrapped-3+4", txt(with_style(t3=t3_values_split(3)))),
    Variant("t3-values-wrapped-5+2", txt(with_style(t3=t3_values_split(5), sep=" "))),
    Variant("t3-stray-char-after-values", txt(edit=on_table3_rows(lambda k, ln: ln + "\t年" if 4 <= k < 8 else ln)),
            truths=tuple(RICH)),
    # 表二 and 表四
    Variant("t2-markdown", txt(with_style(t2=t2_markdown))),
    Variant("t2-cell-per-line", txt(with_style(t2=t2_cell_per_line))),
    Variant("t2-values-before-label", txt(with_style(t2=t2_values_first))),
    Variant("t4-five-per-line", txt(with_style(t4=t4_five))),
    Variant("t4-one-per-line", txt(with_style(t4=t4_one_per_line))),
    Variant("t4-total-header-between-values", txt(with_style(t4=t4_total_interleaved))),
    Variant("t4-header-interleaved", txt(with_style(t4=t4_header_interleaved))),
    Variant("t4-transposed-rows", txt(with_style(t4=t4_transposed))),
    Variant("t4-markdown", txt(with_style(t4=t4_markdown))),
    Variant("t4-page-number-after", txt(edit=after_line(_is_t4_values, ["", "3", ""]))),
    Variant("t4-page-number-dashes-after", txt(edit=after_line(_is_t4_values, ["- 3 -"]))),
    # page furniture and notes inside tables
    Variant("t3-page-number-mid-table", txt(edit=after_line(lambda ln: "6.属于四类过程性信息" in ln, ["", "— 3 —", ""]))),
    Variant("t3-page-of-pages-mid-table", txt(edit=after_line(lambda ln: "6.属于四类过程性信息" in ln, ["第 3 页 共 6 页"]))),
    Variant("t2-page-number-mid-table", txt(edit=after_line(lambda ln: ln.startswith("行政许可"), ["3"]))),
    Variant("t3-footnote-with-dates", txt(edit=after_line(lambda ln: ln.startswith("四、结转"),
                                                        ["注：1.本表统计口径为 2024 年 1 月 1 日至 12 月 31 日； 2.单位：件"]))),
    Variant("t4-footnote-with-dates", txt(edit=after_line(_is_t4_values, ["注：统计时间 2024 年 1 月 1 日 至 2024 年 12 月 31 日"]))),
    # numbers
    Variant("num-full-width", txt(with_style(number=num_full))),
    Variant("num-thousands", txt(with_style(number=num_thousands))),
    Variant("num-bold-markdown", txt(with_style(number=num_bold, t2=t2_markdown, t3=t3_markdown, t4=t4_markdown))),
    Variant("num-fee-0.00", txt(with_style(fee=lambda v: f"{v:.2f}"))),
    Variant("num-single-spaces", txt(with_style(sep=" "))),
    Variant("num-double-spaces", txt(with_style(sep="  "))),
    Variant("num-zero-dash", txt(with_style(number=num_zero_dash)), complete="nonzero"),
    Variant("num-zero-slash", txt(with_style(number=num_zero_slash, sep=" ")), complete="nonzero"),
    Variant("num-zero-wu", txt(with_style(number=num_zero_wu)), complete="nonzero"),
    Variant("num-glued-unit", txt(with_style(number=num_unit))),
    Variant("num-fee-with-unit", txt(with_style(fee=lambda v: f"{v}万元"))),
    Variant("num-O-for-0-in-t3", txt(edit=replace_cell("一、本年新收", 2, lambda c: c.replace("0", "O", 1) if "0" in c else "O"))
            , complete="none"),
    Variant("num-l-for-1-in-t3", txt(edit=replace_cell("（一）予以公开", 1, lambda c: c.replace("1", "l", 1) if "1" in c else "l")),
            complete="none"),
    Variant("num-O-for-0-in-t4", txt(edit=on_table3_rows(lambda k, ln: ln.replace("0", "O", 1) if _is_t4_values(ln) else ln)),
            complete="none"),
    Variant("num-cell-wrapped-t2-penalty", txt(edit=wrap_number("行政处罚", 1, 4)), truths=tuple(RICH)),
    Variant("num-cell-wrapped-t2-regulations", txt(edit=wrap_number("行政规范性文件", 1, 1)), truths=tuple(RICH)),
    Variant("num-cell-wrapped-t3-total", txt(edit=wrap_number("一、本年新收", 1, 3)), truths=tuple(RICH)),
    # sections
    Variant("sec-no-numbering", txt(heading(lambda k, t: _title(t)))),
    Variant("sec-numbering-restarts", txt(heading(lambda k, t: _RESTART[k] + "、" + _title(t)))),
    Variant("sec-di-yi-bu-fen", txt(heading(lambda k, t: f"第{t[0]}部分 {_title(t)}"))),
    Variant("sec-markdown-headings", txt(heading(lambda k, t: f"## {t}"))),
    Variant("sec-bold-headings", txt(heading(lambda k, t: f"**{t}**"))),
    Variant("sec-five-wenti-he-gaijin", txt(with_style(problems_title="五、问题和改进措施"))),
    Variant("sec-five-long-title", txt(with_style(problems_title="五、政府信息公开工作存在的主要问题及改进情况"))),
    Variant("sec-four-old-title",
            txt(heading(lambda k, t: "四、因政府信息公开工作被申请行政复议和提起行政诉讼情况" if k == "review" else t))),
    Variant("sec-tables-in-appendix", txt(with_style(appendix=True))),
    Variant("sec-paren-numbered", txt(heading(lambda k, t: f"（{t[0]}）{_title(t)}"))),
    Variant("sec-arabic-numbered", txt(heading(lambda k, t: f"{_CN.index(t[0]) + 1}. {_title(t)}"))),
    Variant("sec-review-before-applications",
            txt(with_style(order=("overview", "active", "review", "applications", "problems", "other")))),
    # row labels
    *(Variant(f"label-{n}-{lay.__name__[3:]}", txt(with_style(labels=labels, t3=lay)))
      for n, labels in [("quotes-single", {"denied_three_safety_one_stability": "3.危及'三安全一稳定'"}),
                        ("quotes-none", {"denied_three_safety_one_stability": "3.危及三安全一稳定"}),
                        ("quotes-corner", {"denied_three_safety_one_stability": "3.危及「三安全一稳定」"}),
                        ("six-numbered-1、", _SIX_1), ("six-numbered-(1)", _SIX_PAREN), ("circled-enumerators", _CIRCLED),
                        ("no-enumerators", _NO_ENUM), ("short-wording", _SHORT), ("ocr-1-char", _OCR1), ("ocr-2-chars", _OCR2)]
      for lay in (t3_tabs_first_group, t3_no_groups)),
    # structured sources
    Variant("html-rowspan-thead", html()),
    Variant("html-no-thead", html(thead=False)),
    Variant("html-br-in-labels", html(br_labels=True)),
    Variant("html-layout-wrapper-table", html(wrapper_table=True)),
    Variant("html-group-cells-every-row", html(group_every_row=True)),
    Variant("html-thousands", html(number=num_thousands)),
    Variant("html-nbsp-for-zero", html(nbsp_zero=True), complete="nonzero"),
    Variant("html-t3-split-over-two-tables", html_edit(_html_split_t3)),
    Variant("html-nested-tables", html_edit(_html_nested)),
    Variant("html-span-split-digits", html_edit(_html_span_digits)),
    Variant("html-full-width-digits", html(number=num_full), truths=("huaian-city-2024",)),
    Variant("html-br-inside-number", html_edit(_html_br_in_number), truths=tuple(RICH)),
    Variant("docx-vmerged-group-cells", docx(True)),
    Variant("docx-repeated-group-cells", docx(False)),
]


def _cases() -> list[object]:
    out: list[object] = []
    for v in V:
        for name in v.truths:
            marks = [pytest.mark.xfail(strict=True, reason=v.bug)] if v.bug else []
            out.append(pytest.param(v, name, id=f"{v.name}-{name[:12]}", marks=marks))
    return out


def check(report: object, t: Truth, complete: str) -> None:
    want = truth_cells(t)
    got = cells_of(report)
    wrong = {k: (got.get(k), v) for k, v in want.items() if got.get(k) is not None and got.get(k) != v}
    assert wrong == {}, "silently wrong numbers (got, truth)"
    fails = [f.message for f in report.findings if f.status is Status.FAIL]  # type: ignore[attr-defined]
    assert fails == [], "FAIL findings on a report whose true numbers are consistent"
    unknown = [k for k in want if got.get(k) is None]
    summary = report.summary  # type: ignore[attr-defined]
    if unknown:
        assert summary is not None and summary.status is Status.UNCERTAIN, "unknown cells but the report is not UNCERTAIN"
    if complete == "all":
        assert unknown == [], "printed numbers reported as unknown"
    elif complete == "nonzero":
        nonzero: list[str] = [k for k in unknown if want[k] != 0]
        assert nonzero == [], "printed non-zero numbers reported as unknown"


@pytest.mark.parametrize(("variant", "name"), _cases())
def test_unseen_layout(variant: Variant, name: str) -> None:
    t = truth(name)
    data, filename = variant.build(t)
    report = analyze_document(read_bytes(data, filename), narrative=False)
    check(report, t, variant.complete)


# --- the 2019 format (国办公开办函〔2019〕60号): its own 表二 and a single (六)其他处理 row ---------------

T2_2019 = """第二十条第（一）项
信息内容	本年新制作数量	本年新公开数量	对外公开总数量
规章	1	1	11
规范性文件	8	8	66
第二十条第（五）项
信息内容	上一年项目数量	本年增/减	处理决定数量
行政许可	120	-3	447228
其他对外管理服务事项	10	0	5
第二十条第（六）项
信息内容	上一年项目数量	本年增/减	处理决定数量
行政处罚	300	+5	3985758
行政强制	20	0	88283
第二十条第（八）项
信息内容	上一年项目数量	本年增/减
行政事业性收费	15	-2
第二十条第（九）项
信息内容	采购项目数量	采购总金额
政府集中采购	30	1234.5"""
T2_2019_TRUTH: dict[str, dict[str, Num]] = {
    "regulations": {"new_made": 1, "new_published": 1, "total_published": 11},
    "normative_documents": {"new_made": 8, "new_published": 8, "total_published": 66},
    "licensing": {"previous_items": 120, "change": -3, "decisions": 447228},
    "other_services": {"previous_items": 10, "change": 0, "decisions": 5},
    "penalty": {"previous_items": 300, "change": 5, "decisions": 3985758},
    "coercion": {"previous_items": 20, "change": 0, "decisions": 88283},
    "fees": {"previous_items": 15, "change": -2},
    "procurement": {"items": 30, "amount": 1234.5},
}
_SUBS = ("other_no_correction", "other_no_fee", "other_other")


def _t3_2019(t: Truth, st: Style) -> list[str]:
    lines = t3_header_lines(st.sep)
    for key, outer, group, label, vals in t3_rows(t, st):
        if key in _SUBS[1:]:
            continue
        if key == "other_no_correction":
            merged = [st.number(sum(x)) for x in zip(*(t.t3[k] for k in _SUBS), strict=True)]
            lines.append(st.sep.join(["（六）其他处理", *merged]))
            continue
        lines.append(st.sep.join([c for c in (outer, group) if c] + [label, *vals]))
    return lines


@pytest.mark.parametrize("sep", ["\t", " "])
@pytest.mark.parametrize("name", RICH)
def test_2019_format_unseen(name: str, sep: str) -> None:
    t = truth(name)
    t2_text = T2_2019.replace("\t", sep)
    style = with_style(t2=lambda _t, _s: t2_text.split("\n"), t3=_t3_2019, sep=sep)
    text = report_text(t, style).replace("国办公开办函〔2021〕30号", "国办公开办函〔2019〕60号").replace("2024年", "2020年")
    report = analyze_document(read_bytes(text.encode("utf-8"), "old.txt"), narrative=False)
    assert report.format == "2019"
    assert report.active_disclosure_2019 == T2_2019_TRUTH
    apps = report.applications or {}
    assert apps["other_processing"] == [sum(x) for x in zip(*(t.t3[k] for k in _SUBS), strict=True)]
    assert {k: v for k, v in apps.items() if k in t.t3} == {k: v for k, v in t.t3.items() if k not in _SUBS}
    assert not [f.message for f in report.findings if f.status is Status.FAIL]
