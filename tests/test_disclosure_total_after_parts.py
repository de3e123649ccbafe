"""The stated 主动公开 total when a part's figure comes first (…发布政策文件121条，全年共主动公开393条):
the figure said to be the whole is the total, from the gold narratives re-rendered."""

from __future__ import annotations

import pytest

from service.extraction import extract_narrative
from service.reading.document import SourceDocument
from service.sections import find_sections
from tests.unseen_narrative import TOTAL_STYLES, load_truths, render

TRUTHS = [t for t in load_truths() if t.disclosure_total]
PARTS = ["通过门户网站发布政策文件{k}条，", "其中政策解读{k}条；", "更新公开目录{k}篇，"]
TOTALS = ["全年共主动公开政府信息{n}条。", "本年度累计主动公开各类信息 {n} 条。", "主动公开政府信息合计{n}条。"]


@pytest.mark.parametrize("total", TOTALS)
@pytest.mark.parametrize("part", PARTS)
@pytest.mark.parametrize("truth", TRUTHS, ids=[t.stem[:12] for t in TRUTHS])
def test_total_after_a_part(truth: object, part: str, total: str) -> None:
    v = render(truth)  # type: ignore[arg-type]
    assert v is not None
    n = truth.disclosure_total  # type: ignore[attr-defined]
    plain = TOTAL_STYLES["t_plain"].format(n=n)
    text = v.text.replace(plain, part.format(k=max(1, n // 3)) + total.format(n=n), 1)
    assert text != v.text
    doc = SourceDocument(text=text)
    assert extract_narrative(doc, find_sections(doc), "rules").narrative.disclosure_total == n
