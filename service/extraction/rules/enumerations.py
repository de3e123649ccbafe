"""Enumerated points in running text: 一是…二是…, 1.…2.…, (一)…(二)…, (1)…, ①…, 首先…其次…最后….

A style counts only as a consecutive sequence starting at one; the style whose first point comes
first wins, so a nested list inside a point does not split the outer list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from service.lazy_re import lazy_compile

CN_DIGITS = {c: i for i, c in enumerate("一二三四五六七八九十", start=1)}
CIRCLED = {c: i for i, c in enumerate("①②③④⑤⑥⑦⑧⑨⑩", start=1)}

# What may stand right before an enumerator: start, a line break, punctuation or a space.
_BEFORE = r"(?:^|(?<=[\n。；;，,：:！？!?)\s\"“”]))"

# Patterns run on folded text (brackets and colons already half-width). Each starts with a lookahead
# on the enumerator's first character: the same matches, but positions that cannot start one fail at once.
STYLES: dict[str, re.Pattern[str]] = {
    "shi": lazy_compile(r"(?=[一二三四五六七八九十])" + _BEFORE + r"(?P<n>[一二三四五六七八九十])\s*是\s*[，,：:]?"),
    "paren_cn": lazy_compile(r"(?=\()" + _BEFORE + r"\(\s*(?P<n>[一二三四五六七八九十])\s*\)\s*"),
    "paren_num": lazy_compile(r"(?=\()" + _BEFORE + r"\(\s*(?P<n>\d{1,2})\s*\)\s*"),
    "num_dot": lazy_compile(r"(?=\d)(?:^|(?<=[\n。；;：:！？!?\s]))(?P<n>\d{1,2})\s*[.、．](?!\d)\s*"),
    "circled": lazy_compile(r"(?P<n>[①②③④⑤⑥⑦⑧⑨⑩])\s*"),
    "cn_dun": lazy_compile(r"(?=[一二三四五六七八九十])(?:^|(?<=[\n。；;：:]))(?P<n>[一二三四五六七八九十])\s*[、.．]\s*"),
    "di": lazy_compile(r"(?=第)" + _BEFORE + r"第(?P<n>[一二三四五六七八九十])\s*[，,、是]\s*"),
    # 首先，…其次，…再次，…最后，… (the comma is required: "最后一公里" is no enumerator)
    "ordinal": lazy_compile(r"(?=[首其再最])" + _BEFORE + r"(?P<n>首先|其次|再次|最后)\s*[，,：:]\s*"),
}
ORDINALS = {"首先": 1, "其次": 2, "再次": 3}
# A character every match of a style contains: without it the style is not searched at all.
_NEEDS = {"shi": "是", "paren_cn": "(", "paren_num": "(", "di": "第"}
_NEEDS_DIGIT = frozenset({"paren_num", "num_dot"})  # styles numbered with digits
_DIGIT_RE = lazy_compile(r"\d")


@dataclass(frozen=True, slots=True)
class Marker:
    """One enumerator: where it starts, where the point's text starts, and its number."""

    start: int
    end: int
    number: int


def _number(raw: str) -> int:
    if raw.isdecimal():  # not isdigit(): circled ① is a digit to Python but not a decimal
        return int(raw)
    return CN_DIGITS.get(raw) or CIRCLED.get(raw) or ORDINALS.get(raw, 0)


def find_markers(folded: str, start: int, end: int, styles: tuple[str, ...] | None = None) -> tuple[str, list[Marker]]:
    """The outermost enumeration in ``folded[start:end]``: (style, markers), or ("", [])."""
    best: tuple[int, str, list[re.Match[str]]] | None = None
    sub = folded[start:end]
    digits = _DIGIT_RE.search(sub) is not None
    for name, pat in STYLES.items():
        if styles is not None and name not in styles:
            continue
        need = _NEEDS.get(name)
        if (need is not None and need not in sub) or (not digits and name in _NEEDS_DIGIT):
            continue
        # The longest run 1, 2, 3… in document order, starting at the first 1.
        seq: list[re.Match[str]] = []
        for m in pat.finditer(sub):
            raw = m.group("n")
            if raw == "最后":  # the last point, after at least one other
                if seq:
                    seq.append(m)
                    break
            elif _number(raw) == len(seq) + 1:
                seq.append(m)
        if not seq:
            continue
        # A lone "1." or "(1)" is too weak to be a list; a lone 一是 is a list of one.
        if len(seq) == 1 and name not in ("shi", "di"):
            continue
        if best is None or start + seq[0].start() < best[0]:
            best = (start + seq[0].start(), name, seq)
    if best is None:
        return "", []
    return best[1], [Marker(start + m.start(), start + m.end(), k) for k, m in enumerate(best[2], 1)]


def points(markers: list[Marker], end: int) -> list[tuple[int, int]]:
    """The text range of each point: from its enumerator to the next one (the last runs to ``end``)."""
    out: list[tuple[int, int]] = []
    for i, m in enumerate(markers):
        stop = markers[i + 1].start if i + 1 < len(markers) else end
        out.append((m.end, stop))
    return out
