"""LLM misconfiguration is loud, `govreport llm presets` lists the presets, `govreport llm test` probes.

The `llm test` answers are HAND-WRITTEN FIXTURES (tests/cassettes/test_llm_command/, labelled in each
file): they test the request and how the answer is judged, never a model's quality or real latency.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from service.cli import main
from tests._corpus import SEEDS


def test_preset_without_key_warns_on_stderr_and_in_the_summary(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("GOVREPORT_LLM_PRESET", "deepseek")
    assert main(["check", str(SEEDS[0])]) == 0
    err = capsys.readouterr().err
    assert "警告" in err and "缺少API 密钥" in err and "DEEPSEEK_API_KEY" in err and "rules" in err
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(SEEDS[0], src / SEEDS[0].name)
    assert main(["batch", str(src), "--out", str(tmp_path / "out"), "--no-progress"]) == 0
    err = capsys.readouterr().err
    assert "LLM 未能使用" in err
    assert "LLM 未能使用" in (tmp_path / "out" / "summary.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("command", ["check", "parse", "batch"])
def test_misspelled_preset_with_backend_llm_is_an_error(command: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("GOVREPORT_LLM_PRESET", "deepsek")
    monkeypatch.setenv("GOVREPORT_LLM_API_KEY", "sk-x")
    argv = [command, str(SEEDS[0]), "--backend", "llm"] + (["--out", str(tmp_path / "o")] if command == "batch" else [])
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "--backend llm" in err and "'deepsek'" in err and "是否想写 'deepseek'" in err
    assert not (tmp_path / "o").exists()


def test_backend_llm_without_any_endpoint_is_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(SEEDS[0]), "--backend", "llm"]) == 2
    assert "没有配置 LLM 端点" in capsys.readouterr().err


def test_nothing_asked_nothing_said(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(SEEDS[0])]) == 0
    assert "警告" not in capsys.readouterr().err


def test_llm_presets(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("DEEPSEEK_API_KEY", "sk-x")
    monkeypatch.setenv("GOVREPORT_LLM_PRESET", "deepseek")
    assert main(["llm", "presets"]) == 0
    out = capsys.readouterr().out
    lines = {line.split()[0]: line for line in out.splitlines()[1:] if line and not line.startswith("密钥")}
    assert set(lines) == {"deepseek", "qwen", "glm", "moonshot", "openai", "vllm", "ollama", "llamacpp"}
    assert "已设置" in lines["deepseek"] and "← 当前" in lines["deepseek"]
    assert "未设置" in lines["qwen"] and "不需要" in lines["ollama"] and "tools" in lines["openai"]


def _configure(monkeypatch: pytest.MonkeyPatch, preset: str) -> None:
    monkeypatch.setenv("GOVREPORT_LLM_PRESET", preset)
    monkeypatch.setenv("GOVREPORT_LLM_API_KEY", "sk-fixture")


@pytest.mark.vcr
def test_llm_test_json_mode_ok(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """HAND-WRITTEN FIXTURE answer: a JSON object in JSON mode."""
    _configure(monkeypatch, "deepseek")
    assert main(["llm", "test"]) == 0
    out = capsys.readouterr().out
    assert "模式: json" in out and "deepseek-chat" in out and "结果: 可用" in out
    assert "耗时:" in out and "秒" in out


@pytest.mark.vcr
def test_llm_test_tools_mode_ok(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """HAND-WRITTEN FIXTURE answer: the forced tool call of the openai preset."""
    _configure(monkeypatch, "openai")
    assert main(["llm", "test"]) == 0
    assert "模式: tools" in capsys.readouterr().out


@pytest.mark.vcr
def test_llm_test_prose_is_not_usable(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """HAND-WRITTEN FIXTURE answer: prose where JSON mode needs an object."""
    _configure(monkeypatch, "deepseek")
    assert main(["llm", "test"]) == 1
    assert "不可用" in capsys.readouterr().out


@pytest.mark.vcr
def test_llm_test_bad_key(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """HAND-WRITTEN FIXTURE: a 401."""
    _configure(monkeypatch, "deepseek")
    assert main(["llm", "test"]) == 1
    assert "HTTP 401" in capsys.readouterr().out


def test_llm_test_without_configuration(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["llm", "test"]) == 2
    assert "没有配置 LLM 端点" in capsys.readouterr().err
