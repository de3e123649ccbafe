"""govreport eval on gold directories it has never seen; thresholds and baseline decide the exit code."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from service.cli import main
from service.evaluation.baseline import compare, run_key
from service.evaluation.gold import DEFAULT_GOLD_DIR, gold_digest, load_gold_dir
from service.evaluation.planted import renumbered
from service.evaluation.thresholds import Bound, gate
from tests._corpus import EVAL

SEED = "002_3d6f9c5b0d566f35"


def _new_gold_dir(root: Path) -> Path:
    """A labelled set made here: a seed under a new name, and a renumbered copy with its own labels."""
    (root / "labels").mkdir(parents=True)
    (root / "reports").mkdir()
    gold = json.loads((EVAL / "gold" / f"{SEED}.json").read_text(encoding="utf-8"))
    text = (EVAL / "corpus" / "seeds" / f"{SEED}.txt").read_text(encoding="utf-8")
    (root / "reports" / "a.txt").write_text(text, encoding="utf-8")
    (root / "labels" / "a.json").write_text(json.dumps({**gold, "report": "reports/a.txt"}, ensure_ascii=False),
                                            encoding="utf-8")
    g = next(x for x in load_gold_dir(DEFAULT_GOLD_DIR) if x.name == SEED)
    renum = renumbered(g, text, random.Random(7))
    assert renum is not None
    new_gold, new_text = renum
    (root / "reports" / "b.txt").write_text(new_text, encoding="utf-8")
    (root / "labels" / "b.json").write_text(
        json.dumps({**new_gold.data, "report": "reports/b.txt"}, ensure_ascii=False), encoding="utf-8")
    return root / "labels"


def _thresholds(path: Path, **bounds: dict[str, float]) -> Path:
    path.write_text(json.dumps({"gold": bounds, "planted": {}}), encoding="utf-8")
    return path


def test_eval_on_a_gold_directory_never_seen(tmp_path, monkeypatch, capsys):
    gold_dir = _new_gold_dir(tmp_path / "set")
    out = tmp_path / "out"
    monkeypatch.chdir(tmp_path)  # paths resolve against the gold directory's parent, not the cwd
    thr = _thresholds(tmp_path / "t.json", **{"tables.cell_accuracy": {"min": 1.0}, "tables.wrong_cells": {"max": 0},
                                              "checks.false_fails": {"max": 0}, "reports.errors": {"max": 0}})
    code = main(["eval", "--gold", str(gold_dir), "--no-narrative", "--out", str(out), "--thresholds", str(thr)])
    text = capsys.readouterr().out
    assert code == 0, text
    assert "通过：每项指标均达到阈值" in text
    data = json.loads((out / "eval-rules-tables.json").read_text(encoding="utf-8"))
    assert [r["name"] for r in data["reports"]] == ["a", "b"]
    assert data["figures"]["tables.cell_accuracy"] == 1.0
    assert data["reports"][1]["tables"]["表三"]["right"] == 175
    assert "problems.f1" in data["verdict"]["not_scored"] or "problems.f1" not in data["figures"]
    assert (out / "eval-rules-tables.md").read_text(encoding="utf-8").startswith("# govreport 评估")


def test_a_wrong_label_shows_as_a_wrong_cell_and_fails_the_threshold(tmp_path, capsys):
    gold_dir = _new_gold_dir(tmp_path / "set")
    b = json.loads((gold_dir / "b.json").read_text(encoding="utf-8"))
    b["applications"]["granted"][0] += 1
    (gold_dir / "b.json").write_text(json.dumps(b, ensure_ascii=False), encoding="utf-8")
    thr = _thresholds(tmp_path / "t.json", **{"tables.wrong_cells": {"max": 0}})
    code = main(["eval", "--gold", str(gold_dir), "--no-narrative", "--out", str(tmp_path / "o"),
                 "--thresholds", str(thr), "--no-baseline"])
    text = capsys.readouterr().out
    assert code == 1
    assert "未通过：tables.wrong_cells = 1，高于阈值 0" in text
    assert "单元格错误 表三 `granted` · 自然人" in text


def test_an_unreadable_report_is_recorded_and_the_run_goes_on(tmp_path, capsys):
    gold_dir = _new_gold_dir(tmp_path / "set")
    (tmp_path / "set" / "reports" / "a.txt").write_bytes(b"")
    thr = _thresholds(tmp_path / "t.json", **{"reports.errors": {"max": 0}})
    code = main(["eval", "--gold", str(gold_dir), "--no-narrative", "--out", str(tmp_path / "o"), "--thresholds", str(thr)])
    text = capsys.readouterr().out
    assert code == 1
    assert "reports.errors = 1，高于阈值 0" in text
    assert "出错: 无法读取:" in text
    data = json.loads((tmp_path / "o" / "eval-rules-tables.json").read_text(encoding="utf-8"))
    assert data["reports"][1]["tables"]["表三"]["right"] == 175  # the other report was still scored


@pytest.mark.parametrize("broken", ["missing_dir", "bad_json", "missing_report", "no_files"])
def test_usage_and_input_errors_exit_2(tmp_path, capsys, broken):
    gold_dir = _new_gold_dir(tmp_path / "set")
    if broken == "missing_dir":
        gold_dir = tmp_path / "nowhere"
    elif broken == "bad_json":
        (gold_dir / "a.json").write_text("{not json", encoding="utf-8")
    elif broken == "missing_report":
        (tmp_path / "set" / "reports" / "a.txt").unlink()
    else:
        for p in gold_dir.glob("*.json"):
            p.unlink()
    assert main(["eval", "--gold", str(gold_dir), "--no-narrative", "--out", str(tmp_path / "o")]) == 2
    assert "govreport:" in capsys.readouterr().err


def test_baseline_regression_beyond_the_margin_fails(tmp_path, capsys):
    gold_dir = _new_gold_dir(tmp_path / "set")
    base = tmp_path / "baseline.json"
    thr = _thresholds(tmp_path / "t.json", **{"tables.cell_accuracy": {"min": 0.5}})
    args = ["eval", "--gold", str(gold_dir), "--no-narrative", "--out", str(tmp_path / "o"), "--thresholds", str(thr),
            "--baseline", str(base)]
    assert main([*args, "--update-baseline"]) == 0
    recorded = json.loads(base.read_text(encoding="utf-8"))
    assert recorded["runs"]["rules-tables"]["figures"]["tables.cell_accuracy"] == 1.0
    assert main(args) == 0
    capsys.readouterr()
    # The same set, but the baseline claims more than this run reaches.
    recorded["runs"]["rules-tables"]["figures"]["checks.agreement"] = 1.0
    recorded["runs"]["rules-tables"]["figures"]["tables.cell_accuracy"] = 1.0
    recorded["margins"]["rate"] = 0.001
    base.write_text(json.dumps(recorded), encoding="utf-8")
    b = json.loads((gold_dir / "b.json").read_text(encoding="utf-8"))
    b["applications"]["granted"][0] += 1  # now one cell is wrong: 399/400
    (gold_dir / "b.json").write_text(json.dumps(b, ensure_ascii=False), encoding="utf-8")
    assert main(args) == 0  # another gold set (digest changed): the baseline does not apply
    assert "基线是在另一套标注上生成的" in capsys.readouterr().out
    recorded["runs"]["rules-tables"]["gold_digest"] = gold_digest(load_gold_dir(gold_dir))
    base.write_text(json.dumps(recorded), encoding="utf-8")
    assert main(args) == 1
    assert "tables.cell_accuracy = 0.998，低于基线 1（容差 0.001）" in capsys.readouterr().out


def test_gate_and_compare_directly():
    figs = {"a.rate": 0.8, "b.count": 2, "c.none": None}
    short, skipped = gate(figs, [Bound("a.rate", min=0.9), Bound("b.count", max=2), Bound("c.none", min=1)])
    assert [s.figure for s in short] == ["a.rate"] and skipped == ["c.none"]
    base = {"margins": {"rate": 0.02, "count": 0, "cost_relative": 0.25},
            "runs": {"rules": {"gold_digest": "d", "figures": {
                "tables.cell_accuracy": 0.99, "checks.false_fails": 0, "cost.total_tokens_per_report": 1000}}}}
    ok, note = compare({"tables.cell_accuracy": 0.975, "checks.false_fails": 0,
                        "cost.total_tokens_per_report": 1200}, base, run_key("rules", True), "d")
    assert ok == [] and note is None
    bad, _ = compare({"tables.cell_accuracy": 0.96, "checks.false_fails": 1,
                      "cost.total_tokens_per_report": 1300}, base, "rules", "d")
    assert [s.figure for s in bad] == ["tables.cell_accuracy", "checks.false_fails", "cost.total_tokens_per_report"]


def test_bundled_gold_is_the_shared_set_byte_for_byte():
    shared = Path("/work/shared/gold")
    if not shared.is_dir():
        pytest.skip("../shared not available")
    for p in shared.glob("*.json"):
        assert (DEFAULT_GOLD_DIR / p.name).read_bytes() == p.read_bytes()
    for g in load_gold_dir(DEFAULT_GOLD_DIR):
        src = shared.parent / str(g.data["report"])
        assert g.report_path.read_bytes() == src.read_bytes()


def test_bundled_run_scores_every_figure_the_extraction_issue_names(tmp_path, capsys):
    code = main(["eval", "--out", str(tmp_path), "--no-baseline"])
    assert code in (0, 1)
    data = json.loads((tmp_path / "eval-rules.json").read_text(encoding="utf-8"))
    assert len(data["reports"]) == len(list(DEFAULT_GOLD_DIR.glob("*.json")))
    for name in ("problems.f1", "measures.f1", "channels.f1", "meta.organization", "meta.year",
                 "problems.mean_similarity", "problems.category_accuracy", "problems.grounding_rate",
                 "narrative.disclosure_total", "cost.llm_calls_per_report", "checks.agreement", "tables.cell_accuracy"):
        assert name in data["figures"], name
    text = capsys.readouterr().out
    assert ("通过：" in text) == (code == 0)


@pytest.mark.parametrize("option", ["--thresholds", "--baseline"])
@pytest.mark.parametrize("content", ["[]", "{", "7"])
def test_a_thresholds_or_baseline_file_that_is_no_json_object_is_a_one_line_error(tmp_path, option, content):
    """Read by the one helper the gold files are read by: not JSON, or JSON but no object, is exit 2 with the
    file's name and why (a list was an internal error: 'list' object has no attribute …)."""
    from tests.test_bad_input import assert_clean, run_cli

    bad = tmp_path / "bad.json"
    bad.write_text(content, encoding="utf-8")
    proc = run_cli("eval", "--no-narrative", "--out", str(tmp_path / "o"), option, str(bad))
    assert_clean(proc, f"eval {option} {content}")
    assert proc.returncode == 2, proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and str(bad) in proc.stderr, proc.stderr
    assert ("JSON 格式错误" if content == "{" else "应为一个 JSON 对象") in proc.stderr, proc.stderr
