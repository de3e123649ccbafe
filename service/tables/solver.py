"""Determine lost or unprinted cells from the consistency relations, only when exactly one value fits.

Cells are variables; relations are linear equations with integer coefficients (C1, C3, C4, C5).
Counts are non-negative integers. Propagation derives only forced values: an equation with one
unknown, or unknowns of one sign that must all be 0. A row that printed fewer values than columns
("segment") has unknown positions; every placement is tried, and a cell is determined only when all
placements that fit the relations best agree on it.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache
from operator import mul
from typing import cast

CellId = tuple[str, int]  # (row key, column index)
Num = int | float
Exact = int | Fraction  # exact arithmetic: ints, or Fractions for decimal amounts


@lru_cache(maxsize=4096)
def cell_id(key: str, col: int) -> CellId:
    """A cell's key, one tuple a cell: the equations' terms and the tables' cells share it, so that a
    look-up of one in a dict or a set finds it by identity (equal tuples are compared item by item)."""
    return (key, col)


def _exact(v: Num) -> Exact:
    return v if isinstance(v, int) else Fraction(str(v))


@dataclass(frozen=True, slots=True)
class Equation:
    """sum(coef * cell) == 0, with a name used as provenance (e.g. "C4 row granted")."""

    name: str
    terms: tuple[tuple[CellId, int], ...]
    cells: tuple[CellId, ...] = field(init=False, repr=False, compare=False)  # the terms, split
    coefs: tuple[int, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "terms", tuple((cell_id(*c), k) for c, k in self.terms))  # (equal terms)
        object.__setattr__(self, "cells", tuple(c for c, _ in self.terms))
        object.__setattr__(self, "coefs", tuple(k for _, k in self.terms))


@dataclass(slots=True)
class Segment:
    """Values printed for an ordered run of cells, fewer than the cells: positions unknown."""

    cells: tuple[CellId, ...]
    values: tuple[Num, ...]
    tokens: tuple[object, ...] = ()  # opaque per-value payload returned with the placement


@dataclass(slots=True)
class Solution:
    values: dict[CellId, Num]
    inferred: dict[CellId, str]
    placements: dict[int, tuple[int, ...] | None]  # segment index -> chosen column positions (None: ambiguous)
    violations: int
    ambiguous_cells: set[CellId] = field(default_factory=set)
    note: str | None = None
    violated: set[str] = field(default_factory=set)  # names of equations violated (over the best placements)
    clashes: set[str] = field(default_factory=set)  # violated equations whose unknowns no value can satisfy
    unsettled: set[CellId] = field(default_factory=set)  # unprinted cells set differently by clashing relations


MAX_COMBINATIONS = 4096


#: An equation as ``_propagate`` reads it: (its index, its name, the sum of the terms known in advance, the
#: other terms). The known terms' sum is exact, so taking it first changes no result.
_Relation = tuple[int, str, Exact, tuple[tuple[CellId, int], ...]]


def _relations(equations: Sequence[Equation]) -> list[_Relation]:
    return [(i, eq.name, 0, eq.terms) for i, eq in enumerate(equations)]


def _propagate(
    known: dict[CellId, Exact],
    equations: Sequence[_Relation],
    variables: set[CellId],
    sources: dict[CellId, int] | None = None,
    clashed: list[int] | None = None,
) -> tuple[dict[CellId, Exact], dict[CellId, str], set[str]]:
    """Derive forced values. Returns (values, provenance, names of contradicted equations); when given,
    ``sources`` receives the index of the equation that set each derived cell and ``clashed`` the
    indices of contradicted equations."""
    vals = dict(known)
    prov: dict[CellId, str] = {}
    contradictions: set[str] = set()
    if sources is None:
        sources = {}
    if clashed is None:
        clashed = []
    changed = True
    done: set[int] = set()
    while changed:
        changed = False
        for idx, name, const0, terms in equations:
            if idx in done:
                continue
            const: Exact = const0
            unknown: list[tuple[CellId, int]] = []
            for cell, coef in terms:
                known_v = vals.get(cell)
                if known_v is None:
                    if cell in variables:
                        unknown.append((cell, coef))
                    else:
                        unknown = []
                        const = 0
                        done.add(idx)  # an operand that can never be known
                        break
                else:
                    const += coef * known_v
            else:
                if not unknown:
                    done.add(idx)
                    if const != 0:
                        contradictions.add(name)
                        clashed.append(idx)
                    continue
                if len(unknown) == 1:
                    cell, coef = unknown[0]
                    v: Exact = -const * coef if coef in (1, -1) else Fraction(-const) / coef
                    if v < 0 or (isinstance(v, Fraction) and v.denominator != 1):
                        contradictions.add(name)
                        clashed.append(idx)
                        done.add(idx)
                        continue
                    vals[cell] = v
                    prov[cell] = name
                    sources[cell] = idx
                    done.add(idx)
                    changed = True
                    continue
                signs = {1 if c > 0 else -1 for _, c in unknown}
                if len(signs) == 1:
                    sign = signs.pop()
                    rest = -const * sign  # sum(|coef| * x) == rest
                    if rest == 0:
                        for cell, _ in unknown:
                            vals[cell] = 0
                            prov[cell] = name + "（各项非负且合计为 0）"
                            sources[cell] = idx
                        done.add(idx)
                        changed = True
                    elif rest < 0:
                        contradictions.add(name)
                        clashed.append(idx)
                        done.add(idx)
    return vals, prov, contradictions


@dataclass(slots=True)
class _Group:
    """Placements of one segment that complete its cells to the same values (by its own relations)."""

    values: dict[CellId, Exact]
    provenance: dict[CellId, str]
    placements: list[tuple[int, ...]]
    contradicted: set[str]


def _segment_groups(seg: Segment, equations: Sequence[Equation]) -> list[_Group]:
    cells = set(seg.cells)
    local = _relations([eq for eq in equations if cells.issuperset(eq.cells)])
    groups: dict[tuple[object, ...], _Group] = {}
    exact = [_exact(v) for v in seg.values]
    at = seg.cells.__getitem__
    for pos in itertools.combinations(range(len(seg.cells)), len(seg.values)):
        known = dict(zip(map(at, pos), exact, strict=True))
        vals, prov, bad = _propagate(known, local, cells)
        key = (*map(vals.get, seg.cells), *sorted(bad))
        if key in groups:
            groups[key].placements.append(pos)
        else:
            groups[key] = _Group(vals, prov, [pos], bad)
    return list(groups.values())


def solve(
    fixed: dict[CellId, Num | None],
    equations: Sequence[Equation],
    segments: Sequence[Segment] = (),
    max_combinations: int = MAX_COMBINATIONS,
) -> Solution:
    """Fill what the relations force. ``fixed`` maps every cell to its printed number or None."""
    if not segments and None not in fixed.values():
        return _check_only(fixed, equations)  # everything printed: nothing to infer, only to count
    seg_groups = [_segment_groups(seg, equations) if len(seg.values) <= len(seg.cells) else [] for seg in segments]
    total = _combinations(seg_groups)
    if total > max_combinations:
        # Many rows each lost a cell (a 2019 table with 总计 left blank on every result row): keep only
        # the placements that satisfy their own row's relations, when every row has some.
        fitting = [[g for g in groups if not g.contradicted] for groups in seg_groups]
        if all(f or not g for f, g in zip(fitting, seg_groups, strict=True)) \
                and _combinations(fitting) <= max_combinations:
            seg_groups, total = fitting, _combinations(fitting)
    if total > max_combinations:
        # Too many ways to place the values: leave every cell of those segments unknown.
        base = _run(_prepare(fixed, equations, segments), equations, segments, [None] * len(segments))
        base.placements = dict.fromkeys(range(len(segments)))
        base.note = f"印出数值的可能排列有 {total} 种，未逐一枚举"
        return base
    best: list[tuple[Solution, tuple[_Group | None, ...]]] = []
    best_viol: int | None = None
    choices: list[list[_Group | None]] = [list(g) if g else [None] for g in seg_groups]
    prepared = _prepare(fixed, equations, segments)
    for combo in itertools.product(*choices):
        sol = _run(prepared, equations, segments, combo)
        if best_viol is None or sol.violations < best_viol:
            best, best_viol = [(sol, tuple(combo))], sol.violations
        elif sol.violations == best_viol:
            best.append((sol, tuple(combo)))

    def placement(group: _Group | None) -> tuple[int, ...] | None:
        return group.placements[0] if group is not None and len(group.placements) == 1 else None

    if len(best) == 1:
        sol, combo = best[0]
        sol.placements = {i: placement(g) for i, g in enumerate(combo)}
        return sol
    # Several placements fit equally well: keep only what they all agree on.
    first = best[0][0]
    agreed: dict[CellId, Num] = {}
    inferred: dict[CellId, str] = {}
    ambiguous: set[CellId] = set()
    cells = set().union(*(s.values.keys() for s, _ in best))
    for cell in cells:
        vs = {s.values.get(cell) for s, _ in best}
        if len(vs) == 1 and None not in vs:
            agreed[cell] = first.values[cell]
            prov = next((s.inferred[cell] for s, _ in best if cell in s.inferred), None)
            if prov:
                inferred[cell] = prov
        else:
            ambiguous.add(cell)
    placements: dict[int, tuple[int, ...] | None] = {}
    for idx in range(len(segments)):
        opts = {placement(c[idx]) for _, c in best}
        placements[idx] = opts.pop() if len(opts) == 1 else None
    violated = set().union(*(s.violated for s, _ in best))
    clashes = set.intersection(*(s.clashes for s, _ in best))
    unsettled = set().union(*(s.unsettled for s, _ in best)) if clashes else set()
    return Solution(agreed, inferred, placements, best_viol or 0, ambiguous, violated=violated, clashes=clashes,
                    unsettled=unsettled)


def _combinations(seg_groups: Sequence[Sequence[_Group]]) -> int:
    total = 1
    for groups in seg_groups:
        total *= max(1, len(groups))
    return total


def _check_only(fixed: dict[CellId, Num | None], equations: Sequence[Equation]) -> Solution:
    """A table with every cell printed: its values as they are, and the relations that do not hold."""
    if _whole(fixed):
        violated = _broken(cast(dict[CellId, Exact | None], fixed), equations)  # ints: their own exact values
        return Solution(cast(dict[CellId, Num], fixed.copy()), {}, {}, len(violated), violated=violated)  # no None
    violated = _broken({cell: _exact(v) for cell, v in fixed.items() if v is not None}, equations)
    values = {cell: v for cell, v in fixed.items() if v is not None}
    return Solution(values, {}, {}, len(violated), violated=violated)


def _whole(fixed: dict[CellId, Num | None]) -> bool:
    """Whether every printed value is a whole number (an int; None for a cell not printed)."""
    return set(map(type, fixed.values())) <= _WHOLE


_WHOLE = frozenset({int, type(None)})


def _broken(known: Mapping[CellId, Exact | None], equations: Iterable[Equation]) -> set[str]:
    """Names of the relations whose operands are all known and do not hold: one exact sum each (a
    relation with an operand not known says nothing)."""
    broken: set[str] = set()
    get = known.get
    for eq in equations:
        try:
            if sum(map(mul, eq.coefs, map(get, eq.cells))) != 0:
                broken.add(eq.name)
        except TypeError:  # an operand not known: ``mul`` or ``sum`` met a None (one pass, no list)
            continue
    return broken


@dataclass(slots=True)
class _Prepared:
    """What every placement of the segments shares: the printed values (exact, and as ``_run`` returns
    them), the open cells, the relations an open cell enters (with their indexes), and the relations
    that only printed values enter, broken or not whatever the placements are."""

    known: dict[CellId, Exact]
    nums: dict[CellId, Num]
    variables: set[CellId]
    active: list[_Relation]  # with the printed terms summed in advance
    broken: set[str]
    overlap: bool  # a segment's cell was also given a printed value (``known`` is then not final)


def _prepare(fixed: dict[CellId, Num | None], equations: Sequence[Equation], segments: Sequence[Segment]) -> _Prepared:
    known: dict[CellId, Exact] = {}
    nums: dict[CellId, Num] = {}
    variables: set[CellId] = set()
    if _whole(fixed):
        variables = {cell for cell, v in fixed.items() if v is None}
        nums = {cell: v for cell, v in fixed.items() if v is not None}
        known = cast(dict[CellId, Exact], nums)  # whole numbers are their own exact values (neither is changed)
    else:
        for cell, v in fixed.items():
            if v is None:
                variables.add(cell)
            elif isinstance(v, int):
                known[cell] = nums[cell] = v
            else:
                known[cell] = x = _exact(v)
                nums[cell] = _num(x)
    placed = {c for seg in segments for c in seg.cells}
    overlap = not placed.isdisjoint(known)
    open_cells = placed | variables
    active: list[_Relation] = []
    closed: list[Equation] = []  # relations of printed cells only
    for idx, eq in enumerate(equations):
        if open_cells.isdisjoint(eq.cells):
            closed.append(eq)
            continue
        const: Exact = 0  # the printed terms' sum (exact: the order does not matter)
        terms: list[tuple[CellId, int]] = []  # the open ones
        for term in eq.terms:
            c, k = term
            if c in open_cells:
                terms.append(term)
                continue
            printed = known.get(c)
            if printed is None:
                break  # an operand that can never be known: the relation says nothing in any placement
            const += k * printed
        else:
            active.append((idx, eq.name, 0, eq.terms) if overlap else (idx, eq.name, const, tuple(terms)))
    broken = _broken(known, closed)
    return _Prepared(known, nums, variables, active, broken, overlap)


def _run(
    prepared: _Prepared,
    equations: Sequence[Equation],
    segments: Sequence[Segment],
    combo: Sequence[_Group | None],
) -> Solution:
    known = dict(prepared.known)
    variables = set(prepared.variables)
    seeded: dict[CellId, str] = {}
    local_bad: set[str] = set()
    for seg, group in zip(segments, combo, strict=True):
        variables.update(seg.cells)
        if group is None:
            continue
        known.update(group.values)
        variables.difference_update(group.values)
        seeded.update(group.provenance)
        local_bad |= group.contradicted
    sources: dict[CellId, int] = {}
    clashed: list[int] = []  # relations of printed values only are left out: their cells are none derived
    vals, prov, contradicted = _propagate(known, prepared.active, variables, sources, clashed)
    contradicted |= local_bad | prepared.broken
    # A lost cell of a placed row (seeded) keeps its value: the placement already fits the relations best.
    unsettled, clashes = _unsettled(equations, clashed, vals, sources, set(prov))
    if prepared.overlap:
        out: dict[CellId, Num] = {cell: _num(x) for cell, x in vals.items() if cell not in unsettled}
    else:
        # The printed values come first in ``vals``, unchanged (only open cells are derived, and only
        # derived cells are unsettled).
        out = dict(prepared.nums)
        for cell, x in itertools.islice(vals.items(), len(prepared.known), None):
            if cell not in unsettled:
                out[cell] = _num(x)
    inferred = {cell: why for cell, why in {**seeded, **prov}.items() if cell not in unsettled}
    return Solution(out, inferred, {}, len(contradicted), violated=contradicted, clashes=clashes, unsettled=unsettled)


def _unsettled(
    equations: Sequence[Equation], clashed: list[int], vals: dict[CellId, Exact], sources: dict[CellId, int],
    derived: set[CellId],
) -> tuple[set[CellId], set[str]]:
    """Derived cells that a contradicted relation could be satisfied by, had they other values: two
    relations set them differently, so none is determined. Cells derived from them go with them.
    Returns (those cells, names of the relations that cannot all hold)."""
    tainted: set[CellId] = set()
    names: set[str] = set()
    for idx in clashed:
        eq = equations[idx]
        free = [(c, k) for c, k in eq.terms if c in derived or c not in vals]
        if not any(c in derived for c, _ in free):
            continue  # the printed numbers alone break it
        const = sum(k * vals[c] for c, k in eq.terms if (c, k) not in free)
        signs = {1 if k > 0 else -1 for _, k in free}
        if len(signs) == 1 and -const * signs.pop() < 0:
            continue  # no non-negative values of its derived cells satisfy it either: a failure as printed
        names.add(eq.name)
        for c, _ in free:
            if c in derived and c not in tainted:
                tainted.add(c)
                if c in sources:
                    names.add(equations[sources[c]].name)
    if not tainted:
        return tainted, names
    changed = True
    while changed:  # what was derived from a tainted cell is no better
        changed = False
        for cell, idx in sources.items():
            if cell not in tainted and any(c in tainted for c, _ in equations[idx].terms):
                tainted.add(cell)
                changed = True
    return tainted, names


def _num(x: Exact) -> Num:
    if isinstance(x, int):
        return x
    return int(x) if x.denominator == 1 else float(x)
