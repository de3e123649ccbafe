"""The pipeline as the service uses it: analyse stored bytes, apply reviewers' cell corrections before the
checks, and give every finding a stable fingerprint."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from service.pipeline import analyze_document
from service.reading import read_bytes
from service.reading.document import SourceDocument
from service.tables.model import Tables

TABLE_KEYS = ("table2", "table3", "table4")
TABLE_NAMES = {"table2": "表二", "table3": "表三", "table4": "表四"}


@dataclass(frozen=True)
class CellFix:
    """A corrected cell: table key, row key, column index, the reviewer's value."""

    table: str
    row: str
    column: int
    value: float | int


def fingerprint(finding: dict[str, Any]) -> str:
    """Rule + subject + the cells it cites (table, row, column) — not its position in the list nor the
    values, so the same finding keeps its fingerprint when a cell is corrected or the report re-analysed."""
    cells = sorted({(c.get("table"), c.get("row"), c.get("column")) for c in finding.get("cells") or []},
                   key=lambda t: tuple(str(x) for x in t))
    key = json.dumps([finding.get("rule"), finding.get("subject"), cells], ensure_ascii=False)
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]


def with_fingerprints(findings: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each finding with ``fingerprint``; findings that share one get ``~2``, ``~3`` … in order."""
    seen: dict[str, int] = {}
    out = []
    for f in findings:
        fp = fingerprint(f)
        seen[fp] = seen.get(fp, 0) + 1
        out.append({**f, "fingerprint": fp if seen[fp] == 1 else f"{fp}~{seen[fp]}"})
    return out


def _corrector(fixes: list[CellFix]) -> Callable[[Tables], None]:
    def correct(tables: Tables) -> None:
        for fix in fixes:
            table = getattr(tables, fix.table)
            row = table.rows.get(fix.row)
            if row is not None and 0 <= fix.column < len(row.cells):
                row.cells[fix.column].value = fix.value

    return correct


def read(data: bytes, filename: str) -> SourceDocument:
    """Raises InputError (with the CLI's one-line reason) for unreadable input."""
    return read_bytes(data, filename)


def analyze(doc: SourceDocument, fixes: list[CellFix] | None = None) -> dict[str, Any]:
    """The report JSON document (as ``govreport parse --json``), findings fingerprinted; with ``fixes`` the
    tables carry the corrected values and every check ran on them."""
    report = analyze_document(doc, correct=_corrector(fixes) if fixes else None)
    document: dict[str, Any] = json.loads(report.model_dump_json())
    document["findings"] = with_fingerprints(document.get("findings") or [])
    return document


@lru_cache(maxsize=64)
def source_text(path: str, filename: str) -> str:
    """The text of a stored report file (what spans and line numbers refer to), cached per file."""
    with open(path, "rb") as fh:
        return read_bytes(fh.read(), filename).text


def parsed_cell(document: dict[str, Any], table: str, row: str, column: int) -> dict[str, Any] | None:
    """The parsed cell of a report document, or None if the table has no such row or column."""
    rows = ((document.get("tables") or {}).get(table) or {}).get("rows") or {}
    r = rows.get(row)
    if r is None or not 0 <= column < len(r["cells"]):
        return None
    cell: dict[str, Any] = r["cells"][column]
    return cell


def column_labels(document: dict[str, Any], table: str, row: str) -> list[str]:
    t = (document.get("tables") or {}).get(table) or {}
    r = (t.get("rows") or {}).get(row) or {}
    cols: list[str] = r.get("columns") or t.get("columns") or []
    return cols
