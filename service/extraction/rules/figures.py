"""Figures the text states: the proactive-disclosure total, applications received, the processing fee."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from service.extraction.rules.channels import KEYWORD_RE
from service.lazy_re import lazy_compile

# (?m)^ is "start or after a newline", like (?:^|(?<=\n)), and much faster to scan for.
_SUBSECTION_RE = lazy_compile(r"(?m)^\s*\(\s*(?P<n>[一二三四五六七八九十])\s*\)\s*")
_COUNT_RE = lazy_compile(r"(?P<n>\d+)\s*(?:余|多)?\s*(?:条|篇)")
_TOTAL_WORD_RE = lazy_compile(r"(?<!公)共(?!享|建)|累计|合计|总计|全年主动公开|全年公开")
_PART_RE = lazy_compile(r"(?P<n>\d+)\s*(?:余|多)?\s*(?:条|篇|期)")
_STOP = "，,。；;：:\n"

_APPS_ZERO_RE = lazy_compile(r"(?:未|没有|无)(?:收到|受理|接到|接收|新收)[^。；;，,]{0,12}?申请")
_APPS_RE = lazy_compile(
    r"(?:收到|受理|接收|接到|新收)[^。；;，,\d]{0,20}?申请[^。；;，,\d]{0,12}?(?P<n>\d+)\s*(?:件|条|个|宗|份|次)"
)
_APPS_HANDLED_RE = lazy_compile(r"办理[^。；;，,\d]{0,12}?申请[^。；;，,\d]{0,8}?(?P<n>\d+)\s*(?:件|条|个|宗|份|次)")

_FEE_AMOUNT_RE = lazy_compile(
    r"(?:信息处理费|处理费)[^。；;\d]{0,15}?(?P<n>\d+(?:\.\d+)?)\s*(?:元|万元)"
    r"|收取[^。；;\d]{0,20}?(?:信息处理费|处理费)[^。；;\d]{0,8}?(?P<m>\d+(?:\.\d+)?)\s*(?:元|万元)"
)
_FEE_NONE_RE = lazy_compile(
    r"(?:未|没有|无|不存在|不涉及)[^。；;，,]{0,8}?(?:收取|收费|征收)|未涉及[^。；;，,]{0,8}?费|(?:收费|收取)[^。；;，,]{0,6}?(?:为|是)\s*(?:0|零|无)"
)


def subsections(folded: str) -> list[tuple[str, int, int]]:
    """(title, body start, end) of the (一)…(五) subsections of a section view, in order."""
    return list(_subsections(folded))


@lru_cache(maxsize=64)
def _subsections(folded: str) -> tuple[tuple[str, int, int], ...]:
    # Memoised: extraction, verification and C9 all ask about the same overview view.
    seq: list[tuple[int, int]] = []
    for m in _SUBSECTION_RE.finditer(folded):
        if "一二三四五六七八九十".index(m.group("n")) + 1 == len(seq) + 1:
            seq.append((m.start(), m.end()))
    out = []
    for i, (_start, body) in enumerate(seq):
        end = seq[i + 1][0] if i + 1 < len(seq) else len(folded)
        title_end = min([k for k in (folded.find(c, body, end) for c in "。\n") if k != -1] or [end])
        out.append((folded[body:title_end], body, end))
    return tuple(out)


def subsection(folded: str, pattern: str) -> tuple[int, int] | None:
    """The first subsection whose title matches ``pattern``."""
    for title, body, end in _subsections(folded):
        if re.search(pattern, title):
            return body, end
    return None


def _clause(folded: str, a: int, b: int) -> tuple[int, int]:
    s = a
    while s > 0 and folded[s - 1] not in _STOP:
        s -= 1
    e = b
    while e < len(folded) and folded[e] not in _STOP:
        e += 1
    return s, e


@dataclass(frozen=True, slots=True)
class Figure:
    """A figure stated in the text and where (view positions)."""

    value: int
    start: int
    end: int


@lru_cache(maxsize=64)
def find_disclosure_total(folded: str) -> Figure | None:
    """The first 信息…N条 figure of the 主动公开 part, unless it opens a list of parts (N条、…)."""
    rng = subsection(folded, r"主动公开") or (0, len(folded))
    m = _COUNT_RE.search(folded, rng[0], rng[1])
    if m is None:
        return None
    # A figure said to be the whole (共, 累计, 合计…) wins over a part stated before it (…发布121条，全年共
    # 主动公开393条).
    first_cs, _e = _clause(folded, m.start(), m.end())
    if not _TOTAL_WORD_RE.search(folded, first_cs, m.start()):
        for t in _COUNT_RE.finditer(folded, m.end(), rng[1]):
            if _TOTAL_WORD_RE.search(folded, _clause(folded, t.start(), t.end())[0], t.start()):
                m = t
                break
    if folded[m.end() : m.end() + 1] == "、":
        return None
    cs, ce = _clause(folded, m.start(), m.end())
    if KEYWORD_RE.search(folded, cs, m.start()):
        # A channel's figure is the total only when no other channel figure follows in a list.
        nxt = ce + 1
        if nxt < len(folded) and folded[ce] in "，,；;":
            ns, ne = _clause(folded, nxt, nxt)
            if KEYWORD_RE.search(folded, ns, ne) and _COUNT_RE.search(folded, ns, ne):
                return None
    return Figure(int(m.group("n")), m.start(), m.end())


def disclosure_total(folded: str) -> int | None:
    f = find_disclosure_total(folded)
    return f.value if f else None


def disclosure_parts(folded: str, total: Figure) -> list[Figure]:
    """The parts listed after the total in its sentence (…589条,其中,…161条,…232条,…196条。)."""
    after = folded[total.end : total.end + 4]
    if "其中" not in after:
        return []
    stop = folded.find("。", total.end)
    stop = len(folded) if stop == -1 else stop
    return [
        Figure(int(m.group("n")), m.start(), m.end())
        for m in _PART_RE.finditer(folded, total.end, stop)
    ]


@lru_cache(maxsize=64)
def find_applications(folded: str) -> Figure | None:
    """Applications received as the text states it (0 for 未收到…申请), else None."""
    rng = subsection(folded, r"申请") or (0, len(folded))
    zero = _APPS_ZERO_RE.search(folded, rng[0], rng[1])
    num = _APPS_RE.search(folded, rng[0], rng[1])
    if num and (zero is None or num.start() < zero.start()):
        return Figure(int(num.group("n")), num.start(), num.end())
    if zero:
        return Figure(0, zero.start(), zero.end())
    handled = _APPS_HANDLED_RE.search(folded, rng[0], rng[1])
    return Figure(int(handled.group("n")), handled.start(), handled.end()) if handled else None


def applications_received(folded: str) -> int | None:
    f = find_applications(folded)
    return f.value if f else None


@lru_cache(maxsize=64)
def fee_collected(folded: str) -> bool | None:
    """Whether the text says an information-processing fee was collected (None if it is silent)."""
    none_said = False
    for m in _FEE_AMOUNT_RE.finditer(folded):
        if float(m.group("n") or m.group("m")) > 0:
            return True
        none_said = True
    if none_said or _FEE_NONE_RE.search(folded):
        return False
    return None
