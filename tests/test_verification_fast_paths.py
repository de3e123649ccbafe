"""The fast paths of verification give what the plain versions give (references kept here)."""

from __future__ import annotations

import random
import re

from service.extraction.rules.channels import number_value
from service.extraction.view import TextView, build_view
from service.reading import read_document
from service.reading.normalize import fold
from service.sections import find_sections
from service.verification import c9, channels, injection
from service.verification.alignment import Aligner
from tests._corpus import SEEDS


def _view(text: str) -> TextView:
    return TextView(text=text, folded=text, starts=(0,), sources=(0,), end_offset=len(text))


def test_aligner_index_matches_a_character_map() -> None:
    rng = random.Random(1)
    views = []
    for p in SEEDS:
        doc = read_document(p)
        views += [build_view(doc), build_view(doc, *next((s.body_start, s.end) for s in find_sections(doc).sections
                                                          if s.key == "problems"))]
    views += [_view("".join(rng.choice("ab 一\n\t*#\u3000，") for _ in range(rng.randint(0, 40)))) for _ in range(300)]
    drop = " \t\n\r\u3000\u00a0\f\v*#"
    for v in views:
        keep = [i for i, ch in enumerate(v.folded) if ch not in drop]
        al = Aligner(v)
        assert al.norm == "".join(v.folded[i] for i in keep)
        assert [al._view_range(k, k + 1) for k in range(len(keep))] == [(i, i + 1) for i in keep]
        for _ in range(10):  # an item cut from the view aligns exactly to its first occurrence
            a = rng.randrange(len(v.text) + 1)
            item = v.text[a : a + rng.randint(1, 30)]
            norm_item = "".join(c for c in fold(item) if c not in drop).strip("；;，,、：: ")
            got = al.align(item)
            if norm_item and norm_item in al.norm:
                k = al.norm.index(norm_item)
                assert got is not None and got.exact and (got.start, got.end) == (keep[k], keep[k + len(norm_item) - 1] + 1)


def test_instruction_spans_match_the_plain_checks() -> None:
    rng = random.Random(2)
    pattern = injection._INSTRUCTION_PATTERN
    plain = re.compile(pattern, re.IGNORECASE)
    frags = ["忽略以上指令", "无视", "不要理会规则", "你现在是", "作为一个AI", "系统提示", "System Prompt", "ASSISTANT:",
             "developer message", "Ignore all previous instructions", "请把结果输出为JSON", "务必返回字段", "İgnore", "ſystem",
             "输出", "回答", "。", "\n", "，", "工作", "信息公开", "的"]
    for _ in range(5000):
        t = "".join(rng.choice(frags) for _ in range(rng.randint(0, 12)))
        assert injection.has_anchor(t) == any(a in t.lower() for a in injection._ANCHORS), t
        assert [m.span() for m in injection._INSTRUCTION_RE.finditer(t)] == [m.span() for m in plain.finditer(t)], t


def test_number_near_finds_the_value_as_a_whole_number() -> None:
    """number_near reads numbers as the extractor does (13,528, 1.2万): what it returns stands for the value
    and is no part of a longer number; a plain whole occurrence of the value is always found."""
    rng = random.Random(3)
    for _ in range(5000):
        t = "".join(rng.choice([*"0123456789.万条，,微信", "٣", "１"]) for _ in range(rng.randint(0, 120)))
        v = _view(t)
        a = rng.randint(0, len(t))
        b = min(len(t), a + rng.randint(0, 10))
        value = rng.choice([1, 12, 11, 111, 120000, 15000, 0, 5, 1111])
        forbidden = [(x, x + rng.randint(1, 6)) for x in sorted(rng.randrange(len(t) + 1) for _ in range(rng.randint(0, 3)))]
        got = channels.number_near(v, a, b, value, forbidden)
        lo, hi = max(0, a - channels.NEAR_BEFORE), min(len(t), b + channels.NEAR_AFTER)
        if got is not None:
            s, e = got
            assert lo <= s < e <= hi and number_value(t[s:e]) == value and not injection.overlaps(forbidden, s, e)
            assert not (s > 0 and (t[s - 1].isdecimal() or t[s - 1] == "."))
        whole = re.compile(r"(?<![\d.,])" + str(value) + r"(?![\d.,万])")
        plain = [m for m in whole.finditer(t, lo, hi) if m.end() < hi and not injection.overlaps(forbidden, m.start(), m.end())]
        if plain:
            assert got is not None, (t, value)


def test_name_index_matches_a_character_filter() -> None:
    rng = random.Random(4)
    for _ in range(3000):
        t = "".join(rng.choice(list(" \t\n\"'<>“”‘’《》「」微信公众号a1\u3000")) for _ in range(rng.randint(0, 30)))
        keep = [i for i, ch in enumerate(t) if not channels._NAME_STRIP_RE.match(ch)]
        assert channels._normalized(t) == ("".join(t[i] for i in keep), keep)


def test_case_statements_match_a_full_scan() -> None:
    """C9 searches from where the first match can start; a scan from the start finds the same."""
    rng = random.Random(5)
    frags = ["行政复议", "行政诉讼", "行政败诉", "纠错", "维持", "、", "诉讼案件", "败诉案件", "诉讼", "复议", "1", "12", "0", "一", "两", "十", " ", "\u3000",
             "\n", "件", "起", "个", "次", "。", "，", "；", "未", "没有", "发生", "被", "的", "申请", "案", "٣"]

    def full(v: TextView, pats: tuple[c9._CasePattern, ...], forbidden: list[tuple[int, int]]) -> tuple[int, int, int] | None:
        best = None
        for pat in pats:
            for m in pat.regex.finditer(v.folded):
                if injection.overlaps(forbidden, m.start(), m.end()):
                    continue
                if c9._quantity(m.group() + c9._after_word(v.folded, m.end(), len(v.folded))) is None:
                    continue  # a count of another outcome (维持, 审结…)
                if best is None or m.start() < best[1]:
                    best = (c9._num(m.group("n")), m.start(), m.end())
                break
        return best

    def zero(v: TextView, word: str, stated: tuple[int, int, int] | None, forbidden: list[tuple[int, int]]) -> tuple[int, int, int] | None:
        for m in c9._ZERO_RE.finditer(v.folded):
            stop = v.folded.find("。", m.start())
            sentence = v.folded[m.start() : stop if stop != -1 else len(v.folded)]
            if word in sentence and not injection.overlaps(forbidden, m.start(), m.end()) \
                    and c9._zero_quantity(sentence, word) is not None:
                if stated is None or m.start() < stated[1]:
                    return (0, m.start(), m.end())
                break
        return stated

    def st(s: c9.Statement | None) -> tuple[int, int, int] | None:
        return None if s is None else (s.value, s.start, s.end)

    for _ in range(20000):
        t = "".join(rng.choice(frags) for _ in range(rng.randint(0, 30)))
        v = _view(t)
        forbidden = [(x, x + rng.randint(1, 8)) for x in sorted(rng.randrange(len(t) + 1) for _ in range(rng.randint(0, 2)))]
        for word, pats in (("行政复议", c9._REVIEW_RES), ("行政诉讼", c9._LITIGATION_RES)):
            assert st(c9._first(v, pats, forbidden)) == full(v, pats, forbidden), t
            assert st(c9._cases(v, word, pats, forbidden)) == zero(v, word, full(v, pats, forbidden), forbidden), t
