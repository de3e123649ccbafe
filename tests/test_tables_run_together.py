"""Table cells run together with no separator, from the gold numbers: split only where the relations
leave one way (C4 within a 表三 row, then C1/C3 across rows; C5 within a 表四 group).

Every variant gives for every cell the truth or null, never another number, and no FAIL; a null makes
the report UNCERTAIN. 表三's rows must all be recovered; 表四's fifteen numbers exactly when one split of
the digits satisfies C5 (decided here by brute force over every cut, independently of the parser);
表二's rows have no relation inside a row and stay unknown, with a note.
"""

from __future__ import annotations

import itertools
from functools import cache

import pytest

from service.pipeline import analyze_document
from service.reading import read_bytes
from service.tables.digit_runs import split_digits
from tests.test_tables_unseen import check, truth
from tests.unseen_layouts import (
    Style,
    cells_of,
    report_text,
    t2_run_together,
    t3_rows_on_one_line,
    t3_run_together,
    t4_run_together,
    truth_cells,
    with_style,
)

NAMES = ["huaian-city-2024", "synthetic-city-2025", "hongze-district-2024", "004_3233181e384595fa",
         "000_b08e00100893f003", "001_70d6925fef033874", "002_3d6f9c5b0d566f35", "003_03a04d677c33f02f",
         "shuyang-fagai-2023"]


def _run(name: str, style: Style) -> object:
    text = report_text(truth(name), style)
    return analyze_document(read_bytes(text.encode("utf-8"), "glued.txt"), narrative=False)


@pytest.mark.parametrize(("glue_label", "space_at", "sep"),
                         [(g, s, sep) for g in (False, True) for s in (0, 1, 2, 3, 5) for sep in ("\t", " ", "  ")])
@pytest.mark.parametrize("name", NAMES)
def test_t3_rows_run_together(name: str, glue_label: bool, space_at: int, sep: str) -> None:
    report = _run(name, with_style(t3=t3_run_together(glue_label, space_at), sep=sep))
    check(report, truth(name), "all")
    cells = [c for row in report.tables.table3.rows.values() for c in row.cells]  # type: ignore[attr-defined]
    # Split by the relations (with the span of its digits), or, for a row with too many splits to try,
    # determined by C1/C3 from the other rows: never presented as printed.
    assert all(c.inferred_from for c in cells)
    assert all(c.span for c in cells if "无分隔" in (c.inferred_from or ""))
    assert sum("无分隔" in (c.inferred_from or "") for c in cells) >= 7 * 20


@pytest.mark.parametrize(("runs", "seed", "glue_label"),
                         [(r, s, g) for r in (5, 6, 7, 8, 9) for s in range(4) for g in (False, True)])
@pytest.mark.parametrize("name", NAMES)
def test_t3_stray_blanks_make_as_many_runs_as_cells(name: str, runs: int, seed: int, glue_label: bool) -> None:
    """Cells run together with stray blanks that cut each long row into 5–9 runs — 7 of them look
    like seven printed cells: in a table whose rows run together a blank is no proof of a border, so a
    row whose runs break its own C4 is split by the relations, never read as printed (no C4 FAIL on a
    reading artefact), never another number."""
    report = _run(name, with_style(t3=t3_run_together(glue_label, stray=(runs, seed))))
    check(report, truth(name), "all")
    t3 = report.tables.table3  # type: ignore[attr-defined]
    for row in t3.rows.values():
        digits = "".join(c.printed or "" for c in row.cells)
        if len(digits) > 7:  # a row with blanks inside its digits: split, with the span of each cell
            assert all(c.inferred_from and c.span for c in row.cells), row.key


@pytest.mark.parametrize(("per_line", "sep", "groups_once"),
                         [(p, s, g) for p in (25, 8, 5, 3, 2) for s in ("", " ", "\t") for g in (False, True)])
@pytest.mark.parametrize("name", NAMES)
def test_t3_rows_run_together_on_one_line(name: str, per_line: int, sep: str, groups_once: bool) -> None:
    """Several 表三 rows on one line, each row's digits glued to the next row's label — with a group
    name printed once, to the next enumerator's digit (``…政府信息2200003252.没有现成…``): a row starts at
    an enumerator after the digits of the row before (a sub-row's enumerator is one digit), then the
    digits are split by the relations; every cell keeps the span of its digits."""
    report = _run(name, with_style(t3=t3_rows_on_one_line(per_line, sep, groups_once)))
    check(report, truth(name), "all")
    t3 = report.tables.table3  # type: ignore[attr-defined]
    text = _text(name, with_style(t3=t3_rows_on_one_line(per_line, sep, groups_once)))
    for row in t3.rows.values():
        for cell in row.cells:
            if cell.span:  # printed digits (a cell determined by C1/C3 alone has none)
                assert text[cell.span[0] : cell.span[1]] == cell.printed


def _text(name: str, style: Style) -> str:
    return report_text(truth(name), style)


@cache
def _t4_unique(name: str) -> bool | None:
    """Whether exactly one cut of the 15 digits satisfies C5 (None: too long to brute-force here)."""
    flat = truth(name).t4_flat
    digits = "".join(str(v) for v in flat)
    if len(digits) > 22:
        return None
    fits = 0
    for cuts in itertools.combinations(range(1, len(digits)), 14):
        b = (0, *cuts, len(digits))
        parts = [digits[b[i] : b[i + 1]] for i in range(15)]
        if any(len(p) > 1 and p[0] == "0" for p in parts):
            continue
        v = [int(p) for p in parts]
        fits += all(sum(v[g * 5 : g * 5 + 4]) == v[g * 5 + 4] for g in range(3))
    return fits == 1


@pytest.mark.parametrize(("per_group", "space_at"), [(p, s) for p in (False, True) for s in (0, 2, 4)])
@pytest.mark.parametrize("name", NAMES)
def test_t4_fifteen_numbers_run_together(name: str, per_group: bool, space_at: int) -> None:
    t = truth(name)
    report = _run(name, with_style(t4=t4_run_together(per_group, space_at)))
    check(report, t, "none")
    got = cells_of(report)
    t4 = [k for k in truth_cells(t) if k.startswith("t4.")]
    known = [k for k in t4 if got.get(k) is not None]
    assert len(known) in (0, 15), "a 表四 split is all or nothing"
    unique = _t4_unique(name)
    if unique is not None:
        assert (len(known) == 15) == unique
    else:  # the long ones: several splits fit C5 (one shown here), so nothing is split
        found = split_digits("".join(str(v) for v in t.t4_flat), 15,
                             [(tuple(range(g * 5, g * 5 + 4)), g * 5 + 4) for g in range(3)])
        assert found is None or len(found) > 1
        assert known == []


@pytest.mark.parametrize("name", NAMES)
def test_t2_rows_run_together_stay_unknown(name: str) -> None:
    t = truth(name)
    report = _run(name, with_style(t2=t2_run_together))
    check(report, t, "none")
    got = cells_of(report)
    for row in ("regulations", "normative_documents"):
        assert all(got.get(f"t2.{row}.{c}") is None for c in ("issued", "repealed", "in_force"))
    assert report.summary.status.value == "UNCERTAIN"  # type: ignore[attr-defined]


def test_split_is_bounded() -> None:
    """Worst case: a long run of one digit; the search stops (the row stays unknown) instead of
    enumerating every cut."""
    g3 = [((0, 1, 2, 3, 4, 5), 6)]
    assert split_digits("1" * 40, 7, g3) is None
    assert split_digits("1" * 65, 7, g3) == []  # longer than any row: not tried
    assert split_digits("2000002", 7, g3) == [[(0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (5, 6), (6, 7)]]
