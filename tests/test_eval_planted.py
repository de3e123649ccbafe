"""Planted errors: variants built from the raw text with known defects, found by the right rule."""

from __future__ import annotations

import pytest

from service.evaluation.gold import DEFAULT_GOLD_DIR, load_gold_dir
from service.evaluation.planted import locate, variants
from service.evaluation.score_planted import _run_one, injection_leaks, run_planted, score_variant
from service.pipeline import analyze_document
from service.reading import read_bytes

GOLDS = {g.name: g for g in load_gold_dir(DEFAULT_GOLD_DIR)}
TEXT_SEEDS = [g for g in GOLDS.values() if g.report_path.suffix == ".txt"]


@pytest.fixture(scope="module")
def planted_run():
    return run_planted(DEFAULT_GOLD_DIR)


def test_cells_are_located_from_the_text_alone():
    g = GOLDS["001_70d6925fef033874"]  # pipe tables, every row printed in full
    loc = locate(g.report_path.read_text(encoding="utf-8"), g)
    assert sum(1 for c in loc.values() if c.table == "表三") == 175
    assert sum(1 for c in loc.values() if c.table == "表四") == 15
    assert all(c.value == g.applications[c.row][c.col] for c in loc.values() if c.table == "表三")
    g0 = GOLDS["000_b08e00100893f003"]  # rows 二 and (七) lost a cell: not located, never changed
    loc0 = locate(g0.report_path.read_text(encoding="utf-8"), g0)
    assert ("表三", "carried_over", 0) not in loc0 and ("表三", "new_received", 0) in loc0


@pytest.mark.parametrize("gold", TEXT_SEEDS, ids=lambda g: g.name[:3])
def test_variants_are_deterministic_and_cover_every_relation(gold):
    text = gold.report_path.read_text(encoding="utf-8")
    a, b = variants(gold, text), variants(gold, text)
    assert [(v.id, v.text) for v in a] == [(v.id, v.text) for v in b]
    assert len({v.id for v in a}) == len(a)
    defects = {v.defect for v in a}
    assert {"clean", "C1", "C3", "C4", "C5", "C8", "format-2019", "injection", "ocr-noise", "reorder-end"} <= defects
    for v in a:
        if v.defect == "C5":
            assert [r for r, _ in v.expected_fails] == ["C5"]
        if v.defect in ("C1", "C3", "C4"):
            assert {r for r, _ in v.expected_fails} == {v.defect, "C4"} | ({"C3"} if v.defect == "C4" else set())


def test_acceptance_single_cells_all_found_and_no_false_alarms(planted_run):
    fig = planted_run.figures()
    singles = [r for r in planted_run.results if r.single_cell]
    assert len(singles) >= 40
    assert {r.defect for r in singles} >= {"C1", "C3", "C4", "C5", "C8", "C1+C3"}
    assert fig["planted.single_cell_recall"] == 1.0, [r.id for r in singles if not r.detected]
    assert fig["planted.false_alarms"] == 0, [(r.id, r.extra_fails) for r in planted_run.results if r.false_alarms]
    assert fig["planted.errors"] == 0


def test_benign_damage_keeps_the_numbers_and_2019_is_recognised(planted_run):
    fig = planted_run.figures()
    assert fig["planted.wrong_numbers"] == 0
    assert fig["planted.silent_unknowns"] == 0
    assert fig["planted.format_2019"] == 1.0
    assert fig["planted.injection_leaks"] == 0
    assert {r.kind for r in planted_run.results} == {"clean", "value", "benign", "format2019", "injection"}


def test_the_scorer_can_say_no():
    g = GOLDS["003_03a04d677c33f02f"]
    text = g.report_path.read_text(encoding="utf-8")
    vs = variants(g, text)
    clean = analyze_document(read_bytes(text.encode(), "clean.txt"), narrative=False)
    value = next(v for v in vs if v.defect == "C3")
    res = score_variant(value, g, clean)  # the unchanged report: nothing FAILs
    assert not res.detected and res.missed == res.expected and res.wrong_numbers
    benign = next(v for v in vs if v.kind == "benign")
    changed = value.text  # a benign variant whose report reads a different number
    report = analyze_document(read_bytes(changed.encode(), "x.txt"), narrative=False)
    res = score_variant(benign, g, report)
    assert res.false_alarms >= 2 and len(res.wrong_numbers) == 1


def test_injection_leaks_are_seen():
    g = GOLDS["001_70d6925fef033874"]
    v = next(v for v in variants(g, g.report_path.read_text(encoding="utf-8")) if v.kind == "injection")
    report, err = _run_one(v, False, None)
    assert err is None and report is not None
    assert injection_leaks(report, report) == []
    report.meta.organization = "注入测试局"
    assert injection_leaks(report, None) == ["output contains '注入测试局'"]


def test_a_gold_set_without_text_reports_is_a_usage_error(tmp_path, capsys):
    from service.cli import main

    (tmp_path / "gold").mkdir()
    (tmp_path / "corpus").mkdir()
    g = GOLDS["synthetic-city-2025"]
    (tmp_path / "corpus" / "x.html").write_bytes(g.report_path.read_bytes())
    (tmp_path / "gold" / "x.json").write_text(
        g.gold_path.read_text(encoding="utf-8").replace(str(g.data["report"]), "corpus/x.html"), encoding="utf-8")
    assert main(["eval", "--planted", "--gold", str(tmp_path / "gold"), "--out", str(tmp_path / "o")]) == 2
    assert "没有可植入错误的文本报告" in capsys.readouterr().err
