"""The README gives exactly two set-up commands, and CI runs the test one verbatim."""

from __future__ import annotations

import re

from tests._corpus import REPO


def _setup_commands() -> list[str]:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Set-up on a fresh machine", 1)[1].split("\n## ", 1)[0]
    return [c.strip() for c in re.findall(r"```sh\n(.*?)```", section, flags=re.S)]


def test_exactly_two_setup_commands():
    cmds = _setup_commands()
    assert len(cmds) == 2
    assert all("\n" not in c for c in cmds)
    assert "govreport batch" in cmds[0] and "pytest" in cmds[1]


def test_ci_runs_the_readme_test_command():
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert _setup_commands()[1] in ci.splitlines()
