"""Cells printed with no separator: split a row's digit runs by the row's own relations.

A text layer that lost the cell borders prints ``1288210050031362`` for 表三's row 1288 21 0 0 50 3
1362, or 表四's fifteen numbers as one string. The digits are split into the row's cells only where the
relations leave one way: every segmentation into ``ncols`` cells (no cell with a leading zero but
"0" itself; a blank inside a run may or may not be a cell border) is tried against the row's sums (C4
for a 表三 row: the six applicant columns add up to 总计; C5 for each 表四 group), and a split is kept
only when exactly one satisfies all of them — or, of the few (``MAX_SPLITS``) that do, exactly one
also satisfies the table's other relations (C1, C3 across rows) with the rest of the table as read.
Otherwise nothing is split and the cells stay unknown.

Bound: the parts of a sum are enumerated left to right and the sum's own cell is then not enumerated
but compared with the digits that follow, a part never has more digits than the digits left for the
sum, and the search stops after ``MAX_STEPS`` partial segmentations (the row then stays unknown). A
表三 row of L digits visits at most C(L-1, 5) part-length choices; ``MAX_STEPS`` caps every row at
20,000 steps whatever its length.
"""

from __future__ import annotations

from collections.abc import Sequence

MAX_STEPS = 20_000
#: More segmentations than this that fit a row's own sums are not tried against the other relations.
MAX_SPLITS = 16
#: At most this many digits are split (7 cells of 9 digits; 表四's 15 cells of 4).
MAX_DIGITS = 64

#: A row's own relations: (columns of the parts, column of their sum), the columns in printed order.
Group = tuple[tuple[int, ...], int]


def split_digits(digits: str, ncols: int, groups: Sequence[Group], limit: int = MAX_SPLITS) -> list[list[tuple[int, int]]] | None:
    """The segmentations of ``digits`` into ``ncols`` cells that satisfy every group, as cell (start,
    end) offsets; None when there are more than ``limit`` or the search was cut off."""
    if not digits.isdigit() or not digits.isascii() or len(digits) < ncols or len(digits) > MAX_DIGITS:
        return []
    if any(p >= total for parts, total in groups for p in parts) or any(total >= ncols for _p, total in groups):
        return []  # a sum is printed after its parts
    found: list[list[tuple[int, int]]] = []
    steps = 0
    n = len(digits)
    cuts: list[tuple[int, int]] = [(0, 0)] * ncols
    sums = {total: parts for parts, total in groups}
    total_of = {p: total for parts, total in groups for p in parts}

    def rest_fits(pos: int, col: int) -> bool:
        return n - pos >= ncols - col

    def go(pos: int, col: int) -> bool:
        """False when the search must stop (cut off, or a second solution found)."""
        nonlocal steps
        steps += 1
        if steps > MAX_STEPS:
            return False
        if col == ncols:
            if pos == n:
                found.append(list(cuts))
                return len(found) <= limit
            return True
        if not rest_fits(pos, col):
            return True
        if col in sums:
            want = str(sum(int(digits[a:b]) for a, b in (cuts[c] for c in sums[col])))
            if digits.startswith(want, pos):
                cuts[col] = (pos, pos + len(want))
                return go(pos + len(want), col + 1)
            return True
        if digits[pos] == "0":
            cuts[col] = (pos, pos + 1)
            return go(pos + 1, col + 1)
        longest = n - pos - (ncols - col - 1)
        total = total_of.get(col)
        if total is not None:
            # The sum is at least as long as this part: part + cells up to the sum + cells after it.
            longest = min(longest, (n - pos - (total - col - 1) - (ncols - total - 1)) // 2)
        for length in range(1, longest + 1):
            cuts[col] = (pos, pos + length)
            if not go(pos + length, col + 1):
                return False
        return True

    if not go(0, 0):
        return None
    return found
