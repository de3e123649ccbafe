"""Assign units to table rows by label similarity and row order (dynamic programming).

Rows are identified by what their label says and where they stand, never by line position: a
label split over lines, OCR noise or header fragments lower a score but rarely change the order.
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from service.reading.normalize import compact
from service.tables.tokens import Unit

MIN_SCORE = 0.5


@dataclass(frozen=True, slots=True)
class RowSpec:
    key: str
    label: str  # canonical label as printed in the national template
    core: str  # the distinctive part used for matching
    enum: str = ""  # enumerator that precedes it, compacted: "七" for (七), "3" for 3.
    weight: float = 1.0  # < 1 for rows that should lose ties (merged rows)
    without_enum: float = 1.0  # factor when the enumerator is missing (a generic label such as "其他")


@lru_cache(maxsize=4096)
def _bigrams(t: str) -> frozenset[str]:
    """Character bigrams of an already compacted text."""
    if len(t) == 1:
        return frozenset({t})
    return frozenset(t[i : i + 2] for i in range(len(t) - 1))


@dataclass(slots=True)
class _Context:
    """A unit's label contexts, compacted once: own label, with the text before, after, and both. Their
    bigrams are taken only when the scores are not remembered (``_score_row``)."""

    own: str
    key: tuple[str, ...]  # the texts it is made of, (own,) or (own, before, after): the same key, the same scores

    def texts(self) -> tuple[tuple[str, float], ...]:
        """The texts compared with the rows' labels, with their weights (empty ones included)."""
        if len(self.key) == 1:
            return ((self.own, 1.0),)
        own, before, after = self.key
        return ((own, 1.0), (before + own, 0.95), (own + after, 0.9), (before + own + after, 0.85))


#: Own-label recall above which the text around a unit is not consulted (the label is whole).
WHOLE_LABEL = 0.75


def _context(unit: Unit, with_gaps: bool = True, side: str = "both") -> _Context:
    """A unit's label contexts. A unit with no label of its own takes its label from one ``side`` only
    ("before" or "after") when the caller has decided which way the table prints its labels."""
    own = _compact_label(unit.label)
    if not with_gaps:
        return _Context(own, (own,))
    before, after = _compact_label(unit.gap_before), _compact_label(unit.gap_after)
    if not own and side == "before":
        after = ""
    elif not own and side == "after":
        before = ""
    return _Context(own, (own, before, after))


#: ``compact`` of label and gap texts, remembered (the template's row labels recur in every report).
_compact_label = lru_cache(maxsize=4096)(compact)


@lru_cache(maxsize=512)
def _spec_keys(spec: RowSpec) -> tuple[frozenset[str], str]:
    return _bigrams(spec.core), (spec.enum + compact(spec.core)[:1]) if spec.enum else ""


@dataclass(frozen=True, slots=True)
class _Index:
    """The rows' labels as ``_score_row`` reads them."""

    bigrams: dict[str, tuple[int, ...]]  # for every bigram of the rows' labels, the rows whose label holds it
    sizes: tuple[int, ...]  # each row's number of label bigrams
    weights: tuple[float, ...]
    without_enum: tuple[float, ...]  # 1.0 for a row without enumerator
    enums: dict[str, tuple[int, ...]]  # enumerator key (two characters) -> the rows it precedes
    #: Scores already computed, by ``_Context.key``, with the best of them: row labels repeat across the
    #: reports of a batch.
    scores: dict[tuple[str, ...], tuple[list[float], float]] = field(default_factory=dict, compare=False, repr=False)
    #: The candidates of those scores (the rows scoring at least a minimum score), by key and minimum.
    candidates: dict[tuple[tuple[str, ...], float], list[int]] = field(default_factory=dict, compare=False, repr=False)


@lru_cache(maxsize=32)
def _spec_index(specs: tuple[RowSpec, ...]) -> _Index:
    bigrams: dict[str, list[int]] = {}
    enums: dict[str, list[int]] = {}
    sizes, without = [], []
    for j, sp in enumerate(specs):
        want, enum_key = _spec_keys(sp)
        for bg in want:
            bigrams.setdefault(bg, []).append(j)
        if enum_key and want:  # a row without label bigrams scores 0 whatever precedes it
            enums.setdefault(enum_key, []).append(j)
        sizes.append(len(want))
        without.append(sp.without_enum if enum_key else 1.0)
    assert all(len(k) == 2 for k in enums), "an enumerator key is the enumerator and the label's first character"
    return _Index({bg: tuple(js) for bg, js in bigrams.items()}, tuple(sizes), tuple(sp.weight for sp in specs),
                  tuple(without), {k: tuple(js) for k, js in enums.items()})


#: Contexts whose scores are kept per set of rows, at most (then the memo starts again).
MAX_SCORES = 8192


def _scores(ctx: _Context, index: _Index) -> tuple[list[float], float]:
    """``_score_row`` and its largest score (0.0 for no row), remembered by the context's texts (callers
    do not change the list)."""
    out = index.scores.get(ctx.key)
    if out is None:
        if len(index.scores) >= MAX_SCORES:
            index.scores.clear()
            index.candidates.clear()
        row = _score_row(ctx, index)
        out = index.scores[ctx.key] = row, max(row, default=0.0)
    return out


def _candidates(key: tuple[str, ...], row: list[float], index: _Index, min_score: float) -> list[int]:
    """The rows whose score in ``row`` (the scores of the context ``key``) is at least ``min_score``, in
    order, remembered like the scores (callers do not change the list)."""
    out = index.candidates.get((key, min_score))
    if out is None:
        out = index.candidates[key, min_score] = [j for j, sc in enumerate(row) if sc >= min_score]
    return out


def _score_row(ctx: _Context, index: _Index) -> list[float]:
    """Each row's score for one unit: the share of the row label's bigrams found in the best-weighted
    context (own label, with the text before, after, or both), plus 0.1 when its enumerator precedes
    it (else times the row's factor without enumerator), times the row's weight.

    A context counts its bigrams only for the rows that hold them; a row that shares none scores 0, or
    0.1 × its weight when its enumerator is in the label (a two-character key is in the label exactly
    when it is one of the label's bigrams)."""
    best: dict[int, float] = {}
    sizes = index.sizes
    for text, w in ctx.texts():
        if not text:
            continue
        have = _bigrams(text)
        counts: dict[int, int] = {}
        for bg in have:
            for j in index.bigrams.get(bg, ()):
                counts[j] = counts.get(j, 0) + 1
        for j, c in counts.items():
            sc = c / sizes[j] * w
            if sc > best.get(j, 0.0):
                best[j] = sc
    hit = {j for key in _bigrams(ctx.own).intersection(index.enums) for j in index.enums[key]} if ctx.own else set()
    out = [0.0] * len(sizes)
    weights, without = index.weights, index.without_enum
    for j, b in best.items():
        out[j] = (b + 0.1 if j in hit else b * without[j]) * weights[j]
    for j in hit:
        if j not in best:
            out[j] = (0.0 + 0.1) * weights[j]
    return out


ORDER_FILL_SCORE = 0.2

_PREFIX_RE = re.compile(r"^[一二三四五六七]?(?:本年度办理结果)?[一二三四五六七]?(?:不予公开|无法提供|不予处理|其他处理)?[1-8]?")


@lru_cache(maxsize=4096)
def bare_label(label: str) -> str:
    """A label without enumerators and group names: '(三)不予公开 1.属于国家秘密' -> '属于国家秘密'
    (remembered, like ``_compact_label``: the template's labels recur in every report)."""
    return _PREFIX_RE.sub("", _compact_label(label), count=1)


@lru_cache(maxsize=32)
def _bare_index(specs: tuple[RowSpec, ...]) -> dict[str, int]:
    index: dict[str, int] = {}
    for j, sp in enumerate(specs):
        bare = bare_label(sp.label)
        if bare and bare not in index:
            index[bare] = j
    return index


#: ``_spec_index`` and ``_bare_index`` of a list of rows, by the identity of its specs (a look-up by the
#: specs themselves hashes each spec, a dataclass, for every table read). An entry holds its specs, so
#: no id in its key can be another object's while it stands.
_CACHE: dict[tuple[int, ...], tuple[tuple[RowSpec, ...], _Index, dict[str, int]]] = {}


def _indexes(specs: Sequence[RowSpec]) -> tuple[_Index, dict[str, int]]:
    """(``_spec_index``, ``_bare_index``) of ``specs``."""
    key = tuple(map(id, specs))
    hit = _CACHE.get(key)
    if hit is None:
        if len(_CACHE) >= 32:
            _CACHE.clear()
        rows = tuple(specs)
        hit = _CACHE[key] = rows, _spec_index(rows), _bare_index(rows)
    return hit[1], hit[2]


def _exact_assignment(units: Sequence[Unit], specs: Sequence[RowSpec]) -> dict[str, int] | None:
    """When every unit's label is a template label, in template order, the assignment needs no scoring."""
    index = _indexes(specs)[1]
    out: dict[str, int] = {}
    last = -1
    for i, u in enumerate(units):
        j = index.get(bare_label(u.label))
        if j is None or j <= last:
            return None
        out[specs[j].key] = i
        last = j
    return out


def assign(
    units: Sequence[Unit],
    specs: Sequence[RowSpec],
    min_score: float = MIN_SCORE,
    fits: Callable[[Unit, RowSpec], bool] | None = None,
    order_fill: float = ORDER_FILL_SCORE,
) -> dict[str, int]:
    """Best order-preserving assignment of units to rows: {row key: unit index}."""
    return assign_scored(units, specs, min_score, fits, order_fill=order_fill)[0]


def assign_scored(
    units: Sequence[Unit],
    specs: Sequence[RowSpec],
    min_score: float = MIN_SCORE,
    fits: Callable[[Unit, RowSpec], bool] | None = None,
    side: str = "both",
    order_fill: float = ORDER_FILL_SCORE,
) -> tuple[dict[str, int], float]:
    """Best order-preserving assignment of units to rows, and its total score.

    Rows whose label is too damaged to pass ``min_score`` are still assigned by order when they sit
    alone between two matched rows, their unit has the right number of values (``fits``) and some
    resemblance to the label (``ORDER_FILL_SCORE``). ``side`` restricts where units without a label of
    their own look for it (see ``_context``).
    """
    m, n = len(units), len(specs)
    if not m or not n:
        return {}, 0.0
    exact = _exact_assignment(units, specs)
    if exact is not None:
        return exact, float(len(exact))
    index = _indexes(specs)[0]
    s: list[list[float]] = []
    cands: list[list[int]] = []
    for u in units:
        # A unit whose own label matches a row well needs no look at the label text around it.
        ctx = _context(u, with_gaps=False)
        row, top = _scores(ctx, index)
        if top < WHOLE_LABEL:
            ctx = _context(u, side=side)
            row = _scores(ctx, index)[0]
        s.append(row)
        cands.append(_candidates(ctx.key, row, index, min_score))
    dp, back = _order_dp(s, n, min_score, cands)
    pairs: list[tuple[int, int]] = []
    i, j = m, n
    while i > 0 and j > 0:
        mv = back[i][j]
        if mv == 2:
            pairs.append((i - 1, j - 1))
            i, j = i - 1, j - 1
        elif mv == 1:
            j -= 1
        else:
            i -= 1
    pairs.reverse()
    total = dp[m][n]
    if fits is not None:
        pairs = _fill_by_order(pairs, s, units, specs, fits, order_fill)
    return {specs[j].key: i for i, j in pairs}, total


def _order_dp(s: list[list[float]], n: int, min_score: float, candidates: Sequence[list[int]] | None = None,
              ) -> tuple[list[list[float]], list[list[int]]]:
    """dp[i][j]: the best total using units[:i] and specs[:j]; back[i][j]: the move that gives it (0 skip
    the unit, 1 skip the spec, 2 match them; ties go to the lower move). ``candidates`` (each row's
    columns scoring at least ``min_score``) are found from ``s`` when not given.

    Sparse form of the full table: a row's values never fall below the row above, nor fall from left to
    right. A cell that is no candidate (score under ``min_score``) takes the larger of the cell above
    (move 0) and the cell to its left (move 1, when strictly larger). So each row starts as a copy of
    the row above with moves 0; only its candidates are computed one by one — by the same comparisons
    and additions as the full table —, and after each the cells up to the next candidate take its value
    with move 1 while the row above is below it: a prefix of them, found by bisection (rows are sorted)."""
    dp = [[0.0] * (n + 1)]
    back: list[list[int]] = [[0] * (n + 1)]
    for i, srow in enumerate(s):
        up = dp[-1]
        cur = up.copy()
        brow = [0] * (n + 1)
        cands = candidates[i] if candidates is not None else [j for j, sc in enumerate(srow) if sc >= min_score]
        last = len(cands) - 1
        for k, j in enumerate(cands):
            best, move = up[j + 1], 0
            left = cur[j]
            if left > best:
                best, move = left, 1
            diag = up[j] + srow[j]
            if diag > best:
                best, move = diag, 2
            cur[j + 1] = best
            brow[j + 1] = move
            # The cells after it, up to the next candidate's column: best while the row above is below it.
            stop = bisect_left(up, best, j + 2, (cands[k + 1] if k < last else n) + 1)
            if stop > j + 2:
                cur[j + 2 : stop] = [best] * (stop - j - 2)
                brow[j + 2 : stop] = [1] * (stop - j - 2)
        dp.append(cur)
        back.append(brow)
    return dp, back


def _fill_by_order(
    pairs: list[tuple[int, int]],
    s: list[list[float]],
    units: Sequence[Unit],
    specs: Sequence[RowSpec],
    fits: Callable[[Unit, RowSpec], bool],
    min_fill: float,
) -> list[tuple[int, int]]:
    """Pair leftover units and rows one-to-one when they are the only ones between two anchors."""
    anchors = [(-1, -1), *pairs, (len(units), len(specs))]
    out = list(pairs)
    for (ia, ja), (ib, jb) in itertools.pairwise(anchors):
        free_units = list(range(ia + 1, ib))
        free_specs = [j for j in range(ja + 1, jb) if specs[j].weight >= 1.0]
        if len(free_units) != len(free_specs) or not free_units:
            continue
        cand = list(zip(free_units, free_specs, strict=True))
        if all(fits(units[i], specs[j]) and s[i][j] >= min_fill for i, j in cand):
            out.extend(cand)
    return sorted(out)
