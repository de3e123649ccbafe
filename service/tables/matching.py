"""Assign units to table rows by label similarity and row order (dynamic programming).

Rows are identified by what their label says and where they stand, never by line position: a
label split over lines, OCR noise or header fragments lower a score but rarely change the order.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
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


@dataclass(frozen=True, slots=True)
class _Context:
    """A unit's label contexts, compacted once: own label, with the text before, after, and both."""

    own: str
    variants: tuple[tuple[frozenset[str], float], ...]


#: Own-label recall above which the text around a unit is not consulted (the label is whole).
WHOLE_LABEL = 0.75


def _context(unit: Unit, with_gaps: bool = True, side: str = "both") -> _Context:
    """A unit's label contexts. A unit with no label of its own takes its label from one ``side`` only
    ("before" or "after") when the caller has decided which way the table prints its labels."""
    own = compact(unit.label)
    if not with_gaps:
        return _Context(own, ((_bigrams(own), 1.0),) if own else ())
    before, after = compact(unit.gap_before), compact(unit.gap_after)
    if not own and side == "before":
        after = ""
    elif not own and side == "after":
        before = ""
    texts = ((own, 1.0), (before + own, 0.95), (own + after, 0.9), (before + own + after, 0.85))
    return _Context(own, tuple((_bigrams(t), w) for t, w in texts if t))


@lru_cache(maxsize=512)
def _spec_keys(spec: RowSpec) -> tuple[frozenset[str], str]:
    return _bigrams(spec.core), (spec.enum + compact(spec.core)[:1]) if spec.enum else ""


@lru_cache(maxsize=32)
def _spec_index(
    specs: tuple[RowSpec, ...],
) -> tuple[dict[str, int], tuple[tuple[int, int, str, float, float], ...]]:
    """Bit positions for every bigram of the rows' labels, and each row as (mask, size, enum key, weight,
    factor without enumerator)."""
    index: dict[str, int] = {}
    out = []
    for sp in specs:
        want, enum_key = _spec_keys(sp)
        mask = 0
        for bg in want:
            mask |= 1 << index.setdefault(bg, len(index))
        out.append((mask, len(want), enum_key, sp.weight, sp.without_enum))
    return index, tuple(out)


def _score_row(
    ctx: _Context, index: dict[str, int], specs: tuple[tuple[int, int, str, float, float], ...]
) -> list[float]:
    """Each row's score for one unit: the share of the row label's bigrams found in the best-weighted
    context (own label, with the text before, after, or both), plus 0.1 when its enumerator precedes
    it, times the row's weight; bitmask intersections over all rows at once."""
    masks = []
    for have, w in ctx.variants:
        m = 0
        for bg in have:
            bit = index.get(bg)
            if bit is not None:
                m |= 1 << bit
        masks.append((m, w))
    row = []
    for smask, n, enum_key, weight, without_enum in specs:
        if not n:
            row.append(0.0)
            continue
        best = 0.0
        for m, w in masks:
            sc = (m & smask).bit_count() / n * w
            if sc > best:
                best = sc
        if enum_key and enum_key in ctx.own:
            best += 0.1
        elif enum_key:
            best *= without_enum
        row.append(best * weight)
    return row


ORDER_FILL_SCORE = 0.2

_PREFIX_RE = re.compile(r"^[一二三四五六七]?(?:本年度办理结果)?[一二三四五六七]?(?:不予公开|无法提供|不予处理|其他处理)?[1-8]?")


def bare_label(label: str) -> str:
    """A label without enumerators and group names: '(三)不予公开 1.属于国家秘密' -> '属于国家秘密'."""
    return _PREFIX_RE.sub("", compact(label), count=1)


@lru_cache(maxsize=32)
def _bare_index(specs: tuple[RowSpec, ...]) -> dict[str, int]:
    index: dict[str, int] = {}
    for j, sp in enumerate(specs):
        bare = bare_label(sp.label)
        if bare and bare not in index:
            index[bare] = j
    return index


def _exact_assignment(units: Sequence[Unit], specs: Sequence[RowSpec]) -> dict[str, int] | None:
    """When every unit's label is a template label, in template order, the assignment needs no scoring."""
    index = _bare_index(tuple(specs))
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
    index, spec_masks = _spec_index(tuple(specs))
    s: list[list[float]] = []
    for u in units:
        # A unit whose own label matches a row well needs no look at the label text around it.
        own = _context(u, with_gaps=False)
        row = _score_row(own, index, spec_masks)
        if max(row, default=0.0) < WHOLE_LABEL:
            row = _score_row(_context(u, side=side), index, spec_masks)
        s.append(row)
    # dp[i][j]: best total using units[:i] and specs[:j]; back: 0 skip unit, 1 skip spec, 2 match
    dp = [[0.0] * (n + 1)]
    back: list[list[int]] = [[0] * (n + 1)]
    for i in range(m):
        up = dp[i]
        srow = s[i]
        cur = [0.0] * (n + 1)
        brow = [0] * (n + 1)
        left = 0.0
        for j in range(n):
            best, move = up[j + 1], 0
            if left > best:
                best, move = left, 1
            sc = srow[j]
            if sc >= min_score:
                diag = up[j] + sc
                if diag > best:
                    best, move = diag, 2
            cur[j + 1] = left = best
            brow[j + 1] = move
        dp.append(cur)
        back.append(brow)
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
