"""The shortcuts of reflow: a long line is passed over only where the full search would find nothing."""

from __future__ import annotations

import random
from pathlib import Path

from service.reading.reflow import _BREAK_RE, _ZERO_WIDTH_HINT_RE, _ZERO_WIDTH_RE, MIN_BREAKS

# Pieces of the places both patterns look for, and of what stands around them.
_PIECES = [*"一二三四五六七八九十、（）()。；！？，,：: \u3000\t0123456789０１政府信息公开申请的事项情况本列总计审结万元件数量第条款项及和与改进措施",
           "规章", "行政规范性文件", "规范性文件", "行政许可", "其他对外管理服务事项", "行政处罚", "行政强制", "行政事业性收费",
           "政府集中采购", "第二十条第", "信息内容", "申请人情况", "（本列", "审结总计", "审结 总计", "总体情况", "信息情况",
           "申请情况", "诉讼情况", "改进情况", "工作打算", "及改进措施", "和改进措施", "的事项", "（一）", "(二)", "一、", "三、",
           "22.", "万元）", "①", "发布时间", "来源", "字号"]
_REPO = Path(__file__).resolve().parent.parent


def _samples(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(_PIECES) for _ in range(rng.randint(1, 14))) for _ in range(n)]


def test_the_hint_is_found_wherever_a_zero_width_break_is() -> None:
    found = 0
    texts = _samples(40_000, 1)
    texts += [line for path in sorted((_REPO / "eval" / "corpus").rglob("*.txt"))
              for line in path.read_text(encoding="utf-8", errors="replace").split("\n")]
    for text in texts:
        if _ZERO_WIDTH_RE.search(text):
            found += 1
            assert _ZERO_WIDTH_HINT_RE.search(text), text
    assert found > 5_000
    # and a paragraph without any such place has no hint either: the shortcut does pass over lines
    assert not _ZERO_WIDTH_HINT_RE.search("本机关依法公开各类政府信息，积极回应社会关切。" * 20)


def test_every_restored_break_is_a_blank() -> None:
    # restore_breaks passes over a line with fewer than MIN_BREAKS blanks: each break it makes is one.
    for text in _samples(20_000, 2):
        breaks = [m for m in _BREAK_RE.finditer(text)]
        assert all(m.group() in (" ", "\u3000") for m in breaks), text
        assert len(breaks) <= text.count(" ") + text.count("\u3000")
    assert MIN_BREAKS > 1
