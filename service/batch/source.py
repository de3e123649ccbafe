"""A batch's records as the summaries read them: in order, as often as needed, without holding them all.

A batch of 100,000 reports cannot keep 100,000 records in memory (about 8 KiB each as objects): the runner
writes each record to results.jsonl as it finishes and keeps only where its line starts. ``StoredRecords``
reads them back from there, in the batch's order, one at a time, on every pass (``iter``) and one by one
(``get``). ``HeldRecords`` is the same for records already in memory (tests, the Python API).
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Protocol

from service.batch.model import Record


class RecordSource(Protocol):
    """Records in the batch's order; every ``iter`` is a new pass."""

    def __iter__(self) -> Iterator[Record]: ...

    def __len__(self) -> int: ...

    def get(self, name: str) -> Record | None: ...


class HeldRecords:
    """Records in memory."""

    def __init__(self, records: Iterable[Record]) -> None:
        self._records = list(records)
        self._by_name: dict[str, Record] | None = None

    def __iter__(self) -> Iterator[Record]:
        return iter(self._records)

    def __len__(self) -> int:
        return len(self._records)

    def get(self, name: str) -> Record | None:
        if self._by_name is None:
            self._by_name = {r.name: r for r in self._records}
        return self._by_name.get(name)


class StoredRecords:
    """Records read back from results.jsonl at the given byte offsets, in that order (8 bytes a record,
    plus the name for ``get``)."""

    def __init__(self, path: Path, names: Sequence[str], offsets: Sequence[int]) -> None:
        self.path = path
        self._offsets = array("q", offsets)
        self._index = {name: i for i, name in enumerate(names)}

    def __len__(self) -> int:
        return len(self._offsets)

    def __iter__(self) -> Iterator[Record]:
        with self.path.open("rb") as f:
            for offset in self._offsets:
                f.seek(offset)
                yield Record.model_validate_json(f.readline())

    def index(self, name: str) -> int:
        """The position of ``name`` in the batch's order (-1 when it is not in the batch)."""
        return self._index.get(name, -1)

    def get(self, name: str) -> Record | None:
        i = self._index.get(name)
        if i is None:
            return None
        with self.path.open("rb") as f:
            f.seek(self._offsets[i])
            return Record.model_validate_json(f.readline())


def as_source(records: RecordSource | Iterable[Record]) -> RecordSource:
    """``records`` as a source: a list (or any iterable) is held."""
    if isinstance(records, HeldRecords | StoredRecords):
        return records
    return HeldRecords(records)
