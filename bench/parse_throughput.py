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

The same few files are read every round, so a memo keyed on a document's own text (its views, its running
headers, the figures found in it) would hit from the second round on, which no batch sees: no two reports of
a batch share a text. Those memos (DOCUMENT_MEMOS) are emptied before each report. Memos keyed on what
recurs across reports (row labels, a table's equations) stay warm, as in a batch; ``--cold`` empties them
too. Every memo at module level in the package must be named in one of the two lists, or the bench stops.
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


# Memos keyed on one document's text: a batch never hits them across reports.
DOCUMENT_MEMOS = frozenset({
    "service.extraction.view._CACHE",
    "service.reading.chrome._CACHE",
    "service.extraction.rules.figures._subsections",
    "service.extraction.rules.figures.find_disclosure_total",
    "service.extraction.rules.figures.find_applications",
    "service.extraction.rules.figures.fee_collected",
    "service.verification.injection._instruction_spans",
})
# Memos keyed on what recurs from report to report (labels, row specs, a table's shape).
CROSS_REPORT_MEMOS = frozenset({
    "service.tables.matching._bigrams",
    "service.tables.matching._compact_label",
    "service.tables.matching._spec_keys",
    "service.tables.matching._spec_index",
    "service.tables.matching.bare_label",
    "service.tables.matching._bare_index",
    "service.tables.matching._CACHE",
    "service.tables.table3._equations",
    "service.tables.table4._equations",
    "service.tables.label_blocks._wanted",
    "service.tables.label_blocks._row_labels",
    "service.tables.build._cell_ids",
    "service.tables.solver.cell_id",
    "service.extraction.rules.categories.category_keys",
    "service.extraction.prompt.load_prompt",
})


def _memos() -> dict[str, Callable[[], None]]:
    """How to empty each memo at module level in the loaded package, by the name it is defined under: a
    functools cache (``cache_clear``) or a dict named ``_CACHE`` (``clear``). A cached function imported
    by another module is seen once, under its own module's name."""
    found: dict[str, Callable[[], None]] = {}
    seen: set[int] = set()
    for name, mod in sorted(sys.modules.items()):
        if not (name == "service" or name.startswith("service.")) or mod is None:
            continue
        for attr, obj in vars(mod).items():
            clear = getattr(obj, "cache_clear", None)
            if not callable(clear) and attr == "_CACHE" and isinstance(obj, dict):
                clear = obj.clear
            if not callable(clear) or id(obj) in seen:
                continue
            home = getattr(obj, "__module__", name) if hasattr(obj, "cache_clear") else name
            if home != name and home in sys.modules and getattr(sys.modules[home], attr, None) is obj:
                continue  # imported: counted under the module that defines it
            seen.add(id(obj))
            found[f"{name}.{attr}"] = clear
    return found


def memo_clears(cold: bool) -> list[Callable[[], None]]:
    """What to empty before each report: the document memos, and with ``cold`` every memo. A memo in
    neither list stops the bench, so that a new one cannot flatter (or be left out of) its figure."""
    memos = _memos()
    unknown = sorted(set(memos) - DOCUMENT_MEMOS - CROSS_REPORT_MEMOS)
    if unknown:
        raise SystemExit("parse_throughput: memos not classified (add each to DOCUMENT_MEMOS or "
                         "CROSS_REPORT_MEMOS): " + ", ".join(unknown))
    return [clear for name, clear in memos.items() if cold or name in DOCUMENT_MEMOS]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--rounds", type=int, default=40)
    ap.add_argument("--narrative", action="store_true", help="include rules extraction and verification")
    ap.add_argument("--cold", action="store_true",
                    help="empty every memo of the package before each report, the cross-report ones (row labels "
                         "already scored) too, as if no report of the batch had been read before")
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
    clears += memo_clears(args.cold)
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
          + f", {len(clears)} memos emptied before each report ({'all' if args.cold else 'per-document'})")
    print(f"baseline (decode + one regex for numbers): {n / med_base:10,.0f} reports/s")
    label = "parse+check" + (" + rules narrative" if args.narrative else "")
    print(f"{label:<42} {n / med:10,.0f} reports/s ({med / n * 1000:.2f} ms/report) = "
          f"1/{med / med_base:.0f} of the baseline")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
