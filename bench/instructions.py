"""Benchmark: instructions a report (callgrind) of the table reader and of parse + check, over the seeds.

    .venv/bin/python bench/instructions.py [--rounds 10] [--repo DIR]

Counted by valgrind's callgrind, which the load of the shared machine does not move (needs
``apt-get install valgrind``). Each figure is a difference of two runs of this script under callgrind
with the hash seed fixed: the code run ROUNDS times over the seeds, minus the same set-up run 0 times
(imports, reading, one warm-up pass that fills the package's memos, as a batch has them after its first
reports), divided by ROUNDS × the number of seeds:
  tables    ``parse_tables`` on documents and sections read in advance;
  pipeline  ``read_bytes`` + ``analyze_document`` (narrative off), as bench/parse_throughput.py times it.
``--repo`` counts another checkout's code (e.g. a ``git worktree`` of an older commit) with this one's
interpreter, for a before/after in the same run.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

CHILD = r"""
import sys
sys.path.insert(0, sys.argv[1])
from pathlib import Path
from service.pipeline import analyze_document
from service.reading import read_bytes
from service.sections import find_sections
from service.tables import parse_tables
mode, rounds = sys.argv[2], int(sys.argv[3])
blobs = [(f.name, f.read_bytes()) for f in sorted((Path(sys.argv[1]) / "eval" / "corpus" / "seeds").glob("*.txt"))]
for name, data in blobs:
    analyze_document(read_bytes(data, name), narrative=False)
if mode == "tables":
    pre = [(d, find_sections(d)) for d in (read_bytes(data, name) for name, data in blobs)]
    for _ in range(rounds):
        for doc, sections in pre:
            parse_tables(doc, sections)
else:
    for _ in range(rounds):
        for name, data in blobs:
            analyze_document(read_bytes(data, name), narrative=False)
print(len(blobs))
"""


def _count(repo: Path, mode: str, rounds: int) -> tuple[int, int]:
    """(instructions, number of seeds) of one run of CHILD under callgrind."""
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    run = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, "-c",
                          CHILD, str(repo), mode, str(rounds)], capture_output=True, text=True, env=env)
    found = re.search(r"Collected : (\d+)", run.stderr)
    if run.returncode or not found:
        raise SystemExit(f"callgrind failed: {run.stderr.strip()[-500:]}")
    return int(found.group(1)), int(run.stdout.split()[-1])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=10)
    ap.add_argument("--repo", type=Path, default=REPO, help="the checkout whose code is counted (default: this one)")
    args = ap.parse_args()
    if args.rounds < 1:
        raise SystemExit("--rounds must be at least 1")
    if not (args.repo / "service" / "tables").is_dir():
        raise SystemExit(f"{args.repo}: not a checkout of this project (no service/tables)")
    print(f"{args.repo}: callgrind, {args.rounds} rounds over the seeds, memos warm")
    for mode in ("tables", "pipeline"):
        base, n = _count(args.repo, mode, 0)
        total, _ = _count(args.repo, mode, args.rounds)
        print(f"{mode:<9} {(total - base) / (args.rounds * n) / 1e6:6.2f} M instructions a report")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
