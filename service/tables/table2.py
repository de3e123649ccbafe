"""表二 主动公开政府信息情况: rows by label; no in-year relation, so a lost cell stays unknown."""

from __future__ import annotations

from service.reading.document import SourceDocument
from service.tables.build import RowInput, build_rows
from service.tables.layout import T2_COLUMN_LABELS_2019, T2_COLUMN_LABELS_2021, T2_ROWS_2019, T2_ROWS_2021
from service.tables.matching import assign
from service.tables.model import Table
from service.tables.tokens import Unit


def parse_table2(doc: SourceDocument, units: list[Unit], fmt: str, source: str, lines: tuple[int, int] | None) -> Table:
    spec_rows = T2_ROWS_2019 if fmt == "2019" else T2_ROWS_2021
    col_labels = T2_COLUMN_LABELS_2019 if fmt == "2019" else T2_COLUMN_LABELS_2021
    all_cols: list[str] = []
    for _, cols in spec_rows:
        for c in cols:
            if col_labels[c] not in all_cols:
                all_cols.append(col_labels[c])
    table = Table(name="表二", source=source, lines=lines, columns=all_cols)
    ncols = {s.key: len(cols) for s, cols in spec_rows}
    # 表二's labels are short (规章): one OCR slip can wipe a label out. A row alone between two matched
    # rows, with exactly the values it needs, is that row whatever its label says (order_fill=0).
    match = assign(units, [s for s, _ in spec_rows], min_score=0.55, order_fill=0.0,
                   fits=lambda u, sp: len(u.values) == ncols[sp.key])
    inputs = [RowInput(s.key, s.label, len(cols), units[match[s.key]] if s.key in match else None) for s, cols in spec_rows]
    result = build_rows(inputs, [], doc.line_of)
    for spec, cols in spec_rows:
        result.rows[spec.key].columns = [col_labels[c] for c in cols]
    table.rows = result.rows
    table.notes = [n for u in units for n in u.notes] + result.notes
    table.conflicts = result.conflicts
    table.found = bool(match)
    return table


def gold_view_2021(table: Table) -> dict[str, object]:
    """表二 in the gold format's keys."""
    def v(key: str, i: int) -> int | float | None:
        return table.value(key, i)

    return {
        "regulations": {"issued": v("regulations", 0), "repealed": v("regulations", 1), "in_force": v("regulations", 2)},
        "normative_documents": {"issued": v("normative_documents", 0), "repealed": v("normative_documents", 1),
                                "in_force": v("normative_documents", 2)},
        "licensing": v("licensing", 0),
        "penalty": v("penalty", 0),
        "coercion": v("coercion", 0),
        "fees_10k_yuan": v("fees_10k_yuan", 0),
    }


def gold_view_2019(table: Table) -> dict[str, object]:
    """表二 of the 2019 format, in its own keys."""
    out: dict[str, object] = {}
    for spec, cols in T2_ROWS_2019:
        out[spec.key] = {c: table.value(spec.key, i) for i, c in enumerate(cols)}
    return out
