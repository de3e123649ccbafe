"""Category of a problem or measure by keyword rules over ``service/data/categories.json``.

Each category has cue words: the terms of its definition in categories.json (渠道单一, 形式不够灵活多样,
线上线下 → 渠道, 形式, 多样, 单一, 线上线下) and the words reports use for the same thing (公开栏, 载体;
栏目未更新, 空白栏目 for 栏目更新不及时). A cue in the item's lead (its heading, or its first clause; a
lead-in clause that names nothing, such as 针对上述问题，, is skipped) counts double; the highest score wins and ties go to the more specific category, in this order:
application_handling, policy_interpretation, timeliness, depth_and_breadth, staff_capability,
platforms_and_interaction, channels_and_forms, content_quality_and_review,
management_and_mechanisms. No cue at all gives ``other``.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

from service.lazy_re import lazy_compile

CUES: dict[str, tuple[str, ...]] = {
    "application_handling": (
        "依申请", "申请人", "申请件", "答复", "办理时限", "法定期限", "申请反馈", "申请办理", "申请公开",
    ),
    "policy_interpretation": ("政策解读", "解读", "图解", "答疑", "阐释", "宣讲", "解答"),
    "timeliness": (
        "不及时", "及时更新", "更新不及时", "时效", "同步", "滞后", "更新维护", "栏目更新", "未更新", "空白栏目",
        "及时发布", "更新",
    ),
    "depth_and_breadth": (
        "重点领域", "广度", "深度", "力度", "主动性", "公开范围", "公开内容", "应公开尽公开", "范围", "覆盖面", "全面",
        "拓展",
    ),
    "staff_capability": (
        "队伍", "业务能力", "业务水平", "专业水平", "能力", "培训", "人员", "干部", "意识", "学习", "传帮带", "素养", "素质",
        "本领", "人手",
    ),
    "platforms_and_interaction": (
        "新媒体", "平台", "活跃度", "互动", "影响力", "政民互动", "留言", "回应关切", "网站建设", "关切", "账号", "传播力",
    ),
    "channels_and_forms": (
        "渠道", "形式", "方式", "线上线下", "多样", "单一", "载体", "公开栏", "电子屏", "显示屏", "途径",
    ),
    "content_quality_and_review": (
        "审核", "审查", "把关", "保密", "错误", "表述", "格式", "质量", "三审三校", "审校", "校对", "错别字", "差错",
    ),
    "management_and_mechanisms": (
        "机制", "制度", "规范", "责任", "考核", "监督", "管理", "流程", "标准化", "督查", "考评", "问责",
    ),
}
PRIORITY = tuple(CUES)
_LEAD_END_RE = lazy_compile(r"[。，,；;：:]")
# A clause that only leads in: 针对…, 对照…, 从…看, 经…, 下一步, 今后, 2025年, 我们将 … up to its comma.
_PREAMBLE_RE = lazy_compile(
    r"\s*(?:针对|对照|对此|为此|从|经|根据|按照|结合|同时|此外|另外|下一步|下步|下一阶段|今后|未来|明年|\d{4}\s*年"
    r"|我们|我局|我单位|本单位|本机关)[^。，,；;：:]{0,14}[，,：:]"
)


@cache
def category_keys() -> frozenset[str]:
    """The category keys shipped with the package (``other`` included)."""
    data = (Path(__file__).resolve().parents[2] / "data" / "categories.json").read_text(encoding="utf-8")
    return frozenset(json.loads(data))


def _cue_index() -> dict[str, tuple[tuple[str, tuple[int, ...]], ...]]:
    """Every distinct cue once, by its first character, with the PRIORITY index of each category listing it."""
    cats: dict[str, list[int]] = {}
    for i, name in enumerate(PRIORITY):
        for cue in CUES[name]:
            cats.setdefault(cue, []).append(i)
    index: dict[str, list[tuple[str, tuple[int, ...]]]] = {}
    for cue, idx in cats.items():
        index.setdefault(cue[0], []).append((cue, tuple(idx)))
    return {first: tuple(cues) for first, cues in index.items()}


_CUE_INDEX = _cue_index()
_CUE_FIRST_RE = lazy_compile("[" + re.escape("".join(_CUE_INDEX)) + "]")


def categorize(text: str) -> str:
    """The category of one item's text."""
    present = [(cue, cats) for first in set(_CUE_FIRST_RE.findall(text)) for cue, cats in _CUE_INDEX[first]
               if cue in text]
    if not present:
        return "other"
    # The lead: the first clause, after any preamble clause that names nothing ("针对上述问题，",
    # "从自查情况看，", "下一步，"), which must not take the lead's weight from the clause after it.
    at = min(text.find(cue) for cue, _ in present)
    a = 0
    while (p := _PREAMBLE_RE.match(text, a)) is not None and p.end() <= at:
        a = p.end()
    m = _LEAD_END_RE.search(text, a)
    lead = text[a : m.start() if m else len(text)]
    scores = [0] * len(PRIORITY)
    for cue, cats in present:  # 2 in the lead, else 1, per category listing the cue
        weight = 2 if cue in lead else 1
        for i in cats:
            scores[i] += weight
    top = max(scores)  # the highest score wins, ties go to the earlier category
    return PRIORITY[scores.index(top)]
