"""Batch end to end: totals against the per-report JSON, bad files, resume, --force, kill -9, outputs."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from openpyxl import load_workbook

from service.batch import BatchOptions, run_batch
from service.batch.state import RESULTS
from service.batch.summary_xlsx import SHEETS
from service.report import Report
from service.tables.layout import T3_KEYS_2021, T4_COLUMNS, T4_GROUPS
from tests._corpus import REPO, SEEDS

SEED_002 = next(p for p in SEEDS if p.name.startswith("002_"))


def variant_2019(text: str) -> str:
    """Seed 002 in the 2019 format (国办公开办函〔2019〕60号): 表二 columns and a single (六) row, year 2020."""
    start, end = text.index("二、主动公开政府信息情况"), text.index("三、收到和处理政府信息公开申请情况")
    t2 = ("二、主动公开政府信息情况\n\n第二十条第（一）项\t\t\t\n信息内容\t本年新制作数量\t本年新公开数量\t对外公开总数量\n"
          "规章\t0\t0\t0\n规范性文件\t2\t2\t15\n第二十条第（五）项\t\t\t\n信息内容\t上一年项目数量\t本年增/减\t处理决定数量\n"
          "行政许可\t12\t1\t30\n其他对外管理服务事项\t3\t0\t5\n第二十条第（六）项\t\t\t\n"
          "信息内容\t上一年项目数量\t本年增/减\t处理决定数量\n行政处罚\t4\t0\t7\n行政强制\t1\t0\t0\n"
          "第二十条第（八）项\t\t\t\n信息内容\t上一年项目数量\t本年增/减\t\n行政事业性收费\t2\t0\t\n"
          "第二十条第（九）项\t\t\t\n信息内容\t采购项目数量\t采购总金额\t\n政府集中采购\t3\t12.5\t\n\n")
    text = text[:start] + t2 + text[end:]
    text = re.sub(r"\t\(六\) 其他处理\t1\.申请人.*?\n\t\t2\.申请人.*?\n3\.其他\t\t[^\n]*\n",
                  "\t(六) 其他处理\t0\t0\t0\t0\t0\t0\t0\n", text, flags=re.S)
    assert "(六) 其他处理\t0" in text
    return text.replace("2024", "2020").replace("国办公开办函〔2021〕30号", "国办公开办函〔2019〕60号")


def variant_prior_year(text: str, carried_forward: int) -> str:
    """Seed 002 as its 2023 report, with 四、结转下年度 set for 自然人 and 总计."""
    row = "四、结转下年度继续办理\t\t0\t0\t0\t0\t0\t0\t0"
    assert row in text
    text = text.replace(row, f"四、结转下年度继续办理\t\t{carried_forward}\t0\t0\t0\t0\t0\t{carried_forward}")
    return text.replace("2024", "2023")


def make_folder(root: Path) -> Path:
    """Seeds, the 2019-format variant, a corrupt PDF, an empty file and a .doc, in nested folders."""
    src = root / "in"
    (src / "sub").mkdir(parents=True)
    for p in SEEDS:
        shutil.copy(p, src / p.name)
    (src / "sub" / "old-format-2020.txt").write_text(variant_2019(SEED_002.read_text(encoding="utf-8")), encoding="utf-8")
    (src / "sub" / "corrupt.pdf").write_bytes(b"%PDF-1.4\n%\x00\x01\x02 not a pdf at all")
    (src / "empty.txt").write_bytes(b"")
    (src / "legacy.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64)
    (src / "notes.bin").write_bytes(b"ignored: not a report extension")
    return src


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("batch")
    src = make_folder(root)
    out = root / "out"
    result = run_batch([src], BatchOptions(out=out, progress=False))
    assert result.found == len(SEEDS) + 4
    return src, out


def records(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / RESULTS).read_text(encoding="utf-8").splitlines()]


def test_bad_files_are_errors_and_the_rest_completes(batch: tuple[Path, Path]) -> None:
    _, out = batch
    recs = {r["name"]: r for r in records(out)}
    assert recs["corrupt"]["status"] == "error" and recs["corrupt"]["error_kind"] == "input"
    assert recs["empty"]["status"] == "error" and "空" in recs["empty"]["error"]
    assert recs["legacy"]["status"] == "error" and recs["legacy"]["error_kind"] == "unsupported"
    assert "notes" not in recs
    for p in SEEDS:
        assert recs[p.stem]["status"] == "ok"
        assert (out / recs[p.stem]["report"]).exists()
    old = recs["old-format-2020"]
    assert old["status"] == "ok" and old["digest"]["format"] == "2019"
    wb = load_workbook(out / "summary-2020.xlsx", read_only=True)  # the 2019-format report is the 2020 one
    findings = list(wb["审核发现"].iter_rows(min_row=2, values_only=True))
    assert any(row[1] == "old-format-2020" and row[3] == "FORMAT" for row in findings)
    errors = {row[0] for row in wb["未处理文件"].iter_rows(min_row=2, values_only=True)}
    assert errors == {"corrupt", "empty", "legacy"}
    md = (out / "summary-2020.md").read_text(encoding="utf-8")
    assert "2019 年旧格式 1 份" in md and "未能处理 3 份" in md


def _independent_totals(out: Path, year: int) -> tuple[dict[str, list[float]], dict[str, dict[str, float]]]:
    """表三 and 表四 totals of one year summed straight from reports/*.json (not through service.batch.aggregate)."""
    t3: dict[str, list[float]] = {}
    t4: dict[str, dict[str, float]] = {g: dict.fromkeys(T4_COLUMNS, 0) for g in T4_GROUPS}
    for rec in records(out):
        if rec["status"] != "ok":
            continue
        report = json.loads((out / rec["report"]).read_text(encoding="utf-8"))
        if report["meta"]["year"] != year:
            continue
        for key, values in report["applications"].items():
            acc = t3.setdefault(key, [0] * 7)
            for i, v in enumerate(values):
                if v is not None:
                    acc[i] += v
        for g, cols in report["review_litigation"].items():
            for c, v in cols.items():
                t4[g][c] += v or 0
    return t3, t4


def _report_years(out: Path) -> dict[int, int]:
    years: dict[int, int] = {}
    for rec in records(out):
        if rec["status"] == "ok":
            y = rec["digest"]["year"]
            years[y] = years.get(y, 0) + 1
    return years


def test_totals_are_per_year_and_equal_the_sums_of_that_years_tables(batch: tuple[Path, Path]) -> None:
    """The batch mixes 2020, 2023 and 2024 reports: each year's summary sums that year's tables only."""
    _, out = batch
    years = _report_years(out)
    assert set(years) == {2020, 2023, 2024}
    for year in years:
        t3, t4 = _independent_totals(out, year)
        wb = load_workbook(out / f"summary-{year}.xlsx", read_only=True)
        sheet = {row[1]: list(row[2:9]) for row in wb["表三合计"].iter_rows(min_row=2, values_only=True)}
        for key in T3_KEYS_2021:
            assert sheet[key] == t3.get(key, [0] * 7), (year, key)
        if year == 2020:
            assert sheet["other_processing"] == t3["other_processing"]  # the 2019-format report's single (六) row
        else:
            assert "other_processing" not in sheet
        t4_sheet = {row[1]: list(row[2:7]) for row in wb["表四合计"].iter_rows(min_row=2, values_only=True)}
        for g in T4_GROUPS:
            assert t4_sheet[g] == [t4[g][c] for c in T4_COLUMNS]
        units = list(wb["单位"].iter_rows(min_row=2, values_only=True))
        assert len(units) == years[year] and {u[2] for u in units} == {year}
        md = (out / f"summary-{year}.md").read_text(encoding="utf-8")
        assert md.startswith(f"# {year}年度") and f"本年新收政府信息公开申请 {t3['new_received'][6]:,} 件" in md
        rates = {row[0]: row for row in wb["比率"].iter_rows(min_row=2, values_only=True)}
        assert rates["实质公开率"][3] == t3["granted"][6] + t3["partially_granted"][6]
        assert rates["实质公开率"][4] == t3["total_processed"][6]
        # summary.json holds the same figures, by stable keys
        js = json.loads((out / f"summary-{year}.json").read_text(encoding="utf-8"))
        assert js["year"] == year and js["reports"] == years[year]
        for key in T3_KEYS_2021:
            assert [c["value"] for c in js["table3"][key]] == t3.get(key, [0] * 7), (year, key)
        for g in T4_GROUPS:
            assert [js["table4"][g][c]["value"] for c in T4_COLUMNS] == [t4[g][c] for c in T4_COLUMNS]
        for r in js["rates"]:
            assert (r["numerator"], r["denominator"]) == tuple(rates[r["label"]][3:5])
            assert r["value"] == (rates[r["label"]][1] if rates[r["label"]][1] != "—" else None)
        ranked = [u["label"] for u in next(r for r in js["rankings"] if r["key"] == "applications")["units"]]
        table = md.split("### 申请量较多的单位", 1)[1].split("\n#", 1)[0] if ranked else ""
        assert [line.split(" | ")[0].lstrip("| ") for line in table.splitlines() if line.startswith("| ")][1:] == ranked
    # summary.* is the latest year; nothing is ever the sum over years.
    latest = load_workbook(out / "summary.xlsx", read_only=True)
    new = {row[1]: row[8] for row in latest["表三合计"].iter_rows(min_row=2, values_only=True)}["new_received"]
    assert new == _independent_totals(out, 2024)[0]["new_received"][6]
    across = sum(_independent_totals(out, y)[0]["new_received"][6] for y in years)
    assert across != new


def test_outputs_open(batch: tuple[Path, Path]) -> None:
    from docx import Document

    _, out = batch
    wb = load_workbook(out / "summary.xlsx")
    assert wb.sheetnames == SHEETS
    units = list(wb["单位"].iter_rows(min_row=2, values_only=True))
    assert len(units) == _report_years(out)[2024]
    doc = Document(str(out / "summary.docx"))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "政府信息公开工作年度报告汇总" in text and "纠错率" in text
    assert len(doc.inline_shapes) >= 1  # the outcome chart
    assert (out / "charts" / "outcomes.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    md = (out / "summary.md").read_text(encoding="utf-8")
    assert "分母" in md and "![办理结果分布](charts/outcomes.png)" in md


def test_rerun_skips_done_and_force_redoes(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    for p in SEEDS[:3]:
        shutil.copy(p, src / p.name)
    out = tmp_path / "out"
    opts = dict(out=out, progress=False, narrative=False)
    first = run_batch([src], BatchOptions(**opts))
    assert (first.processed, first.skipped) == (3, 0)
    again = run_batch([src], BatchOptions(**opts))
    assert (again.processed, again.skipped) == (0, 3)
    forced = run_batch([src], BatchOptions(**opts, force=True))
    assert (forced.processed, forced.skipped) == (3, 0)
    assert len(records(out)) == 3
    # A changed file is redone; a different versions key (narrative on) redoes everything.
    changed = src / SEEDS[0].name
    changed.write_text(changed.read_text(encoding="utf-8") + "\n附: 更正。\n", encoding="utf-8")
    partial = run_batch([src], BatchOptions(**opts))
    assert (partial.processed, partial.skipped) == (1, 2)
    other_key = run_batch([src], BatchOptions(out=out, progress=False, narrative=True, backend="rules"))
    assert other_key.processed == 3
    # A torn last line (killed mid-write) is dropped and that report redone.
    text = (out / RESULTS).read_text(encoding="utf-8")
    (out / RESULTS).write_text(text[: len(text) - 40], encoding="utf-8")
    torn = run_batch([src], BatchOptions(out=out, progress=False, narrative=True, backend="rules"))
    assert (torn.processed, torn.skipped) == (1, 2)
    names = [r["name"] for r in records(out)]
    assert sorted(names) == sorted(p.stem for p in SEEDS[:3])


def test_unexpected_exception_is_an_error_record(tmp_path: Path) -> None:
    from service.pipeline import analyze_path

    def flaky(path: str, narrative: bool, backend: str | None) -> Report:
        if "001_" in path:
            raise RuntimeError("boom")
        return analyze_path(path, narrative=False)

    src = tmp_path / "in"
    src.mkdir()
    for p in SEEDS[:3]:
        shutil.copy(p, src / p.name)
    result = run_batch([src], BatchOptions(out=tmp_path / "out", progress=False, analyze=flaky, mode="thread", jobs=2))
    by_name = {r.name: r for r in result.records}
    bad = by_name[SEEDS[1].stem]
    assert bad.status == "error" and bad.error_kind == "internal" and "RuntimeError: boom" in (bad.error or "")
    assert sum(r.status == "ok" for r in result.records) == 2
    # internal errors are retried on the next run
    rerun = run_batch([src], BatchOptions(out=tmp_path / "out", progress=False, analyze=flaky, mode="thread", jobs=2))
    assert rerun.processed == 1


def test_kill_9_halfway_then_resume(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    n = 120
    seeds = [p for p in SEEDS if not p.name.startswith("004_")]  # the quick ones
    for i in range(n):
        p = seeds[i % len(seeds)]
        (src / f"r{i:03d}.txt").write_text(p.read_text(encoding="utf-8") + f"\n编号 {i}\n", encoding="utf-8")
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "service", "batch", str(src), "--out", str(out), "--no-progress", "--no-narrative",
           "--jobs", "1"]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    results = out / RESULTS
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if results.exists() and results.read_text(encoding="utf-8").count("\n") >= 8:
            break
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    done_before = results.read_text(encoding="utf-8").count("\n")
    assert 8 <= done_before < n, "the batch was not killed halfway"
    assert not (out / "summary.xlsx").exists()
    rerun = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert rerun.returncode == 0, rerun.stderr
    assert f"本次处理 {n - done_before} 份, 已处理过 {done_before} 份" in rerun.stdout
    recs = records(out)
    names = [r["name"] for r in recs]
    assert len(names) == n and len(set(names)) == n
    assert all(r["status"] == "ok" and (out / r["report"]).exists() for r in recs)
    assert len(list((out / "reports").glob("*.json"))) == n
    assert (out / "summary.xlsx").exists()


def test_cross_year_checks_with_two_years_of_one_unit(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    text = SEED_002.read_text(encoding="utf-8")
    (src / "unit-2024.txt").write_text(text, encoding="utf-8")
    (src / "unit-2023.txt").write_text(variant_prior_year(text, carried_forward=3), encoding="utf-8")
    result = run_batch([src], BatchOptions(out=tmp_path / "out", progress=False, narrative=False))
    agg = result.aggregate
    assert agg is not None
    by_rule = {c.finding.rule: c for c in agg.cross}
    assert by_rule["C6"].finding.status == "FAIL" and by_rule["C6"].name == "unit-2024"
    assert "自然人 3≠0" in by_rule["C6"].finding.message
    assert by_rule["C7"].finding.status == "PASS"
    wb = load_workbook(tmp_path / "out" / "summary.xlsx", read_only=True)
    assert any(row[3] == "C6" and row[5] == "不通过" for row in wb["审核发现"].iter_rows(min_row=2, values_only=True))


def test_rerun_with_fewer_inputs_merges_and_replace_drops(tmp_path: Path) -> None:
    """Units send their reports over weeks: a second run with only the new reports keeps the earlier ones."""
    week1, week2 = tmp_path / "week1", tmp_path / "week2"
    week1.mkdir()
    week2.mkdir()
    for p in SEEDS[:3]:
        shutil.copy(p, week1 / p.name)
    for p in SEEDS[3:]:
        shutil.copy(p, week2 / p.name)
    out = tmp_path / "out"
    opts = dict(out=out, progress=False, narrative=False)
    run_batch([week1], BatchOptions(**opts))
    (week1 / SEEDS[0].name).unlink()  # a file of week 1 moved away since: its recorded result is kept
    second = run_batch([week2], BatchOptions(**opts))
    assert second.earlier == 1 and second.skipped == 2 and second.processed == len(SEEDS) - 3
    assert sorted(r["name"] for r in records(out)) == sorted(p.stem for p in SEEDS)
    assert any("此前运行已处理、本次未给出的 3 份报告" in n for n in second.notes)
    years = {r["digest"]["year"] for r in records(out)}
    names_in_summaries = set()
    for y in years:
        wb = load_workbook(out / (f"summary-{y}.xlsx" if len(years) > 1 else "summary.xlsx"), read_only=True)
        names_in_summaries |= {row[0] for row in wb["单位"].iter_rows(min_row=2, values_only=True)}
    assert names_in_summaries == {p.stem for p in SEEDS}
    md = (out / "summary.md").read_text(encoding="utf-8")
    assert "此前运行已处理、本次未给出的" in md
    third = run_batch([week2], BatchOptions(**opts, replace=True))
    assert sorted(r["name"] for r in records(out)) == sorted(p.stem for p in SEEDS[3:])
    assert third.earlier == 0 and any("--replace" in n for n in third.notes)
    assert not (out / "reports" / f"{SEEDS[1].stem}.json").exists()


def test_feedback_lists_each_fail_with_cell_value_and_source_line(tmp_path: Path) -> None:
    from docx import Document

    src = tmp_path / "in"
    src.mkdir()
    seed = SEEDS[3]
    text = seed.read_text(encoding="utf-8")
    wrong = text.replace("一、本年新收政府信息公开申请数量\t\t1\t0", "一、本年新收政府信息公开申请数量\t\t4\t0")
    assert wrong != text
    (src / "wrong.txt").write_text(wrong, encoding="utf-8")
    shutil.copy(SEEDS[0], src / SEEDS[0].name)
    out = tmp_path / "out"
    result = run_batch([src], BatchOptions(out=out, progress=False, narrative=False))
    assert result.aggregate is not None
    org = next(r.digest.organization for r in result.records if r.name == "wrong" and r.digest)
    assert org
    wb = load_workbook(out / ("summary-2023.xlsx" if (out / "summary-2023.xlsx").exists() else "summary.xlsx"),
                       read_only=True)
    rows = [dict(zip(next(wb["整改清单"].iter_rows(max_row=1, values_only=True)), r, strict=True))
            for r in wb["整改清单"].iter_rows(min_row=2, values_only=True)]
    locate = next(r for r in rows if r["规则"] == "LOCATE")
    assert (locate["表格"], locate["列"], locate["印出数值"], locate["应为(使勾稽关系成立)"]) == ("表三", "自然人", "4", "1")
    assert locate["行"].startswith("一、本年新收") and locate["结论"] == "不通过"
    assert locate["原文行号"] and "一、本年新收政府信息公开申请数量" in locate["原文"]
    assert "请核对原始台账" in locate["说明"]
    assert {r["规则"] for r in rows if r["单位"] == org} >= {"LOCATE", "C1", "C4"}
    folder = out / "feedback" if (out / "feedback" / f"{org}.docx").exists() else out / "feedback" / "2023"
    doc = Document(str(folder / f"{org}.docx"))
    body = "\n".join(p.text for p in doc.paragraphs)
    cells = "\n".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
    assert "整改清单" in body and "需要更正的问题" in body
    assert "印为 4; 改为 1" in cells and "一、本年新收政府信息公开申请数量" in cells
    section = doc.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    clean = next(p for p in (out / "feedback").rglob("*.docx") if p.stem != org)
    assert "未发现需要更正的错误" in "\n".join(p.text for p in Document(str(clean)).paragraphs)


def test_a_unit_with_two_reports_of_one_year_gets_two_rows_and_two_feedback_documents(tmp_path: Path) -> None:
    """A report sent twice (the first with a wrong figure, then corrected): each keeps its own row and its own
    整改清单; before, both were labelled 单位(2023) and the second document overwrote the first."""
    from docx import Document

    src = tmp_path / "in"
    src.mkdir()
    text = SEEDS[3].read_text(encoding="utf-8")
    wrong = text.replace("一、本年新收政府信息公开申请数量\t\t1\t0", "一、本年新收政府信息公开申请数量\t\t4\t0")
    assert wrong != text
    (src / "first.txt").write_text(wrong, encoding="utf-8")
    (src / "second.txt").write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    result = run_batch([src], BatchOptions(out=out, progress=False, narrative=False))
    assert result.aggregate is not None
    labels = {u.name: u.label for u in result.aggregate.units}
    org = result.aggregate.units[0].organization
    assert org and labels == {"first": f"{org}(first)", "second": f"{org}(second)"}
    docs = {p.name: "\n".join(q.text for q in Document(str(p)).paragraphs) for p in (out / "feedback").glob("*.docx")}
    assert set(docs) == {f"{org}(first).docx", f"{org}(second).docx"}
    assert "需要更正的问题" in docs[f"{org}(first).docx"] and "未发现需要更正的错误" in docs[f"{org}(second).docx"]
    wb = load_workbook(out / "summary.xlsx", read_only=True)
    fixes = {r[0] for r in wb["整改清单"].iter_rows(min_row=2, values_only=True)}
    assert fixes == {f"{org}(first)"}


def test_feedback_file_names_that_clash_after_sanitising_are_kept_apart() -> None:
    from service.batch.aggregate import UnitRow
    from service.batch.feedback import _file_names

    units = [UnitRow.__new__(UnitRow) for _ in range(3)]
    for u, label in zip(units, ["甲/乙", "甲:乙", "丙"], strict=True):
        u.label = label
    assert _file_names(units) == ["甲_乙.docx", "甲_乙 (2).docx", "丙.docx"]


def test_resume_with_nothing_new_rewrites_neither_records_nor_summaries(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    for p in SEEDS[:2]:
        shutil.copy(p, src / p.name)
    out = tmp_path / "out"
    opts = dict(out=out, progress=False, narrative=False)
    first = run_batch([src], BatchOptions(**opts))
    assert first.aggregate is not None and out / "summary.xlsx" in first.outputs
    stamps = {p: p.stat().st_mtime_ns for p in [out / RESULTS, *first.outputs]}
    again = run_batch([src], BatchOptions(**opts))
    assert (again.processed, again.skipped) == (0, 2)
    assert again.aggregate is None and again.outputs == []
    assert any(n.startswith("汇总文件已是最新") and "summary.xlsx" in n for n in again.notes)
    assert {p: p.stat().st_mtime_ns for p in stamps} == stamps
    # Whatever the summaries depend on makes them be written again: an option, a lost file, a new report.
    expected = run_batch([src], BatchOptions(**opts, expected=["某某局"]))
    assert expected.aggregate is not None and "某某局" in (out / "summary.md").read_text(encoding="utf-8")
    (out / "summary.docx").unlink()
    lost = run_batch([src], BatchOptions(**opts, expected=["某某局"]))
    assert lost.aggregate is not None and (out / "summary.docx").exists()
    shutil.copy(SEEDS[2], src / SEEDS[2].name)
    grown = run_batch([src], BatchOptions(**opts, expected=["某某局"]))
    assert grown.processed == 1 and grown.aggregate is not None and grown.aggregate.records == 3


def test_images_in_folders_are_read_by_ocr_and_a_bad_one_loses_no_report(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """A folder of scans: each image is read by OCR in the batch (a page that is not a report says so, a
    blank page and a corrupt JPEG get their one-line reasons) and the text report beside them completes;
    without the OCR extra each image's record says how to install it."""
    import io

    from PIL import Image, ImageDraw, ImageFont

    from service.reading import ocr

    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(SEEDS[0], src / SEEDS[0].name)
    page = Image.new("RGB", (900, 300), (255, 255, 255))
    ImageDraw.Draw(page).text((40, 110), "Minutes of the meeting 2024", fill=(0, 0, 0),
                              font=ImageFont.load_default(size=48))
    page.save(src / "letter.png")
    Image.new("RGB", (600, 800), (255, 255, 255)).save(src / "blank.tif")
    buf = io.BytesIO()
    Image.new("RGB", (800, 600), (120, 30, 30)).save(buf, "JPEG")
    (src / "broken.jpg").write_bytes(buf.getvalue()[: len(buf.getvalue()) // 2])
    result = run_batch([src], BatchOptions(out=tmp_path / "out", progress=False, jobs=1))
    assert result.found == 4
    recs = {r["name"]: r for r in records(tmp_path / "out")}
    assert recs[SEEDS[0].stem]["status"] == "ok"
    assert recs["letter"]["error_kind"] == "not_a_report"  # read by OCR, then judged
    assert "没有找到文字" in recs["blank"]["error"]
    assert recs["broken"]["error_kind"] == "input" and "无法读取图片" in recs["broken"]["error"]
    monkeypatch.setattr(ocr, "available", lambda: False)
    run_batch([src], BatchOptions(out=tmp_path / "out2", progress=False, jobs=1))
    recs = {r["name"]: r for r in records(tmp_path / "out2")}
    assert recs[SEEDS[0].stem]["status"] == "ok"
    for name in ("letter", "blank"):
        assert recs[name]["error_kind"] == "unsupported" and "govreport[ocr]" in recs[name]["error"]
