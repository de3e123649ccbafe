"""Everything a user reads from check, batch, errors and --help is Chinese: a scan for English words.

Allowed: option names (--json), metavars and identifiers in capitals (FILE, PATH, C1, LOCATE), file names
and paths, and a few names that are the same in both languages (govreport, rules, llm, JSON, PDF).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
from pathlib import Path

import pytest

from service.cli import build_parser, main
from tests._corpus import REPO, SEEDS

ALLOWED = {
    "govreport", "rules", "llm", "utf", "gb", "pdf", "html", "htm", "docx", "doc", "xlsx", "txt", "md", "json", "jsonl",
    "png", "jpeg", "glob", "zip", "ocr", "ofd", "nul", "unicode", "word", "markdown", "libreoffice", "headless",
    "convert", "to", "synthetic", "summary", "openai", "api", "url", "sqlite",
    # subcommand names
    "parse", "check", "batch", "eval", "schema", "serve", "presets", "test",
    # LLM mode names
    "tools",
}

_TOKEN = re.compile(r"--?[\w-]+|\b[a-z]+(?:\.[a-z0-9_]+)+\b|[\w./\\+@:-]*[/\\][\w./\\+@:-]*|[\w.-]+\.(?:txt|md|html?|docx?|pdf|xlsx|json|jsonl|png)\b"
                    r"|\b[A-Z][A-Z0-9_]+\b|\b\w*[_\d]\w*\b|'[^']*'|`[^`]*`|\{[^}]*\}")
_WORD = re.compile(r"[A-Za-z]{3,}")


def english_words(text: str) -> list[str]:
    """Words a Chinese user would have to read in English, one entry per offending line."""
    bad = []
    for line in text.splitlines():
        rest = _TOKEN.sub(" ", line)
        words = [w for w in _WORD.findall(rest) if w.lower() not in ALLOWED]
        if words:
            bad.append(f"{words} in: {line.strip()[:120]}")
    return bad


def _parsers(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    out = [parser]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                out += _parsers(sub)
    return out


def test_every_help_text_is_chinese() -> None:
    parsers = _parsers(build_parser())
    assert {p.prog.split()[-1] for p in parsers} >= {"govreport", "parse", "check", "batch", "eval", "schema"}
    for p in parsers:
        text = p.format_help()
        assert re.search(r"[\u4e00-\u9fff]", text), p.prog
        assert english_words(text) == [], p.prog


@pytest.mark.parametrize("name", [p.name for p in SEEDS] + ["hongze-district-2023.pdf", "shuyang-fagai-2023.html"])
def test_check_output_is_chinese(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    path = next((p for p in SEEDS if p.name == name), REPO / "eval" / "corpus" / "dev" / name)
    main(["check", str(path), "--all"])
    out = capsys.readouterr().out
    assert english_words(out) == []


def test_check_of_a_broken_report_is_chinese(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = SEEDS[3].read_text(encoding="utf-8").replace("行政许可\t17", "行政许可\t-17")
    text = text.replace("一、本年新收政府信息公开申请数量\t\t1\t0", "一、本年新收政府信息公开申请数量\t\t4\t0")
    cut = text[: text.index("四、")]
    for i, body in enumerate((text, cut)):
        f = tmp_path / f"bad{i}.txt"
        f.write_text(body, encoding="utf-8")
        main(["check", str(f)])
        assert english_words(capsys.readouterr().out) == []


@pytest.mark.parametrize("content", [b"", b"\x00\x01\x02" * 1000, b"PK\x03\x04garbage", b"\x89PNG\r\n\x1a\n" + b"0" * 64,
                                     b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, b"%PDF-1.4\n%\x00 not a pdf",
                                     "从前有座山，山里有座庙。".encode() * 200],
                         ids=["empty", "binary", "zip", "png", "doc", "bad-pdf", "novel"])
def test_errors_are_chinese(content: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "in.txt"
    f.write_bytes(content)
    assert main(["check", str(f)]) == 2
    err = capsys.readouterr().err
    assert re.search(r"[\u4e00-\u9fff]", err) and english_words(err) == [], err


@pytest.mark.parametrize("argv", [["check", "/nonexistent/r.txt"], ["check", "/"], ["batch"], ["check"],
                                  ["check", "x", "--bogus"], ["check", "x", "--backend", "gpt"],
                                  ["batch", "/nonexistent", "--out", "/tmp/x"], ["batch", ".", "--out", "o", "--jobs", "0"],
                                  ["batch", ".", "--out", "o", "--jobs", "many"]])
def test_usage_errors_are_chinese(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    try:
        code = main(argv)
    except SystemExit as exc:
        code = exc.code
    assert code == 2
    err = capsys.readouterr().err
    assert re.search(r"[\u4e00-\u9fff]", err) and english_words(err) == [], err


def test_batch_output_is_chinese(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "in"
    src.mkdir()
    for p in SEEDS[:2]:
        shutil.copy(p, src / p.name)
    (src / "empty.txt").write_bytes(b"")
    (src / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64)
    out = tmp_path / "out"
    assert main(["batch", str(src), "--out", str(out), "--no-progress", "--no-narrative"]) == 0
    first = capsys.readouterr()
    (src / SEEDS[0].name).unlink()
    assert main(["batch", str(src), "--out", str(out), "--no-progress", "--no-narrative"]) == 0
    second = capsys.readouterr()
    for text in (first.out, first.err, second.out, second.err):
        assert english_words(text) == []
    assert "注意" in second.err


def _gold_cases(d: Path) -> dict[str, list[str]]:
    (d / "empty").mkdir()
    (d / "bad").mkdir()
    (d / "bad" / "x.json").write_text("{not json", encoding="utf-8")
    (d / "lacking").mkdir()
    (d / "lacking" / "x.json").write_text("{}", encoding="utf-8")
    (d / "thresholds.json").write_text("[1, 2", encoding="utf-8")
    return {"missing": ["eval", "--gold", str(d / "nowhere")], "empty": ["eval", "--gold", str(d / "empty")],
            "bad-json": ["eval", "--gold", str(d / "bad")], "lacking": ["eval", "--gold", str(d / "lacking")],
            "thresholds": ["eval", "--thresholds", str(d / "thresholds.json"), "--out", str(d / "o")],
            "planted-empty": ["eval", "--planted", "--gold", str(d / "empty"), "--out", str(d / "o")]}


def test_eval_errors_are_chinese(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for name, argv in _gold_cases(tmp_path).items():
        assert main(argv) == 2, name
        err = capsys.readouterr().err
        assert re.search(r"[\u4e00-\u9fff]", err) and english_words(err) == [], (name, err)
        assert len(err.strip().splitlines()) == 1, (name, err)


def test_eval_scorecard_is_chinese(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The scorecard of a run that finds things wrong (a wrong label, a wrong meta field, a wrong category),
    its Markdown and the planted run's: Chinese, with figure names (``tables.wrong_cells``) and gold keys
    (`granted`) as identifiers."""
    from tests.test_eval_cli import _new_gold_dir

    gold_dir = _new_gold_dir(tmp_path / "set")
    b = json.loads((gold_dir / "b.json").read_text(encoding="utf-8"))
    b["applications"]["granted"][0] += 1
    b["meta"]["year"] = 1999
    if b["narrative"]["problems"]:
        b["narrative"]["problems"][0]["category"] = "other"
    b["narrative"]["applications_received"] = 12345
    (gold_dir / "b.json").write_text(json.dumps(b, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "out"
    assert main(["eval", "--gold", str(gold_dir), "--out", str(out), "--no-baseline"]) == 1
    text = capsys.readouterr().out
    assert "未通过：" in text and "单元格错误" in text and "年度: 标注 1999" in text
    md = (out / "eval-rules.md").read_text(encoding="utf-8")
    for shown in (text, md):
        lines = [ln for ln in shown.splitlines() if not ln.startswith(("govreport eval", "# govreport", "标注集"))]
        assert english_words("\n".join(lines)) == [], english_words("\n".join(lines))[:5]
