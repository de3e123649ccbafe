"""Run a batch: discover, skip what is done, analyse the rest in parallel, record, then summarise."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from functools import partial
from pathlib import Path

from service.batch.aggregate import Aggregate, aggregate
from service.batch.discovery import Found, discover
from service.batch.executor import Mode, run_bounded
from service.batch.model import Record
from service.batch.progress import Progress
from service.batch.state import ResultStore, file_sha256, reusable, run_key, run_versions, summary_key
from service.batch.worker import Analyzer, Task, default_analyzer, error_record, process_many

#: Reports handed to a worker process at a time.
CHUNK = 8


@dataclass
class BatchOptions:
    out: Path
    force: bool = False
    narrative: bool = True
    backend: str | None = None
    jobs: int | None = None  # workers; default: the cores (offline), GOVREPORT_LLM_MAX_IN_FLIGHT + cores (llm)
    mode: Mode | None = None  # default: processes for offline work on more than one core, threads for llm
    progress: bool = True
    expected: list[str] | None = None
    summaries: bool = True
    durable: bool = True  # fsync results.jsonl (off only for benchmarks of the rest)
    analyze: Analyzer | None = None  # replaces the pipeline (tests, benchmarks)


@dataclass
class BatchResult:
    found: int
    processed: int
    skipped: int
    records: list[Record]
    aggregate: Aggregate | None  # None with summaries off, or when those on disk were already current
    outputs: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    mode: str = "serial"
    jobs: int = 1

    @property
    def errors(self) -> list[Record]:
        return [r for r in self.records if r.status == "error"]


@dataclass
class Counts:
    """How far a running batch got (for an interrupted batch's message)."""

    done: int = 0
    total: int = 0


def narrative_available() -> str | None:
    """None if free-text extraction can run in this build, else why not."""
    try:
        from service.extraction import extract_narrative  # noqa: F401
        from service.verification import verify_narrative  # noqa: F401
    except ImportError as exc:
        return f"free-text extraction is not available in this build ({exc})"
    return None


def narrative_identity(opts: BatchOptions) -> str:
    """What the stored narrative depends on: "off", "rules", or the LLM endpoint, model and prompt."""
    if not opts.narrative:
        return "off"
    if opts.analyze is not None:
        return f"custom:{getattr(opts.analyze, '__name__', type(opts.analyze).__name__)}:{opts.backend}"
    from service.extraction.settings import Settings, endpoint_configured

    if opts.backend == "rules" or (opts.backend is None and not endpoint_configured()):
        return "rules"
    from service.extraction.prompt import load_prompt

    settings = Settings.from_env()
    prompt = load_prompt()
    return f"llm:{settings.preset}:{settings.base_url}:{settings.model}:{settings.mode}:{prompt.version}:{prompt.hash}"


def _llm_in_flight() -> int:
    from service.extraction.settings import Settings

    return Settings.from_env().max_in_flight


def run_batch(paths: Sequence[str | os.PathLike[str]], opts: BatchOptions, counts: Counts | None = None) -> BatchResult:
    """Process every report under ``paths`` into ``opts.out``; resumable, see service.batch.state."""
    out = opts.out
    out.mkdir(parents=True, exist_ok=True)
    notes: list[str] = []
    found = discover(paths, exclude=[out])
    if opts.narrative and opts.analyze is None:
        why = narrative_available()
        if why:
            notes.append(why + "; tables and checks only")
            opts.narrative = False
    narrative_id = narrative_identity(opts)
    llm = narrative_id.startswith("llm:")
    key = run_key(run_versions(narrative_id))

    store = ResultStore(out, durable=opts.durable)
    store.lock()
    try:
        return _run(found, opts, store, key, llm, notes, counts)
    finally:
        store.close()


def _run(found: list[Found], opts: BatchOptions, store: ResultStore, key: str, llm: bool, notes: list[str],
         counts: Counts | None) -> BatchResult:
    out = opts.out
    previous = {r.name: r for r in store.load()}
    keep: list[Record] = []
    tasks: list[Task] = []
    unreadable: list[Record] = []
    for f in found:
        try:
            sha: str | None = file_sha256(f.path)
        except OSError as exc:
            sha = None
            unreadable.append(error_record(
                Task(f.name, str(f.path), str(out), None, key, opts.narrative, opts.backend),
                "input", f"cannot read the file: {exc.strerror or exc}"))
            continue
        prev = previous.get(f.name)
        if not opts.force and prev is not None and reusable(prev, f.name, sha, key, store, redo_fallback=llm):
            keep.append(prev if prev.path == str(f.path) else prev.model_copy(update={"path": str(f.path)}))
        else:
            tasks.append(Task(f.name, str(f.path), str(out), sha, key, opts.narrative, opts.backend, opts.durable))
    kept = {r.name for r in keep if r.status == "ok"}
    for name in previous:
        if name not in kept:
            store.report_path(name).unlink(missing_ok=True)
    store.begin(keep)

    # LLM-bound: threads, a few more than the client's request slots so parsing overlaps the waits.
    jobs = opts.jobs or (_llm_in_flight() + (os.cpu_count() or 1) if llm else (os.cpu_count() or 1))
    mode: Mode = opts.mode or ("thread" if llm else ("process" if jobs > 1 and len(tasks) >= 4 * jobs else "serial"))
    records = {r.name: r for r in keep}
    progress = Progress(len(tasks), enabled=opts.progress)
    counts = counts if counts is not None else Counts()
    counts.total = len(tasks)
    try:
        for rec in unreadable:
            store.append(rec)
            records[rec.name] = rec
        # Processes take a few reports per round trip: the hand-over costs about as much as a report.
        size = CHUNK if mode == "process" else 1
        chunks = [tasks[i : i + size] for i in range(0, len(tasks), size)]
        work = partial(process_many, analyze=opts.analyze or default_analyzer)
        for chunk, outcome in run_bounded(work, chunks, limit=jobs, mode=mode, backlog=jobs):
            recs = outcome if isinstance(outcome, list) else [
                error_record(task, "internal", f"{type(outcome).__name__}: {outcome}") for task in chunk]
            for task, rec in zip(chunk, recs, strict=True):
                store.append(rec)
                records[rec.name] = rec
                counts.done += 1
                progress.advance(task.name, ok=rec.status == "ok")
    finally:
        progress.close()

    ordered = [records[f.name] for f in found if f.name in records]
    result = BatchResult(found=len(found), processed=len(tasks) + len(unreadable), skipped=len(keep),
                         records=ordered, aggregate=None, notes=notes, mode=mode, jobs=jobs)
    if opts.summaries:
        skey = summary_key(store.results, {**summary_inputs(opts), "found": str(len(found))})
        current = store.summaries_current(skey)
        if current is not None:  # a resumed batch with nothing new: the summaries on disk say it already
            notes.append("summaries unchanged: " + ", ".join(p.name for p in current if p.suffix != ".png"))
        else:
            store.forget_summaries()
            result.aggregate = aggregate(ordered, found=len(found), expected=opts.expected)
            result.outputs = write_summaries(result.aggregate, out)
            store.record_summaries(skey, result.outputs)
    return result


#: Options that change how a batch runs, not what its summaries say.
_RUN_ONLY = frozenset({"out", "force", "jobs", "mode", "progress", "summaries", "durable", "analyze"})


def summary_inputs(opts: BatchOptions) -> dict[str, str]:
    """The options the summaries depend on (every option not in _RUN_ONLY, so new ones count by default)."""
    return {f.name: repr(getattr(opts, f.name)) for f in fields(opts) if f.name not in _RUN_ONLY}


def write_summaries(agg: Aggregate, out: Path) -> list[Path]:
    """summary.xlsx, summary.md, summary.docx and the charts they show."""
    from service.batch.charts import render_charts
    from service.batch.state import write_atomic
    from service.batch.summary_doc import summary_blocks
    from service.batch.summary_docx import render_docx
    from service.batch.summary_md import render_markdown
    from service.batch.summary_xlsx import render_xlsx

    charts = render_charts(agg, out)
    drawn = {out / c.path for c in charts}
    for old in (out / "charts").glob("*.png"):
        if old not in drawn:
            old.unlink(missing_ok=True)
    blocks = summary_blocks(agg, charts)
    paths = [out / "summary.xlsx", out / "summary.md", out / "summary.docx"]
    render_xlsx(agg, paths[0])
    write_atomic(paths[1], render_markdown(blocks), durable=False)
    render_docx(blocks, out, paths[2])
    return paths + sorted(drawn)
