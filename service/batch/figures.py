"""A digest's figures as the summaries use them: a 表三 cell, a 表四 total over groups, sums that stay unknown.

A sum is unknown (None) when any of its parts is: a cell a report leaves blank is never counted as 0.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from service.batch.model import UnitDigest
from service.tables.model import Number

#: The 总计 column of 表三.
TOTAL = 6


def sum_known(values: Iterable[Number | None]) -> Number | None:
    """The sum of ``values``, or None when any is unknown."""
    vals = list(values)
    return None if None in vals else sum(v for v in vals if v is not None)


def t3_cell(d: UnitDigest, row: str, col: int = TOTAL) -> Number | None:
    """表三 ``row`` in column ``col`` (default 总计); None when the report does not give it."""
    values = (d.applications or {}).get(row)
    return values[col] if values is not None and col < len(values) else None


def t4_total(d: UnitDigest, groups: Sequence[str], col: str = "total") -> Number | None:
    """表四 column ``col`` summed over ``groups``; None without 表四 or when a group's cell is unknown."""
    rl = d.review_litigation
    if not rl:
        return None
    return sum_known(rl.get(g, {}).get(col) for g in groups)
