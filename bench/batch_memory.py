"""Benchmark: the batch's memory per report, beside the size of its record on disk.

    .venv/bin/python bench/batch_memory.py [--reports 500 3000]

For each size it builds that many report files (the bundled seeds, each made distinct, every other one
with a wrong figure so that it has findings, as in bench/batch_throughput.py) and, in a fresh
process, runs the batch on them (serially, the analysis replaced by a precomputed report so that only
what the batch itself keeps in memory grows: records, aggregation, summaries), then resumes it. The
figure is the growth of the peak resident memory per report added (the least-squares slope over the sizes
given, two or more), for the run without summaries, with summaries, and for the resume; beside it, the
baseline: the bytes per report of results.jsonl from the same run. From these it projects a 100,000-report
batch. Peak RSS moves by a few MiB from run to run: the further apart the sizes, the steadier the slope.
"""

from __future__ import annotations

import argparse
import copy
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
    from service.report import Report

    src = Path(folder) / "in"
    if not src.exists():
        bt.make_reports(src, n)
    bt.precompute(sorted((REPO / "eval" / "corpus" / "seeds").glob("*.txt")), Path(folder) / "variants")

    def fresh(path: str, narrative: bool, backend: str | None) -> Report:
        """A copy of its own for each report, as an analysis gives: nothing the batch keeps is shared."""
        return copy.deepcopy(bt.precomputed(path, narrative, backend))

    run_batch([src], BatchOptions(out=Path(folder) / "out", progress=False, analyze=fresh, mode="serial",
                                  summaries=summaries, durable=False))
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(n: int, summaries: bool) -> dict[str, float]:
    """Peak RSS (MiB) of the run and of its resume, each in its own process, and the record's size on disk."""
    from service.batch.state import RESULTS

    with tempfile.TemporaryDirectory(prefix="govreport-mem-bench-") as tmp:
        code = (f"import sys; sys.path.insert(0, {str(REPO)!r}); from bench.batch_memory import child; "
                f"print(child({tmp!r}, {n}, {summaries}))")
        peaks = []
        for phase in ("run", "resume"):
            proc = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True)
            if proc.returncode:
                raise SystemExit(f"the {phase} of {n} reports failed:\n{proc.stderr}")
            peaks.append(float(proc.stdout.split()[-1]))
        return {"run": peaks[0], "resume": peaks[1], "record_bytes": (Path(tmp) / "out" / RESULTS).stat().st_size / n}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reports", type=int, nargs="+", default=[500, 3000], metavar="N",
                    help="batch sizes (two or more)")
    args = ap.parse_args()
    sizes = sorted(set(args.reports))
    if len(sizes) < 2:
        ap.error("--reports needs two sizes or more")
    large = sizes[-1]
    print(f"peak resident memory, batches of {', '.join(map(str, sizes))} reports; KiB per report added")
    for summaries in (False, True):
        runs = [measure(n, summaries) for n in sizes]
        record_kib = runs[-1]["record_bytes"] / 1024
        for phase in ("run", "resume"):
            peaks = [r[phase] for r in runs]
            per = slope(sizes, peaks) * 1024
            at_100k = peaks[-1] + per * (100_000 - large) / 1024
            label = f"{phase}, {'with' if summaries else 'no'} summaries"
            print(f"{label:<24} {per:7.1f} KiB/report = {per / record_kib:5.1f} × its record on disk "
                  f"({record_kib:.1f} KiB); peaks {' / '.join(f'{p:.0f}' for p in peaks)} MiB, "
                  f"~{at_100k:,.0f} MiB at 100,000")
    return 0


def slope(xs: list[int], ys: list[float]) -> float:
    """Least-squares slope of ys over xs."""
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum((x - mx) ** 2 for x in xs)


if __name__ == "__main__":
    raise SystemExit(main())
