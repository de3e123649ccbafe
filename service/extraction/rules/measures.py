"""Measures: one item per enumerated point (its heading included), else one per ；-separated clause."""

from __future__ import annotations

from service.extraction.rules.enumerations import find_markers, points
from service.lazy_re import lazy_compile

# The lead-in of an unenumerated measure paragraph: 针对存在问题，下一步，我市将 …
_LEAD_RE = lazy_compile(
    r"(?:针对[^，,。]{0,12}[，,]\s*|对此[，,]?\s*|为此[，,]?\s*)?"
    r"(?:(?:下一步|下步|下一阶段|下一?年度?|今后|未来|明年|\d{4}\s*年)[，,]?\s*)?"
    r"(?:我们|我(?:局|市|区|县|镇|乡|委|办|中心|单位|街道)|本(?:机关|单位|局))?"
    r"[^。；;，,]{0,12}?(?:将|要|拟|计划|准备)"
    r"(?:从以下[^：:。]{0,12}[：:]|(?:重点|切实)?(?:做好|抓好)以下[^：:。]{0,8}[：:])?"
)
_LEAD_START_RE = lazy_compile(r"(?:针对|对此|为此|下一步|下步|下一阶段|下一?年度?|今后|未来|明年|\d{4}\s*年|我们|我|本)")
_TRAIL = "；;，,、：: \n"
_LEAD_TRAIL = "。；;，,、：: \n"
_SEMICOLON_RE = lazy_compile("[；;]")
_TERMINAL = "。！？!?；;：:"
_MAX_HEADING = 30
_NEWLINE_RE = lazy_compile("\n")


def measure_ranges(folded: str, start: int, end: int) -> list[tuple[int, int]]:
    """View ranges of the measures in ``folded[start:end]``."""
    _, markers = find_markers(folded, start, end)
    out: list[tuple[int, int]] = []
    if markers:
        for i, (a, b) in enumerate(points(markers, end)):
            if i == len(markers) - 1:
                b = _last_point_end(folded, a, b)
            a, b = _strip(folded, a, b)
            if b > a:
                out.append((a, b))
        return out
    a, b = _strip(folded, start, end)
    if b <= a:
        return []
    m = _LEAD_RE.match(folded, a, b)
    if m and m.end() < b and _LEAD_START_RE.match(folded, a, b):
        a = m.end()
    a, b = _strip(folded, a, b)
    seps = _SEMICOLON_RE if any(c in folded[a:b] for c in "；;") else _NEWLINE_RE
    i = a
    for k in [m.start() for m in seps.finditer(folded, a, b)] + [b]:
        x, y = _strip(folded, i, k)
        if y - x >= 6:
            out.append((x, y))
        i = k + 1
    return out


def _last_point_end(folded: str, a: int, b: int) -> int:
    """The last point ends with its paragraph; a heading on a line of its own ("（三）加强队伍建设") takes
    the paragraph below it as its body."""
    nl = folded.find("\n", a, b)
    if nl == -1:
        return b
    line = folded[a:nl].rstrip()
    if line and line[-1] not in _TERMINAL and nl - a <= _MAX_HEADING:
        nl2 = folded.find("\n", nl + 1, b)
        return nl2 if nl2 != -1 else b
    return nl


def _strip(folded: str, a: int, b: int) -> tuple[int, int]:
    while a < b and folded[a] in _LEAD_TRAIL:
        a += 1
    while b > a and folded[b - 1] in _TRAIL:
        b -= 1
    return a, b
