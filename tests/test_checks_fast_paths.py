"""The checks' fast paths give what the general code they stand for gives.

Each fast path is checked against that general code (kept here as the reference, as it was before the
fast path) over the tables of every bundled text report and over random tables: absent rows, unknown
values, floats whose sum depends on the order, inferred cells, lines missing, rows of another length.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import fields

import pytest

from service.checks import evidence, relations
from service.checks.evidence import _table_column
from service.checks.model import CellRef, Finding, Status, cell_ref, finding
from service.checks.relations import _EPS, _fmt, _refs, _unknown, check_c1, check_c3, check_c4, check_c5
from service.reading import read_bytes
from service.sections import find_sections
from service.tables import parse_tables
from service.tables.layout import T3_COLUMNS, T3_ROWS, T4_GROUPS
from service.tables.model import Cell, CellKind, Number, Row, Table, Tables
from tests._corpus import REPO

_TEXTS = sorted(p for d in ("eval/corpus", "tests/data") for p in (REPO / d).rglob("*")
                if p.suffix.lower() in (".txt", ".md") and p.name not in ("README.md", "SOURCES.md"))


# --- the general code, as it was -------------------------------------------------------------------------

def _sum_finding_reference(rule: str, name: str, subject: str, table: Table, keys: Sequence[str],
                           cols: Sequence[int], cells: Sequence[Cell | None], n: int, labels: tuple[str, str],
                           column_names: Sequence[str | None] | None = None) -> Finding:
    sums: list[Number] = []
    lines: set[int] = set()
    inferred = False
    for side in (cells[:n], cells[n:]):
        total: Number = 0
        for cell in side:
            if cell is None or cell.value is None:
                return _unknown(rule, name, subject, table, keys, cols, cells, column_names)
            total += cell.value
            if cell.line is not None:
                lines.add(cell.line)
            if cell.inferred_from:
                inferred = True
        sums.append(total)
    expected, actual = sums
    parts_label, total_label = labels
    if abs(expected - actual) < _EPS:
        msg = f"{parts_label} = {_fmt(expected)} = {total_label}"
        evidence_: list[CellRef] = []
        if inferred:
            which = [i for i, cell in enumerate(cells) if cell is not None and cell.inferred_from]
            msg += f"（其中 {len(which)} 个数值由勾稽关系推定，非原表印出）"
            evidence_ = _refs(table, keys, cols, column_names, which)
        status = Status.PASS
    else:
        detail = " + ".join(_fmt(cell.value) for cell in cells[:n] if cell is not None)
        tot_detail = " + ".join(_fmt(cell.value) for cell in cells[n:] if cell is not None)
        msg = (f"{parts_label} = {detail} = {_fmt(expected)}，但 {total_label} = "
               f"{tot_detail + ' = ' if len(cells) - n > 1 else ''}{_fmt(actual)}（相差 {_fmt(actual - expected)}）")
        evidence_ = _refs(table, keys, cols, column_names, range(len(cells)))
        status = Status.FAIL
    return finding(rule=rule, name=name, category="report", status=status, subject=subject, message=msg,
                   expected=expected, actual=actual, cells=evidence_, lines=sorted(lines))


def _t3_columns_reference(t3: Table, keys: Sequence[str]) -> list[list[Cell | None]]:
    rows = [t3.rows.get(k) for k in keys]
    return [[None if r is None else r.cells[c] for r in rows] for c in range(len(T3_COLUMNS))]


def _ref_reference(table: Table, row: str, col: int, column_name: str | None = None) -> CellRef:
    r = table.rows.get(row)
    if r is None:
        return cell_ref(table=table.name, row=row, column=column_name or _table_column(table, col), value=None,
                        kind="absent")
    cell = r.cells[col]
    return cell_ref(table=table.name, row=r.label, column=column_name or (r.columns[col] if r.columns else
                                                                         _table_column(table, col)),
                    value=cell.value, printed=cell.printed, kind=str(cell.kind), line=cell.line,
                    inferred_from=cell.inferred_from, confidence=cell.confidence, at=cell.at)


# --- tables to check them on -----------------------------------------------------------------------------

def _bundled_tables() -> Iterator[Tables]:
    for path in _TEXTS:
        doc = read_bytes(path.read_bytes(), path.name)
        yield parse_tables(doc, find_sections(doc)).tables


def _random_cell(rng: random.Random) -> Cell:
    value: Number | None = rng.choice([None, 0, 1, 2, 7, 12, 0.1, 0.2, 0.3, 1e16, 1.5, -3, True, 10**30])
    return Cell(value=value, kind=CellKind.NUMBER if value is not None else rng.choice(list(CellKind)),
                printed=None if value is None else str(value), line=rng.choice([None, 3, 4, 9]),
                inferred_from=rng.choice([None, None, "", "C4"]), confidence=rng.choice([None, 0.5]),
                at=rng.choice([None, "page 1"]))


def _random_tables(n: int, seed: int) -> Iterator[Table]:
    rng = random.Random(seed)
    for _ in range(n):
        width = rng.choice([7, 7, 7, 6, 8])
        t3 = Table(name="表三", columns=list(T3_COLUMNS), found=True)
        for spec in T3_ROWS:
            if rng.random() < 0.85:
                t3.rows[spec.key] = Row(key=spec.key, label=spec.label, line=rng.choice([None, 5]),
                                        cells=[_random_cell(rng) for _ in range(width)])
        yield t3


def _random_t4(n: int, seed: int) -> Iterator[Table]:
    rng = random.Random(seed)
    for _ in range(n):
        t4 = Table(name="表四", columns=[str(i) for i in range(15)], found=True)
        for g in T4_GROUPS:
            t4.rows[g] = Row(key=g, label=g, cells=[_random_cell(rng) for _ in range(5)])
        yield t4


def _values(findings: list[Finding]) -> list[list[object]]:
    return [[getattr(f, fd.name) for fd in fields(f)] for f in findings]


def _same(fast: list[Finding], slow: list[Finding]) -> None:
    assert fast == slow
    assert _values(fast) == _values(slow)
    for f in fast:  # the written-out constructor set every field
        assert all(hasattr(f, fd.name) for fd in fields(Finding))
    # a float sum is the same float, not only an equal one (0.1 + 0.2 + 0.3 is not 0.3 + 0.2 + 0.1)
    assert [repr(f.expected) for f in fast] == [repr(f.expected) for f in slow]
    assert [repr(f.actual) for f in fast] == [repr(f.actual) for f in slow]


def _relations(t3: Table, t4: Table | None) -> list[Finding]:
    out: list[Finding] = []
    for check in (check_c1, check_c3, check_c4):
        try:
            out += check(t3)
        except IndexError:  # rows shorter than 表三's columns: both codes raise
            out.append(finding(rule="IndexError", name=check.__name__, status=Status.INFO, subject="", message=""))
    if t4 is not None:
        out += check_c5(t4)
    return out


def _general(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(relations, "_sum_finding", _sum_finding_reference)
    monkeypatch.setattr(relations, "_t3_columns", _t3_columns_reference)
    monkeypatch.setattr(relations, "ref", _ref_reference)


def _compare(monkeypatch: pytest.MonkeyPatch, pairs: list[tuple[Table, Table | None]]) -> None:
    fast = [_relations(t3, t4) for t3, t4 in pairs]
    with monkeypatch.context() as m:
        _general(m)
        slow = [_relations(t3, t4) for t3, t4 in pairs]
    assert len(fast) == len(slow)
    for a, b in zip(fast, slow, strict=True):
        _same(a, b)


def test_relations_on_the_bundled_tables_are_the_general_codes(monkeypatch: pytest.MonkeyPatch) -> None:
    pairs: list[tuple[Table, Table | None]] = [(t.table3, t.table4) for t in _bundled_tables()]
    assert len(pairs) > 20
    _compare(monkeypatch, pairs)


def test_relations_on_random_tables_are_the_general_codes(monkeypatch: pytest.MonkeyPatch) -> None:
    pairs: list[tuple[Table, Table | None]] = [
        *((t3, None) for t3 in _random_tables(400, 1)),
        *zip(_random_tables(200, 2), _random_t4(200, 3), strict=True),
    ]
    _compare(monkeypatch, pairs)
    statuses = {f.status for t3, t4 in pairs for f in _relations(t3, t4)}
    assert {Status.PASS, Status.FAIL, Status.UNCERTAIN} <= statuses  # every path was taken


def test_t3_columns_is_the_general_code() -> None:
    keys = [spec.key for spec in T3_ROWS]
    for t3 in _random_tables(300, 4):
        for chosen in (keys, keys[:4], [keys[0]], []):
            try:
                slow = _t3_columns_reference(t3, chosen)
            except IndexError:
                with pytest.raises(IndexError):
                    relations._t3_columns(t3, chosen)
                continue
            assert [list(c) for c in relations._t3_columns(t3, chosen)] == slow


def test_ref_is_the_general_code() -> None:
    for t3 in _random_tables(100, 5):
        for key in [spec.key for spec in T3_ROWS]:
            for col, name in ((0, None), (6, None), (7, None), (2, "列")):
                try:
                    slow = _ref_reference(t3, key, col, name)
                except IndexError:
                    with pytest.raises(IndexError):
                        evidence.ref(t3, key, col, name)
                    continue
                fast = evidence.ref(t3, key, col, name)
                assert fast == slow
                assert [getattr(fast, f.name) for f in fields(CellRef)] == [getattr(slow, f.name) for f in fields(CellRef)]
