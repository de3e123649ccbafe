"""Planted instructions in the report text (忽略以上指令…): nothing extracted may come from them."""

from __future__ import annotations

import re
from functools import lru_cache

from service.lazy_re import lazy_compile

_INSTRUCTION_PATTERN = (
    r"忽略(?:以上|上述|之前|前面|先前|此前|所有|全部)?[^。\n]{0,6}?(?:指令|指示|提示|要求|规则|设定)"
    r"|(?:无视|不要理会|不必遵守)[^。\n]{0,8}?(?:指令|指示|提示|规则)"
    r"|(?:你现在是|你是一个|作为(?:一个)?(?:AI|人工智能|语言模型|助手))"
    r"|(?:系统提示|system\s*prompt|assistant\s*:|developer\s*message)"
    r"|ignore\s+(?:all\s+)?(?:the\s+)?(?:previous|above|prior|earlier)\s+(?:instructions|prompts?|rules)"
    r"|(?:请|务必|必须)(?:将|把)?[^。\n]{0,20}?(?:输出|返回|回答)(?:为|成)?[^。\n]{0,30}?(?:json|JSON|字段|problems|measures)"
    r"|(?:请|务必|必须)(?:将|把)[^。\n]{0,30}?(?:字段|json|problems|measures|channels)[^。\n]{0,20}?(?:输出|返回|写成|改为|设为)"
    r"|(?:把|将)(?:所有|全部|各项)?的?(?:问题|措施|渠道)[^。\n]{0,4}?(?:都|全部|一律)(?:写成|改为|输出为|设为)"
)
# The first character of every alternative: the lookahead makes the other positions fail at once
# (same matches, several times faster on long text).
_INSTRUCTION_FIRST = "忽无不你作系sadi请务必把将"
_INSTRUCTION_RE = lazy_compile(f"(?=[{_INSTRUCTION_FIRST}])(?:{_INSTRUCTION_PATTERN})", re.IGNORECASE)
_SENTENCE_END = "。！？!?\n"


_ANCHORS = ("忽略", "无视", "不要理会", "不必遵守", "你现在是", "你是一个", "作为", "系统提示", "system", "assistant",
            "developer", "ignore", "输出", "返回", "回答", "写成", "改为", "设为")
# An anchor word must occur (in ``text.lower()``) before the instruction pattern is tried. The Chinese
# anchors are caseless (they occur in the lower-cased text exactly when in the text); the Latin ones can
# only come from ASCII letters or İ (which lowers to i + combining dot).
_CJK_ANCHOR_RE = lazy_compile("|".join(re.escape(a) for a in _ANCHORS if not a.isascii()))
_LATIN_ANCHORS = tuple(a for a in _ANCHORS if a.isascii())
_LATIN_RE = lazy_compile("[A-Za-z\u0130]")


def has_anchor(text: str) -> bool:
    """Whether one of ``_ANCHORS`` occurs in ``text.lower()``."""
    if _CJK_ANCHOR_RE.search(text):
        return True
    if not _LATIN_RE.search(text):
        return False
    lower = text.lower()
    return any(a in lower for a in _LATIN_ANCHORS)


def instruction_spans(text: str) -> list[tuple[int, int]]:
    """Ranges of the sentences in ``text`` that carry an instruction to a language model."""
    return list(_instruction_spans(text))


@lru_cache(maxsize=64)
def _instruction_spans(text: str) -> tuple[tuple[int, int], ...]:
    # Memoised: verification and C9 ask about the same views.
    if not has_anchor(text):
        return ()
    out: list[tuple[int, int]] = []
    for m in _INSTRUCTION_RE.finditer(text):
        a = m.start()
        while a > 0 and text[a - 1] not in _SENTENCE_END:
            a -= 1
        b = m.end()
        while b < len(text) and text[b] not in _SENTENCE_END:
            b += 1
        b = min(len(text), b + 1)
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return tuple(out)


def overlaps(spans: list[tuple[int, int]], a: int, b: int) -> bool:
    return any(x < b and a < y for x, y in spans)
