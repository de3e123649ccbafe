"""Text normalisation, character-level similarity and one-to-one matching of quoted items.

Matching is optimal (Hungarian / Kuhn–Munkres): among all one-to-one pairings it takes the one with
the largest total similarity, counting only pairs at or above the threshold. Greedy-by-best can lose
a match when one item is the best partner of two others; the optimal assignment cannot.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

#: The extraction issue's matching threshold.
THRESHOLD = 0.6


def normalize(text: str) -> str:
    """NFKC (unifies full and half width), then drop punctuation, symbols of markup and whitespace."""
    out = []
    for ch in unicodedata.normalize("NFKC", text):
        cat = unicodedata.category(ch)
        if ch.isspace() or cat[0] in ("P", "Z", "C") or ch in "*`#~^|<>=+":
            continue
        out.append(ch.lower())
    return "".join(out)


def similarity(a: str, b: str) -> float:
    """Character-level similarity of two texts after normalisation: difflib's ratio 2·M / (|a| + |b|)."""
    na, nb = normalize(a), normalize(b)
    if not na and not nb:
        return 1.0
    if not na or not nb:
        return 0.0
    return difflib.SequenceMatcher(None, na, nb, autojunk=False).ratio()


@dataclass(frozen=True, slots=True)
class Match:
    gold: int  # index into the gold list
    pred: int  # index into the predicted list
    similarity: float


def assignment(weights: Sequence[Sequence[float]]) -> list[tuple[int, int]]:
    """Maximum-weight assignment of rows to columns (rectangular allowed): [(row, col), …].

    The Hungarian algorithm (shortest augmenting paths with potentials), O(n³).
    """
    n_rows = len(weights)
    n_cols = len(weights[0]) if n_rows else 0
    if n_rows == 0 or n_cols == 0:
        return []
    n = max(n_rows, n_cols)
    big = max((w for row in weights for w in row), default=0.0)
    # Minimise cost = big - weight on a square matrix padded with zero-weight cells.
    cost = [[big - (weights[i][j] if i < n_rows and j < n_cols else 0.0) for j in range(n)] for i in range(n)]
    inf = float("inf")
    u = [0.0] * (n + 1)
    v = [0.0] * (n + 1)
    p = [0] * (n + 1)  # p[j]: row matched to column j (1-based), 0 = none
    way = [0] * (n + 1)
    for i in range(1, n + 1):
        p[0] = i
        j0 = 0
        minv = [inf] * (n + 1)
        used = [False] * (n + 1)
        while True:
            used[j0] = True
            i0 = p[j0]
            delta = inf
            j1 = 0
            for j in range(1, n + 1):
                if used[j]:
                    continue
                cur = cost[i0 - 1][j - 1] - u[i0] - v[j]
                if cur < minv[j]:
                    minv[j] = cur
                    way[j] = j0
                if minv[j] < delta:
                    delta = minv[j]
                    j1 = j
            for j in range(n + 1):
                if used[j]:
                    u[p[j]] += delta
                    v[j] -= delta
                else:
                    minv[j] -= delta
            j0 = j1
            if p[j0] == 0:
                break
        while True:
            j1 = way[j0]
            p[j0] = p[j1]
            j0 = j1
            if j0 == 0:
                break
    pairs = [(p[j] - 1, j - 1) for j in range(1, n + 1) if p[j] != 0]
    return sorted((i, j) for i, j in pairs if i < n_rows and j < n_cols)


def match_items(gold: Sequence[str], pred: Sequence[str], threshold: float = THRESHOLD) -> list[Match]:
    """One-to-one matches between gold and predicted texts with similarity ≥ threshold (optimal total)."""
    sims = [[similarity(g, p) for p in pred] for g in gold]
    weights = [[s if s >= threshold else 0.0 for s in row] for row in sims]
    out = [Match(i, j, sims[i][j]) for i, j in assignment(weights) if sims[i][j] >= threshold]
    return sorted(out, key=lambda m: m.gold)


@dataclass(frozen=True, slots=True)
class PRF:
    """Precision, recall and F1 from counts. With nothing claimed precision is 1 (nothing false), with
    nothing to find recall is 1 (nothing missed); F1 is then 1 only when both lists are empty."""

    tp: int
    n_pred: int
    n_gold: int

    @property
    def precision(self) -> float:
        return self.tp / self.n_pred if self.n_pred else 1.0

    @property
    def recall(self) -> float:
        return self.tp / self.n_gold if self.n_gold else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 0.0 if p + r == 0 else 2 * p * r / (p + r)

    def __add__(self, other: PRF) -> PRF:
        return PRF(self.tp + other.tp, self.n_pred + other.n_pred, self.n_gold + other.n_gold)
