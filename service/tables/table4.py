"""表四 政府信息公开行政复议、行政诉讼情况: 15 numbers, three groups of five, C5 per group."""

from __future__ import annotations

import itertools
from functools import lru_cache

from service.reading.document import SourceDocument
from service.tables.build import RowInput, build_rows
from service.tables.layout import T4_COLUMN_LABELS, T4_GROUP_LABELS, T4_GROUPS
from service.tables.model import Cell, CellKind, Row, Table
from service.tables.solver import Equation
from service.tables.tokens import NONE_WORDS, Token

NVALUES = 15
_GROUP_SUMS = tuple((tuple(range(g * 5, g * 5 + 4)), g * 5 + 4) for g in range(3))  # C5 per group


def equations() -> list[Equation]:
    return list(_equations())


@lru_cache(maxsize=1)
def _equations() -> tuple[Equation, ...]:
    eqs = []
    for g, group in enumerate(T4_GROUPS):
        base = g * 5
        eqs.append(Equation(f"C5 {T4_GROUP_LABELS[group]}: 总计 = 维持 + 纠正 + 其他 + 尚未审结",
                            tuple([(("all", base + i), 1) for i in range(4)] + [(("all", base + 4), -1)])))
    return tuple(eqs)


def _fifteen(doc: SourceDocument, tokens: list[Token]) -> tuple[list[Token] | None, str | None]:
    """From more than 15 values, the run of whole lines holding exactly 15 when every other line is a
    short stray (a page number such as '3' or '- 3 -'); None when there is no single such run."""
    by_line: list[list[Token]] = []
    for t in tokens:
        ln = doc.line_of(t.start) if t.start >= 0 else -1
        if by_line and (doc.line_of(by_line[-1][0].start) if by_line[-1][0].start >= 0 else -1) == ln:
            by_line[-1].append(t)
        else:
            by_line.append([t])
    found: list[tuple[int, int]] = []
    for i in range(len(by_line)):
        total = 0
        for j in range(i, len(by_line)):
            total += len(by_line[j])
            if total >= NVALUES:
                break
        if total == NVALUES and all(len(g) <= 3 for k, g in enumerate(by_line) if k < i or k > j):
            found.append((i, j))
    if len(found) != 1:
        return None, None
    i, j = found[0]
    dropped = [t.text for k, g in enumerate(by_line) if k < i or k > j for t in g]
    return [t for g in by_line[i : j + 1] for t in g], f"表格行之外的零散数值（可能是页码）已忽略：{' '.join(dropped)}"


def parse_table4(doc: SourceDocument, runs: list[list[Token]], source: str, lines: tuple[int, int] | None) -> Table:
    """表四 from its value runs in reading order (a run: values not separated by text)."""
    table = Table(name="表四", source=source, lines=lines, columns=T4_COLUMN_LABELS)
    notes: list[str] = []
    tokens = [t for run in runs for t in run]
    values: list[Token] | None = tokens
    fixed: dict[int, int | float] = {}
    if len(tokens) > NVALUES:
        values, why = _fifteen(doc, tokens)
        notes.append(why or f"应有 15 个数值，实际找到 {len(tokens)} 个（{' '.join(t.text for t in tokens)}），表四按未知处理")
    elif not tokens:
        values = None
    elif len(tokens) == NVALUES and source == "text" and not _order_trusted(runs) and not _c5_holds(tokens):
        values, fixed, note = _reorder(runs)
        notes.append(note)
    result = build_rows([RowInput("all", "表四", NVALUES, None, values, groups=_GROUP_SUMS, relation="C5")], equations(),
                        doc.line_of)
    flat = result.rows["all"].cells
    for i, v in fixed.items():  # values every consistent order agrees on (their position is known, not printed)
        flat[i] = Cell(value=v, kind=CellKind.NUMBER, printed=str(v),
                       inferred_from="表四 的数值分段印出、顺序错乱；在所有满足 C5 的排列中此位置的值相同")
    for g, group in enumerate(T4_GROUPS):
        table.rows[group] = Row(key=group, label=T4_GROUP_LABELS[group], cells=flat[g * 5 : g * 5 + 5],
                                line=next((c.line for c in flat[g * 5 : g * 5 + 5] if c.line), None))
    table.found = bool(tokens)
    table.notes = notes + result.notes
    table.conflicts = result.conflicts
    return table


def _order_trusted(runs: list[list[Token]]) -> bool:
    """Reading order is table order when the values come in one run, when the runs break only at the
    groups' boundaries (a header line between groups), or as '14 values, 总计, 1 value'."""
    lengths = [len(r) for r in runs if r]
    if len(lengths) <= 1 or lengths == [14, 1]:
        return True
    bounds = list(itertools.accumulate(lengths))[:-1]
    return all(b % 5 == 0 for b in bounds)


def _c5_holds(tokens: list[Token]) -> bool:
    vals = [t.value for t in tokens]
    if any(v is None for v in vals) or len(vals) != NVALUES:
        return False
    return all(sum(v for v in vals[g * 5 : g * 5 + 4] if v is not None) == vals[g * 5 + 4] for g in range(3))


def _reorder(runs: list[list[Token]]) -> tuple[list[Token] | None, dict[int, int | float], str]:
    """Values printed in runs out of table order (a text dump): the orders of the runs that make all
    three C5 relations hold. One order: use it. Several: keep only the cells they agree on."""
    runs = [r for r in runs if r]
    if len(runs) > 6 or any(t.kind is not CellKind.NUMBER for r in runs for t in r):
        return None, {}, "表四 的数值分段印出、顺序无法确定，表四按未知处理"
    orders: dict[tuple[int | float, ...], list[Token]] = {}
    for perm in itertools.permutations(runs):
        flat = [t for r in perm for t in r]
        if _c5_holds(flat):
            orders.setdefault(tuple(t.value for t in flat if t.value is not None), flat)
    if len(orders) == 1:
        (only,) = orders.values()
        return only, {}, "表四 的数值分段印出、顺序错乱；只有一种排列满足 C5，按该排列读取"
    agreed: dict[int, int | float] = {}
    for i in range(NVALUES):
        seen = {v[i] for v in orders}
        if len(orders) > 1 and len(seen) == 1:
            agreed[i] = seen.pop()
    return None, agreed, f"表四 的数值分段印出、顺序错乱；{len(orders)} 种排列满足 C5，只保留各排列一致的数值"


_NUMBER, _SLASH, _DASH, _BLANK = CellKind.NUMBER, CellKind.SLASH, CellKind.DASH, CellKind.BLANK


def value_runs(units_tokens: list[list[Token]]) -> list[list[Token]]:
    """The table's value tokens in reading order, from lines that are mostly values, as runs: values
    not separated by text (a header line, or a word between values)."""
    runs: list[list[Token]] = [[]]
    for toks in units_tokens:
        # Values: numbers, "/", dashes, words such as "无" (printed), and blank cells (not printed).
        is_value: list[bool] = []
        printed = blanks = 0
        for t in toks:
            k = t.kind
            if k is _BLANK:
                blanks += 1
                is_value.append(True)
            elif k is _NUMBER or k is _SLASH or k is _DASH or t.text in NONE_WORDS:
                printed += 1
                is_value.append(True)
            else:
                is_value.append(False)
        if not printed or printed * 2 < len(toks) - blanks:
            if toks and runs[-1]:
                runs.append([])  # a line of text (or a sentence with a number in it) ends the run
            continue
        for t, value in zip(toks, is_value, strict=True):
            if value:
                runs[-1].append(t)
            elif t.kind is not _BLANK and runs[-1]:
                runs.append([])
    return [r for r in runs if r]
