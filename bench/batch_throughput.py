"""Benchmark: the batch's deterministic throughput (reports/s), offline.

    .venv/bin/python bench/batch_throughput.py [--reports 1000] [--skip-full]

On ``--reports`` generated report files (the bundled seeds, each made distinct) it times:
  full      govreport batch as shipped: read, parse, check, rules extraction, per-report JSON, records
            (fsynced) — processes on every core, then one process for comparison (summaries timed apart);
  machinery the batch alone, with analysis replaced by a precomputed report: hashing, scheduling,
            JSON writes, fsynced records, digest — i.e. what the batch adds to the pipeline;
  resume    the same batch again, every report already done (hash + versions match);
  summary   aggregation and summary.xlsx/.md/.docx with charts, from the records.
The target is 500 reports/s for the deterministic part; the pipeline's own parse+check rate is in
bench/parse_throughput.py.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from service.batch import BatchOptions, run_batch  # noqa: E402
from service.batch.aggregate import aggregate  # noqa: E402
from service.batch.runner import write_summaries  # noqa: E402
from service.report import Report  # noqa: E402

_PRECOMPUTED: dict[str, Report] = {}


def make_reports(folder: Path, n: int) -> list[Path]:
    seeds = sorted((REPO / "eval" / "corpus" / "seeds").glob("*.txt"))
    folder.mkdir(parents=True)
    for i in range(n):
        src = seeds[i % len(seeds)]
        (folder / f"r{i:05d}_{src.stem}.txt").write_text(src.read_text(encoding="utf-8") + f"\n\n编号 {i}\n",
                                                         encoding="utf-8")
    return seeds


def precomputed(path: str, narrative: bool, backend: str | None) -> Report:
    """The seed's report, analysed once in advance: the batch machinery without the pipeline."""
    seed = Path(path).stem.split("_", 1)[1]
    return _PRECOMPUTED[seed]


def line(label: str, n: int, seconds: float) -> None:
    print(f"{label:<44} {n:>6} reports in {seconds:7.2f}s = {n / seconds:8.0f} reports/s")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reports", type=int, default=1000)
    ap.add_argument("--skip-full", action="store_true", help="only the batch machinery, resume and summary")
    args = ap.parse_args()
    n = args.reports
    with tempfile.TemporaryDirectory(prefix="govreport-batch-bench-") as tmp:
        src = Path(tmp) / "in"
        seeds = make_reports(src, n)
        from service.pipeline import analyze_path

        for s in seeds:
            _PRECOMPUTED[s.stem] = analyze_path(s, backend="rules")
        if not args.skip_full:
            for label, opts in (
                ("full, rules narrative", BatchOptions(out=Path(tmp) / "full", progress=False, backend="rules",
                                                       summaries=False)),
                ("full, rules narrative", BatchOptions(out=Path(tmp) / "serial", progress=False, backend="rules",
                                                       mode="serial", jobs=1, summaries=False)),
            ):
                t0 = time.perf_counter()
                result = run_batch([src], opts)
                line(label + f" ({result.mode} × {result.jobs})", n, time.perf_counter() - t0)
        out = Path(tmp) / "machinery"
        for label, mode, durable in (("machinery, serial, fsync", "serial", True),
                                     ("machinery, serial, no fsync", "serial", False),
                                     ("machinery, processes, fsync", "process", True)):
            t0 = time.perf_counter()
            run_batch([src], BatchOptions(out=out, progress=False, analyze=precomputed, mode=mode, summaries=False,
                                          durable=durable, force=True))
            line(label, n, time.perf_counter() - t0)
        t0 = time.perf_counter()
        result = run_batch([src], BatchOptions(out=out, progress=False, analyze=precomputed, summaries=False))
        line("resume, all done (skipped)", n, time.perf_counter() - t0)
        assert result.skipped == n
        t0 = time.perf_counter()
        agg = aggregate(result.records, found=n)
        t1 = time.perf_counter()
        write_summaries(agg, out)
        t2 = time.perf_counter()
        line("aggregate", n, t1 - t0)
        print(f"{'summaries (xlsx, md, docx, charts)':<44} {t2 - t1:7.2f}s once per batch")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
