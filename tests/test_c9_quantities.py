"""C9 compares a stated count only with the 表四 quantity it names: generated statements over the gold numbers.

A sentence about corrected or lost cases (纠错, 败诉) is not a total of reviews or lawsuits; a count of
another outcome (维持, 审结) is compared with nothing. Only a stated total may FAIL against 总计.
"""

from __future__ import annotations

import itertools

import pytest

from service.checks.model import Status
from service.pipeline import analyze_document
from service.reading import read_bytes
from tests.unseen_layouts import Style, Truth, load_truth, report_text

NAMES = ["huaian-city-2024", "synthetic-city-2025", "hongze-district-2024", "004_3233181e384595fa",
         "000_b08e00100893f003"]
_ANCHOR = "（二）依申请公开。严格依法办理政府信息公开申请，按时答复。"
_WHEN = ["全年", "2024年", "本年度", ""]
_NEG = ["未发生", "没有发生", "未出现", "无"]
#: Zero statements about corrected or lost cases only: (sentence with {w} {n}, names it may give).
_CORRECTED_ZERO = [
    "{w}{n}因依申请公开被行政复议纠错或行政诉讼败诉情形。",
    "{w}{n}行政复议纠错、行政诉讼败诉的情况。",
    "{w}{n}因政府信息公开工作被行政复议撤销或行政诉讼败诉案件。",
    "{w}{n}行政复议、行政诉讼败诉案件。",
    "{w}{n}因政府信息公开引发的行政诉讼败诉情况。",
    "{w}{n}行政复议决定被纠正的情形。",
]
_TRUTHS: dict[str, Truth] = {}


def truth(name: str) -> Truth:
    if name not in _TRUTHS:
        _TRUTHS[name] = load_truth(name)
    return _TRUTHS[name]


def _c9(t: Truth, sentence: str) -> dict[str, tuple[Status, object, object]]:
    text = report_text(t, Style()).replace(_ANCHOR, _ANCHOR + sentence, 1)
    assert sentence in text
    report = analyze_document(read_bytes(text.encode("utf-8"), "c9.txt"))
    return {f.name: (f.status, f.actual, f.expected) for f in report.findings if f.rule == "C9"}


def _lit(t: Truth, col: str) -> int:
    return t.t4["litigation_direct"][col] + t.t4["litigation_after_review"][col]


@pytest.mark.parametrize(("template", "when", "neg"), list(itertools.product(_CORRECTED_ZERO, _WHEN, _NEG)))
@pytest.mark.parametrize("name", NAMES)
def test_corrected_or_lost_zero_is_not_a_total(name: str, template: str, when: str, neg: str) -> None:
    t = truth(name)
    got = _c9(t, template.format(w=when, n=neg))
    assert "review_cases" not in got and "litigation_cases" not in got, got
    assert not [k for k, v in got.items() if v[0] is Status.FAIL], got
    if "review_corrected" in got:
        assert got["review_corrected"] == (Status.PASS if t.t4["review"]["corrected"] == 0 else Status.WARN, 0,
                                           t.t4["review"]["corrected"])
    if "litigation_corrected" in got:
        assert got["litigation_corrected"][1:] == (0, _lit(t, "corrected"))
    assert "litigation_corrected" in got or "review_corrected" in got


_TOTALS = [
    ("全年共收到行政复议{r}件，行政诉讼{l}件。", True, True),
    ("本年度发生行政复议{r}件、行政诉讼{l}件。", True, True),
    ("全年共有{r}件行政复议，{l}件行政诉讼案件。", True, True),
    ("全年未发生因政府信息公开引发的行政复议、行政诉讼案件。", True, True),
]


@pytest.mark.parametrize(("template", "rev", "lit"), _TOTALS)
@pytest.mark.parametrize("name", NAMES)
def test_stated_totals_compared_with_totals(name: str, template: str, rev: bool, lit: bool) -> None:
    t = truth(name)
    r, n = t.t4["review"]["total"], _lit(t, "total")
    zero = "未发生" in template
    if zero and (r or n):
        got = _c9(t, template)
        assert got["review_cases"][0] is (Status.FAIL if r else Status.PASS)  # a total, said to be 0: a real error
        return
    got = _c9(t, template.format(r=r, l=n))
    assert got["review_cases"] == (Status.PASS, r, r)
    assert got["litigation_cases"] == (Status.PASS, n, n)


@pytest.mark.parametrize("name", NAMES)
def test_wrong_total_fails_but_other_outcomes_give_nothing(name: str) -> None:
    t = truth(name)
    r = t.t4["review"]["total"]
    got = _c9(t, f"全年共收到行政复议{r + 7}件。")
    assert got["review_cases"] == (Status.FAIL, r + 7, r)
    got = _c9(t, "行政复议维持原决定3件，行政诉讼审结2件。")
    assert "review_cases" not in got and "litigation_cases" not in got
    lost = _lit(t, "corrected")
    got = _c9(t, f"全年发生{lost}起行政诉讼败诉案件。")
    assert got["litigation_corrected"] == (Status.PASS, lost, lost)
    got = _c9(t, f"全年发生{lost + 2}起行政诉讼败诉案件。")
    assert got["litigation_corrected"] == (Status.WARN, lost + 2, lost)
