"""Problems: one item per enumerated point, or one per problem in a sentence that lists several."""

from __future__ import annotations

import re

from service.extraction.rules.enumerations import find_markers, points
from service.lazy_re import lazy_compile

# What a reader sees as "the problems start here": 存在…问题/不足, 主要表现在：, 主要是：, 如下：.
_LEADIN_RE = lazy_compile(
    r"(?:(?:存在|还有(?!待)|仍有(?!待)|面临|出现)[^。；;:：]{0,20}?(?:问题|不足|差距|短板|薄弱环节|困难|地方)[^，,。；;:：]{0,12}?[，,。:：]"
    r"|(?:主要|具体)(?:表现|体现)(?:在|为)?[:：，,]|主要(?:是|有)[:：]|(?:如下|以下)(?:几个方面)?[:：])"
)
# Predicates a problem clause ends with (checked on the clause's last characters).
_PREDICATE_RE = lazy_compile(
    r"(?:有待|不够|不足|不强|不高|不及时|不到位|不全面|不规范|不完善|不明显|不充分|不平衡|不深入|不熟悉|不重视|不准确"
    r"|不统一|不多|不广|不深|不佳|不大|不畅|单一|滞后|薄弱|欠缺|缺乏|偏少|较少|偏弱|较弱|较低|偏低|松懈|亟待|亟需|仍需|还需|尚需|需要?"
    r"|差距|问题|情况|现象|短板|不够|待提[高升]|待加强|待完善|待规范)[^，,。；;、]{0,12}$"
)
_LIST_PREFIX_RE = lazy_compile(r"^(?:如|例如|比如|主要是|主要有|包括)[:：，,]?")
_LIST_SUFFIX_RE = lazy_compile(r"(?:等(?:方面)?(?:的)?(?:问题|不足|情况|短板|现象)?)$")
_TRAIL = "。；;，,、：: \n"
_SENTENCE_END_RE = lazy_compile("[。！？!?]")
_SEMICOLON_RE = lazy_compile("[；;]")
_LEAD_GAP = 12  # characters between two lead-ins of one chain
_SEP_RES = {seps: lazy_compile(f"[{seps}]") for seps in ("；;", "，,", "、", "，,；;。")}


def _strip(folded: str, a: int, b: int) -> tuple[int, int]:
    while a < b and folded[a] in _TRAIL:
        a += 1
    while b > a and folded[b - 1] in _TRAIL:
        b -= 1
    return a, b


def problem_ranges(folded: str, start: int, end: int, headed: bool) -> list[tuple[int, int]]:
    """View ranges of the problems in ``folded[start:end]``."""
    while start < end and folded[start] in " \n":  # a sub-heading on its own line leaves a line break
        start += 1
    _, markers = find_markers(folded, start, end)
    if markers:
        out = []
        for i, (a, b) in enumerate(points(markers, end)):
            if i == len(markers) - 1:
                b = _first_sentence_end(folded, a, b)
            a, b = _strip(folded, a, b)
            if b > a:
                out.append((a, b))
        return out
    paras = _paragraphs(folded, start, end)
    if len(paras) >= 2:
        # One problem per paragraph, no enumerator: each paragraph is a point.
        return [r for a, b in paras if (r := _strip(folded, a, b))[1] > r[0]]
    if paras and paras[0][0] > start:  # a lead-in line, then one paragraph
        return _listed(folded, paras[0][0], end, True)
    sentences = _problem_sentences(folded, start, end)
    if sentences:  # a sentence with ；-separated points still lists several
        return [r for a, b in sentences
                for r in (_listed(folded, a, b, True) if _SEMICOLON_RE.search(folded, a, b) else [_after_colon(folded, a, b)])]
    return _listed(folded, start, end, headed)


def _after_colon(folded: str, a: int, b: int) -> tuple[int, int]:
    """A sentence without its lead-in ("存在问题：…")."""
    m = _LEADIN_RE.match(folded, a, b)
    return (m.end(), b) if m and folded[m.end() - 1] in ":：" and m.end() < b else (a, b)


def _problem_sentences(folded: str, start: int, end: int) -> list[tuple[int, int]]:
    """Problems stated one sentence each, with no enumerator (paragraphs run together): after a lead-in,
    two or more sentences, most of them ending as a problem does."""
    out = []
    i = start
    for m in _SENTENCE_END_RE.finditer(folded, start, end):
        out.append(_strip(folded, i, m.start()))
        i = m.end()
    out.append(_strip(folded, i, end))
    out = [(a, b) for a, b in out if b > a]
    if out and (_lead_only(folded, *out[0]) or folded[out[0][1] : out[0][1] + 1] in ":："):
        out = out[1:]
    if len(out) >= 2 and 2 * sum(1 for a, b in out if _is_problem(folded, a, b)) > len(out):
        return out
    return []


def _paragraphs(folded: str, start: int, end: int) -> list[tuple[int, int]]:
    """The paragraphs of the part that state something, without a lead-in line ("…问题如下：")."""
    if folded.find("\n", start, end) == -1:
        return []
    out = []
    i = start
    while i < end:
        k = folded.find("\n", i, end)
        k = end if k == -1 else k
        a, b = _strip(folded, i, k)
        if b > a and folded[i:k].rstrip()[-1] not in ":：" and not (a == start and _lead_only(folded, a, b)):
            out.append((i, k))
        i = k + 1
    return out


def _lead_only(folded: str, a: int, b: int) -> bool:
    """A first paragraph that only leads in to the problems (…但仍存在一些不足。)."""
    return any(m.end() >= b for m in _LEADIN_RE.finditer(folded, a, b + 1))


def _first_sentence_end(folded: str, a: int, b: int) -> int:
    """The last point of a list stops at its sentence end (the text after it is not a problem)."""
    stops = [k for k in (folded.find("。", a, b), folded.find("\n", a, b)) if k != -1]
    return min(stops) if stops else b


def _listed(folded: str, start: int, end: int, headed: bool) -> list[tuple[int, int]]:
    """Problems run together in one sentence: split at ；, then ，, then 、 where each piece is a problem."""
    list_start = start
    first = _LEADIN_RE.search(folded, start, end)
    if first is not None and (not headed or not _states_problem(folded, start, first.start())):
        # The last of a chain of lead-ins ("存在一些不足，主要是：") that follow one another closely;
        # a lead-in-like phrase inside a problem ("存在表述不正确等问题，") does not restart the list.
        lead_end = None
        for m in _LEADIN_RE.finditer(folded, start, end):
            if lead_end is not None and m.start() - lead_end > _LEAD_GAP:
                break
            lead_end = m.end()
        if lead_end is not None:
            list_start = lead_end
    list_end = _sentence_stop(folded, list_start, end)
    a, b = _strip(folded, list_start, list_end)
    text = folded[a:b]
    prefix = _LIST_PREFIX_RE.match(text)
    if prefix:
        a += prefix.end()
    m2 = _LIST_SUFFIX_RE.search(folded[a:b])
    if m2 and m2.start() > 0:
        b = a + m2.start()
    if b <= a:
        return []
    for seps in ("；;", "，,"):
        if any(c in folded[a:b] for c in seps):
            pieces = _split(folded, a, b, seps)
            # ； separates points a reader counts one by one; a ，-piece that states no problem is context.
            pieces = pieces if seps == "；;" and all(y - x >= 6 for x, y in pieces) else _merge(folded, pieces)
            out: list[tuple[int, int]] = []
            for pa, pb in pieces:
                # 、 inside a piece with clauses of its own joins nouns or predicates of one clause.
                if any(c in folded[pa:pb] for c in "，,"):
                    out.append((pa, pb))
                else:
                    out.extend(_split_strict(folded, pa, pb, "、"))
            return out
    return _split_strict(folded, a, b, "、")


def _states_problem(folded: str, a: int, b: int) -> bool:
    """Whether a clause of ``folded[a:b]`` states a problem (the text before a lead-in is then not context)."""
    return any(_is_problem(folded, x, y) for x, y in _split(folded, a, b, "，,；;。"))


def _sentence_stop(folded: str, a: int, end: int) -> int:
    stops = [k for k in (folded.find("。", a, end), folded.find("\n", a, end)) if k != -1]
    return min(stops) if stops else end


def _split(folded: str, a: int, b: int, seps: str) -> list[tuple[int, int]]:
    out = []
    i = a
    pat = _SEP_RES.get(seps) or re.compile("[" + re.escape(seps) + "]")
    for m in pat.finditer(folded, a, b):
        k = m.start()
        out.append(_strip(folded, i, k))
        i = k + 1
    out.append(_strip(folded, i, b))
    return [(x, y) for x, y in out if y > x]


def _is_problem(folded: str, a: int, b: int) -> bool:
    return bool(_PREDICATE_RE.search(folded[a:b]))


def _merge(folded: str, pieces: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """A piece that states no problem is context for the next one: join them."""
    out: list[tuple[int, int]] = []
    pending: int | None = None
    for a, b in pieces:
        if pending is not None:
            a = pending
            pending = None
        if _is_problem(folded, a, b):
            out.append((a, b))
        else:
            pending = a
    if pending is not None:
        if out:
            out[-1] = (out[-1][0], pieces[-1][1])
        else:
            out.append((pending, pieces[-1][1]))
    return out


def _split_strict(folded: str, a: int, b: int, seps: str) -> list[tuple[int, int]]:
    """Split only if every piece is a problem of its own (、 usually joins nouns, not problems)."""
    pieces = _split(folded, a, b, seps)
    if len(pieces) > 1 and all(_is_problem(folded, x, y) for x, y in pieces):
        return pieces
    return [(a, b)]
