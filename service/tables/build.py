"""Turn matched units into table rows: place printed values, solve lost cells, record provenance."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import cast

from service.tables.digit_runs import Group, split_digits
from service.tables.model import Cell, CellKind, Conflict, Row, new_row, printed_cells
from service.tables.solver import CellId, Equation, Segment, Solution, cell_id, solve
from service.tables.tokens import ZERO_LOOKALIKES, Token, Unit

_NUMBER = CellKind.NUMBER


@dataclass(slots=True)
class RowInput:
    """What the text gave for one row: the unit it matched (or None) and the expected column count."""

    key: str
    label: str
    ncols: int
    unit: Unit | None = None
    values: list[Token] | None = None  # override of unit.values (e.g. 表四's flat list)
    #: The row's own sums (parts, total) in column indexes: run-together digits are split by them.
    groups: tuple[Group, ...] = ()
    relation: str = ""  # the name of those sums in notes ("C4", "C5")


@dataclass
class BuildResult:
    rows: dict[str, Row]
    notes: list[str] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    violations: int = 0


def build_rows(
    inputs: Sequence[RowInput], equations: Sequence[Equation], line_of: Callable[[int], int] | None = None
) -> BuildResult:
    """Place each row's printed values, then let the relations determine what was not printed."""
    fixed: dict[CellId, int | float | None] = {}
    cells: dict[str, list[Cell]] = {}  # each row's cells, in column order
    segments: list[Segment] = []
    seg_rows: list[RowInput] = []
    notes: list[str] = []
    conflicts: list[Conflict] = []
    pending: dict[str, tuple[RowInput, list[list[Token]], str]] = {}  # rows of run-together digits, unsplit
    # A table some of whose rows run their cells together: a blank there is no proof of a cell border.
    glued = False
    for ri in inputs:
        if ri.groups:
            vals = _values(ri)
            if vals is not None and len(vals) < ri.ncols - 1 and _digit_runs(vals):
                glued = True
                break
    for ri in inputs:
        vals = ri.values if ri.values is not None else (ri.unit.values if ri.unit else None)  # (``_values``)
        line = ri.unit.line if ri.unit else None
        ids = _cell_ids(ri.key, ri.ncols)
        if vals is None:
            fixed.update(dict.fromkeys(ids))
            cells[ri.key] = [Cell(kind=CellKind.ABSENT) for _ in ids]
            continue
        split_from = ""
        run_together = ri.groups and len(vals) < ri.ncols - 1 and all(t.kind is CellKind.NUMBER for t in vals)
        # In such a table, blanks that make about as many runs as cells but break the row's own sums
        # are tried as stray blanks inside runs before the row is read as printed.
        stray = glued and not run_together and ri.groups and _digit_runs(vals) \
            and (len(vals) != ri.ncols or not _sums_hold(vals, ri.groups))
        if run_together or stray:
            splits, note = _split_run(vals, ri)
            if stray and not splits:
                note = ""  # no reading of the digits satisfies the row's sums: read as printed
            if len(splits) == 1:
                split_from = (f"{ri.ncols} 列印成无分隔的数字串（{' '.join(t.text for t in vals)}），"
                              f"{'其中的空格不都是单元格边界，' if stray else ''}只有一种拆分满足 {ri.relation}")
                vals = splits[0]
            elif note:
                pending[ri.key] = (ri, splits, note)
                fixed.update(dict.fromkeys(ids))
                cells[ri.key] = [Cell(kind=CellKind.LOST, line=line) for _ in ids]
                continue
        if len(vals) == ri.ncols:
            row = cells[ri.key] = printed_cells(vals, line, line_of)
            fixed.update(zip(ids, [cell.value for cell in row], strict=True))  # the value of a NUMBER, else None
            if split_from:
                for cell in row:
                    cell.inferred_from = split_from
            continue
        if len(vals) < ri.ncols and all(t.kind is CellKind.NUMBER and t.value is not None for t in vals):
            seg = Segment(
                cells=ids,
                values=tuple(t.value for t in vals if t.value is not None),  # all, by the test above
                tokens=tuple(vals),
            )
            segments.append(seg)
            seg_rows.append(ri)
            cells[ri.key] = [Cell(kind=CellKind.LOST, line=line) for _ in ids]
            continue
        # More values than columns, or a short row with "/" or "-" in it: positions cannot be trusted.
        notes.append(
            f"{ri.label}：{ri.ncols} 列印出 {len(vals)} 个值（{' '.join(t.text for t in vals)}），位置无法对应，该行按未知处理"
        )
        fixed.update(dict.fromkeys(ids))
        cells[ri.key] = [Cell(kind=CellKind.LOST, line=line) for _ in ids]
    if pending:
        chosen = _split_by_relations(pending, fixed, equations, segments)
        for key, (ri, _splits, note) in pending.items():
            split = chosen.get(key)
            if split is None:
                notes.append(note)
                continue
            why = (f"{ri.ncols} 列印成无分隔的数字串，满足 {ri.relation} 的拆分中只有一种同时满足其他勾稽关系"
                   f"（{' '.join(t.text for t in split)}）")
            row = cells[key] = printed_cells(split, ri.unit.line if ri.unit else None, line_of)
            for c, cell in enumerate(row):
                fixed[(key, c)] = cell.value  # (split tokens are numbers)
                cell.inferred_from = why
    sol = solve(fixed, equations, segments)
    if sol.violations:
        sol = _unless_zeros_break(inputs, cells, fixed, equations, segments, sol, notes)
    # Apply placements.
    for s_idx, (seg, ri) in enumerate(zip(segments, seg_rows, strict=True)):
        pos = sol.placements.get(s_idx)
        line = ri.unit.line if ri.unit else None
        if pos is None:
            agreed = all(c in sol.values and c not in sol.ambiguous_cells for c in seg.cells)
            printed = " ".join(str(v) for v in seg.values)
            if agreed:
                why = (f"{len(seg.cells)} 列只印出 {len(seg.values)} 个数值（{printed}）；缺失单元格无论位于哪一列，"
                       "符合勾稽关系的结果都给出此值")
                for cell in cells[ri.key]:
                    cell.inferred_from = why
                notes.append(f"{ri.label}：{why.replace('此值', '同一行数值')}")
            elif sol.violations and _placing_adds_violations(s_idx, fixed, equations, segments, sol.violations):
                rules = _rules_through(seg.cells, equations, sol.violated)
                conflicts.append(Conflict(
                    row=ri.key, label=ri.label, printed=[str(v) for v in seg.values], line=line, rules=rules,
                    message=(f"{len(seg.cells)} 列只印出 {len(seg.values)} 个数值（{printed}）；无论缺失的单元格位于哪一列，"
                             f"勾稽关系（{'、'.join(rules)}）都无法同时成立"),
                ))
            else:
                notes.append(f"{ri.label}：{len(seg.cells)} 列只印出 {len(seg.values)} 个数值（{printed}）；"
                             "无法确定缺失的是哪一个单元格")
            continue
        lost = [c for c in range(len(seg.cells)) if c not in pos]
        row = cells[ri.key]
        for p, cell in zip(pos, printed_cells(cast(tuple[Token, ...], seg.tokens), line, line_of), strict=True):
            row[p] = cell
        notes.append(
            f"{ri.label}：{len(seg.cells)} 列只印出 {len(seg.values)} 个数值；"
            f"缺失的第 {'、'.join(str(c + 1) for c in lost)} 列由勾稽关系确定"
        )
    # Each cell not printed as a number, on its own: the relations may have determined it. (There is none
    # when every cell was placed as printed and has a value: every cell is then a NUMBER.)
    for ri in inputs if segments or None in fixed.values() else ():
        for cid, cell in zip(_cell_ids(ri.key, ri.ncols), cells[ri.key], strict=True):
            if cell.kind is _NUMBER:
                continue
            v = sol.values.get(cid)
            if v is not None and cid not in sol.ambiguous_cells:
                cell.value = v
                if cell.inferred_from is None:
                    cell.inferred_from = sol.inferred.get(cid, "勾稽关系")
    if sol.clashes:
        conflicts.append(_clash(inputs, sol.unsettled, sol.clashes))
    rows: dict[str, Row] = {}
    for ri in inputs:
        unit = ri.unit
        rows[ri.key] = new_row(ri.key, ri.label, (unit.label or None) if unit else None, unit.line if unit else None,
                               cells[ri.key])
    if sol.note:
        notes.append(sol.note)
    return BuildResult(rows, notes, conflicts, sol.violations)


def _unless_zeros_break(
    inputs: Sequence[RowInput], cells: dict[str, list[Cell]], fixed: dict[CellId, int | float | None],
    equations: Sequence[Equation], segments: Sequence[Segment], sol: Solution, notes: list[str],
) -> Solution:
    """Cells printed as a zero's look-alike ("O", "〇": read as 0) that a broken relation runs through: when,
    left open, the relations determine each of them and break less, they are read so — as text that
    was printed, the value the relations give (an "O" that OCR made of another digit). Otherwise the
    reading as 0 stands, and so do the broken relations: they may be the report's own error. ``fixed``
    and ``cells`` are changed in place when the cells are opened."""
    suspect = [cell_id(ri.key, c) for ri in inputs for c, cell in enumerate(cells[ri.key])
               if cell.kind is _NUMBER and cell.printed in ZERO_LOOKALIKES]
    through = {c for eq in equations if eq.name in sol.violated for c in eq.cells}
    suspect = [c for c in suspect if c in through]
    if not suspect:
        return sol
    alt = solve({**fixed, **dict.fromkeys(suspect)}, equations, segments)
    if alt.violations >= sol.violations or any(c not in alt.values or c in alt.ambiguous_cells for c in suspect):
        return sol
    labels = {ri.key: ri.label for ri in inputs}
    for key, col in suspect:
        fixed[(key, col)] = None
        cell = cells[key][col]
        notes.append(f"{labels[key]} 第 {col + 1} 列印为“{cell.printed}”：按 0 读取时勾稽关系不成立，"
                     f"按未印出数字处理，由勾稽关系确定为 {alt.values[(key, col)]}")
        cell.kind, cell.value = CellKind.TEXT, None
    return alt


@lru_cache(maxsize=256)
def _cell_ids(key: str, ncols: int) -> tuple[CellId, ...]:
    """A row's cell keys, in column order (made once per row and width: the same rows recur)."""
    return tuple(cell_id(key, c) for c in range(ncols))  # (the tuples the equations hold)


def _values(ri: RowInput) -> list[Token] | None:
    return ri.values if ri.values is not None else (ri.unit.values if ri.unit else None)


def _digit_runs(vals: Sequence[Token]) -> bool:
    return bool(vals) and all(t.kind is CellKind.NUMBER and t.text.isdigit() and t.text.isascii() for t in vals)


def _sums_hold(vals: Sequence[Token], groups: Sequence[Group]) -> bool:
    """Whether a row printed as all its cells satisfies its own sums (C4, C5)."""
    return all(sum(vals[p].value or 0 for p in parts) == vals[total].value for parts, total in groups)


def _split_run(vals: list[Token], ri: RowInput) -> tuple[list[list[Token]], str]:
    """Cells printed with no separator (fewer runs than cells, two cells at least glued): the
    segmentations of the digits that the row's own sums allow, as tokens with their own spans, and
    the note to give when they do not settle the row; ([], "") when none fits or it is not digits."""
    if not all(t.text.isdigit() and t.text.isascii() and t.end - t.start == len(t.text) for t in vals):
        return [], ""
    digits = "".join(t.text for t in vals)
    offsets = [t.start + i for t in vals for i in range(len(t.text))]
    head = f"{ri.label}：{ri.ncols} 列印成无分隔的数字串（{' '.join(t.text for t in vals)}），"
    found = split_digits(digits, ri.ncols, ri.groups)
    if found is None:
        return [], head + f"满足 {ri.relation} 的拆分过多，未逐一检验，该行按未知处理"
    splits = [[Token(digits[a:b], offsets[a], offsets[b - 1] + 1, CellKind.NUMBER, int(digits[a:b])) for a, b in cuts]
              for cuts in found]
    return splits, head + f"有 {len(splits)} 种拆分满足 {ri.relation}，其他勾稽关系也不能确定是哪一种，该行按未知处理"


def _split_by_relations(
    rows: dict[str, tuple[RowInput, list[list[Token]], str]], fixed: dict[CellId, int | float | None],
    equations: Sequence[Equation], segments: Sequence[Segment],
) -> dict[str, list[Token]]:
    """Of several splits of a row, the one that alone adds no violation of the table's relations (the
    other unsplit rows left unknown); a relation with an unknown operand rules nothing out."""
    out: dict[str, list[Token]] = {}
    base = solve(fixed, equations, segments).violations
    for key, (_ri, splits, _note) in rows.items():
        fitting = []
        for split in splits:
            trial = {**fixed, **{(key, c): t.value for c, t in enumerate(split)}}
            if solve(trial, equations, segments).violations <= base:
                fitting.append(split)
        if len(fitting) == 1:
            out[key] = fitting[0]
    return out


def _placing_adds_violations(
    idx: int, fixed: dict[CellId, int | float | None], equations: Sequence[Equation], segments: Sequence[Segment],
    violations: int,
) -> bool:
    """Whether the relations break more with this row's values placed than with its cells left open:
    a violation that stays when they are open is another row's error, not this row's."""
    open_cells: dict[CellId, int | float | None] = {**fixed, **dict.fromkeys(segments[idx].cells)}
    others = [seg for i, seg in enumerate(segments) if i != idx]
    return solve(open_cells, equations, others).violations < violations


def _rules_through(cells: Sequence[CellId], equations: Sequence[Equation], violated: set[str]) -> list[str]:
    """Rule names (C1, C3…) of the violated relations that run through the given cells."""
    mine = set(cells)
    names = {eq.name for eq in equations if eq.name in violated and any(c in mine for c, _ in eq.terms)}
    return sorted({name.split()[0] for name in names or violated})


def _clash(inputs: Sequence[RowInput], unsettled: set[CellId], clashes: set[str]) -> Conflict:
    """Unprinted cells that different relations set to different values: the printed numbers break a
    relation whatever they hold, and no value is presented as determined."""
    order = {ri.key: i for i, ri in enumerate(inputs)}
    cells = sorted(unsettled, key=lambda c: (order.get(c[0], len(order)), c[1]))
    first = next((ri for ri in inputs if cells and ri.key == cells[0][0]), inputs[0])
    labels = {ri.key: ri.label for ri in inputs}
    where = "、".join(f"{labels.get(k, k)} 第 {c + 1} 列" for k, c in cells[:4]) + ("等" if len(cells) > 4 else "")
    rules = sorted({name.split()[0] for name in clashes})
    return Conflict(
        row=first.key, label=first.label, printed=[], line=first.unit.line if first.unit else None, rules=rules,
        message=(f"未印出数值的单元格（{where}）由不同的勾稽关系推出不同的值：无论其取何值，"
                 f"勾稽关系（{'、'.join(rules)}）都无法同时成立，故不推定其数值"),
    )
