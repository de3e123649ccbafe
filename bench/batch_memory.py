"""Benchmark: the batch's memory per report, beside the size of its record on disk.

    .venv/bin/python bench/batch_memory.py [--reports 500 2000]

For each size it builds that many report files (the bundled seeds, each made distinct) and, in a fresh
process, runs the batch on them (serially, the analysis replaced by a precomputed report so that only
what the batch itself keeps in memory grows: records, aggregation, summaries), then resumes it. The
figure is the growth of the peak resident memory between the two sizes per report added, for the run
without summaries, with summaries, and for the resume; beside it, the baseline: the bytes per report of
results.jsonl from the same run. From these it projects a 100,000-report batch.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def child(folder: str, n: int, summaries: bool) -> float:
    """Run in a fresh process: the batch of ``n`` reports in ``folder`` (made on the first call, resumed on
    the next); its peak RSS in MiB."""
    import bench.batch_throughput as bt
    from service.batch import BatchOptions, run_batch
    from service.pipeline import analyze_path

    src = Path(folder) / "in"
    if not src.exists():
        bt.make_reports(src, n)
    for s in sorted((REPO / "eval" / "corpus" / "seeds").glob("*.txt")):
        bt._PRECOMPUTED[s.stem] = analyze_path(s, backend="rules")
    run_batch([src], BatchOptions(out=Path(folder) / "out", progress=False, analyze=bt.precomputed, mode="serial",
                                  summaries=summaries, durable=False))
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(n: int, summaries: bool) -> dict[str, float]:
    """Peak RSS (MiB) of the run and of its resume, each in its own process, and the record's size on disk."""
    from service.batch.state import RESULTS

    with tempfile.TemporaryDirectory(prefix="govreport-mem-bench-") as tmp:
        code = (f"import sys; sys.path.insert(0, {str(REPO)!r}); from bench.batch_memory import child; "
                f"print(child({tmp!r}, {n}, {summaries}))")
        peaks = [float(subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True,
                                      check=True).stdout.split()[-1]) for _ in ("run", "resume")]
        return {"run": peaks[0], "resume": peaks[1], "record_bytes": (Path(tmp) / "out" / RESULTS).stat().st_size / n}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reports", type=int, nargs=2, default=[500, 2000], metavar=("SMALL", "LARGE"))
    args = ap.parse_args()
    small, large = args.reports
    print(f"peak resident memory, batches of {small} and {large} reports; KiB per report added")
    for summaries in (False, True):
        a, b = measure(small, summaries), measure(large, summaries)
        record_kib = b["record_bytes"] / 1024
        for phase in ("run", "resume"):
            per = (b[phase] - a[phase]) * 1024 / (large - small)
            at_100k = b[phase] + per * (100_000 - large) / 1024
            label = f"{phase}, {'with' if summaries else 'no'} summaries"
            print(f"{label:<24} {per:7.1f} KiB/report = {per / record_kib:5.1f} × its record on disk "
                  f"({record_kib:.1f} KiB); {b[phase]:6.0f} MiB at {large}, ~{at_100k:,.0f} MiB at 100,000")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
