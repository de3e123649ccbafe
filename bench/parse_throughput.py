"""Benchmark: parse+check throughput of the deterministic core on one core, beside a regex baseline.

    .venv/bin/python bench/parse_throughput.py [--rounds 40] [--narrative] [FILES...]

Reads each file's bytes once, then times, round by round in this one process and in CPU time (so other
load on the shared machine matters less):
  baseline  decoding the same files and scanning them for numbers with one regex — the least any
            reader of these reports does;
  pipeline  decode → sections → tables → checks (and, with --narrative, the offline rules extractor,
            verification and C9).
The figure is the pipeline's rate and its ratio to the baseline's (machines differ; the ratio travels);
the rounds alternate the two.
The target is 1,000 reports/s on one core of the project's 2-core machine.
Default corpus: the bundled text seeds in eval/corpus/seeds.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from service.pipeline import analyze_document  # noqa: E402
from service.reading import read_bytes  # noqa: E402

NUMBERS = re.compile(r"\d+(?:\.\d+)?")
REPEAT = 20


def regex_baseline(data: bytes) -> int:
    """Decode and find every number: what a one-regex number scraper would do with the same file."""
    return len(NUMBERS.findall(data.decode("utf-8", errors="replace")))


def cpu(work: Callable[[], object]) -> float:
    t0 = time.process_time()
    work()
    return time.process_time() - t0


def _cache_clears() -> list[Callable[[], None]]:
    """``cache_clear`` of every functools cache at module level in the package, each once (a cached
    function imported by another module is seen in both)."""
    caches: dict[int, Callable[[], None]] = {}
    for name, mod in list(sys.modules.items()):
        if name == "service" or name.startswith("service."):
            for obj in vars(mod).values():
                if callable(getattr(obj, "cache_clear", None)):
                    caches.setdefault(id(obj), obj.cache_clear)
    return list(caches.values())


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--rounds", type=int, default=40)
    ap.add_argument("--narrative", action="store_true", help="include rules extraction and verification")
    ap.add_argument("--cold", action="store_true",
                    help="empty every memo of the package (functools caches) before each report, as if no report "
                         "of the batch had been read before: the same files read again would else find their "
                         "row labels already scored")
    args = ap.parse_args()
    files = args.files or sorted((REPO / "eval" / "corpus" / "seeds").glob("*.txt"))
    blobs = [(f.name, f.read_bytes()) for f in files]

    clears: list[Callable[[], None]] = []  # filled after the warm-up, which imports what the pipeline uses

    def pipeline() -> None:
        for name, data in blobs:
            for clear in clears:
                clear()
            analyze_document(read_bytes(data, name), narrative=args.narrative)

    def baseline() -> None:
        for _, data in blobs:
            regex_baseline(data)

    pipeline()  # warm-up (lazy imports, caches) and sanity
    if args.cold:
        clears += _cache_clears()
    # Rounds alternate baseline and pipeline, so that load on the shared machine weighs on both alike; the
    # baseline, some 40 times faster, runs REPEAT times a round.
    base_times, times = [], []
    for _ in range(args.rounds):
        base_times.append(cpu(lambda: [baseline() for _ in range(REPEAT)]) / REPEAT)
        times.append(cpu(pipeline))
    med_base, med = statistics.median(base_times), statistics.median(times)
    n = len(blobs)
    print(f"files: {n} ({sum(len(d) for _, d in blobs) / 1024:.0f} KiB), rounds: {args.rounds}, "
          f"narrative: {'rules' if args.narrative else 'off'}, CPU time, medians"
          + (f", {len(clears)} caches emptied before each report" if args.cold else ""))
    print(f"baseline (decode + one regex for numbers): {n / med_base:10,.0f} reports/s")
    label = "parse+check" + (" + rules narrative" if args.narrative else "")
    print(f"{label:<42} {n / med:10,.0f} reports/s ({med / n * 1000:.2f} ms/report) = "
          f"1/{med / med_base:.0f} of the baseline")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
