"""The prompts ship with the package: top-level prompts/ becomes service/prompts in a wheel.

Building a wheel needs setuptools>=68 and wheel fetched into an isolated build environment, which
is not reliably offline; these tests check the packaging tables and load the prompt from a copy of
the installed layout instead (a subprocess, so the repository's ``prompts/`` is out of reach).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
from fnmatch import fnmatch
from pathlib import Path

import pytest

from service.extraction.prompt import PROMPT_VERSION, REPO_PROMPTS, load_prompt, prompts_dir
from tests._corpus import REPO


def _setuptools() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]


def test_every_package_and_the_prompts_are_in_the_wheel_configuration() -> None:
    cfg = _setuptools()
    on_disk = {"service"} | {
        ".".join(p.relative_to(REPO).parts) for p in (REPO / "service").rglob("*")
        if p.is_dir() and "__pycache__" not in p.parts
    }
    assert on_disk - set(cfg["packages"]) == set(), "add the new package to [tool.setuptools] packages"
    assert "service.prompts" in cfg["packages"] and cfg["package-dir"]["service.prompts"] == "prompts"
    prompt_files = [p.name for p in (REPO / "prompts").iterdir() if p.is_file()]
    assert f"{PROMPT_VERSION}.md" in prompt_files
    assert all(any(fnmatch(f, g) for g in cfg["package-data"]["service.prompts"]) for f in prompt_files)


def test_installed_layout_reads_the_prompt_through_importlib_resources(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(REPO / "service", site / "service", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(REPO / "prompts", site / "service" / "prompts")  # what package-dir puts in the wheel
    code = (
        "import json, service\n"
        "from service.extraction.prompt import REPO_PROMPTS, load_prompt, prompts_dir\n"
        "print(json.dumps([service.__file__, str(prompts_dir()), REPO_PROMPTS.exists(), load_prompt().hash]))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "GOVREPORT_PROMPTS_DIR"} | {"PYTHONPATH": str(site)}
    run = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True,
                         timeout=60, check=False)
    assert run.returncode == 0, run.stderr
    module, where, repo_copy_exists, digest = json.loads(run.stdout)
    assert module.startswith(str(site))
    assert str(site / "service" / "prompts") in where and not repo_copy_exists
    assert digest == load_prompt().hash


def test_checkout_reads_the_repository_prompts() -> None:
    """In a checkout (or an editable install) the repository's prompts/ is the source of truth."""
    shipped = (prompts_dir() / f"{PROMPT_VERSION}.md").read_text(encoding="utf-8")
    assert shipped == (REPO_PROMPTS / f"{PROMPT_VERSION}.md").read_text(encoding="utf-8")
    assert REPO_PROMPTS == REPO / "prompts"


def test_prompts_dir_variable_still_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = (REPO_PROMPTS / f"{PROMPT_VERSION}.md").read_text(encoding="utf-8") + "\n<!-- local copy -->\n"
    (tmp_path / f"{PROMPT_VERSION}.md").write_text(text, encoding="utf-8")
    repo_hash = load_prompt().hash
    monkeypatch.setenv("GOVREPORT_PROMPTS_DIR", str(tmp_path))
    load_prompt.cache_clear()
    try:
        assert prompts_dir() == tmp_path
        assert load_prompt().hash != repo_hash
    finally:
        load_prompt.cache_clear()
