"""Normalisation, character similarity, optimal one-to-one matching and the P/R/F1 arithmetic."""

from __future__ import annotations

import itertools
import random

import pytest

from service.evaluation.similarity import PRF, assignment, match_items, normalize, similarity


def test_normalize_unifies_width_and_drops_punctuation_and_space():
    assert normalize("一是，ＡＢＣ　公开。\n**二是**") == "一是abc公开二是"
    assert normalize("（一）“三安全一稳定”") == "一三安全一稳定"


def test_similarity_is_after_normalisation():
    assert similarity("加强培训。", "加强培训") == 1.0
    assert similarity("ＡＢＣＤ", "abce") == pytest.approx(0.75)
    assert similarity("abc", "") == 0.0
    assert similarity("，。", "") == 1.0  # both empty after normalisation
    assert similarity("完全不同的文字", "另一回事") < 0.3


def _brute_force(weights: list[list[float]]) -> float:
    rows, cols = len(weights), len(weights[0])
    best = 0.0
    if rows <= cols:
        for perm in itertools.permutations(range(cols), rows):
            best = max(best, sum(weights[i][perm[i]] for i in range(rows)))
    else:
        for perm in itertools.permutations(range(rows), cols):
            best = max(best, sum(weights[perm[j]][j] for j in range(cols)))
    return best


@pytest.mark.parametrize("shape", [(1, 1), (2, 3), (3, 2), (4, 4), (5, 3), (3, 6)])
def test_assignment_is_optimal_and_one_to_one(shape):
    rng = random.Random(str(shape))
    for _ in range(25):
        w = [[rng.choice([0.0, rng.random()]) for _ in range(shape[1])] for _ in range(shape[0])]
        pairs = assignment(w)
        assert len({i for i, _ in pairs}) == len(pairs) == len({j for _, j in pairs})
        assert sum(w[i][j] for i, j in pairs) == pytest.approx(_brute_force(w))


def test_assignment_beats_greedy():
    # Greedy-by-best takes (0, 0) = 0.9 and is left with (1, 1) = 0; the optimum pairs both.
    w = [[0.9, 0.85], [0.8, 0.0]]
    assert assignment(w) == [(0, 1), (1, 0)]


def test_match_items_threshold_and_one_to_one():
    gold = ["加强业务培训，提升队伍能力", "及时更新网站栏目"]
    pred = ["加强业务培训提升队伍能力。", "加强业务培训", "完全无关的一句话"]
    matches = match_items(gold, pred)
    assert [(m.gold, m.pred) for m in matches] == [(0, 0)]
    assert matches[0].similarity == 1.0
    # Lower the bar and the second gold item still has no partner above it.
    assert len(match_items(gold, pred, threshold=0.0)) == 2


def test_prf_arithmetic():
    p = PRF(2, 4, 3)
    assert p.precision == 0.5
    assert p.recall == pytest.approx(2 / 3)
    assert p.f1 == pytest.approx(2 * 0.5 * (2 / 3) / (0.5 + 2 / 3))
    assert (PRF(0, 0, 0).precision, PRF(0, 0, 0).recall, PRF(0, 0, 0).f1) == (1.0, 1.0, 1.0)
    assert PRF(0, 3, 0).f1 == 0.0  # claimed three where there was nothing
    assert PRF(0, 0, 3).f1 == 0.0  # found nothing of three
    assert PRF(1, 2, 2) + PRF(1, 1, 3) == PRF(2, 3, 5)
