"""The dev corpus (three PDFs, two saved HTML pages) parses to the gold tables exactly."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from service.reading import SourceDocument, read_document
from service.sections import find_sections
from service.tables import gold_view_2021, parse_tables
from service.tables.layout import T3_KEYS_2021, T4_COLUMNS, T4_GROUPS

DEV = Path(__file__).parent.parent / "eval" / "corpus" / "dev"
GOLD = Path(__file__).parent.parent / "eval" / "gold"
DEV_FILES = sorted(p.name for p in DEV.iterdir())


def table_mismatches(doc: SourceDocument, gold: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    """Differences between the parsed 表二/表三/表四 and a gold file's tables."""
    parsed = parse_tables(doc, find_sections(doc))
    t = parsed.tables
    bad: list[tuple[str, Any, Any]] = []
    got2 = gold_view_2021(t.table2)
    if got2 != gold["active_disclosure"]:
        bad.append(("active_disclosure", got2, gold["active_disclosure"]))
    for key in T3_KEYS_2021:
        got = t.table3.rows[key].values if key in t.table3.rows else None
        if got != gold["applications"][key]:
            bad.append((key, got, gold["applications"][key]))
    for group in T4_GROUPS:
        got4 = dict(zip(T4_COLUMNS, t.table4.rows[group].values, strict=True))
        if got4 != gold["review_litigation"][group]:
            bad.append((group, got4, gold["review_litigation"][group]))
    return bad


@pytest.mark.parametrize("name", DEV_FILES)
def test_dev_file_parses_to_gold_tables(name: str) -> None:
    path = DEV / name
    gold = json.loads((GOLD / (path.stem + ".json")).read_text(encoding="utf-8"))
    doc = read_document(path)
    assert doc.kind == path.suffix.lstrip(".")
    assert table_mismatches(doc, gold) == []


@pytest.mark.parametrize("name", DEV_FILES)
def test_dev_file_tables_are_grids_with_offsets(name: str) -> None:
    doc = read_document(DEV / name)
    assert len(doc.tables) == 3  # 表二, 表三, 表四; a table split over pages is one grid
    for grid in doc.tables:
        for row in grid.rows:
            assert row, "rows without cells are not kept"
            line = doc.line_of(row[0].start or 0)
            cells = doc.line_text(line).split("\t")
            assert cells == [c.text for c in row]  # one text line per row, cells tab-separated
            for cell in row:
                assert cell.start is not None and cell.end is not None
                assert doc.text[cell.start : cell.end] == cell.text


@pytest.mark.parametrize("name", DEV_FILES)
def test_dev_file_sections_found(name: str) -> None:
    doc = read_document(DEV / name)
    assert find_sections(doc).missing == []
