"""Rewordings of the gold problems and measures that keep what each item is about, written for this test
(not quoted from any report): one word swapped for a synonym another report could write (提高 → 提升, 业务能力 →
业务功底, 政策解读 → 政策释义, 审核 → 审定 …), or a lead-in clause put before the item (针对上述问题，…).
The category of every rewording is the gold item's category by construction.

The synonyms are held out from the rules: none of them is or holds a cue word of
``service/extraction/rules/categories.py`` (a test checks it), so a rewording is categorised from the rest of the
item, as an unseen report's wording would be, and the figures measure how far the rules generalise. Were a
synonym made a cue, the test would echo the cue list; pick another synonym instead.
"""

from __future__ import annotations

import json

from tests._corpus import GOLD_DIR

# (word in a gold item, the synonym another report would write): meaning kept, category kept.
SYNONYMS: tuple[tuple[str, str], ...] = (
    ("提高", "提升"), ("加强", "强化"), ("有待", "还需"), ("进一步", "持续"), ("工作人员", "经办同志"),
    ("业务能力", "业务功底"), ("能力", "水准"), ("意识", "观念"), ("及时", "第一时间"), ("滞后", "迟缓"),
    ("政策解读", "政策释义"), ("解读", "诠释"), ("渠道", "通道"), ("审核", "审定"), ("把关", "核查"),
    ("制度", "规定"), ("监督", "监管"), ("考核", "评价"), ("互动", "交流"), ("影响力", "辐射力"),
    ("答复", "回复"), ("培训", "轮训"), ("队伍", "工作力量"), ("不够", "欠缺"), ("规范", "统一"),
    ("形式", "样式"), ("更新", "维护"), ("平台", "阵地"), ("机制", "工作体系"), ("重点领域", "关键领域"),
    ("力度", "强度"), ("主动性", "积极性"), ("新媒体", "融媒体"), ("深度", "纵深"), ("范围", "领域"),
)
# Clauses that only lead in to an item.
LEAD_INS: tuple[str, ...] = ("从自查情况看，", "对照上级要求，", "经认真梳理，", "针对上述问题，", "下一步，我们将",
                             "2025年，")


def gold_items() -> list[tuple[str, str]]:
    """(text, category) of every gold problem and measure, paragraph breaks removed."""
    items = []
    for path in sorted(GOLD_DIR.glob("*.json")):
        nar = json.loads(path.read_text(encoding="utf-8"))["narrative"]
        items += [(i["text"].replace("\n", ""), i["category"]) for i in nar["problems"] + nar["measures"]]
    return items


def one_word_rewordings() -> list[tuple[str, str, str]]:
    """(reworded text, gold category, the word swapped): each synonym swapped alone, in every item holding it."""
    return [(text.replace(a, b), cat, a) for text, cat in gold_items() for a, b in SYNONYMS if a in text]


def all_word_rewordings() -> list[tuple[str, str]]:
    """Every synonym swapped at once, in the items holding any."""
    out = []
    for text, cat in gold_items():
        new = text
        for a, b in SYNONYMS:
            new = new.replace(a, b)
        if new != text:
            out.append((new, cat))
    return out
