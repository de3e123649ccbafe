"""S5: an empty or trivial section 五 is a finding; a real one passes; titles and numbering are not content."""

from __future__ import annotations

import re

import pytest

from service.checks.model import Status
from service.pipeline import analyze_document
from service.reading import read_bytes
from tests._corpus import SEEDS

SEED = SEEDS[2]


def _with_section_five(body: str) -> str:
    text = SEED.read_text(encoding="utf-8")
    m = re.search(r"\n[^\n]*五、[^\n]*问题[^\n]*\n", text)
    n = re.search(r"\n[^\n]*六、[^\n]*\n", text)
    assert m and n and m.end() < n.start()
    return text[: m.end()] + body + text[n.start():]


def _s5(text: str) -> list:
    report = analyze_document(read_bytes(text.encode("utf-8"), "r.txt"), narrative=False)
    return [f for f in report.findings if f.rule == "S5"]


@pytest.mark.parametrize("body", ["", "无。\n", "暂无\n", "（一）存在的主要问题\n无。\n（二）改进情况\n无。\n", "1.问题：无 2.措施：无\n"])
def test_trivial_section_five_is_a_finding(body: str) -> None:
    (f,) = _s5(_with_section_five(body))
    assert f.status is Status.WARN and f.category == "report" and "第五部分没有实际内容" in f.message
    assert f.lines


def test_real_section_five_passes() -> None:
    (f,) = _s5(SEED.read_text(encoding="utf-8"))
    assert f.status is Status.PASS
    (g,) = _s5(_with_section_five("（一）存在的主要问题\n信息更新不够及时。\n（二）改进情况\n建立定期更新机制。\n"))
    assert g.status is Status.PASS
