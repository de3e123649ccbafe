"""The CLI: JSON in the gold format, readable checks, and exit codes 0 / 1 / 2 without tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from service.cli import main
from tests._corpus import REPO, SEEDS, gold_for

GOLD_KEYS = ("meta", "active_disclosure", "applications", "review_litigation")


def test_parse_json_has_gold_fields(capsys):
    path = SEEDS[1]
    assert main(["parse", str(path), "--json", "--no-narrative"]) == 0
    doc = json.loads(capsys.readouterr().out)
    gold = gold_for(path)
    for key in GOLD_KEYS[1:]:
        assert doc[key] == gold[key]
    assert doc["format"] == "2021"
    assert doc["versions"]["schema_version"] and doc["versions"]["parser"]
    assert doc["tables"]["table3"]["rows"]["granted"]["cells"][0]["line"] > 0
    assert all(f["status"] in ("PASS", "INFO") for f in doc["findings"])


def test_check_exit_0_on_a_clean_report(capsys):
    assert main(["check", str(SEEDS[2]), "--no-narrative"]) == 0
    out = capsys.readouterr().out
    assert "结论: 通过" in out


def test_check_exit_1_lists_fail_first_with_source_line(tmp_path, capsys):
    text = SEEDS[3].read_text(encoding="utf-8").replace("行政许可\t17", "行政许可\t-17")
    text = text.replace("一、本年新收政府信息公开申请数量\t\t1\t0", "一、本年新收政府信息公开申请数量\t\t4\t0")
    bad = tmp_path / "bad.txt"
    bad.write_text(text, encoding="utf-8")
    assert main(["check", str(bad), "--no-narrative"]) == 1
    out = capsys.readouterr().out
    header, locate, body = out.split("\n\n", 2)
    assert "结论: 不通过" in header
    # The actionable line comes first: the one cell that explains C1 and C4, and the value that satisfies them.
    assert locate.startswith("定位") and "印为 4，若为 1" in locate.splitlines()[0]
    assert body.startswith("不通过")
    assert "C4 表三 总计列=各列之和" in out and "C1" in out and "C8" in out
    assert "一、本年新收政府信息公开申请数量" in out and "| 一、本年新收" in out  # the source line is quoted
    # The same verdict as JSON: stable English keys, the LOCATE finding in "locate", Chinese names beside codes.
    assert main(["check", str(bad), "--no-narrative", "--json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert doc["status"] == "FAIL" and doc["status_name"] == "不通过" and "C1" in doc["failed_rules"]
    assert doc["locate"][0]["rule"] == "LOCATE" and doc["locate"][0]["expected"] == 1
    assert {f["rule_name"] for f in doc["findings"] if f["rule"] == "C8"} == {"数值为非负整数、收费以万元计"}


def test_check_reads_stdin(monkeypatch, capsys):
    import io

    data = SEEDS[2].read_bytes()
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data)))
    assert main(["check", "-", "--no-narrative", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["status"] == "PASS" and doc["organization"] == gold_for(SEEDS[2])["meta"]["organization"]


@pytest.mark.parametrize(
    "content",
    [b"", b"\x00\x01\x02" * 1000, "从前有座山，山里有座庙。庙里有个老和尚在给小和尚讲故事。".encode() * 200],
    ids=["empty", "binary", "novel"],
)
def test_bad_input_exit_2_one_line(tmp_path, capsys, content):
    f = tmp_path / "in.txt"
    f.write_bytes(content)
    assert main(["check", str(f)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("govreport: ") and err.count("\n") == 1 and "Traceback" not in err


def test_missing_file_and_directory_exit_2(tmp_path, capsys):
    assert main(["parse", str(tmp_path / "nope.txt")]) == 2
    assert main(["check", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "没有这个文件" in err and "目录" in err


def test_oversized_file_exit_2(tmp_path, capsys, monkeypatch):
    big = tmp_path / "big.txt"
    with big.open("wb") as fh:
        fh.truncate(50 * 1024 * 1024)
    assert main(["check", str(big)]) == 2
    assert "上限" in capsys.readouterr().err


def test_report_cut_off_halfway_gets_findings_not_a_crash(tmp_path, capsys):
    text = SEEDS[2].read_text(encoding="utf-8")
    cut = text[: text.index("(四) 无法提供")]
    f = tmp_path / "cut.txt"
    f.write_text(cut, encoding="utf-8")
    code = main(["check", str(f), "--no-narrative"])
    out = capsys.readouterr().out
    assert code == 0  # nothing the report says is wrong; what is missing is uncertain
    assert "结论: 无法确认" in out
    assert "未找到章节" in out and "未找到" in out


def test_console_script_runs_without_traceback(tmp_path):
    f = tmp_path / "empty.txt"
    f.write_text("", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "service", "check", str(f)], capture_output=True, text=True,
                          cwd=REPO, timeout=60)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and "空" in proc.stderr


def test_pdf_renamed_txt_is_read_as_pdf(tmp_path, capsys):
    """Formats are told apart by their bytes: a PDF named .txt is still read as a PDF."""
    src = REPO / "eval" / "corpus" / "dev" / "hongze-district-2024.pdf"
    renamed = tmp_path / "report.txt"
    renamed.write_bytes(src.read_bytes())
    assert main(["parse", str(renamed), "--json", "--no-narrative"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["source"]["kind"] == "pdf"
    assert doc["applications"]["new_received"][6] == 95


def test_truncated_pdf_exit_2(tmp_path, capsys):
    src = REPO / "eval" / "corpus" / "dev" / "hongze-district-2024.pdf"
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(src.read_bytes()[:3000])
    assert main(["check", str(cut)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("govreport: ") and "Traceback" not in err
