"""Score the free-text extraction: channels, stated totals, problems and measures.

Problems and measures are matched one to one by character similarity after normalisation
(similarity.match_items, threshold 0.6). Channels match when kind and posts agree. A missing
narrative (None) finds nothing: zero recall, and its stated totals count as wrong.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from service.evaluation.similarity import PRF, THRESHOLD, match_items, normalize, similarity
from service.extraction.model import Item, Narrative

SCALARS = ("disclosure_total", "applications_received", "processing_fee_collected")
#: A predicted item is grounded when its text is in the source (after normalisation) or its span reads
#: back at least this similar.
GROUND_SIMILARITY = 0.9


@dataclass
class ItemScore:
    """Problems or measures of one report (or pooled)."""

    prf: PRF = field(default_factory=lambda: PRF(0, 0, 0))
    similarity_sum: float = 0.0
    category_right: int = 0
    grounded: int = 0
    missed: list[str] = field(default_factory=list)  # gold texts with no match
    spurious: list[str] = field(default_factory=list)  # predicted texts with no match
    wrong_category: list[str] = field(default_factory=list)

    @property
    def mean_similarity(self) -> float | None:
        return self.similarity_sum / self.prf.tp if self.prf.tp else None

    @property
    def category_accuracy(self) -> float | None:
        return self.category_right / self.prf.tp if self.prf.tp else None

    @property
    def grounding_rate(self) -> float | None:
        return self.grounded / self.prf.n_pred if self.prf.n_pred else None

    def add(self, other: ItemScore) -> None:
        self.prf = self.prf + other.prf
        self.similarity_sum += other.similarity_sum
        self.category_right += other.category_right
        self.grounded += other.grounded


@dataclass
class NarrativeScore:
    present: bool = True
    channels: PRF = field(default_factory=lambda: PRF(0, 0, 0))
    channel_misses: list[str] = field(default_factory=list)
    channel_spurious: list[str] = field(default_factory=list)
    scalars: dict[str, list[int]] = field(default_factory=lambda: {k: [0, 0] for k in SCALARS})  # [right, total]
    scalar_diffs: list[str] = field(default_factory=list)
    problems: ItemScore = field(default_factory=ItemScore)
    measures: ItemScore = field(default_factory=ItemScore)

    def add(self, other: NarrativeScore) -> None:
        self.channels = self.channels + other.channels
        for k in SCALARS:
            self.scalars[k][0] += other.scalars[k][0]
            self.scalars[k][1] += other.scalars[k][1]
        self.problems.add(other.problems)
        self.measures.add(other.measures)


def _grounded(item: Item, source: str, source_norm: str) -> bool:
    text = normalize(item.text)
    if text and text in source_norm:
        return True
    if item.span is not None:
        s, e = item.span
        if 0 <= s < e <= len(source):
            return similarity(source[s:e], item.text) >= GROUND_SIMILARITY
    return False


def score_items(gold_items: list[dict[str, Any]], pred: list[Item], source: str = "",
                threshold: float = THRESHOLD) -> ItemScore:
    gold_texts = [str(g.get("text", "")) for g in gold_items]
    matches = match_items(gold_texts, [p.text for p in pred], threshold)
    score = ItemScore(prf=PRF(len(matches), len(pred), len(gold_items)))
    matched_gold = {m.gold for m in matches}
    matched_pred = {m.pred for m in matches}
    for m in matches:
        score.similarity_sum += m.similarity
        if gold_items[m.gold].get("category") == pred[m.pred].category:
            score.category_right += 1
        else:
            score.wrong_category.append(
                f"{pred[m.pred].text[:40]}: `{pred[m.pred].category}`（标注 `{gold_items[m.gold].get('category')}`）")
    score.missed = [t for i, t in enumerate(gold_texts) if i not in matched_gold]
    score.spurious = [p.text for j, p in enumerate(pred) if j not in matched_pred]
    source_norm = normalize(source)
    score.grounded = sum(1 for p in pred if _grounded(p, source, source_norm))
    return score


def _channel_key(kind: Any, posts: Any) -> tuple[str, Any]:
    return (str(kind), posts)


def score_narrative(gold: dict[str, Any] | None, pred: Narrative | None, source: str = "") -> NarrativeScore:
    """Score one report's narrative. ``source`` is the text the items should be quoted from."""
    gold = gold or {}
    present = pred is not None
    nar = pred if pred is not None else Narrative()
    score = NarrativeScore(present=present)
    gold_ch = list(gold.get("channels") or [])
    g_keys = Counter(_channel_key(c.get("kind"), c.get("posts")) for c in gold_ch)
    p_keys = Counter(_channel_key(c.kind, c.posts) for c in nar.channels)
    tp = sum((g_keys & p_keys).values())
    score.channels = PRF(tp, len(nar.channels), len(gold_ch))
    score.channel_misses = [f"{k} {p}" for (k, p), n in (g_keys - p_keys).items() for _ in range(n)]
    score.channel_spurious = [f"{k} {p}" for (k, p), n in (p_keys - g_keys).items() for _ in range(n)]
    for key in SCALARS:
        g = gold.get(key)
        o = getattr(nar, key)
        right = present and g == o and type(g) is type(o)
        score.scalars[key] = [1 if right else 0, 1]
        if not right:
            score.scalar_diffs.append(f"{key}: 标注 {g!r}, 读出 {o!r}" + ("" if present else "（没有正文抽取结果）"))
    score.problems = score_items(list(gold.get("problems") or []), list(nar.problems), source)
    score.measures = score_items(list(gold.get("measures") or []), list(nar.measures), source)
    return score
