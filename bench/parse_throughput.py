"""Benchmark: parse+check throughput of the deterministic core on one core.

    .venv/bin/python bench/parse_throughput.py [--rounds 40] [--narrative] [FILES...]

Reads each file's bytes once, then times decode → sections → tables → checks (and, with
--narrative, the offline rules extractor and verification) over many rounds in this one process, in CPU time (so other load on the machine
matters less).
Default corpus: the bundled text seeds in eval/corpus/seeds.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from service.pipeline import analyze_document  # noqa: E402
from service.reading import read_bytes  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--rounds", type=int, default=40)
    ap.add_argument("--narrative", action="store_true", help="include rules extraction and verification")
    args = ap.parse_args()
    files = args.files or sorted((REPO / "eval" / "corpus" / "seeds").glob("*.txt"))
    blobs = [(f.name, f.read_bytes()) for f in files]
    for name, data in blobs:  # warm-up and sanity
        analyze_document(read_bytes(data, name), narrative=args.narrative)
    per_round: list[float] = []
    for _ in range(args.rounds):
        t0 = time.process_time()
        for name, data in blobs:
            analyze_document(read_bytes(data, name), narrative=args.narrative)
        per_round.append(time.process_time() - t0)
    n = len(blobs)
    best = min(per_round)
    med = statistics.median(per_round)
    print(f"files: {n} ({sum(len(d) for _, d in blobs) / 1024:.0f} KiB), rounds: {args.rounds}, "
          f"narrative: {'rules' if args.narrative else 'off'}")
    print(f"median: {n / med:,.0f} reports/s ({med / n * 1000:.2f} ms/report); best: {n / best:,.0f} reports/s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
