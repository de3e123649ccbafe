"""Batch jobs: the batch engine of ``govreport batch`` (service.batch.run_batch) in a child process, one job
at a time. A job is resumable like the CLI's batch: after a crash or kill -9 of the server (the child dies
with it), the next start runs the job again and the engine skips every report already recorded."""

from __future__ import annotations

import contextlib
import ctypes
import json
import multiprocessing
import queue
import signal
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from service.batch.model import Record
from service.batch.state import ResultStore
from service.server.db import Batch, Report, now
from service.server.reports import iso_time, store_upload

if TYPE_CHECKING:
    from service.server.app import Context

#: A job whose process died this many times is marked failed rather than retried for ever.
MAX_ATTEMPTS = 3


def _die_with_parent() -> None:
    """Linux: the child gets SIGKILL when the server dies, so no orphan keeps the batch folder locked."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError):
            ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def run_child(in_dir: str, out_dir: str) -> None:
    """The child: the CLI's batch engine over the job's files, one report after another (the server keeps
    the other core)."""
    _die_with_parent()
    from service.batch import BatchOptions, run_batch

    # Each upload by name (a file the engine then reads whatever its extension, as the CLI does with a file
    # named on its command line: none is lost unseen) and each zip's folder (searched for reports).
    inputs = sorted(Path(in_dir).iterdir())
    run_batch(inputs or [in_dir], BatchOptions(out=Path(out_dir), progress=False, mode="serial", jobs=1))


def read_results(out: Path) -> list[Record]:
    """The engine's records (results.jsonl, read by the engine's own store), the last one per report."""
    return list({r.name: r for r in ResultStore(out).load()}.values())


class JobRunner:
    """One worker thread running queued jobs in order; unfinished jobs are queued again at start."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.queue: queue.Queue[int | None] = queue.Queue()
        self.thread: threading.Thread | None = None
        self.stopping = threading.Event()
        self.process: multiprocessing.process.BaseProcess | None = None

    def start(self) -> None:
        with self.ctx.db.session() as s:
            for b in s.scalars(select(Batch).where(Batch.status.in_(("queued", "running"))).order_by(Batch.id)):
                self.queue.put(b.id)
        self.thread = threading.Thread(target=self._loop, name="govreport-jobs", daemon=True)
        self.thread.start()

    def submit(self, batch_id: int) -> None:
        self.queue.put(batch_id)

    def stop(self) -> None:
        self.stopping.set()
        self.queue.put(None)
        proc = self.process
        if proc is not None and proc.is_alive():
            proc.terminate()  # the job stays "running" and resumes at the next start
        if self.thread is not None:
            self.thread.join(timeout=10)

    def _loop(self) -> None:
        while not self.stopping.is_set():
            batch_id = self.queue.get()
            if batch_id is None:
                return
            try:
                self._run(batch_id)
            except Exception as exc:  # a job never takes the runner down
                self._finish(batch_id, "failed", f"内部错误: {type(exc).__name__}: {exc}")

    def _run(self, batch_id: int) -> None:
        folder = self.ctx.data.batch_dir(batch_id)
        with self.ctx.db.session() as s:
            b = s.get(Batch, batch_id)
            if b is None or b.status in ("done", "failed"):
                return
            if b.attempts >= MAX_ATTEMPTS:
                b.status, b.error, b.finished_at = "failed", f"批处理进程已中断 {b.attempts} 次", now()
                return
            b.status, b.attempts = "running", b.attempts + 1
        mp = multiprocessing.get_context("spawn")
        self.process = mp.Process(target=run_child, args=(str(folder / "in"), str(folder / "out")),
                                  name=f"govreport-batch-{batch_id}", daemon=False)
        self.process.start()
        self.process.join()
        code = self.process.exitcode
        self.process = None
        if self.stopping.is_set():
            return
        if code != 0:
            self._finish(batch_id, "failed", f"批处理进程退出, 代码 {code}")
            return
        self._import(batch_id, folder / "out")
        self._finish(batch_id, "done", None)

    def _import(self, batch_id: int, out: Path) -> None:
        """Every report the batch read goes into the database (once per content) for review."""
        with self.ctx.db.session() as s:
            b = s.get(Batch, batch_id)
            user = b.created_by if b else "batch"
        for rec in read_results(out):
            if rec.status != "ok" or not rec.report:
                continue
            try:
                data = Path(rec.path).read_bytes()
                document = json.loads((out / rec.report).read_text(encoding="utf-8"))
            except (OSError, json.JSONDecodeError):
                continue
            store_upload(self.ctx.db, self.ctx.data, data, Path(rec.path).name, user, batch_id=batch_id,
                         document=document)

    def _finish(self, batch_id: int, status: str, error: str | None) -> None:
        with self.ctx.db.session() as s:
            b = s.get(Batch, batch_id)
            if b is not None:
                b.status, b.error, b.finished_at = status, error, now()


def batch_json(ctx: Context, b: Batch) -> dict[str, Any]:
    """A job's state, progress (reports recorded by the engine / files) and, when done, its records."""
    out = ctx.data.batch_dir(b.id) / "out"
    records = read_results(out)
    body: dict[str, Any] = {
        "id": b.id, "status": b.status, "files": b.files, "done": min(len(records), b.files),
        "progress": round(len(records) / b.files, 3) if b.files else 1.0, "error": b.error, "attempts": b.attempts,
        "created_by": b.created_by, "created_at": iso_time(b.created_at), "finished_at": iso_time(b.finished_at),
        "summaries": {ext: f"/api/batches/{b.id}/summary.{ext}" for ext in ("xlsx", "md", "docx")
                      if (out / f"summary.{ext}").exists()} if b.status == "done" else {},
    }
    if b.status == "done":
        with ctx.db.session() as s:
            shas = [r.file_sha256 for r in records if r.file_sha256]
            ids = {sha: rid for sha, rid in s.execute(select(Report.sha256, Report.id).where(Report.sha256.in_(shas)))}
        body["records"] = [{"name": r.name, "file": Path(r.path).name, "status": r.status, "error": r.error,
                            "report_id": ids.get(r.file_sha256 or "")} for r in records]
    return body
