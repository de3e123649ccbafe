"""Every table cell of the five seeds equals gold; every relation passes; inferred cells say why."""

from __future__ import annotations

import pytest

from service.checks.model import Status
from service.pipeline import analyze_path
from service.tables.layout import T3_KEYS_2021
from service.tables.model import CellKind
from tests._corpus import SEEDS, gold_for


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.stem[:3])
def test_seed_tables_equal_gold(path):
    report = analyze_path(path, narrative=False)
    gold = gold_for(path)
    assert report.format == gold["format"]
    assert report.active_disclosure == gold["active_disclosure"]
    assert list(report.applications) == T3_KEYS_2021
    assert report.applications == gold["applications"]
    assert report.review_litigation == gold["review_litigation"]


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.stem[:3])
def test_seed_relations_all_pass(path):
    report = analyze_path(path, narrative=False)
    rules = {f.rule for f in report.findings}
    assert {"C1", "C3", "C4", "C5", "C8", "C10"} <= rules
    bad = [f for f in report.findings if f.status in (Status.FAIL, Status.UNCERTAIN)]
    assert bad == []
    assert report.summary is not None and report.summary.status is Status.PASS


def test_seed_000_shows_inferred_cells():
    path = next(p for p in SEEDS if p.stem.startswith("000"))
    t3 = analyze_path(path, narrative=False).tables.table3
    # (七)总计 printed six numbers; the lost one is 自然人 = 2, determined by the relations.
    lost = t3.rows["total_processed"].cells[0]
    assert lost.kind is CellKind.LOST and lost.value == 2
    assert lost.inferred_from and lost.inferred_from.startswith(("C1", "C3", "C4"))
    printed = t3.rows["total_processed"].cells[6]
    assert printed.kind is CellKind.NUMBER and printed.printed == "2" and printed.line == 62
    # 二、上年结转 printed six zeros: every placement gives zeros, and the cells say so.
    assert all(c.inferred_from and "无论位于哪一列" in c.inferred_from for c in t3.rows["carried_over"].cells)


def test_seed_004_shows_inferred_cells():
    path = next(p for p in SEEDS if p.stem.startswith("004"))
    report = analyze_path(path, narrative=False)
    t3 = report.tables.table3
    for key in ("carried_over", "granted", "total_processed"):
        assert all(c.inferred_from for c in t3.rows[key].cells), key
        assert all(c.value == 0 for c in t3.rows[key].cells)
    info = [f for f in report.findings if f.rule == "READ" and f.name == "cells inferred"]
    assert info and info[0].cells and all(c.inferred_from for c in info[0].cells)
    # 表四: the one lawsuit without prior review, corrected.
    assert report.review_litigation["litigation_direct"] == {"upheld": 0, "corrected": 1, "other": 0, "pending": 0, "total": 1}
    # 行政强制 printed '钊 0' (OCR noise): the label still matches, the value is read.
    coercion = report.tables.table2.rows["coercion"].cells[0]
    assert coercion.value == 0 and coercion.kind is CellKind.NUMBER
