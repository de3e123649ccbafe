"""Batch parts: unknown cells and rates, cross-year matching, discovery names, executor, rate gate."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from service.batch.aggregate import aggregate, unit_type
from service.batch.crossyear import Entry, Who, c6, c7, group_units, year_pairs
from service.batch.discovery import discover
from service.batch.executor import WorkerDied, run_bounded
from service.batch.limiter import RateGate, RateLimitedError
from service.batch.model import Record, UnitDigest
from service.errors import InputError
from service.tables.layout import T3_KEYS_2021


def digest(org: str | None, year: int | None = 2024, **cells: list[int | None]) -> UnitDigest:
    apps: dict[str, list[int | float | None]] = {k: [0] * 7 for k in T3_KEYS_2021}
    apps.update(cells)
    rl: dict[str, dict[str, int | float | None]] = {
        g: {"upheld": 0, "corrected": 0, "other": 0, "pending": 0, "total": 0}
        for g in ("review", "litigation_direct", "litigation_after_review")}
    return UnitDigest(organization=org, year=year, format="2021", kind="text", applications=apps, review_litigation=rl,
                      active_disclosure={"regulations": {"issued": 0, "repealed": 0, "in_force": 2},
                                         "normative_documents": {"issued": 1, "repealed": 0, "in_force": 5},
                                         "licensing": 3, "penalty": None, "coercion": 0, "fees_10k_yuan": 1.5})


def record(name: str, d: UnitDigest) -> Record:
    return Record(name=name, path=f"{name}.txt", file_sha256=name, key="k", status="ok", report=f"reports/{name}.json",
                  digest=d)


def test_unknown_cells_are_named_not_summed_and_rates_exclude_them() -> None:
    a = digest("甲区民政局", new_received=[2, 0, 0, 0, 0, 0, 2], granted=[1, 0, 0, 0, 0, 0, 1],
               total_processed=[2, 0, 0, 0, 0, 0, 2])
    b = digest("乙区民政局", new_received=[None, 0, 0, 0, 0, 0, 5], granted=[3, 0, 0, 0, 0, 0, None],
               total_processed=[5, 0, 0, 0, 0, 0, 5])
    agg = aggregate([record("a", a), record("b", b)])
    new = agg.t3["new_received"]
    assert new[6].value == 7 and new[6].reports == 2
    assert new[0].value == 2 and new[0].unknown == ["乙区民政局"]
    grant = next(r for r in agg.rates if r.key == "grant")
    assert (grant.numerator, grant.denominator, grant.reports) == (1, 2, 1)
    assert grant.excluded == ["乙区民政局"] and grant.shown() == "50.0%"
    assert agg.t2["行政处罚·本年处理决定数量"].unknown == ["甲区民政局", "乙区民政局"]
    assert agg.t2["行政事业性收费·本年收费金额(万元)"].value == 3.0


def test_zero_denominator_gives_a_dash_with_the_reason() -> None:
    agg = aggregate([record("a", digest("甲区民政局"))])
    rates = {r.key: r for r in agg.rates}
    assert rates["grant"].value is None and rates["grant"].shown() == "—"
    assert "为 0" in (rates["grant"].reason or "")
    assert rates["correction"].denominator_label.startswith("已审结案件")
    assert agg.top_correction == [] and agg.top_applications == []


def test_correction_rate_uses_decided_cases_only() -> None:
    d = digest("甲区人民政府")
    assert d.review_litigation is not None
    d.review_litigation["review"] = {"upheld": 6, "corrected": 2, "other": 2, "pending": 5, "total": 15}
    agg = aggregate([record("a", d)])
    corr = next(r for r in agg.rates if r.key == "correction_review")
    assert (corr.numerator, corr.denominator) == (2, 10)  # pending cases are not in the denominator
    assert agg.top_correction[0].correction.shown() == "20.0%"


def test_unit_types() -> None:
    assert unit_type("沙坡头区常乐镇") == "乡镇街道"
    assert unit_type("某某街道办事处") == "乡镇街道"
    assert unit_type("淮安市人民政府") == "人民政府"
    assert unit_type("吴忠市民政局") == "部门"
    assert unit_type(None) == "未识别"


def test_units_matched_by_normalised_name_with_or_without_region() -> None:
    entries = [Who("a", "洪泽区人民政府", 2023), Who("b", "淮安市洪泽区人民政府", 2024), Who("c", "沙坡头区 民政局", 2023),
               Who("d", "沙坡头区民政局", 2024), Who("e", "民政局", 2024), Who("f", "吴忠市民政局", 2024),
               Who("g", "吴忠市民政局", 2022), Who("h", "沙坡头区民政局", 2024)]
    groups = sorted(sorted(e.name for e in g) for g in group_units(entries))
    assert groups == [["a", "b"], ["c", "d", "h"], ["e"], ["f", "g"]]
    # the pairs compared across years: this year's first report (by name) and last year's; 吴忠 skips 2023
    assert sorted((p.name, c.name) for p, c in year_pairs(entries, 2024)) == [("a", "b"), ("c", "d")]


def test_c6_and_c7() -> None:
    y23 = digest("甲区民政局", 2023, carried_forward=[1, 0, 0, 0, 0, 0, 1])
    y24 = digest("甲区民政局", 2024, carried_over=[1, 0, 0, 0, 0, 0, 1])
    assert c6(Entry("a", "a", y23), Entry("b", "b", y24)).status == "PASS"
    y24.applications = {**(y24.applications or {}), "carried_over": [0, 0, 0, 0, 0, 0, None]}
    f = c6(Entry("a", "a", y23), Entry("b", "b", y24))
    assert f.status == "FAIL" and "自然人 1≠0" in f.message
    y24.applications["carried_over"] = [1, 0, 0, 0, 0, 0, None]
    assert c6(Entry("a", "a", y23), Entry("b", "b", y24)).status == "UNCERTAIN"
    # 现行有效 2024 = 5 (2023) + 1 - 0 = 6, but it says 5: a warning
    assert c7(Entry("a", "a", y23), Entry("b", "b", y24)).status == "WARN"
    assert y24.active_disclosure is not None
    y24.active_disclosure["normative_documents"]["in_force"] = 6
    y24.active_disclosure["regulations"]["in_force"] = 2
    assert c7(Entry("a", "a", y23), Entry("b", "b", y24)).status == "PASS"
    y23.active_disclosure = None  # 2019 format: no 现行有效件数
    assert c7(Entry("a", "a", y23), Entry("b", "b", y24)).status == "UNCERTAIN"


def test_discovery_names_are_unique_and_skip_the_output_folder(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "out" / "reports").mkdir(parents=True)
    (tmp_path / "a" / "report.txt").write_text("x")
    (tmp_path / "b" / "report.txt").write_text("x")
    (tmp_path / "b" / "other.PDF").write_text("x")
    (tmp_path / ".hidden.txt").write_text("x")
    (tmp_path / "out" / "reports" / "old.txt").write_text("x")
    found = discover([tmp_path], exclude=[tmp_path / "out"])
    assert sorted(f.name for f in found) == ["a__report.txt", "b__report.txt", "other"]
    with pytest.raises(InputError):
        discover([tmp_path / "missing"])


def test_discovery_takes_images_but_not_another_batchs_charts(tmp_path: Path) -> None:
    """Scans (PNG, JPEG, TIFF) are reports to read by OCR; the charts of an earlier batch's output are not."""
    (tmp_path / "scans").mkdir()
    for name in ("a.png", "b.JPG", "c.jpeg", "d.tif", "e.tiff", "notes.gif"):
        (tmp_path / "scans" / name).write_bytes(b"x")
    (tmp_path / "old-out" / "charts").mkdir(parents=True)
    (tmp_path / "old-out" / "results.jsonl").write_text("")
    (tmp_path / "old-out" / "charts" / "outcomes.png").write_bytes(b"x")
    (tmp_path / "old-out" / "charts" / "r.txt").write_text("x")
    found = discover([tmp_path])
    assert sorted(f.path.name for f in found) == ["a.png", "b.JPG", "c.jpeg", "d.tif", "e.tiff"]


def _square_slow(x: int) -> int:
    time.sleep(0.01)
    return x * x


def _die_on_three(x: int) -> int:
    if x == 3:
        os._exit(1)
    return x


def test_executor_threads_bound_in_flight() -> None:
    lock = threading.Lock()
    state = {"now": 0, "max": 0}

    def work(x: int) -> int:
        with lock:
            state["now"] += 1
            state["max"] = max(state["max"], state["now"])
        time.sleep(0.02)
        with lock:
            state["now"] -= 1
        if x == 5:
            raise ValueError("five")
        return x

    results = dict(run_bounded(work, range(20), limit=4, mode="thread"))
    assert state["max"] == 4
    assert isinstance(results[5], ValueError) and results[7] == 7


def test_executor_processes_and_a_dying_worker() -> None:
    assert sorted(r for _, r in run_bounded(_square_slow, range(6), limit=2, mode="process")) == [0, 1, 4, 9, 16, 25]
    out = dict(run_bounded(_die_on_three, range(6), limit=2, mode="process"))
    assert isinstance(out[3], WorkerDied)
    assert [out[i] for i in (0, 1, 2, 4, 5)] == [0, 1, 2, 4, 5]


class _Limited(Exception):
    pass


def test_rate_gate_backs_off_for_everyone_on_429() -> None:
    gate = RateGate(3, base_delay=0.05)
    calls: list[float] = []
    lock = threading.Lock()

    def call() -> str:
        with lock:
            calls.append(time.monotonic())
            first = len(calls) == 1
        if first:
            raise _Limited()
        time.sleep(0.01)
        return "ok"

    retry_after = lambda exc: 0.2 if isinstance(exc, _Limited) else None  # noqa: E731
    start = time.monotonic()
    threads = [threading.Thread(target=lambda: gate.call(call, retry_after)) for _ in range(6)]
    for t in threads:
        t.start()
        time.sleep(0.002)
    for t in threads:
        t.join()
    assert gate.rate_limited == 1 and gate.max_in_flight <= 3
    assert len(calls) == 7
    assert max(calls) - start >= 0.2  # the retry waited for Retry-After
    with pytest.raises(RateLimitedError):
        RateGate(1, retries=1, base_delay=0.001).call(lambda: (_ for _ in ()).throw(_Limited()), retry_after)


def _t3(total: int) -> list[int | float | None]:
    return [total, 0, 0, 0, 0, 0, total]


def _review(d: UnitDigest, upheld: int, corrected: int) -> UnitDigest:
    assert d.review_litigation is not None
    d.review_litigation["review"] = {"upheld": upheld, "corrected": corrected, "other": 0, "pending": 0,
                                     "total": upheld + corrected}
    return d


def test_mixed_years_and_levels_are_summed_per_year_only() -> None:
    """Three years, a city and a district under it: each year's totals are that year's sums, nothing across."""
    cells = {
        ("city23", "淮安市人民政府", 2023): 40, ("dist23", "淮安市洪泽区人民政府", 2023): 7,
        ("city24", "淮安市人民政府", 2024): 50, ("dist24", "淮安市洪泽区人民政府", 2024): 9,
        ("dept24", "沭阳县发展和改革局", 2024): 3, ("dept25", "沭阳县发展和改革局", 2025): 11,
    }
    recs = [record(name, digest(org, year, new_received=_t3(n), total_processed=_t3(n), granted=_t3(n),
                                carried_over=_t3(0), carried_forward=_t3(0)))
            for (name, org, year), n in cells.items()]
    for year in (2023, 2024, 2025):
        agg = aggregate(recs, year=year)
        expect = sum(n for (_, _, y), n in cells.items() if y == year)
        assert agg.year == year and agg.batch_years == [2023, 2024, 2025]
        assert agg.t3["new_received"][6].value == expect
        assert agg.t3["new_received"][6].reports == sum(1 for (_, _, y) in cells if y == year)
        assert {u.year for u in agg.units} == {year}
        assert agg.t2["行政许可·本年处理决定数量"].value == 3 * len(agg.units)
        # the per-year comparison lists every year side by side, each its own sum
        assert {y: agg.per_year[y]["本年新收申请"].value for y in agg.per_year} == {
            str(y): sum(n for (_, _, yy), n in cells.items() if yy == y) for y in (2023, 2024, 2025)}
    assert aggregate(recs).year == 2025  # the default is the latest year, never all years
    nested = aggregate(recs, year=2024).nested
    assert nested == [("淮安市洪泽区人民政府", "淮安市人民政府")]
    assert aggregate(recs, year=2025).nested == []


def test_nested_units() -> None:
    from service.batch.aggregate import nested_units

    units = [("淮安市人民政府", "淮安市人民政府"), ("洪泽区人民政府", "洪泽区人民政府"),
             ("洪泽区民政局", "洪泽区民政局"), ("淮安市民政局", "淮安市民政局"), ("吴忠市民政局", "吴忠市民政局")]
    assert sorted(nested_units(units)) == [("洪泽区民政局", "洪泽区人民政府"), ("淮安市民政局", "淮安市人民政府")]


def test_rankings_exclude_failing_units_and_units_with_few_cases() -> None:
    from service.batch.model import FindingDigest
    from service.batch.thresholds import Thresholds
    from service.checks.model import Status

    good = _review(digest("甲区民政局", new_received=_t3(30)), upheld=6, corrected=2)
    tiny = _review(digest("乙区民政局", new_received=_t3(1)), upheld=0, corrected=1)  # 纠错率 100% on one case
    failing = _review(digest("丙区民政局", new_received=_t3(500)), upheld=1, corrected=9)
    failing.findings = [FindingDigest(rule="C1", status=Status.FAIL, subject="表三 总计列", message="不成立")]
    failing.failed_rules = ["C1"]
    agg = aggregate([record("a", good), record("b", tiny), record("c", failing)])
    assert [u.label for u in agg.top_applications] == ["甲区民政局", "乙区民政局"]
    assert [u.label for u in agg.top_correction] == ["甲区民政局"]
    assert agg.unranked == ["丙区民政局"]
    # the failing unit is still in the totals: only the rankings leave it out
    assert agg.t3["new_received"][6].value == 531
    loose = aggregate([record("a", good), record("b", tiny)], thresholds=Thresholds(min_decided_cases=1))
    assert [u.label for u in loose.top_correction] == ["乙区民政局", "甲区民政局"]


def test_thresholds_file(tmp_path: Path) -> None:
    from service.batch.thresholds import DEFAULT, load_thresholds
    from service.errors import ConfigError

    f = tmp_path / "t.json"
    f.write_text('{"min_decided_cases": 10, "jump_up": 4}', encoding="utf-8")
    t = load_thresholds(f)
    assert (t.min_decided_cases, t.jump_up, t.min_processed) == (10, 4, DEFAULT.min_processed)
    for bad in ('{"min_cases": 3}', '{"min_decided_cases": 2.5}', "[1]", "{"):
        f.write_text(bad, encoding="utf-8")
        with pytest.raises(ConfigError):
            load_thresholds(f)


def test_risk_grades_use_thresholds_and_a_minimum_count() -> None:
    from service.batch.risk import grade_units
    from service.batch.thresholds import Thresholds

    low_open = digest("甲区民政局", new_received=_t3(20), total_processed=_t3(20), granted=_t3(4))  # 20 %
    mid_open = digest("乙区民政局", new_received=_t3(20), total_processed=_t3(20), granted=_t3(8))  # 40 %
    fine = digest("丙区民政局", new_received=_t3(20), total_processed=_t3(20), granted=_t3(18))  # 90 %
    tiny = digest("丁区民政局", new_received=_t3(2), total_processed=_t3(2), granted=_t3(0))  # 0 % of 2: not graded
    corrected = _review(digest("戊区民政局", new_received=_t3(20), total_processed=_t3(20), granted=_t3(18)),
                        upheld=6, corrected=4)  # 纠错率 40 % over 10 cases
    recs = [record(n, d) for n, d in (("a", low_open), ("b", mid_open), ("c", fine), ("d", tiny), ("e", corrected))]
    agg = aggregate(recs)
    grades = {r.label: r for r in grade_units(agg, agg.thresholds)}
    assert grades["甲区民政局"].grade == "高" and "实质公开率 20.0% 低于 30%" in grades["甲区民政局"].reasons
    assert grades["乙区民政局"].grade == "中"
    assert grades["丙区民政局"].grade == "低" and grades["丙区民政局"].reasons == []
    assert grades["丁区民政局"].grade == "样本不足" and grades["丁区民政局"].substantive is None
    assert grades["戊区民政局"].grade == "高" and grades["戊区民政局"].correction == 0.4
    strict = grade_units(agg, Thresholds(min_processed=1, substantive_high=0.1))
    assert {r.label: r.grade for r in strict}["丁区民政局"] == "高"


def test_year_over_year_flags_jumps_and_copied_text() -> None:
    from service.batch.yoy import similarity

    before = digest("甲区民政局", 2023, new_received=_t3(10), total_processed=_t3(10), granted=_t3(9))
    now = digest("甲区民政局", 2024, new_received=_t3(80), total_processed=_t3(12), granted=_t3(1))
    other = digest("乙区民政局", 2024, new_received=_t3(3))
    recs = [record("a23", before), record("a24", now), record("b24", other)]
    text = "本机关坚持以公开为常态、不公开为例外, 推进决策、执行、管理、服务、结果公开, 网站栏目更新及时。" * 3
    texts = {"a23.txt": {"overview": text.replace("推进", "推动"), "problems": text, "other": "无"},
             "a24.txt": {"overview": text, "problems": text.replace("2023", "2024"), "other": "无"}}
    rows = aggregate(recs, year=2024, texts=lambda p: texts.get(p)).yoy
    assert [r.label for r in rows] == ["甲区民政局"]  # 乙区 has no 2023 report
    (row,) = rows
    by_key = {d.key: d for d in row.deltas}
    assert by_key["new_received"].jump and by_key["new_received"].ratio == 8.0  # ×8 > ×5
    assert by_key["granted"].jump  # 9 → 1: ×0.11 < ×0.2
    assert not by_key["total_processed"].jump
    assert row.copied and any("雷同" in f for f in row.flags)
    assert similarity("信息公开工作扎实推进", "完全不同的一段文字内容") < 0.2
    # last year's text with this year's figures is the same text
    assert similarity("2023年共受理申请12件, 办结12件。", "2024年共受理申请95件, 办结90件。") == 1.0
