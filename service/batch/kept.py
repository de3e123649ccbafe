"""What a year's summary lists of each unit, kept from the aggregation pass in a temporary file.

A summary lists each unit's findings, problems and measures several times (summary.md, .docx, .xlsx and .json,
the 整改清单): reading the unit's record again from results.jsonl for each listing validated its whole line
(~4.5 KiB) every time. During the aggregation pass the unit's digest is at hand: its findings, problems and
measures, and the record's report and path, are written then as one line of a temporary file, and read back
from there (8 bytes a unit in memory). A listing shows what was aggregated, never another record read later.
"""

from __future__ import annotations

import json
import os
import tempfile
from array import array
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from service.batch.model import FindingDigest, ItemDigest, Record, UnitDigest
from service.checks.model import Status


@dataclass(slots=True)
class Kept:
    """One unit's record, as the summaries list its findings: where its file and its report's JSON are."""

    path: str
    report: str | None
    findings: list[FindingDigest]


class KeptUnits:
    """Per unit, in the order added: two lines in a temporary file in ``folder`` (the system's temporary folder
    by default; the batch gives its output folder: /tmp may be memory), one with what Kept holds and one with
    its problems and measures, each read without the other."""

    def __init__(self, folder: Path | None = None) -> None:
        self._file = tempfile.TemporaryFile(dir=folder)  # noqa: SIM115 (lives as long as the summary; closed by close())
        self._at = array("q")  # per unit: where its line of findings starts; its line of items follows it
        self._names: list[str] = []  # per unit: its record's name (the record's own str)
        self._by_name: dict[str, int] | None = None

    def add(self, r: Record, d: UnitDigest) -> None:
        """The next unit: record ``r`` with its digest ``d``."""
        self._at.append(self._file.seek(0, os.SEEK_END))
        self._names.append(r.name)
        self._by_name = None
        findings = [r.path, r.report,
                    [[f.rule, str(f.status), f.category, f.subject, f.message, f.evidence] for f in d.findings]]
        items = [[[i.category, i.text] for i in d.problems], [[i.category, i.text] for i in d.measures]]
        self._file.write(_line(findings) + _line(items))

    def of(self, unit: int) -> Kept:
        """The ``unit``-th unit's record: its file, report and findings."""
        self._file.seek(self._at[unit])
        path, report, findings = _read(self._file.readline())
        return Kept(path, report,
                    [FindingDigest(rule=rule, status=Status(status), category=category, subject=subject,
                                   message=message, evidence=evidence)
                     for rule, status, category, subject, message, evidence in findings])

    def items(self, unit: int) -> tuple[list[ItemDigest], list[ItemDigest]]:
        """The ``unit``-th unit's problems and measures."""
        self._file.seek(self._at[unit])
        self._file.readline()
        problems, measures = _read(self._file.readline())
        return [ItemDigest(category=c, text=t) for c, t in problems], [ItemDigest(category=c, text=t) for c, t in measures]

    def __len__(self) -> int:
        return len(self._at)

    def name(self, unit: int) -> str:
        """The ``unit``-th unit's record name."""
        return self._names[unit]

    def find(self, name: str, unit: int) -> int | None:
        """Where the record ``name`` is: ``unit`` when that unit is it (the units as the pass made them), else
        the last unit of that name (a list of units made otherwise), None when there is none."""
        if 0 <= unit < len(self._names) and self._names[unit] == name:
            return unit
        if self._by_name is None:
            self._by_name = {n: i for i, n in enumerate(self._names)}
        return self._by_name.get(name)

    def close(self) -> None:
        self._file.close()

    def __del__(self) -> None:
        self._file.close()


def _line(value: object) -> bytes:
    # any str round-trips, a lone surrogate from a damaged text layer too
    return json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass") + b"\n"


def _read(line: bytes) -> Any:
    return json.loads(line.decode("utf-8", "surrogatepass"))
