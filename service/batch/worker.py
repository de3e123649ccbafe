"""The work for one report, run in a worker: analyse, write its JSON atomically, return its record."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from service.batch.model import ErrorKind, Record, digest_of
from service.batch.state import REPORTS, write_atomic
from service.errors import InputError, NotAReportError, UnsupportedFormatError
from service.extraction.settings import redact
from service.report import Report

#: analyse(path, narrative, backend) -> Report; raises InputError for unreadable input.
Analyzer = Callable[[str, bool, str | None], Report]


@dataclass(frozen=True, slots=True)
class Task:
    name: str
    path: str
    out: str
    file_sha256: str | None
    key: str
    narrative: bool
    backend: str | None
    durable: bool = True


def default_analyzer(path: str, narrative: bool, backend: str | None) -> Report:
    from service.pipeline import analyze_path

    return analyze_path(path, backend=backend, narrative=narrative)


def process(task: Task, analyze: Analyzer = default_analyzer) -> Record:
    """Never raises for a bad report: unreadable input and unexpected exceptions become error records."""
    start = time.perf_counter()
    try:
        report = analyze(task.path, task.narrative, task.backend)
    except InputError as exc:
        return error_record(task, _kind(exc), _one_line(exc), time.perf_counter() - start)
    except Exception as exc:
        return error_record(task, "internal", _one_line(exc, internal=True), time.perf_counter() - start)
    rel = f"{REPORTS}/{task.name}.json"
    # Not fsynced: the record appended after it is, and a record is reused only if this file is there.
    write_atomic(Path(task.out) / rel, report.model_dump_json(), durable=False)
    return Record(name=task.name, path=task.path, file_sha256=task.file_sha256, key=task.key, status="ok",
                  report=rel, digest=digest_of(report), seconds=time.perf_counter() - start, finished=_now())


def process_many(tasks: list[Task], analyze: Analyzer = default_analyzer) -> list[Record]:
    """``process`` over a few tasks, in one hand-over to a worker."""
    return [process(task, analyze) for task in tasks]


def error_record(task: Task, kind: ErrorKind, message: str, seconds: float = 0.0) -> Record:
    return Record(name=task.name, path=task.path, file_sha256=task.file_sha256, key=task.key, status="error",
                  error_kind=kind, error=message, seconds=seconds, finished=_now())


def _kind(exc: InputError) -> ErrorKind:
    if isinstance(exc, NotAReportError):
        return "not_a_report"
    if isinstance(exc, UnsupportedFormatError):
        return "unsupported"
    return "input"


def _one_line(exc: BaseException, internal: bool = False) -> str:
    msg = str(exc.args[0]) if isinstance(exc, InputError) and exc.args else str(exc)
    msg = redact(" ".join(msg.split()))
    if internal:
        msg = f"{type(exc).__name__}: {msg}" if msg else type(exc).__name__
    return msg[:500]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
