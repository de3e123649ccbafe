"""表三 labels printed apart from their numbers (PDF-to-text of a ruled table), from the gold numbers.

Per chunk of rows the label cells come first (several run together on a line, group names glued on or
mixed into a label), then bare pipe rows of numbers. The rows take the labels by order when the counts
agree; when a label or a row is lost, no number may land under another row's label: the cells are
the truth or unknown, and unknown cells make the report UNCERTAIN. Known bugs are strict xfails.
"""

from __future__ import annotations

import itertools

import pytest

from service.checks.model import Status
from service.pipeline import analyze_document
from service.reading import read_bytes
from tests.test_tables_unseen import check, truth
from tests.unseen_layouts import T3_SPEC, report_text, t2_labels_apart, t3_labels_apart, with_style

NAMES = ["huaian-city-2024", "synthetic-city-2025", "hongze-district-2024", "004_3233181e384595fa",
         "000_b08e00100893f003"]
CHUNKS = (1, 2, 3, 5, 8, 25)


def _report(name: str, chunk: int, **kw: object) -> object:
    text = report_text(truth(name), with_style(t3=t3_labels_apart(chunk, **kw)))  # type: ignore[arg-type]
    return analyze_document(read_bytes(text.encode("utf-8"), "apart.txt"), narrative=False)


@pytest.mark.parametrize(("chunk", "per_line", "rule", "interleave"),
                         list(itertools.product(CHUNKS, (1, 2, 3), (True, False), (False, True))))
@pytest.mark.parametrize("name", NAMES)
def test_labels_apart_counts_agree(name: str, chunk: int, per_line: int, rule: bool, interleave: bool) -> None:
    """As many labels as rows: every number under its own label, none unknown."""
    check(_report(name, chunk, per_line=per_line, rule=rule, interleave=interleave), truth(name), "all")


@pytest.mark.parametrize(("chunk", "kind", "key"), [
    (c, k, key) for c in (2, 3, 5, 8, 25) for k in ("drop_label", "drop_row")
    for key in ("granted", "denied_process_info", "unable_not_held", "total_processed")
])
@pytest.mark.parametrize("name", NAMES[:2])
def test_labels_apart_a_label_or_row_lost(name: str, chunk: int, kind: str, key: str) -> None:
    """A label or a row lost: the truth or unknown, never another row's number; no FAIL."""
    check(_report(name, chunk, per_line=2, **{kind: key}), truth(name), "none")


_KEYS = [key for key, *_rest in T3_SPEC]


@pytest.mark.parametrize("key", _KEYS)
@pytest.mark.parametrize("chunk", (2, 3, 5, 8, 25))
@pytest.mark.parametrize("name", NAMES[:2])
def test_labels_apart_a_label_lost_rows_by_position(name: str, chunk: int, key: str) -> None:
    """One label lost from a block: its bare rows can only be the rows between the rows placed around
    them, as many as there are bare rows — they take them in order, every number known."""
    check(_report(name, chunk, per_line=2, drop_label=key), truth(name), "all")


def test_labels_apart_two_labels_over_one_row_stay_unknown() -> None:
    """Two labels over one bare row (予以公开/部分公开, whose rows swap without breaking a relation): both
    rows unknown, the report UNCERTAIN, and a reading note names the rows it could be."""
    report = _report("huaian-city-2024", 2, per_line=2, drop_row="granted")
    t3 = report.tables.table3  # type: ignore[attr-defined]
    for key in ("granted", "partially_granted"):
        row = t3.rows[key]
        assert row.line is None and row.values[0] is None and row.values[6] is None
        # what is known is what the relations determine whichever row it is (a column of zeros)
        assert all(c.value is None or c.inferred_from for c in row.cells)
    assert report.summary.status is Status.UNCERTAIN  # type: ignore[attr-defined]
    assert any("可能属于" in n and "予以公开" in n and "勾稽关系不能区分" in n for n in t3.notes)


def test_labels_apart_one_row_placed_by_the_relations() -> None:
    """Two labels over one bare row where only one placement keeps C1 (其他 vs 总计): it is read, and
    总计 is determined by the relations."""
    report = _report("huaian-city-2024", 2, per_line=2, drop_row="total_processed")
    check(report, truth("huaian-city-2024"), "all")
    t3 = report.tables.table3  # type: ignore[attr-defined]
    assert all(c.inferred_from for c in t3.rows["total_processed"].cells)
    assert any("只有一种对应方式满足勾稽关系" in n for n in t3.notes)


@pytest.mark.parametrize(("chunk", "per_line"), list(itertools.product((1, 2, 3, 5, 8, 25), (1, 2))))
@pytest.mark.parametrize("name", NAMES)
def test_labels_after_their_rows_counts_agree(name: str, chunk: int, per_line: int) -> None:
    """Each block of labels printed after its bare rows (the text layer's order in some producers):
    the runs agree with the blocks after them, not one block off."""
    check(_report(name, chunk, per_line=per_line, labels_after=True), truth(name), "all")


@pytest.mark.parametrize(("chunk", "kind", "key"), [
    (c, k, key) for c in (1, 2, 3, 5, 25) for k in ("drop_label", "drop_row")
    for key in ("new_received", "granted", "partially_granted", "unable_not_held", "total_processed",
                "carried_forward")
])
@pytest.mark.parametrize("name", NAMES)
def test_labels_after_their_rows_a_label_or_row_lost(name: str, chunk: int, kind: str, key: str) -> None:
    """Labels after their rows with a label or a row lost (at an end, the blocks before and after agree
    as well): the truth or unknown, never one block off; no FAIL."""
    check(_report(name, chunk, per_line=2, labels_after=True, **{kind: key}), truth(name), "none")


_T2_ROW_STYLES = {"pipes": None, "tabs": "\t".join, "spaces": "  ".join}


@pytest.mark.parametrize(("whole", "style"), [(w, s) for w in (False, True) for s in _T2_ROW_STYLES])
@pytest.mark.parametrize("name", NAMES)
def test_t2_labels_apart(name: str, whole: bool, style: str) -> None:
    """表二's labels (no enumerators: counted by their names) apart from its bare rows."""
    text = report_text(truth(name), with_style(t2=t2_labels_apart(whole, _T2_ROW_STYLES[style])))
    check(analyze_document(read_bytes(text.encode("utf-8"), "apart.md"), narrative=False), truth(name), "all")


@pytest.mark.parametrize("drop", ["规章", "行政许可", "行政强制", "行政事业性收费"])
@pytest.mark.parametrize("name", NAMES)
def test_t2_labels_apart_one_lost(name: str, drop: str) -> None:
    """All six labels, then all six rows, one label lost: no row is read, none under another's label."""
    text = report_text(truth(name), with_style(t2=t2_labels_apart(True, drop_label=drop)))
    report = analyze_document(read_bytes(text.encode("utf-8"), "apart.md"), narrative=False)
    check(report, truth(name), "none")
