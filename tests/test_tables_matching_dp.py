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


def test_sparse_order_dp_equals_the_full_table_on_long_ordered_tables() -> None:
    # Tables as reports give them: a unit per row mostly on the diagonal, some rows lost, some units extra.
    r = random.Random(14)
    pool = [0.0, 0.1, 0.3, 0.5, 0.55, 0.6, 0.9, 1.0, 1.1]
    for _ in range(600):
        m, n = r.randint(15, 30), r.randint(20, 27)
        s = [[0.0] * n for _ in range(m)]
        for i in range(m):
            for _k in range(r.randint(0, 3)):
                j = min(n - 1, max(0, i + r.randint(-3, 3)))
                s[i][j] = r.choice(pool) if r.random() < 0.6 else r.random() * 1.2
        min_score = r.choice([0.5, 0.55])
        full = _full_table(s, n, min_score)
        assert _order_dp(s, n, min_score) == full
        # as assign_scored calls it, with each row's candidates (remembered with the scores) given
        cands = [[j for j, sc in enumerate(row) if sc >= min_score] for row in s]
        assert _order_dp(s, n, min_score, cands) == full


def test_remembered_candidates_are_the_scores_at_least_the_minimum() -> None:
    from service.tables.layout import T3_ROWS
    from service.tables.matching import _candidates, _context, _scores, _spec_index
    from service.tables.tokens import Unit

    index = _spec_index(tuple(T3_ROWS))
    for label in ["（一）予以公开", "1.属于国家秘密", "其他", "", "三、本年度办理结果", "x"]:
        ctx = _context(Unit(1, label, [], gap_before="（三）不予公开", gap_after="2.其他"))
        row, top = _scores(ctx, index)
        assert top == max(row, default=0.0)
        for min_score in (0.5, 0.55, 0.2):
            want = [j for j, sc in enumerate(row) if sc >= min_score]
            assert _candidates(ctx.key, row, index, min_score) == want
            assert _candidates(ctx.key, row, index, min_score) == want  # remembered


def test_indexes_by_identity_are_the_indexes_of_the_specs() -> None:
    from dataclasses import replace

    from service.tables import matching
    from service.tables.layout import T2_ROWS_2019, T2_ROWS_2021, T3_ROWS
    from service.tables.table3 import _SPECS_2019

    lists = [T3_ROWS, _SPECS_2019, [s for s, _ in T2_ROWS_2021], [s for s, _ in T2_ROWS_2019]]
    for specs in [*lists, *([replace(s) for s in specs] for specs in lists), T3_ROWS[3:9]]:
        for _ in range(2):  # made, then remembered
            index, bare = matching._indexes(specs)
            assert index == matching._spec_index(tuple(specs)) and bare == matching._bare_index(tuple(specs))
            assert index is matching._indexes(list(specs))[0]  # a list of the same specs: the same entry
    key = tuple(map(id, T3_ROWS))
    assert all(a is b for a, b in zip(matching._CACHE[key][0], T3_ROWS, strict=True))  # the entry holds its specs
