"""Scorers: tables cell by cell, check statuses against gold-implied ones, the narrative, and pooling."""

from __future__ import annotations

import copy
from dataclasses import replace

import pytest

from service.checks.model import CellRef, Finding, Status
from service.evaluation.gold import DEFAULT_GOLD_DIR, load_gold_dir
from service.evaluation.run import figures_of, score_report
from service.evaluation.score_checks import gold_relations, relations, score_checks
from service.evaluation.score_narrative import score_narrative
from service.evaluation.score_tables import score_tables
from service.extraction.model import Channel, Item, Narrative
from service.pipeline import analyze_document
from service.reading import read_document

GOLDS = {g.name: g for g in load_gold_dir(DEFAULT_GOLD_DIR)}
SEED = GOLDS["003_03a04d677c33f02f"]


@pytest.fixture(scope="module")
def seed_report():
    doc = read_document(SEED.report_path)
    return doc, analyze_document(doc, narrative=False)


def test_tables_right_on_a_seed_and_a_wrong_cell_is_listed_with_its_line(seed_report):
    _, report = seed_report
    scores = score_tables(SEED, report)
    assert {k: (s.right, s.total) for k, s in scores.items()} == {"表二": (10, 10), "表三": (175, 175), "表四": (15, 15)}
    bad = copy.deepcopy(report)
    bad.applications["granted"][0] = 9
    bad.review_litigation["review"]["total"] = None
    scores = score_tables(SEED, bad)
    assert scores["表三"].wrong == 1 and scores["表四"].unknown == 1
    diff = scores["表三"].diffs[0]
    assert (diff.row, diff.column, diff.gold, diff.got, diff.status) == ("granted", "自然人", 1, 9, "wrong")
    assert diff.line == report.tables.table3.rows["granted"].line


def test_gold_relations_find_the_real_violation_of_hongze_2023():
    fails = {(r.rule, r.instance) for r in gold_relations(GOLDS["hongze-district-2023"]) if r.status == "FAIL"}
    assert fails == {("C5", "group review"), ("C5", "group litigation_after_review")}
    assert not [r for r in gold_relations(SEED) if r.status != "PASS"]


def test_relations_on_changed_numbers():
    apps = copy.deepcopy(SEED.applications)
    apps["total_processed"][0] += 2
    fails = {(r.rule, r.instance) for r in relations(apps, SEED.review_litigation) if r.status == "FAIL"}
    assert fails == {("C1", "column 自然人"), ("C3", "column 自然人"), ("C4", "row total_processed")}
    apps["granted"][3] = -1
    apps["granted"][6] -= 1
    c8 = next(r for r in relations(apps, SEED.review_litigation) if r.rule == "C8")
    assert c8.status == "FAIL" and ("表三", "granted", "社会公益组织") in c8.cells


def _finding(rule: str, status: Status, row: str, column: str, table: str = "表三") -> Finding:
    return Finding(rule=rule, name=rule, status=status, subject="x", message="x",
                   cells=[CellRef(table=table, row=row, column=column, value=0)])


def test_check_statuses_compared_with_gold(seed_report):
    _, report = seed_report
    ok = score_checks(SEED, report.findings)
    assert ok.total == ok.agree == 43  # 7 C1 + 7 C3 + 25 C4 + 3 C5 + 1 C8
    # A false FAIL and a missing finding are counted, each where it belongs.
    findings = [f for f in report.findings if not (f.rule == "C5" and "复议后起诉" in f.subject)]
    findings = [f if not (f.rule == "C1" and f.subject == "表三 column 自然人")
                else _finding("C1", Status.FAIL, "一、本年新收政府信息公开申请数量", "自然人") for f in findings]
    score = score_checks(SEED, findings)
    assert (score.agree, score.false_fail, score.missing, score.missed_fail) == (41, 1, 1, 0)
    hz = GOLDS["hongze-district-2023"]
    missed = score_checks(hz, [_finding("C5", Status.PASS, "行政复议", "总计", "表四")])
    assert missed.missed_fail == 2 and missed.gold_fails == 2


def test_narrative_scores():
    gold = {
        "disclosure_total": 100, "applications_received": 2, "processing_fee_collected": False,
        "channels": [{"channel": "网站", "kind": "website", "posts": 10}, {"channel": "微信", "kind": "wechat", "posts": 5},
                     {"channel": "微博", "kind": "weibo", "posts": 5}],
        "problems": [{"text": "一是公开内容不够全面。", "category": "depth_and_breadth"},
                     {"text": "工作人员业务水平有待提高", "category": "staff_capability"}],
        "measures": [],
    }
    source = "存在问题：一是公开内容不够全面；二是工作人员业务水平有待提高。"
    pred = Narrative(
        disclosure_total=100, applications_received=3, processing_fee_collected=False,
        channels=[Channel(channel="门户网站", kind="website", posts=10), Channel(channel="微博", kind="wechat", posts=5),
                  Channel(channel="抖音", kind="video", posts=5)],
        problems=[Item(text="公开内容不够全面", category="depth_and_breadth"),
                  Item(text="工作人员业务水平有待提高", category="other"),
                  Item(text="平台互动性不强，这句不在报告里", category="platforms_and_interaction")],
        measures=[Item(text="加强培训", category="staff_capability")],
    )
    s = score_narrative(gold, pred, source)
    assert (s.channels.tp, s.channels.n_pred, s.channels.n_gold) == (2, 3, 3)  # kind and posts, one to one
    assert s.scalars == {"disclosure_total": [1, 1], "applications_received": [0, 1], "processing_fee_collected": [1, 1]}
    assert (s.problems.prf.tp, s.problems.prf.n_pred, s.problems.prf.n_gold) == (2, 3, 2)
    assert s.problems.category_accuracy == 0.5
    assert s.problems.grounded == 2 and s.problems.grounding_rate == pytest.approx(2 / 3)
    assert s.problems.mean_similarity == pytest.approx((2 * 8 / (10 + 8) + 1.0) / 2)
    assert (s.measures.prf.tp, s.measures.prf.f1) == (0, 0.0)
    none = score_narrative(gold, None, source)
    assert none.problems.prf.recall == 0.0 and none.channels.recall == 0.0
    assert all(right == 0 for right, _ in none.scalars.values())


def test_an_unreadable_report_is_scored_as_empty_and_pooled(seed_report):
    doc, report = seed_report
    good = score_report(SEED, report, doc, narrative=False)
    failed = score_report(SEED, None, None, narrative=False, error="cannot read: x")
    fig = figures_of([good, failed], narrative=False)
    assert fig["reports.errors"] == 1
    assert fig["tables.cell_accuracy"] == 0.5
    assert fig["meta.year"] == 0.5
    assert fig["checks.agreement"] == 0.5
    assert "problems.f1" not in fig


def test_a_narrative_not_from_the_backend_asked_for_is_counted(seed_report):
    from service.extraction.model import ExtractionInfo

    doc, report = seed_report
    fell = copy.deepcopy(report)
    fell.narrative = Narrative()
    fell.extraction = ExtractionInfo(backend="rules", fallback=True, fallback_reason="no LLM endpoint configured")
    res = score_report(SEED, fell, doc, narrative=True, backend="llm")
    assert res.fallback == "no LLM endpoint configured"
    assert figures_of([res], narrative=True)["extraction.fallbacks"] == 1
    fell.extraction = ExtractionInfo(backend="rules")
    assert score_report(SEED, fell, doc, narrative=True, backend="rules").fallback is None
    assert score_report(SEED, fell, doc, narrative=True, backend="llm").fallback == "所选后端 llm, 实际为 rules"


def test_c9_applications_received_is_decided_by_gold_when_the_narrative_is_scored():
    hz = GOLDS["hongze-district-2024"]  # the text says 17, 表三 一 总计 is 95
    assert ("C9", "applications received", "FAIL") in {(r.rule, r.instance, r.status) for r in gold_relations(hz, True)}
    assert not [r for r in gold_relations(hz) if r.rule == "C9"]
    c9 = Finding(rule="C9", name="applications_received", status=Status.FAIL,
                 subject="applications received (表三 一、本年新收 总计)", message="17 vs 95")
    score = score_checks(hz, [c9], narrative=True)
    assert ("C9", "applications received") not in {(d.rule, d.instance) for d in score.disagreements}
    assert score.other_fails == []
    passed = score_checks(hz, [replace(c9, status=Status.PASS)], narrative=True)
    assert ("C9", "applications received", "FAIL", "PASS") in {
        (d.rule, d.instance, d.gold, d.ours) for d in passed.disagreements}
