"""Character normalisation that keeps offsets: one character in, one character out.

Matching works on the folded text (full-width to half-width, bracket variants unified); every
finding still points into the original text because positions are identical in both.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

#: Zero-width and other invisible characters removed at read time (BOM, ZWSP, ZWJ, soft hyphen, ...).
INVISIBLE_RE = re.compile("[\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff\u00ad\u180e\u202a-\u202e\u2066-\u2069]")


def _build_fold_table() -> dict[int, str]:
    table: dict[int, str] = {}
    # Full-width ASCII block U+FF01..U+FF5E -> U+0021..U+007E.
    for cp in range(0xFF01, 0xFF5F):
        table[cp] = chr(cp - 0xFEE0)
    table[0x3000] = " "  # ideographic space
    extra = {
        "〔": "(", "〕": ")", "【": "(", "】": ")", "［": "(", "］": ")", "〈": "<", "〉": ">",
        "《": "<", "》": ">", "“": '"', "”": '"', "‘": "'", "’": "'", "「": '"', "」": '"',
        "、": "、", "。": "。", "—": "-", "–": "-", "‐": "-", "‑": "-", "－": "-", "─": "-",
        "﹐": ",", "﹑": "、", "﹒": ".", "﹔": ";", "﹕": ":", "﹙": "(", "﹚": ")", "\u00a0": " ",
        "\t": "\t",
    }
    for k, v in extra.items():
        table[ord(k)] = v
    # Circled digits stay as they are (they are enumerators, not values).
    return table


FOLD_TABLE = _build_fold_table()
_FOLD_MAP = {chr(k): v for k, v in FOLD_TABLE.items() if chr(k) != v}
# str.translate with a dict is slow on CJK text; a character class finds the few characters to fold.
_FOLD_RE = re.compile("[" + "".join(re.escape(c) for c in _FOLD_MAP) + "]")


#: The characters ``fold`` changes.
FOLDED_CHARS = frozenset(_FOLD_MAP)


def fold(text: str) -> str:
    """Fold widths and bracket variants, one character for one character."""
    found = _FOLD_RE.findall(text)
    return fold_these(text, set(found)) if found else text


def fold_these(text: str, chars: Iterable[str]) -> str:
    """``fold(text)`` when ``chars`` holds every character of ``text`` that folds (others, in
    FOLDED_CHARS but not in the text, do no harm): for a reader that has already looked for them."""
    # One str.replace per distinct character (a report has a dozen or so) instead of a call per occurrence:
    # no folded character is itself folded (tests/test_normalize.py), so the order does not matter.
    for ch in chars:
        text = text.replace(ch, _FOLD_MAP[ch])
    return text


def strip_invisible(text: str) -> str:
    """Remove zero-width and other invisible characters."""
    return INVISIBLE_RE.sub("", text)


_SPACE_PUNCT_RE = re.compile(r"[\s\u3000\"'“”‘’,，.。、;；:：!！?？()（）\[\]【】<>《》\-—_*#|]+")


def compact(text: str) -> str:
    """Folded text without whitespace and punctuation: the key used to compare labels."""
    return _SPACE_PUNCT_RE.sub("", fold(text))
