"""Benchmark: the report's JSON text (service/outputs/json_text.py), the fast path beside the general writer.

    .venv/bin/python bench/json_text_speed.py [--rounds 200] [--instructions] [FILES...]

Each file (default: the bundled seeds in eval/corpus/seeds) is analysed once (rules extraction, as a batch
does); then ``json_text`` and ``general_text`` (the node-by-node reference) write every report ``--rounds``
times, one line (``indent=None``, as the batch writes reports/<name>.json) and indented (``indent=2``, as
``govreport parse`` prints it). Figures are CPU milliseconds a report, the least of ten blocks of rounds
(the machine's load adds, never subtracts). ``--instructions`` counts instead, under
``valgrind --tool=callgrind`` (the load does not move the counts): millions of instructions a report,
over ``--rounds`` rounds (use a few: callgrind is some 50 times slower).
"""

from __future__ import annotations

import argparse
import operator
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
CHILD = "GOVREPORT_JSON_TEXT_SPEED_CHILD"
WRITERS = ("json_text", "general_text")
INDENTS: tuple[int | None, ...] = (None, 2)


def _reports(files: list[Path]) -> list[Any]:
    from service.pipeline import analyze_path

    return [analyze_path(f, backend="rules") for f in files]


def _writers() -> dict[str, Callable[[Any, int | None], str]]:
    from service.outputs.json_text import general_text, json_text

    return {"json_text": json_text, "general_text": general_text}


def timed(files: list[Path], rounds: int) -> None:
    reports, writers = _reports(files), _writers()
    for r in reports:  # the figures are only worth comparing if both write the same text
        for indent in INDENTS:
            assert writers["json_text"](r, indent) == writers["general_text"](r, indent)
    block = max(1, rounds // 10)
    print(f"files: {len(files)}, rounds: {block * 10}; CPU ms a report (the least of 10 blocks)")
    for indent in INDENTS:
        ms = {}
        for name in WRITERS:
            write, best = writers[name], float("inf")
            for _ in range(10):
                t0 = time.process_time()
                for _ in range(block):
                    for r in reports:
                        write(r, indent)
                best = min(best, time.process_time() - t0)
            ms[name] = best / block / len(reports) * 1e3
        print(f"indent={indent!s:<5} json_text {ms['json_text']:7.3f} ms   general_text {ms['general_text']:7.3f} ms"
              f"   = {ms['general_text'] / ms['json_text']:5.2f} × faster")


def child(files: list[Path], rounds: int, labels_path: Path) -> None:
    """Under callgrind: every writer and indent ``rounds`` times, a dump after each (``operator.call``)."""
    reports, writers = _reports(files), _writers()
    for r in reports:
        for indent in INDENTS:
            for name in WRITERS:
                writers[name](r, indent)  # converters compiled, caches warm
    labels = ["start"]
    operator.call(int)
    for indent in INDENTS:
        for name in WRITERS:
            write = writers[name]
            for _ in range(rounds):
                for r in reports:
                    write(r, indent)
            operator.call(int)
            labels.append(f"{name} indent={indent}")
    labels_path.write_text("\n".join(labels), encoding="utf-8")


def counted(files: list[Path], rounds: int) -> int:
    from stage_instructions import run_callgrind  # this folder is the script's sys.path[0]

    labels, totals = run_callgrind(__file__, CHILD, ["--rounds", str(rounds), *map(str, files)])
    per = {label: total / rounds / len(files) / 1e6 for label, total in zip(labels[1:], totals[1:], strict=True)}
    print(f"files: {len(files)}, rounds: {rounds}; millions of instructions a report (callgrind)")
    for indent in INDENTS:
        fast, general = per[f"json_text indent={indent}"], per[f"general_text indent={indent}"]
        print(f"indent={indent!s:<5} json_text {fast:7.2f} M   general_text {general:7.2f} M"
              f"   = {general / fast:5.2f} × fewer")
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--rounds", type=int, default=None, help="200 timed, 3 counted")
    ap.add_argument("--instructions", action="store_true", help="count instructions under callgrind")
    ap.add_argument("--labels", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    files = args.files or sorted((REPO / "eval" / "corpus" / "seeds").glob("*.txt"))
    if os.environ.get(CHILD):
        child(files, args.rounds, args.labels)
        return 0
    if args.instructions:
        return counted(files, args.rounds or 3)
    timed(files, args.rounds or 200)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
