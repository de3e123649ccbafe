"""Rows printed without a label of their own: which rows they can be, and when that is not known.

A PDF-to-text dump of a ruled table prints label text and bare rows of numbers apart. A bare row is
placed by what its label text says only where that text names as many rows as there are bare rows
after it (the labels are then read in order). Elsewhere — one label over two bare rows, two labels
over one bare row, a row with no label text at all — the label similarity of the matcher cannot tell
neighbouring rows apart, and the rows of one group swap without breaking C1/C3. Such a row can only
be one of the rows between the placed rows around it (its candidates):

- as many bare rows as candidates: they take them in order;
- fewer: every order-preserving placement is tried against the relations; one that alone adds no
  violation is kept, otherwise the bare rows are not read (their cells stay unknown, UNCERTAIN);
- more: the matcher's placement stands (some of them are not rows of the table); the reading counts
  them, so that of the two readings of where labels stand (before or after their rows) the one that
  leaves no printed row without a place wins over one that does.

Bound: at most ``MAX_PLACEMENTS`` placements of a stretch are considered, and ``MAX_TRIALS`` table
builds are spent per reading of a table (placements alike to the relations are built once); a stretch
beyond either stays unread.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from service.tables.label_blocks import row_labels
from service.tables.matching import RowSpec
from service.tables.tokens import Unit

#: Placements of one stretch of bare rows tried against the relations, at most.
MAX_PLACEMENTS = 32
#: Table builds spent on placements per reading of a table, at most.
MAX_TRIALS = 64


@dataclass(frozen=True)
class Stretch:
    """Bare rows whose rows are not known: the units, their candidate rows, and the placements to try."""

    units: tuple[int, ...]
    keys: tuple[str, ...]
    placements: tuple[tuple[str, ...], ...]  # for each placement, the row key of each unit

    def note(self, lines: Sequence[int], labels: dict[str, str], decided: bool) -> str:
        where = "、".join(f"第 {ln} 行" for ln in lines)
        rows = "、".join(f"“{labels.get(k, k)}”" for k in self.keys)
        if decided:
            return (f"{where}的数值未印对应的行标签，可能属于 {rows} 中的行；"
                    "只有一种对应方式满足勾稽关系，按该方式读取")
        return (f"{where}的数值未印对应的行标签，可能属于 {rows} 中的任一行，"
                "勾稽关系不能区分，这些单元格按未知处理")


def _segments(units: Sequence[Unit], side: str) -> list[tuple[list[int], str | None]]:
    """Units grouped with the label text they read their label from on ``side`` ("before": the text
    before a run of bare rows; "after": the text after it): (unit indexes, that text), or
    ([i], None) for a unit with a label of its own."""
    order = range(len(units)) if side != "after" else range(len(units) - 1, -1, -1)
    out: list[tuple[list[int], str | None]] = []
    prev_labelled = True
    for i in order:
        u = units[i]
        if u.label:
            out.append(([i], None))
            prev_labelled = True
            continue
        gap = u.gap_after if side == "after" else u.gap_before
        if gap or prev_labelled:
            out.append(([i], gap))
        else:
            out[-1][0].append(i)
        prev_labelled = False
    if side == "after":
        out.reverse()
        for idx, _gap in out:
            idx.reverse()
    return out


def settle(
    units: Sequence[Unit], specs: Sequence[RowSpec], match: dict[str, int], side: str,
) -> tuple[dict[str, int], list[Stretch], int]:
    """The match with bare rows placed by their candidates, the stretches the relations must decide
    (their units left out of the match), and how many bare rows have more than there are rows for."""
    if all(u.label for u in units):
        return match, [], 0
    spec_of = {i: j for j, sp in enumerate(specs) if (i := match.get(sp.key)) is not None}
    anchored: set[int] = set()
    for idx, gap in _segments(units, side):
        if not all(i in spec_of for i in idx):
            continue
        if gap is None or len(row_labels(gap, specs)) == len(idx):
            anchored.update(idx)
    out = dict(match)
    stretches: list[Stretch] = []
    excess = 0
    anchors = sorted(anchored)
    bounds = [(-1, -1), *((i, spec_of[i]) for i in anchors), (len(units), len(specs))]
    for (ia, ja), (ib, jb) in itertools.pairwise(bounds):
        free = [i for i in range(ia + 1, ib) if not units[i].label]
        if not free:
            continue
        keys = [specs[j].key for j in range(ja + 1, jb) if specs[j].weight >= 1.0]
        if len(free) > len(keys):
            excess += len(free) - len(keys)
            continue  # more bare rows than rows: the matcher's reading stands
        for i in free:
            for k in [k for k, v in out.items() if v == i]:
                del out[k]
        if len(free) == len(keys):
            out.update(zip(keys, free, strict=True))
            continue
        fits = math.comb(len(keys), len(free)) <= MAX_PLACEMENTS
        ways = tuple(itertools.combinations(keys, len(free))) if fits else ()
        stretches.append(Stretch(tuple(free), tuple(keys), ways))
    return out, stretches, excess


def decide(
    match: dict[str, int], stretches: Sequence[Stretch], violations: Callable[[dict[str, int]], int],
    role: Callable[[str], str] = str,
) -> tuple[dict[str, int], list[tuple[Stretch, bool]]]:
    """Each stretch placed where exactly one placement adds no violation to the table read without it
    (the other undecided stretches left out); the others stay out. Returns the match and, per stretch,
    whether it was placed.

    ``role`` names what a row is to the relations (rows of one role, such as two outcome rows that
    enter C3 alike, swap without changing any relation): placements that give each unit rows of the
    same roles are tried once, and a stretch stops at the second placement that fits."""
    if not stretches:
        return match, []
    base = violations(match)
    out = dict(match)
    decided: list[tuple[Stretch, bool]] = []
    budget = MAX_TRIALS
    for st in stretches:
        alike: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
        for way in st.placements:
            alike.setdefault(tuple(role(k) for k in way), []).append(way)
        fitting: list[tuple[str, ...]] = []
        if len(alike) <= budget:
            for ways in alike.values():
                budget -= 1
                if violations({**match, **dict(zip(ways[0], st.units, strict=True))}) <= base:
                    fitting += ways
                    if len(fitting) > 1:
                        break
        if len(fitting) == 1:
            out.update(zip(fitting[0], st.units, strict=True))
        decided.append((st, len(fitting) == 1))
    return out, decided
