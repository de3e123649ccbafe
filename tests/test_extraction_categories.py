"""The categoriser (service/extraction/rules/categories.py) on wordings the gold set does not have
(tests/category_phrases.py, written from the category definitions) and on the gold items' own texts."""

from __future__ import annotations

import json

from service.extraction.rules.categories import CUES, categorize, category_keys
from service.reading.normalize import fold
from tests._corpus import GOLD_DIR
from tests.category_paraphrases import (
    LEAD_INS,
    SYNONYMS,
    all_word_rewordings,
    gold_items,
    one_word_rewordings,
)
from tests.category_phrases import PHRASES


def test_phrases_cover_every_category() -> None:
    assert set(PHRASES) == category_keys() - {"other"}
    assert all(len(v) >= 6 for v in PHRASES.values())


def test_phrases_written_from_the_definitions() -> None:
    """At least 90 % right overall and at least four of six in every category."""
    wrong = [(cat, t, got) for cat, texts in PHRASES.items() for t in texts if (got := categorize(fold(t))) != cat]
    total = sum(len(v) for v in PHRASES.values())
    assert len(wrong) <= 0.1 * total, wrong
    for cat in PHRASES:
        assert sum(1 for w in wrong if w[0] == cat) <= 2, [w for w in wrong if w[0] == cat]


def test_gold_items_by_their_own_text() -> None:
    items = []
    for path in sorted(GOLD_DIR.glob("*.json")):
        nar = json.loads(path.read_text(encoding="utf-8"))["narrative"]
        items += [(i["text"].replace("\n", ""), i["category"]) for i in nar["problems"] + nar["measures"]]
    right = sum(1 for text, cat in items if categorize(fold(text)) == cat)
    assert right >= 0.9 * len(items), (right, len(items))


def test_no_cue_is_other() -> None:
    assert categorize("本年度无此类情况") == "other"


def test_the_synonyms_are_held_out_from_the_cues() -> None:
    """No synonym of the rewordings is, or holds, a cue word: the rewordings test what the cues do not list."""
    cues = {c for v in CUES.values() for c in v}
    assert not [(b, c) for _, b in SYNONYMS for c in cues if c in b]


def test_gold_items_reworded() -> None:
    """One word of a gold item swapped for a held-out synonym: 151 of 194 rewordings (78 %) keep the gold
    category (the gold texts themselves: 51 of 54), at least 75 % must; with every synonym swapped at once,
    26 of 54 (48 %), at least 45 %. The cues generalise to one unseen word in an item, much less to an item
    reworded throughout."""
    one = one_word_rewordings()
    right = sum(1 for text, cat, _ in one if categorize(fold(text)) == cat)
    assert right >= 0.75 * len(one), (right, len(one))
    every = all_word_rewordings()
    right = sum(1 for text, cat in every if categorize(fold(text)) == cat)
    assert right >= 0.45 * len(every), (right, len(every))


def test_a_lead_in_clause_does_not_change_the_category() -> None:
    """"针对上述问题，" or "从自查情况看，" before an item says nothing of what it is about: the lead's double
    weight stays with the clause after it."""
    changed = [(lead, text) for text, _ in gold_items() for lead in LEAD_INS
               if categorize(fold(lead + text)) != categorize(fold(text))]
    assert not changed, changed[:5]
