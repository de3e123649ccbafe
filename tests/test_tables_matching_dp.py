"""The matcher's sparse order DP gives the full table's values and moves, ties included."""

from __future__ import annotations

import random

from service.tables.matching import _order_dp


def _full_table(s: list[list[float]], n: int, min_score: float) -> tuple[list[list[float]], list[list[int]]]:
    """Every cell computed: the reference the sparse form must equal."""
    dp = [[0.0] * (n + 1)]
    back = [[0] * (n + 1)]
    for srow in s:
        up = dp[-1]
        cur = [0.0] * (n + 1)
        brow = [0] * (n + 1)
        left = 0.0
        for j in range(n):
            best, move = up[j + 1], 0
            if left > best:
                best, move = left, 1
            if srow[j] >= min_score and up[j] + srow[j] > best:
                best, move = up[j] + srow[j], 2
            cur[j + 1] = left = best
            brow[j + 1] = move
        dp.append(cur)
        back.append(brow)
    return dp, back


def test_sparse_order_dp_equals_the_full_table() -> None:
    r = random.Random(13)
    # Repeated scores make ties, the case where the moves' order matters.
    pool = [0.0, 0.1, 0.3, 0.5, 0.55, 0.6, 0.9, 1.0, 1.1]
    for _ in range(3000):
        m, n = r.randint(0, 8), r.randint(1, 27)
        s = [[r.choice(pool) if r.random() < 0.7 else r.random() * 1.2 for _ in range(n)] for _ in range(m)]
        min_score = r.choice([0.5, 0.55])
        assert _order_dp(s, n, min_score) == _full_table(s, n, min_score)
