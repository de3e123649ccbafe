"""Enumerated points in running text: 一是…二是…, 1.…2.…, (一)…(二)…, (1)…, ①….

A style counts only as a consecutive sequence starting at one; the style whose first point comes
first wins, so a nested list inside a point does not split the outer list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CN_DIGITS = {c: i for i, c in enumerate("一二三四五六七八九十", start=1)}
CIRCLED = {c: i for i, c in enumerate("①②③④⑤⑥⑦⑧⑨⑩", start=1)}

# What may stand right before an enumerator: start, a line break, punctuation or a space.
_BEFORE = r"(?:^|(?<=[\n。；;，,：:！？!?)\s\"“”]))"

# Patterns run on folded text (brackets and colons already half-width).
STYLES: dict[str, re.Pattern[str]] = {
    "shi": re.compile(_BEFORE + r"(?P<n>[一二三四五六七八九十])\s*是\s*[，,：:]?"),
    "paren_cn": re.compile(_BEFORE + r"\(\s*(?P<n>[一二三四五六七八九十])\s*\)\s*"),
    "paren_num": re.compile(_BEFORE + r"\(\s*(?P<n>\d{1,2})\s*\)\s*"),
    "num_dot": re.compile(r"(?:^|(?<=[\n。；;：:！？!?\s]))(?P<n>\d{1,2})\s*[.、．](?!\d)\s*"),
    "circled": re.compile(r"(?P<n>[①②③④⑤⑥⑦⑧⑨⑩])\s*"),
    "cn_dun": re.compile(r"(?:^|(?<=[\n。；;：:]))(?P<n>[一二三四五六七八九十])\s*[、.．]\s*"),
    "di": re.compile(_BEFORE + r"第(?P<n>[一二三四五六七八九十])\s*[，,、是]\s*"),
}


@dataclass(frozen=True, slots=True)
class Marker:
    """One enumerator: where it starts, where the point's text starts, and its number."""

    start: int
    end: int
    number: int


def _number(raw: str) -> int:
    if raw.isdigit():
        return int(raw)
    return CN_DIGITS.get(raw) or CIRCLED.get(raw, 0)


def _sequence(markers: list[Marker]) -> list[Marker]:
    """The longest run 1, 2, 3… in document order, starting at the first 1."""
    seq: list[Marker] = []
    for m in markers:
        if m.number == len(seq) + 1:
            seq.append(m)
    return seq


def find_markers(folded: str, start: int, end: int, styles: tuple[str, ...] | None = None) -> tuple[str, list[Marker]]:
    """The outermost enumeration in ``folded[start:end]``: (style, markers), or ("", [])."""
    best: tuple[int, str, list[Marker]] | None = None
    for name, pat in STYLES.items():
        if styles is not None and name not in styles:
            continue
        sub = folded[start:end]
        found = [Marker(start + m.start(), start + m.end(), _number(m.group("n"))) for m in pat.finditer(sub)]
        seq = _sequence(found)
        if not seq:
            continue
        # A lone "1." or "(1)" is too weak to be a list; a lone 一是 is a list of one.
        if len(seq) == 1 and name not in ("shi", "di"):
            continue
        if best is None or seq[0].start < best[0]:
            best = (seq[0].start, name, seq)
    if best is None:
        return "", []
    return best[1], best[2]


def points(markers: list[Marker], end: int) -> list[tuple[int, int]]:
    """The text range of each point: from its enumerator to the next one (the last runs to ``end``)."""
    out: list[tuple[int, int]] = []
    for i, m in enumerate(markers):
        stop = markers[i + 1].start if i + 1 < len(markers) else end
        out.append((m.end, stop))
    return out
