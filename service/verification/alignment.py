"""Align an extracted item to the source: exact (after normalisation), then fuzzy, else unaligned.

Matching runs on a normalised copy of a reader view (folded widths, no whitespace or markup) that
keeps a map back to view positions, so an aligned item gets the source's own text and span.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections import Counter
from dataclasses import dataclass
from difflib import SequenceMatcher

from service.extraction.view import TextView
from service.lazy_re import lazy_compile
from service.reading.normalize import fold

FUZZY_MIN = 0.85
_DROP = frozenset(" \t\n\r\u3000\u00a0\f\v*#")
_DROP_RE = lazy_compile("[" + re.escape("".join(sorted(_DROP))) + "]+")
_KEEP_RE = lazy_compile("[^" + re.escape("".join(sorted(_DROP))) + "]+")
_GRAM = 3


@dataclass(frozen=True, slots=True)
class Alignment:
    start: int  # view positions
    end: int
    similarity: float
    exact: bool


class Aligner:
    """Index one view once, then align many items to it."""

    def __init__(self, view: TextView) -> None:
        self.view = view
        folded = view.folded
        runs = [m.span() for m in _KEEP_RE.finditer(folded)]  # the kept characters, run by run
        self.norm = "".join(folded[a:b] for a, b in runs)
        # Where each run starts in the view and in ``norm``: the map from ``norm`` back to the view.
        self._run_view = [a for a, _ in runs]
        self._run_norm = list(itertools.accumulate((b - a for a, b in runs), initial=0))
        self._grams: dict[str, list[int]] | None = None

    @property
    def grams(self) -> dict[str, list[int]]:
        """3-gram positions of the normalised text, built on the first fuzzy alignment."""
        if self._grams is None:
            grams: dict[str, list[int]] = {}
            norm = self.norm
            for i in range(len(norm) - _GRAM + 1):
                grams.setdefault(norm[i : i + _GRAM], []).append(i)
            self._grams = grams
        return self._grams

    def _view_pos(self, k: int) -> int:
        """View position of normalised position ``k``."""
        r = bisect.bisect_right(self._run_norm, k) - 1
        return self._run_view[r] + (k - self._run_norm[r])

    def _view_range(self, a: int, b: int) -> tuple[int, int]:
        return self._view_pos(a), self._view_pos(b - 1) + 1

    def align(self, text: str, forbidden: list[tuple[int, int]] | None = None) -> Alignment | None:
        """Best alignment of ``text`` in the view, or None below FUZZY_MIN."""
        item = _DROP_RE.sub("", fold(text)).strip("；;，,、：: ")
        if not item:
            return None
        k = self.norm.find(item)
        while k != -1:
            a, b = self._view_range(k, k + len(item))
            if not forbidden or not any(x < b and a < y for x, y in forbidden):
                return Alignment(a, b, 1.0, True)
            k = self.norm.find(item, k + 1)
        return self._fuzzy(item, forbidden)

    def _fuzzy(self, item: str, forbidden: list[tuple[int, int]] | None) -> Alignment | None:
        votes: Counter[int] = Counter()
        for i in range(len(item) - _GRAM + 1):
            for p in self.grams.get(item[i : i + _GRAM], ()):
                votes[p - i] += 1
        best: Alignment | None = None
        n = len(item)
        slack = max(4, n // 5)
        for offset, _ in votes.most_common(3):
            lo = max(0, offset - slack)
            hi = min(len(self.norm), offset + n + slack)
            window = self.norm[lo:hi]
            sm = SequenceMatcher(None, item, window, autojunk=False)
            blocks = [b for b in sm.get_matching_blocks() if b.size]
            if not blocks:
                continue
            a = lo + blocks[0].b
            b = lo + blocks[-1].b + blocks[-1].size
            ratio = SequenceMatcher(None, item, self.norm[a:b], autojunk=False).ratio()
            if best is None or ratio > best.similarity:
                va, vb = self._view_range(a, b)
                best = Alignment(va, vb, ratio, False)
        if best is None or best.similarity < FUZZY_MIN:
            return None
        if forbidden and any(x < best.end and best.start < y for x, y in forbidden):
            return None
        return best
