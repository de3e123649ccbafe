"""Benchmark: instructions a report, stage by stage, counted by callgrind (the machine's load does not move them).

    .venv/bin/python bench/stage_instructions.py [--narrative] [--rounds 3] [FILES...]

Needs valgrind. Runs itself under ``valgrind --tool=callgrind`` and, as parse_throughput.py does, reads
each file's bytes once and runs the pipeline once on them (imports, memos), then runs every stage over all
the files, stage after stage, ``--rounds`` times: reading (``read_bytes``), sections, tables, meta, checks
(and with --narrative the rules extraction, verification and C9), then ``analyze_document`` whole, and the
baseline of parse_throughput.py (decoding the same files and finding their numbers with one regex) in the
same run. Between stages it calls ``operator.call``, on which callgrind writes out what it counted; the
figure of a stage is the mean of its rounds, in millions of instructions a report, and its ratio to the
baseline's. ``report glue`` is what ``analyze_document`` costs beyond the stages (the report's objects,
sorting and summing the findings, the gold views). Default corpus: the bundled text seeds in eval/corpus/seeds.
The memos keyed on one document's text (parse_throughput.py's DOCUMENT_MEMOS) are emptied at the start of
every round and before ``analyze_document``, so that, as in a batch, no round finds the last one's views;
within a round the stages share them as the pipeline's stages do.
"""

from __future__ import annotations

import argparse
import operator
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CHILD = "GOVREPORT_STAGE_INSTRUCTIONS_CHILD"
NUMBERS = re.compile(r"\d+(?:\.\d+)?")


def _mark(out: list[str], label: str) -> None:
    operator.call(int)  # callgrind writes out the counts of the stage that just ended (--dump-before)
    out.append(label)


def child(files: list[Path], rounds: int, narrative: bool, labels_path: Path) -> None:
    """Run the stages (under callgrind), writing the label of each dump, in order, to ``labels_path``."""
    sys.path.insert(0, str(REPO))
    from parse_throughput import memo_clears  # this folder is the script's sys.path[0]

    from service.checks import run_checks
    from service.extraction import extract_narrative
    from service.meta import read_meta
    from service.pipeline import analyze_document
    from service.reading import read_bytes
    from service.sections import find_sections
    from service.tables import parse_tables
    from service.tables.ocr import attach_readings
    from service.verification import c9_findings, verify_narrative

    backend = "rules" if narrative else None
    blobs = [(f.name, f.read_bytes()) for f in files]
    for name, data in blobs:
        analyze_document(read_bytes(data, name), backend=backend, narrative=narrative)
    clears = memo_clears(cold=False)

    def forget() -> None:
        for clear in clears:
            clear()

    labels: list[str] = []
    _mark(labels, "start")
    for _ in range(rounds):
        forget()
        docs = [read_bytes(data, name) for name, data in blobs]
        _mark(labels, "reading")
        secs = [find_sections(d) for d in docs]
        _mark(labels, "sections")
        parsed = [parse_tables(d, s) for d, s in zip(docs, secs, strict=True)]
        for d, p in zip(docs, parsed, strict=True):
            attach_readings(d, p.tables)
        _mark(labels, "tables")
        for d, s in zip(docs, secs, strict=True):
            read_meta(d, s)
        _mark(labels, "meta")
        for d, s, p in zip(docs, secs, parsed, strict=True):
            run_checks(d, s, p.tables, p.format)
        _mark(labels, "checks")
        if narrative:
            extracted = [extract_narrative(d, s, backend="rules") for d, s in zip(docs, secs, strict=True)]
            _mark(labels, "extraction")
            verified = [verify_narrative(d, s, e) for d, s, e in zip(docs, secs, extracted, strict=True)]
            _mark(labels, "verification")
            for d, s, p, v in zip(docs, secs, parsed, verified, strict=True):
                c9_findings(d, s, p.tables, v.narrative)
            _mark(labels, "C9")
        docs = [read_bytes(data, name) for name, data in blobs]
        _mark(labels, "reading again")
        forget()
        for d in docs:
            analyze_document(d, backend=backend, narrative=narrative)
        _mark(labels, "analyze_document")
        for _, data in blobs:
            len(NUMBERS.findall(data.decode("utf-8", errors="replace")))
        _mark(labels, "baseline")
    labels_path.write_text("\n".join(labels), encoding="utf-8")


def run_callgrind(script: str, child_env: str, argv: list[str]) -> tuple[list[str], list[int]]:
    """Run ``script argv --labels FILE`` under callgrind with ``child_env`` set (the script's child side marks
    each stage with ``_mark``): the labels of its marks and the instructions of each dump, one a mark.
    Exits with a one-line message when valgrind is missing or the run fails."""
    with tempfile.TemporaryDirectory() as tmp:
        out_dir, labels_path = Path(tmp), Path(tmp) / "labels.txt"
        cmd = ["valgrind", "--tool=callgrind", "--dump-before=_operator_call",
               f"--callgrind-out-file={out_dir / 'cg.out'}", sys.executable, script, *argv,
               "--labels", str(labels_path)]
        try:
            run = subprocess.run(cmd, env={**os.environ, child_env: "1"}, capture_output=True, text=True)
        except FileNotFoundError:
            print("valgrind 未安装(apt-get install valgrind)", file=sys.stderr)
            raise SystemExit(2) from None
        if run.returncode != 0 or not labels_path.exists():
            print(f"callgrind 运行失败: {run.stderr.strip().splitlines()[-1:] or run.returncode}", file=sys.stderr)
            raise SystemExit(1)
        labels = labels_path.read_text(encoding="utf-8").split("\n")
        totals = _totals(out_dir)
    if len(totals) != len(labels):  # one numbered dump a mark (the one at exit is cg.out, not counted)
        print(f"callgrind 输出 {len(totals)} 份计数, 应为 {len(labels)} 份", file=sys.stderr)
        raise SystemExit(1)
    return labels, totals


def _totals(out_dir: Path) -> list[int]:
    """Instructions of each dump, in the order callgrind wrote them."""
    dumps = sorted(out_dir.glob("cg.out.*"), key=lambda p: int(p.suffix[1:]))
    totals = []
    for dump in dumps:
        with dump.open(encoding="utf-8", errors="replace") as fh:
            totals.append(next(int(ln.split()[1]) for ln in fh if ln.startswith(("summary:", "totals:"))))
    return totals


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--narrative", action="store_true", help="include rules extraction, verification and C9")
    ap.add_argument("--labels", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    files = args.files or sorted((REPO / "eval" / "corpus" / "seeds").glob("*.txt"))
    if os.environ.get(CHILD):
        child(files, args.rounds, args.narrative, args.labels)
        return 0
    labels, totals = run_callgrind(__file__, CHILD, ["--rounds", str(args.rounds),
                                                     *(["--narrative"] if args.narrative else []), *map(str, files)])
    # Dump k+1 holds what ran between mark k-1 and mark k (the first dump: start-up and the warm-up).
    sums: dict[str, int] = {}
    for label, total in zip(labels[1:], totals[1:], strict=True):
        sums[label] = sums.get(label, 0) + total
    per = {label: total / args.rounds / len(files) / 1e6 for label, total in sums.items()}
    stages = [k for k in per if k not in ("reading again", "analyze_document", "baseline")]
    glue = per["analyze_document"] - sum(per[k] for k in stages if k != "reading")
    print(f"files: {len(files)}, rounds: {args.rounds}, narrative: {'rules' if args.narrative else 'off'}; "
          "millions of instructions a report (callgrind)")
    base = per["baseline"]
    for label, value in [*((k, per[k]) for k in stages), ("report glue", glue),
                         ("reading + analyze_document", per["reading again"] + per["analyze_document"])]:
        print(f"{label:<28} {value:7.2f} M = {value / base:6.1f} × the baseline")
    print(f"{'baseline (decode + regex)':<28} {base:7.3f} M")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
