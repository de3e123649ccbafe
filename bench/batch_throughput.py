"""Benchmark: the offline batch — throughput, resume and summaries — beside baselines timed in the same run.

    .venv/bin/python bench/batch_throughput.py [--reports 2000] [--skip-full]

On ``--reports`` generated report files (the bundled seeds, each made distinct, every other one with a wrong
figure in 表三 so that it has findings and a 整改清单 to send back, as real batches do) it times, wall clock:
  baseline  reading the same files, decoding them and scanning them for numbers with one regex (one core);
  floor     hashing every input and reading results.jsonl: the least a resume can do;
  full      govreport batch as a user runs it: read, parse, check, rules extraction, per-report JSON,
            fsynced records on every core, then summary.xlsx/.md/.docx with charts; and on one core
            without summaries;
  machinery the batch alone, with analysis replaced by a precomputed report: hashing, scheduling,
            JSON writes, records — what the batch adds to the pipeline;
  resume    the full batch run again, every report already done: its share of the full run (target
            at most 5%) and its ratio to the floor;
  summaries aggregation of the latest year, and every year's summary files with the units' feedback
            documents once, as after a change.
Rates are printed beside the baseline's as a ratio; machines differ, the ratios travel.
Memory per report: bench/batch_memory.py.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from service.batch import BatchOptions, run_batch  # noqa: E402
from service.batch.aggregate import aggregate  # noqa: E402
from service.batch.runner import summarise  # noqa: E402
from service.batch.state import RESULTS  # noqa: E402
from service.reading.files import report_sha256  # noqa: E402
from service.report import Report  # noqa: E402

_PRECOMPUTED: dict[str, Report] = {}
NUMBERS = re.compile(r"\d+(?:\.\d+)?")


#: Every BROKEN_EVERY-th generated report has a wrong figure in 表三 (as real batches have reports that fail).
BROKEN_EVERY = 2
BROKEN = "-broken"
_NEW_RECEIVED = re.compile(r"(本年新收政府信息公开申请数量[^\d\n]*)(\d+)")


def broken(text: str) -> str:
    """The report with its first 本年新收 cell 3 too high: C1, C4 and LOCATE fail, and its 整改清单 lists them."""
    wrong = _NEW_RECEIVED.sub(lambda m: m.group(1) + str(int(m.group(2)) + 3), text, count=1)
    assert wrong != text
    return wrong


def make_reports(folder: Path, n: int) -> list[Path]:
    """``n`` distinct reports from the bundled seeds, every BROKEN_EVERY-th with a wrong figure; returns the
    seeds (each seed's broken variant is written by ``precompute``)."""
    seeds = sorted((REPO / "eval" / "corpus" / "seeds").glob("*.txt"))
    folder.mkdir(parents=True)
    for i in range(n):
        src = seeds[i % len(seeds)]
        text = src.read_text(encoding="utf-8")
        bad = i % BROKEN_EVERY == 1
        (folder / f"r{i:05d}_{src.stem}{BROKEN if bad else ''}.txt").write_text(
            (broken(text) if bad else text) + f"\n\n编号 {i}\n", encoding="utf-8")
    return seeds


def precompute(seeds: list[Path], tmp: Path) -> None:
    """Each seed and its broken variant, analysed once (for ``precomputed``)."""
    from service.pipeline import analyze_path

    tmp.mkdir(parents=True, exist_ok=True)
    for s in seeds:
        _PRECOMPUTED[s.stem] = analyze_path(s, backend="rules")
        variant = tmp / f"{s.stem}{BROKEN}.txt"
        variant.write_text(broken(s.read_text(encoding="utf-8")), encoding="utf-8")
        _PRECOMPUTED[variant.stem] = analyze_path(variant, backend="rules")


def precomputed(path: str, narrative: bool, backend: str | None) -> Report:
    """The seed's report, analysed once in advance: the batch machinery without the pipeline. Every call
    gives the same object, so the timings hold no copying (``bench/batch_memory.py`` copies it per report)."""
    seed = Path(path).stem.split("_", 1)[1]
    return _PRECOMPUTED[seed]


def regex_baseline(files: list[Path]) -> float:
    t0 = time.perf_counter()
    for f in files:
        NUMBERS.findall(f.read_bytes().decode("utf-8", errors="replace"))
    return time.perf_counter() - t0


def resume_floor(files: list[Path], out: Path) -> float:
    """Hash every input and read every line of results.jsonl."""
    t0 = time.perf_counter()
    for f in files:
        report_sha256(f)
    with (out / RESULTS).open(encoding="utf-8") as fh:
        for _ in fh:
            pass
    return time.perf_counter() - t0


def line(label: str, n: int, seconds: float, base: float | None = None) -> None:
    ratio = f"  = 1/{seconds / base:.1f} of the baseline's rate" if base else ""
    print(f"{label:<44} {n:>6} reports in {seconds:7.2f}s = {n / seconds:8.0f} reports/s{ratio}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reports", type=int, default=2000)
    ap.add_argument("--skip-full", action="store_true", help="only the batch machinery, resume and summary")
    args = ap.parse_args()
    n = args.reports
    with tempfile.TemporaryDirectory(prefix="govreport-batch-bench-") as tmp:
        src = Path(tmp) / "in"
        seeds = make_reports(src, n)
        files = sorted(src.iterdir())
        precompute(seeds, Path(tmp) / "variants")
        base = regex_baseline(files)
        line("baseline: read, decode, one regex (1 core)", n, base)
        full_out = Path(tmp) / "full"
        if not args.skip_full:
            t0 = time.perf_counter()
            result = run_batch([src], BatchOptions(out=full_out, progress=False, backend="rules"))
            full = time.perf_counter() - t0
            line(f"full, with summaries ({result.mode} × {result.jobs})", n, full, base)
            t0 = time.perf_counter()
            run_batch([src], BatchOptions(out=Path(tmp) / "serial", progress=False, backend="rules", mode="serial",
                                          jobs=1, summaries=False))
            line("full, no summaries (serial × 1)", n, time.perf_counter() - t0, base)
            floor = resume_floor(files, full_out)
            t0 = time.perf_counter()
            again = run_batch([src], BatchOptions(out=full_out, progress=False, backend="rules"))
            resume = time.perf_counter() - t0
            assert again.skipped == n and again.processed == 0
            print(f"{'floor: hash inputs, read results.jsonl':<44} {n:>6} reports in {floor:7.2f}s")
            print(f"{'resume of the full run, all done':<44} {n:>6} reports in {resume:7.2f}s = "
                  f"{resume / full:.1%} of the full run (target ≤ 5%), {resume / floor:.1f} × the floor")
        out = Path(tmp) / "machinery"
        for label, mode, durable in (("machinery, serial, fsync", "serial", True),
                                     ("machinery, serial, no fsync", "serial", False),
                                     ("machinery, processes, fsync", "process", True)):
            t0 = time.perf_counter()
            run_batch([src], BatchOptions(out=out, progress=False, analyze=precomputed, mode=mode, summaries=False,
                                          durable=durable, force=True))
            line(label, n, time.perf_counter() - t0, base)
        t0 = time.perf_counter()
        result = run_batch([src], BatchOptions(out=out, progress=False, analyze=precomputed, summaries=False))
        line("machinery, resume (no summaries)", n, time.perf_counter() - t0)
        assert result.skipped == n
        t0 = time.perf_counter()
        aggregate(result.source, found=n)
        t1 = time.perf_counter()
        summarise(result.source, BatchOptions(out=out), total=n)
        t2 = time.perf_counter()
        line("aggregate (the latest year)", n, t1 - t0)
        print(f"{'summaries (every year, feedback documents)':<44} {t2 - t1:7.2f}s once per batch that changed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
