"""表四 政府信息公开行政复议、行政诉讼情况: 15 numbers, three groups of five, C5 per group."""

from __future__ import annotations

from service.reading.document import SourceDocument
from service.tables.build import RowInput, build_rows
from service.tables.layout import T4_COLUMN_LABELS, T4_GROUP_LABELS, T4_GROUPS
from service.tables.model import CellKind, Row, Table
from service.tables.solver import Equation
from service.tables.tokens import NONE_WORDS, Token

NVALUES = 15


def equations() -> list[Equation]:
    eqs = []
    for g, group in enumerate(T4_GROUPS):
        base = g * 5
        eqs.append(Equation(f"C5 {T4_GROUP_LABELS[group]}: 总计 = 维持 + 纠正 + 其他 + 尚未审结",
                            tuple([(("all", base + i), 1) for i in range(4)] + [(("all", base + 4), -1)])))
    return eqs


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


def parse_table4(doc: SourceDocument, tokens: list[Token], source: str, lines: tuple[int, int] | None) -> Table:
    table = Table(name="表四", source=source, lines=lines, columns=T4_COLUMN_LABELS)
    notes: list[str] = []
    values: list[Token] | None = tokens
    if len(tokens) > NVALUES:
        values, why = _fifteen(doc, tokens)
        notes.append(why or f"应有 15 个数值，实际找到 {len(tokens)} 个（{' '.join(t.text for t in tokens)}），表四按未知处理")
    elif not tokens:
        values = None
    result = build_rows([RowInput("all", "表四", NVALUES, None, values)], equations(), doc.line_of)
    flat = result.rows["all"].cells
    for g, group in enumerate(T4_GROUPS):
        table.rows[group] = Row(key=group, label=T4_GROUP_LABELS[group], cells=flat[g * 5 : g * 5 + 5],
                                line=next((c.line for c in flat[g * 5 : g * 5 + 5] if c.line), None))
    table.found = bool(tokens)
    table.notes = notes + result.notes
    table.conflicts = result.conflicts
    return table


def value_tokens(units_tokens: list[list[Token]]) -> list[Token]:
    """The table's value tokens in reading order, from lines that are mostly values."""
    out: list[Token] = []
    for toks in units_tokens:
        vals = [t for t in toks if t.kind in (CellKind.NUMBER, CellKind.SLASH, CellKind.DASH, CellKind.BLANK)
                or t.text in NONE_WORDS]
        nums = [t for t in vals if t.kind is not CellKind.BLANK]
        if not nums:
            continue
        if len(nums) * 2 < len([t for t in toks if t.kind is not CellKind.BLANK]):
            continue  # a sentence with a number in it, not a row of values
        out.extend(vals)
    return out
