"""The findings a year's summary lists, in its order, without holding them.

A batch of 100,000 reports has hundreds of thousands of findings, each with its message and evidence (~0.7 KiB
as objects). ``Findings`` keeps of each its unit, its place in that unit's digest, its category and its
status (18 bytes) and reads the finding again from what the aggregation pass kept of the unit
(service.batch.kept) whenever a summary lists it; a unit's findings of one status are next to each other in
the summary's order, so each listing reads a unit's line about once. The cross-year findings, made by the
summary itself, are held.
"""

from __future__ import annotations

import sys
from array import array
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from service.batch.kept import KeptUnits
from service.batch.model import FindingDigest, UnitDigest
from service.checks.model import Status

if TYPE_CHECKING:
    from service.batch.aggregate import UnitRow

#: The summary lists FAILs first, then WARNs, UNCERTAINs, INFOs and PASSes.
STATUS_ORDER = {Status.FAIL: 0, Status.WARN: 1, Status.UNCERTAIN: 2, Status.INFO: 3, Status.PASS: 4}
_STATUSES = sorted(STATUS_ORDER, key=STATUS_ORDER.__getitem__)
_CATEGORIES = ("report", "parse")


@dataclass(slots=True)
class FindingRow:
    name: str
    label: str
    year: int | None
    finding: FindingDigest
    cross_year: bool = False


class Findings:
    """A year's findings: ``add`` each unit's during the aggregation pass, ``settle`` once the units' labels
    are known and the cross-year findings made; then listed in the summary's order (the units' own findings
    first, then by status, unit and rule), as often as needed (``where`` for a part)."""

    def __init__(self, kept: KeptUnits) -> None:
        self._kept = kept  # where each unit's findings are read again
        # during the pass: (category, status, unit, rule, position in the unit's digest)
        self._pending: list[tuple[int, int, int, str, int]] = []
        self._unit = array("l")  # the unit's index in units, or -1 - k for the k-th cross-year finding
        self._index = array("l")  # the finding's position in its unit's digest
        self._category = array("b")
        self._status = array("b")
        self._units: Sequence[UnitRow] = ()
        self._cross: list[FindingRow] = []

    def add(self, unit: int, d: UnitDigest) -> None:
        """The findings of ``d``, the digest of the ``unit``-th unit (as ``kept`` has them)."""
        self._pending += [(_CATEGORIES.index(f.category), STATUS_ORDER[f.status], unit, sys.intern(f.rule), i)
                          for i, f in enumerate(d.findings)]

    def settle(self, units: Sequence[UnitRow], cross: list[FindingRow]) -> None:
        """Put every finding in the summary's order (a stable sort: ties keep the order they were added in,
        the cross-year ones last)."""
        self._units, self._cross = units, cross
        keyed = [(c, s, units[u].label, rule, u, i) for c, s, u, rule, i in self._pending]
        keyed += [(_CATEGORIES.index(f.finding.category), STATUS_ORDER[f.finding.status], f.label, f.finding.rule,
                   -1 - k, 0) for k, f in enumerate(cross)]
        self._pending = []
        keyed.sort(key=lambda e: e[:4])
        for c, s, _, _, u, i in keyed:
            self._category.append(c)
            self._status.append(s)
            self._unit.append(u)
            self._index.append(i)

    def __len__(self) -> int:
        return len(self._unit)

    def __iter__(self) -> Iterator[FindingRow]:
        return self._rows(lambda c, s: True)

    def where(self, category: str | None = None, statuses: Collection[Status] = tuple(_STATUSES)) -> FindingView:
        """The findings of ``category`` (any, by default) with one of ``statuses``, in the same order."""
        cats = {i for i, c in enumerate(_CATEGORIES) if category in (None, c)}
        codes = {STATUS_ORDER[s] for s in statuses}
        return FindingView(self, lambda c, s: c in cats and s in codes)

    def _positions(self, keep: Callable[[int, int], bool]) -> Iterator[int]:
        for k, (c, s) in enumerate(zip(self._category, self._status, strict=True)):
            if keep(c, s):
                yield k

    def _label(self, k: int) -> str:
        u = self._unit[k]
        return self._cross[-1 - u].label if u < 0 else self._units[u].label

    def _rows(self, keep: Callable[[int, int], bool]) -> Iterator[FindingRow]:
        last: tuple[int, list[FindingDigest]] | None = None  # the unit read last, and its findings
        for k in self._positions(keep):
            u = self._unit[k]
            if u < 0:
                yield self._cross[-1 - u]
                continue
            unit = self._units[u]
            if last is None or last[0] != u:
                last = (u, self._kept.of(u).findings)
            yield FindingRow(unit.name, unit.label, unit.year, last[1][self._index[k]])


class FindingView:
    """Some of a year's findings, in the summary's order: listed again on each iteration."""

    def __init__(self, findings: Findings, keep: Callable[[int, int], bool]) -> None:
        self._findings = findings
        self._keep = keep
        self._count = sum(1 for _ in findings._positions(keep))

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[FindingRow]:
        return self._findings._rows(self._keep)

    def labels(self) -> set[str]:
        """The units these findings are of (without reading their records)."""
        return {self._findings._label(k) for k in self._findings._positions(self._keep)}
