"""Tables: find 表二, 表三 and 表四 in a document and parse them deterministically."""

from __future__ import annotations

from dataclasses import dataclass

from service.reading.document import SourceDocument
from service.sections import SectionMap
from service.tables.format import ReportFormat, detect_format
from service.tables.label_blocks import row_labels, t2_row_labels
from service.tables.model import Table, Tables
from service.tables.regions import grid_regions, text_regions
from service.tables.table2 import gold_view_2019, gold_view_2021, parse_table2
from service.tables.table3 import parse_table3
from service.tables.table4 import parse_table4, value_runs
from service.tables.tokens import Token, grid_units, line_tokens, text_units

__all__ = ["ParsedTables", "gold_view_2019", "gold_view_2021", "parse_tables"]


@dataclass
class ParsedTables:
    tables: Tables
    format: ReportFormat
    format_evidence: list[str]


def parse_tables(doc: SourceDocument, sections: SectionMap) -> ParsedTables:
    """Parse the three tables, preferring structured grids of the source format over flattened text."""
    grids = grid_regions(doc)
    regions = text_regions(doc, sections)

    def span(key: str) -> tuple[int, int] | None:
        r = regions.get(key)
        return (r.first_line, r.last_line) if r else None

    def units(key: str, max_values: int) -> tuple[list, str]:
        if key in grids:
            return grid_units(doc, grids[key], max_values), "grid"
        r = regions.get(key)
        if r is None:
            return [], "text"
        # A block of labels apart from its rows is counted by 表三's enumerators, 表二's row names.
        if max_values == 7:
            return text_units(doc, r.first_line, r.last_line, max_values, _row_adds_up, row_labels,
                              keep_apart=True), "text"
        return text_units(doc, r.first_line, r.last_line, max_values, label_rows=t2_row_labels), "text"

    u2, src2 = units("t2", 3)
    u3, src3 = units("t3", 7)
    t2_text = ""  # the text around 表二, where the two formats differ most
    if "t2" in grids:
        t2_text = "".join(c.text for row in grids["t2"].rows for c in row)
    elif "t2" in regions:
        r = regions["t2"]
        t2_text = doc.folded[doc.line_span(r.first_line)[0] : doc.line_span(r.last_line)[1]]
    found = sum(1 for k in ("t2", "t3", "t4") if k in grids or k in regions)
    fmt, evidence = detect_format(doc, t2_text, found if (u2 or u3) else 0)
    parse_fmt = "2019" if fmt == "2019" else "2021"
    t2 = parse_table2(doc, u2, parse_fmt, src2, span("t2"))
    t3 = parse_table3(doc, u3, parse_fmt, src3, span("t3"))
    t4 = _table4(doc, grids, regions)
    return ParsedTables(Tables(table2=t2, table3=t3, table4=t4), fmt, evidence)


def _row_adds_up(values: list[Token]) -> bool:
    """表三's row relation (C4): the six applicant columns add up to the total."""
    nums = [t.value for t in values]
    return all(v is not None for v in nums) and sum(v for v in nums[:6] if v is not None) == nums[6]


def _table4(doc: SourceDocument, grids: dict, regions: dict) -> Table:
    rows_tokens: list[list[Token]] = []
    if "t4" in grids:
        for u in grid_units(doc, grids["t4"], 15):
            rows_tokens.append(list(u.values))
        source = "grid"
        lines = None
    else:
        r = regions.get("t4")
        source = "text"
        lines = (r.first_line, r.last_line) if r else None
        if r:
            for ln in range(r.first_line, r.last_line + 1):
                s, e = doc.line_span(ln)
                rows_tokens.append(line_tokens(doc.folded, s, e))
    return parse_table4(doc, value_runs(rows_tokens), source, lines)
