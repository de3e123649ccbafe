"""Resumable batch state: per-report JSON written atomically, results.jsonl appended and fsynced.

A report's JSON is renamed into place before its record is appended; only the record is fsynced (a
process killed at any point loses nothing the OS already has; after a power cut, a record whose JSON
did not reach the disk is not reused, because the JSON must exist and be non-empty).

A report is done when results.jsonl holds its record: the record is appended only after the report's
JSON is in place, so a batch killed at any point (Ctrl-C, kill -9) loses at most the reports in flight,
and a re-run redoes exactly those. A torn last line (killed mid-write) is dropped on the next start.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from pydantic import ValidationError

from service.batch.model import ErrorKind, Record
from service.batch.source import StoredRecords
from service.errors import InputError
from service.versions import PARSER_VERSION, SCHEMA_VERSION

RESULTS = "results.jsonl"
#: What the summaries in the output folder were made from (see ResultStore.summaries_current).
SUMMARY_KEY = ".summary-key.json"
#: Seconds between fsyncs of results.jsonl while a batch runs.
SYNC_EVERY = 0.25
REPORTS = "reports"


def run_versions(narrative: str) -> dict[str, str]:
    """The versions a stored result must match to be reused. ``narrative`` is "off" or the extractor's identity."""
    return {"schema": SCHEMA_VERSION, "parser": PARSER_VERSION, "narrative": narrative}


def run_key(versions: dict[str, str]) -> str:
    return hashlib.sha256(json.dumps(versions, sort_keys=True).encode()).hexdigest()[:16]


def summary_key(results: Path, inputs: dict[str, str]) -> str:
    """What a batch's summaries depend on: the records (results.jsonl as it is), the options that shape the
    summaries and the versions of the code."""
    from service import __version__

    h = hashlib.sha256(json.dumps({"inputs": inputs, "govreport": __version__, "parser": PARSER_VERSION,
                                   "schema": SCHEMA_VERSION}, sort_keys=True).encode())
    with results.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def write_atomic(path: Path, text: str | Iterable[str], durable: bool = True, sync_dir: bool = False) -> None:
    """Write ``text`` (a string, or pieces of one) to ``path`` via a temporary file and rename: readers see
    the old file or the new one.
    ``durable`` fsyncs the data before the rename; ``sync_dir`` also the folder after it (a per-report JSON
    skips that: should a crash lose the rename, the report's JSON is missing and the report is redone)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with tmp.open("w", encoding="utf-8") as f:
            if isinstance(text, str):
                f.write(text)
            else:
                f.writelines(text)
            if durable:
                f.flush()
                os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)  # a full disk leaves no half-written temporary file behind
        raise
    if durable and sync_dir:
        _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not every filesystem lets a directory be opened for fsync
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@dataclass(slots=True)
class Stored:
    """What a run needs of a record already in results.jsonl to decide whether to reuse it (the record
    itself stays on disk, at ``offset``, and is read again only when it must be rewritten)."""

    name: str
    path: str
    file_sha256: str | None
    key: str
    status: str
    error_kind: ErrorKind | None
    report: str | None
    fallback: bool  # its LLM extraction fell back to rules
    offset: int

    @staticmethod
    def of(record: Record, offset: int) -> Stored:
        return Stored(record.name, record.path, record.file_sha256, record.key, record.status, record.error_kind,
                      record.report, record.digest is not None and record.digest.extraction_fallback, offset)


class ResultStore:
    """The output folder's results.jsonl and reports/ folder. It keeps no record, only where each record's
    line starts (``source`` reads them back)."""

    def __init__(self, out: Path, durable: bool = True) -> None:
        self.out = out
        self.reports = out / REPORTS
        self.results = out / RESULTS
        self.durable = durable
        self._fh: IO[bytes] | None = None
        self._lock: IO[str] | None = None
        self._synced = 0.0
        self._loaded: list[Stored] = []  # what load_stored() returned, when every line was a valid record
        self._end = 0  # the size of results.jsonl while a run appends to it
        #: where each record's line starts in results.jsonl (the current run's and those it kept)
        self.offsets: dict[str, int] = {}

    def lock(self) -> None:
        """Hold the output folder for this run (released on exit, even on kill -9); a second batch
        writing to the same folder at once is refused rather than allowed to duplicate records."""
        self.out.mkdir(parents=True, exist_ok=True)
        fh = (self.out / ".lock").open("w")
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            fh.close()
            raise InputError("另一个批处理正在写入这个输出目录, 请等它结束", str(self.out)) from exc
        self._lock = fh

    def load(self) -> list[Record]:
        """Records from a previous run, in file order; a torn or invalid line is skipped."""
        return [r for r, _ in self._lines() if r is not None]

    def load_stored(self) -> list[Stored]:
        """What a run needs of the records of a previous run, in file order (see load)."""
        clean = True
        stored: list[Stored] = []
        for record, offset in self._lines():
            if record is None:
                clean = False
            else:
                stored.append(Stored.of(record, offset))
        self._loaded = stored if clean else []
        return stored

    def _lines(self) -> Iterator[tuple[Record | None, int]]:
        """Each valid record with the offset of its line; (None, offset) for an invalid or torn line."""
        if not self.results.exists():
            return
        offset = 0
        with self.results.open("rb") as f:
            for raw in f:
                at, offset = offset, offset + len(raw)
                if not raw.endswith(b"\n"):
                    yield None, at
                    break  # torn last line: the write never completed
                try:
                    yield Record.model_validate_json(raw.decode("utf-8", errors="replace")), at
                except (ValidationError, ValueError):
                    yield None, at

    def begin(self, keep: Iterable[Stored]) -> None:
        """Start a run: results.jsonl rewritten (atomically) with only the records kept, then opened for append.
        When the records kept are exactly the lines load_stored() read (a resumed batch with nothing to drop),
        the file already says that and is left as it is."""
        self.reports.mkdir(parents=True, exist_ok=True)
        for stale in self.reports.glob(".*.tmp"):
            stale.unlink(missing_ok=True)
        keep = list(keep)
        self.offsets = {}
        if self._same_as_loaded(keep):
            self.offsets = {s.name: s.offset for s in keep}
        else:
            write_atomic(self.results, self._kept_lines(keep), durable=self.durable, sync_dir=self.durable)
        self._loaded = []
        self._fh = self.results.open("ab")
        self._end = self._fh.seek(0, os.SEEK_END)

    def _kept_lines(self, keep: list[Stored]) -> Iterator[str]:
        """The kept records' lines, read again from the old results.jsonl (a moved file's path updated)."""
        if not keep:
            return
        offset = 0
        with self.results.open("rb") as old:
            for s in keep:
                old.seek(s.offset)
                record = Record.model_validate_json(old.readline())
                if record.path != s.path:
                    record.path = s.path
                line = record.model_dump_json() + "\n"
                self.offsets[s.name] = offset
                offset += len(line.encode("utf-8"))
                yield line

    def source(self, names: Iterable[str]) -> StoredRecords:
        """The records of ``names`` (each must have been kept or appended), read back from results.jsonl."""
        order = [n for n in names if n in self.offsets]
        return StoredRecords(self.results, order, [self.offsets[n] for n in order])

    def _same_as_loaded(self, keep: list[Stored]) -> bool:
        """``keep`` holds every record load_stored() read, unchanged (the same objects), and nothing else."""
        loaded = {id(r) for r in self._loaded}
        return bool(loaded) and len(keep) == len(self._loaded) == len(loaded) and all(id(r) in loaded for r in keep)

    def summaries_current(self, key: str) -> list[Path] | None:
        """The summary files, if the last ones written were made under ``key`` and are all still there."""
        try:
            recorded = json.loads((self.out / SUMMARY_KEY).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(recorded, dict) or recorded.get("key") != key:
            return None
        paths = [self.out / p for p in recorded.get("outputs", [])]
        return paths if paths and all(p.is_file() for p in paths) else None

    def forget_summaries(self) -> None:
        """Before summaries are (re)written: a run killed halfway must not leave a key that claims them."""
        (self.out / SUMMARY_KEY).unlink(missing_ok=True)

    def record_summaries(self, key: str, outputs: Sequence[str]) -> None:
        """That the summaries ``outputs`` (relative to the output folder) were made under ``key``."""
        write_atomic(self.out / SUMMARY_KEY, json.dumps({"key": key, "outputs": list(outputs)}, ensure_ascii=False),
                     durable=False)

    def report_path(self, name: str) -> Path:
        return self.reports / f"{name}.json"

    def append(self, record: Record) -> None:
        """Append one record as a single write, flushed at once (a killed process loses nothing written);
        when durable, fsynced at most every SYNC_EVERY seconds and on close (a power cut loses at most
        that much, and those reports are redone on the next run)."""
        if self._fh is None:
            raise RuntimeError("ResultStore.begin() was not called")
        line = (record.model_dump_json() + "\n").encode("utf-8")
        self._fh.write(line)
        self._fh.flush()
        self.offsets[record.name] = self._end
        self._end += len(line)
        now = time.monotonic()
        if self.durable and now - self._synced >= SYNC_EVERY:
            os.fsync(self._fh.fileno())
            self._synced = now

    def close(self) -> None:
        if self._fh is not None:
            if self.durable:
                self._fh.flush()
                os.fsync(self._fh.fileno())
            self._fh.close()
            self._fh = None
        if self._lock is not None:
            self._lock.close()  # releases the flock
            self._lock = None


def reusable(record: Stored, name: str, sha: str | None, key: str, store: ResultStore,
             redo_fallback: bool = False) -> bool:
    """A previous record stands for this file: same name, content and versions, and its output still there.
    Internal errors are never reused (they may be transient); unreadable input is, as it reads the same again.
    With ``redo_fallback``, a report whose LLM extraction fell back to rules is redone too."""
    if record.name != name or sha is None or record.file_sha256 != sha or record.key != key:
        return False
    if record.status == "error":
        return record.error_kind != "internal"
    if redo_fallback and record.fallback:
        return False
    if record.report is None:
        return False
    out = store.out / record.report
    return out.exists() and out.stat().st_size > 0
