"""Run a batch: discover, skip what is done, analyse the rest in parallel, record, then summarise."""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field, fields, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from service.batch.aggregate import Aggregate, aggregate, batch_years
from service.batch.discovery import Found, discover, real_path
from service.batch.executor import Mode, run_bounded
from service.batch.model import Record
from service.batch.progress import Progress
from service.batch.source import RecordSource, as_source
from service.batch.state import ResultStore, Stored, reusable, run_key, run_versions, summary_key
from service.batch.thresholds import DEFAULT, Thresholds
from service.batch.worker import Analyzer, Task, default_analyzer, error_record, process_many
from service.errors import InputError, OutputError
from service.reading import max_bytes_from_env
from service.reading.files import guarded_reads, os_reason, read_timeout_from_env, report_sha256

if TYPE_CHECKING:
    from service.batch.charts import Chart

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
    year: int | None = None  # the year summary.* shows (default: the latest in the output folder)
    thresholds: Thresholds = DEFAULT
    exclude: list[str] = field(default_factory=list)  # file-name patterns (fnmatch) not to process
    replace: bool = False  # drop reports of earlier runs that are not among this run's inputs
    summaries: bool = True
    durable: bool = True  # fsync results.jsonl (off only for benchmarks of the rest)
    analyze: Analyzer | None = None  # replaces the pipeline (tests, benchmarks)
    via: str = "realtime"  # "batch-api": LLM answers through the provider's batch API (service.extraction.llm.batch_api)
    batch_wait: float | None = None  # seconds to wait for a batch before stopping (resumable); None: until done
    batch_cancel: bool = False  # cancel this folder's unfinished batches, then use what they answered


@dataclass
class BatchResult:
    found: int
    processed: int
    skipped: int
    source: RecordSource  # the batch's records, in order, read back from results.jsonl on each pass
    aggregate: Aggregate | None  # None with summaries off, or when those on disk were already current
    #: the summary files written, relative to ``out`` (strings: one Path takes ~0.7 KiB, and a batch writes a
    #: 整改清单 per unit)
    written: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    mode: str = "serial"
    jobs: int = 1
    earlier: int = 0  # records of earlier runs kept although their files were not among this run's inputs
    out: Path = Path()

    @property
    def outputs(self) -> list[Path]:
        """The summary files written, as paths (made on each call: ``written`` is what the result keeps)."""
        return [self.out / w for w in self.written]

    @property
    def records(self) -> list[Record]:
        """Every record of the batch (read from results.jsonl: in memory only while the list is kept)."""
        return list(self.source)

    @property
    def errors(self) -> list[Record]:
        return [r for r in self.source if r.status == "error"]


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
        return f"本安装不能抽取正文({exc})"
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
    max_bytes_from_env()  # a bad limit is one error now, not one per report
    read_timeout_from_env()
    if out.exists() and not out.is_dir():
        raise OutputError(f"输出目录 {out} 是文件而不是目录")
    notes: list[str] = []
    found = discover(paths, exclude=[out], patterns=opts.exclude)
    if opts.narrative and opts.analyze is None:
        why = narrative_available()
        if why:
            notes.append(why + "; 只解析表格并核验")
            opts.narrative = False
    if opts.narrative and opts.analyze is None and opts.backend != "rules":
        from service.extraction.settings import llm_problem

        problem = llm_problem()
        if problem:
            notes.append(f"LLM 未能使用: {problem}; 本批次的正文由离线规则抽取(rules)")
    narrative_id = narrative_identity(opts)
    llm = narrative_id.startswith("llm:")
    if opts.via == "batch-api" and not llm:
        from service.errors import ConfigError

        raise ConfigError("--via batch-api 只能与 LLM 后端一起使用: 请同时指定 --backend llm 并配置接口地址 (GOVREPORT_LLM_*)")
    key = run_key(run_versions(narrative_id))

    store = ResultStore(out, durable=opts.durable)
    try:
        try:
            out.mkdir(parents=True, exist_ok=True)
            store.lock()
            with guarded_reads():  # a file on a hung mount is one error record, not a hung batch
                return _run(found, opts, store, key, llm, notes, counts)
        finally:
            store.close()
    except OSError as exc:
        # Inputs are read (and their errors recorded) in service.batch.worker: an OSError here is the output's.
        raise output_error(exc, out) from exc


def output_error(exc: OSError, out: Path) -> OutputError:
    """One line for an output that cannot be written: which file, why, and that a re-run resumes."""
    where = exc.filename or out
    why = "磁盘空间已满" if exc.errno == errno.ENOSPC else (exc.strerror or str(exc))
    return OutputError(f"无法写入 {where}: {why}; 已完成的报告保存在 {out}, 再次运行同一命令即可续做")


def _run(found: list[Found], opts: BatchOptions, store: ResultStore, key: str, llm: bool, notes: list[str],
         counts: Counts | None) -> BatchResult:
    out = opts.out
    previous = {r.name: r for r in store.load_stored()}
    found, earlier = _merge_earlier(found, previous, opts.replace, notes)
    keep: list[Stored] = list(earlier)
    tasks: list[Task] = []
    unreadable: list[Record] = []
    for f in found:
        try:
            sha: str | None = report_sha256(f.path)
        except (InputError, OSError) as exc:
            # an OSError here is the read guard failing to start its server (no processes or memory left):
            # this file's error, not the output folder's
            why = exc.args[0] if isinstance(exc, InputError) else os_reason(exc, f.path)
            unreadable.append(error_record(
                Task(f.name, str(f.path), str(out), None, key, opts.narrative, opts.backend), "input", why))
            continue
        prev = previous.get(f.name)
        if not opts.force and prev is not None and reusable(prev, f.name, sha, key, store, redo_fallback=llm):
            keep.append(prev if prev.path == str(f.path) else replace(prev, path=str(f.path)))
        else:
            tasks.append(Task(f.name, str(f.path), str(out), sha, key, opts.narrative, opts.backend, opts.durable))
    kept = {r.name for r in keep if r.status == "ok"}
    for name in previous:
        if name not in kept:
            store.report_path(name).unlink(missing_ok=True)
    del previous, kept
    store.begin(keep)
    fell_back = [s.name for s in keep if s.fallback]  # LLM extraction fell back to rules

    # LLM-bound: threads, a few more than the client's request slots so parsing overlaps the waits.
    jobs = opts.jobs or (_llm_in_flight() + (os.cpu_count() or 1) if llm else (os.cpu_count() or 1))
    mode: Mode = opts.mode or ("thread" if llm else ("process" if jobs > 1 and len(tasks) >= 4 * jobs else "serial"))
    batch_api = contextlib.ExitStack()
    if opts.via == "batch-api" and tasks:  # the batch's answers are used by the threads below
        from service.extraction.llm.batch_api import prepared

        mode = "thread"
        batch_api.enter_context(prepared([t.path for t in tasks], out, notes, wait=opts.batch_wait,
                                         cancel=opts.batch_cancel))
    progress = Progress(len(tasks), enabled=opts.progress)
    counts = counts if counts is not None else Counts()
    counts.total = len(tasks)
    try:
        for rec in unreadable:
            store.append(rec)
        # Processes take a few reports per round trip: the hand-over costs about as much as a report.
        size = CHUNK if mode == "process" else 1
        chunks = (tasks[i : i + size] for i in range(0, len(tasks), size))
        work = partial(process_many, analyze=opts.analyze or default_analyzer)
        for chunk, outcome in run_bounded(work, chunks, limit=jobs, mode=mode, backlog=jobs):
            if isinstance(outcome, OSError):  # a worker could not write a report's JSON: the output is at fault
                raise outcome
            recs = outcome if isinstance(outcome, list) else [
                error_record(task, "internal", f"{type(outcome).__name__}: {outcome}") for task in chunk]
            for task, rec in zip(chunk, recs, strict=True):
                store.append(rec)  # on disk, not kept: the summaries read the records back from results.jsonl
                if rec.digest is not None and rec.digest.extraction_fallback:
                    fell_back.append(rec.name)
                counts.done += 1
                progress.advance(task.name, ok=rec.status == "ok")
    finally:
        progress.close()
        batch_api.close()

    processed, skipped = len(tasks) + len(unreadable), len(keep) - len(earlier)
    source = store.source([*(f.name for f in found), *(r.name for r in earlier)])
    del tasks, keep, unreadable  # their records are on disk: the summaries read them from there
    fell_back.sort(key=source.index)
    if fell_back:
        notes.append(f"{len(fell_back)} 份报告的 LLM 抽取失败, 已改用规则抽取(原因见 reports/<名称>.json 的 "
                     f"extraction.fallback_reason): " + "、".join(fell_back[:10]) + (" 等" if len(fell_back) > 10 else ""))
    result = BatchResult(found=len(found), processed=processed, skipped=skipped, source=source, aggregate=None,
                         notes=notes, mode=mode, jobs=jobs, earlier=len(earlier), out=out)
    if opts.summaries:
        skey = summary_key(store.results, {**summary_inputs(opts), "notes": repr(notes)})
        current = store.summaries_current(skey)
        if current is not None:  # a resumed batch with nothing new: the summaries on disk say it already
            notes.append("汇总文件已是最新(记录与选项未变), 未重写: " + ", ".join(p.name for p in current if p.suffix != ".png"))
        else:
            store.forget_summaries()
            result.aggregate, result.written = summarise(source, opts, total=len(source), notes=notes)
            store.record_summaries(skey, result.written)
    return result


def _merge_earlier(found: list[Found], previous: dict[str, Stored], replace: bool,
                   notes: list[str]) -> tuple[list[Found], list[Stored]]:
    """Reports of earlier runs into the same folder that this run was not given (units send their
    reports over weeks). Those whose file is still there are processed again like any input (reused
    when unchanged); the others are kept as recorded. With ``replace`` they are dropped instead."""
    names = {f.name for f in found}
    given = {real_path(f.path) for f in found}
    absent = [r for name, r in previous.items() if name not in names and real_path(Path(r.path)) not in given]
    if not absent:
        return found, []
    if replace:
        notes.append(f"--replace: 此前运行处理过、本次未给出的 {len(absent)} 份报告已从汇总中移除")
        return found, []
    again = [Found(Path(r.path), r.name) for r in absent if Path(r.path).is_file()]
    kept = [r for r in absent if not Path(r.path).is_file()]
    notes.append(f"汇总包含此前运行已处理、本次未给出的 {len(absent)} 份报告"
                 + (f"(其中 {len(kept)} 份原文件已不在原处, 沿用当时的结果)" if kept else "")
                 + "; 只汇总本次给出的报告请加 --replace")
    return sorted(found + again, key=lambda f: str(f.path)), kept


def summarise(records: RecordSource | Sequence[Record], opts: BatchOptions, total: int | None = None,
              notes: Sequence[str] = ()) -> tuple[Aggregate, list[str]]:
    """One summary per year, never adding years together: summary.* for ``opts.year`` (default the latest
    year) and, when the folder holds several years, summary-<year>.* for each. Returns summary.*'s aggregate
    and every file written, relative to ``opts.out``.
    Each year's aggregate is one pass over the records (what the summaries list of each unit kept in a
    temporary file in ``out``); one year's is let go before the next is made. The
    year of summary.* is aggregated once: its summary-<year>.* are the same files under other names (see
    write_summaries' ``twin``)."""
    out = opts.out
    records = as_source(records)
    years = batch_years(records)
    main_year = opts.year if opts.year is not None else (years[-1] if years else None)
    if opts.year is not None and opts.year not in years:
        have = "、".join(str(y) for y in years) or "无"
        notes = [*notes, f"--year {opts.year}: 本批次没有该年度的报告(已有年度: {have})"]
    by_year: dict[int, list[str]] = {}
    several = len(years) > 1
    for y in years if several else []:
        if y == main_year:
            continue
        agg = aggregate(records, found=total, expected=opts.expected, year=y, thresholds=opts.thresholds, notes=notes,
                        spill=out)
        by_year[y] = write_summaries(agg, out, stem=f"summary-{y}", feedback=out / FEEDBACK / str(y))
        del agg
    main = aggregate(records, found=total, expected=opts.expected, year=main_year, thresholds=opts.thresholds,
                     notes=notes, spill=out)
    twin = f"summary-{main_year}" if several and main_year in years else None
    outputs, twin_names = _write(main, out, "summary", out / FEEDBACK, twin)
    if main_year is not None and twin is not None:
        by_year[main_year] = twin_names
    outputs += [name for y in years if y in by_year for name in by_year[y]]
    current = {out / f"summary-{y}{ext}" for y in years for ext in _EXTS} if several else set()
    for old in out.glob("summary-*"):
        if old.suffix in _EXTS and old not in current:
            old.unlink(missing_ok=True)
    return main, outputs


_EXTS = (".xlsx", ".md", ".docx", ".json")


#: Options that change how a batch runs, not what its summaries say.
_RUN_ONLY = frozenset({"out", "force", "jobs", "mode", "progress", "summaries", "durable", "analyze"})


def summary_inputs(opts: BatchOptions) -> dict[str, str]:
    """The options the summaries depend on (every option not in _RUN_ONLY, so new ones count by default)."""
    return {f.name: repr(getattr(opts, f.name)) for f in fields(opts) if f.name not in _RUN_ONLY}


#: The folder of the units' 整改清单 (feedback/<unit>.docx; other years under feedback/<year>/).
FEEDBACK = "feedback"


def write_summaries(agg: Aggregate, out: Path, stem: str = "summary", feedback: Path | None = None) -> list[str]:
    """<stem>.xlsx (with the 整改清单 of every unit), <stem>.md, <stem>.docx, the charts they show, and
    with ``feedback`` (a folder under ``out``) one 整改清单 per unit there; returns them, relative to ``out``.
    What they list per unit comes from ``agg`` (and, for the problems and measures and the reports with
    findings, from its records, read again)."""
    return _write(agg, out, stem, feedback, None)[0]


def _write(agg: Aggregate, out: Path, stem: str, feedback: Path | None, twin: str | None) -> tuple[list[str], list[str]]:
    """write_summaries(agg, out, stem, feedback), and with ``twin`` the files write_summaries(agg, out, twin)
    would write, made from the first ones: the charts, <stem>.xlsx and <stem>.json copied (they do not name
    their stem), <stem>.md with its chart links changed, <twin>.docx rendered (it names its stem).
    Returns the names of both (the twin's empty without one)."""
    from service.batch.charts import render_charts
    from service.batch.feedback import fix_items, write_feedback
    from service.batch.risk import grade_units
    from service.batch.state import write_atomic
    from service.batch.summary_doc import summary_blocks
    from service.batch.summary_docx import render_docx
    from service.batch.summary_json import summary_json_parts
    from service.batch.summary_md import markdown_parts, retarget_markdown
    from service.batch.summary_xlsx import render_xlsx

    agg.risk = grade_units(agg, agg.thresholds)
    charts = render_charts(agg, out, folder=_charts_folder(stem))
    _drop_stale_charts(out, stem, charts)
    blocks = summary_blocks(agg, charts)
    names = [f"{stem}{ext}" for ext in _EXTS]
    paths = [out / n for n in names]
    twin_names: list[str] = []
    # the units' 整改清单 items, read back for the sheet and the documents; in the out folder, not a /tmp that
    # may be memory (tmpfs)
    with tempfile.TemporaryFile(dir=out) as spill:
        items = fix_items(agg, agg.source, out, spill)
        render_xlsx(agg, paths[0], items)
        write_atomic(paths[1], markdown_parts(blocks), durable=False)
        render_docx(blocks, out, paths[2])
        write_atomic(paths[3], summary_json_parts(agg), durable=False)
        if twin is not None:
            twin_charts = _copy_charts(out, charts, _charts_folder(twin))
            _drop_stale_charts(out, twin, twin_charts)
            twin_names = [f"{twin}{ext}" for ext in _EXTS]
            twin_paths = [out / n for n in twin_names]
            _copy_file(paths[0], twin_paths[0])
            retarget_markdown(paths[1], twin_paths[1], charts, twin_charts)
            render_docx(summary_blocks(agg, twin_charts), out, twin_paths[2])
            _copy_file(paths[3], twin_paths[3])
            twin_names += [c.path.as_posix() for c in sorted(twin_charts, key=lambda c: c.path)]
        if feedback is not None:
            folder = feedback.relative_to(out).as_posix()
            names += [f"{folder}/{n}" for n in write_feedback(agg, items, feedback)]
    return names + [c.path.as_posix() for c in sorted(charts, key=lambda c: c.path)], twin_names


def _charts_folder(stem: str) -> str:
    return "charts" if stem == "summary" else f"charts/{stem}"


def _drop_stale_charts(out: Path, stem: str, charts: Sequence[Chart]) -> None:
    """Remove the charts of an earlier run in ``stem``'s folder that this one did not draw."""
    drawn = {out / c.path for c in charts}
    for old in (out / _charts_folder(stem)).glob("*.png"):
        if old not in drawn:
            old.unlink(missing_ok=True)


def _copy_charts(out: Path, charts: Sequence[Chart], folder: str) -> list[Chart]:
    """The charts, copied into ``folder`` (render_charts' files: the same drawing in any folder)."""
    (out / folder).mkdir(parents=True, exist_ok=True)
    copies = [replace(c, path=Path(folder) / c.path.name) for c in charts]
    for c, copy in zip(charts, copies, strict=True):
        _copy_file(out / c.path, out / copy.path)
    return copies


def _copy_file(src: Path, dst: Path) -> None:
    """``src``'s bytes at ``dst``, through a temporary file and a rename (as write_atomic: the old file or the new)."""
    tmp = dst.with_name(f".{dst.name}.{os.getpid()}.tmp")
    try:
        shutil.copyfile(src, tmp)
        os.replace(tmp, dst)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
