"""A one-file command loads only what it runs: no pydantic, batch, evaluation, office, chart, PDF or LLM libraries."""

from __future__ import annotations

import subprocess
import sys

import pytest

from service.cli import _command_of
from tests._corpus import REPO, SEEDS

UNNEEDED = ("openpyxl", "matplotlib", "docx", "pdfplumber", "pdfminer", "openai", "instructor", "tenacity",
            "service.batch", "service.evaluation", "service.extraction.llm", "concurrent.futures")


def _loaded_after(argv: list[str], names: tuple[str, ...] = UNNEEDED) -> list[str]:
    """Which of ``names`` are imported once ``govreport ARGV`` is done (run in a fresh interpreter)."""
    code = ("import sys\nfrom service.cli import main\ntry:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
            f"print('loaded:', *[m for m in {names!r} if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code, *argv], cwd=REPO, capture_output=True, text=True,
                         check=False, env={"PATH": "/usr/bin:/bin", "HOME": "/nonexistent"})
    assert out.stdout.strip(), out.stderr
    return out.stdout.strip().splitlines()[-1].split()[1:]


def test_parse_and_check_of_a_text_report_load_no_unneeded_library():
    for command in (["parse", str(SEEDS[0])], ["parse", str(SEEDS[0]), "--json"], ["check", str(SEEDS[0])]):
        assert _loaded_after(command, ("pydantic", *UNNEEDED)) == [], command  # pydantic: the schema edge only


def test_a_text_report_loads_no_archive_or_resource_machinery():
    """zipfile (for a DOCX's bytes), shutil (argparse's terminal width; with bz2 and lzma) and importlib.resources
    (with tempfile) are ~5 ms of a one-file call that reads a text report."""
    stdlib = ("zipfile", "shutil", "bz2", "lzma", "tempfile", "importlib.resources")
    for command in (["parse", str(SEEDS[0])], ["check", str(SEEDS[0])]):
        assert _loaded_after(command, stdlib) == [], command


def test_the_help_is_as_wide_as_argparse_makes_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """The parser's own terminal width (without shutil) is the one argparse's formatter takes."""
    import argparse

    from service.cli import _Formatter

    for columns in (None, "50", "132", "0", "abc"):
        if columns is None:
            monkeypatch.delenv("COLUMNS", raising=False)
        else:
            monkeypatch.setenv("COLUMNS", columns)
        assert _Formatter("govreport")._width == argparse.HelpFormatter("govreport")._width, columns


def test_version_loads_no_command():
    assert _loaded_after(["--version"], ("service.pipeline", "pydantic", *UNNEEDED)) == []
    assert _loaded_after(["--help"], ("service.pipeline",)) == ["service.pipeline"]  # help lists every command


def test_the_command_is_the_first_word_that_is_not_an_option():
    assert _command_of(["--debug", "parse", "x.txt", "--json"]) == "parse"
    assert _command_of(["--version"]) == ""
    assert _command_of([]) is None
    assert _command_of(["-h"]) is None


def test_quick_exit_flushes_everything_and_keeps_the_exit_code(tmp_path):
    """parse/check end with os._exit (no module teardown): what they print and their exit code survive."""
    import json

    run = [sys.executable, "-m", "service"]
    done = subprocess.run([*run, "parse", str(SEEDS[0]), "--json"], cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0 and json.loads(done.stdout)["source"]["sha256"]
    short = tmp_path / "out.txt"
    with short.open("w") as fh:  # a file: stdout fully buffered, the flush before os._exit must write it
        code = subprocess.run([*run, "parse", str(SEEDS[0])], cwd=REPO, stdout=fh).returncode
    assert code == 0 and "抽取方式 rules" in short.read_text(encoding="utf-8")  # its last line
    missing = subprocess.run([*run, "check", str(tmp_path / "nothing.txt")], cwd=REPO, capture_output=True,
                             text=True)
    assert missing.returncode == 2 and "nothing.txt" in missing.stderr
