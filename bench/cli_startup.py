"""Benchmark: what one `govreport` call on one file costs, beside the interpreter's own start-up.

    .venv/bin/python bench/cli_startup.py [--rounds 15] [--repo DIR] [--against DIR] [FILE]

Runs each command as a new process, the commands interleaved round by round so that load on the
(shared) machine hits them alike, and prints the median wall time and CPU time (user + system, from
the child's rusage) of each, and each one's ratio to the in-run baseline `python -c pass`. A second
baseline, `python -c "import pydantic"`, is the one library the report document needs. The target is a
one-file `govreport parse` under 0.25 s. ``--repo`` times another checkout's code with this interpreter
(e.g. main before a change); ``--against`` times another checkout's `parse` and `check` in the same
rounds, beside this one's (before and after a change, under the same load). Default FILE: the first
bundled text seed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

#: Libraries a one-file parse of a text report has no use for.
HEAVY = ("openpyxl", "matplotlib", "docx", "pdfplumber", "pdfminer", "openai", "instructor", "tenacity",
         "lxml", "service.batch", "service.evaluation", "service.extraction.llm")


#: As a user's shell runs it: bytecode caches written on the first call and used after (an environment
#: with PYTHONDONTWRITEBYTECODE would recompile every module on every call).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def timed(argv: list[str], cwd: Path) -> tuple[float, float]:
    """Wall and CPU seconds of one run of ``argv`` (its output discarded); fails loudly on an error."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=ENV)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read() if proc.stderr else b""
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(argv)} exited {proc.returncode}: {err.decode(errors='replace')[-500:]}")
    return wall, usage.ru_utime + usage.ru_stime


def loaded(py: str, file: Path, cwd: Path) -> list[str]:
    """Which of HEAVY a `govreport parse FILE` has imported when it is done."""
    code = ("import sys\nfrom service.cli import main\nmain(['parse', sys.argv[1]])\n"
            f"print('loaded:', *[m for m in {HEAVY!r} if m in sys.modules])")
    out = subprocess.run([py, "-c", code, str(file)], cwd=cwd, capture_output=True, text=True, check=True,
                         env=ENV).stdout
    return out.strip().splitlines()[-1].split()[1:]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("file", nargs="?", type=Path)
    ap.add_argument("--rounds", type=int, default=15)
    ap.add_argument("--repo", type=Path, default=REPO, help="checkout whose service/ is timed (default: this one)")
    ap.add_argument("--against", type=Path, default=None,
                    help="another checkout whose parse and check are timed in the same rounds")
    args = ap.parse_args()
    repo = args.repo.resolve()
    file = (args.file or sorted((REPO / "eval" / "corpus" / "seeds").glob("*.txt"))[0]).resolve()
    py = sys.executable
    gov = [py, "-m", "service"]  # what the `govreport` script runs, with ``repo`` first on the path
    commands = {
        "python -c pass (baseline)": [py, "-c", "pass"],
        "python -c 'import pydantic'": [py, "-c", "import pydantic"],
        "govreport --version": [*gov, "--version"],
        "govreport parse FILE": [*gov, "parse", str(file)],
        "govreport parse FILE --json": [*gov, "parse", str(file), "--json"],
        "govreport parse FILE --no-narrative": [*gov, "parse", str(file), "--no-narrative"],
        "govreport check FILE": [*gov, "check", str(file)],
    }
    cwds = dict.fromkeys(commands, repo)
    if args.against:
        other = args.against.resolve()
        for label in ("govreport parse FILE", "govreport check FILE"):
            commands[f"{label} [{other.name}]"] = commands[label]
            cwds[f"{label} [{other.name}]"] = other
    for label, argv in commands.items():  # warm the page cache and the bytecode caches
        timed(argv, cwds[label])
    walls: dict[str, list[float]] = {k: [] for k in commands}
    cpus: dict[str, list[float]] = {k: [] for k in commands}
    for _ in range(args.rounds):
        for label, argv in commands.items():
            w, c = timed(argv, cwds[label])
            walls[label].append(w)
            cpus[label].append(c)
    base_w = statistics.median(walls["python -c pass (baseline)"])
    base_c = statistics.median(cpus["python -c pass (baseline)"])
    print(f"file: {file.name}, repo: {repo}, rounds: {args.rounds}, load average: {os.getloadavg()[0]:.1f}")
    print(f"{'command':<44} {'wall s':>7} {'× pass':>7} {'CPU s':>7} {'× pass':>7}")
    for label in commands:
        w, c = statistics.median(walls[label]), statistics.median(cpus[label])
        print(f"{label:<44} {w:7.3f} {w / base_w:7.1f} {c:7.3f} {c / base_c:7.1f}")
    parse_w = statistics.median(walls["govreport parse FILE"])
    print(f"one-file parse: {parse_w:.3f} s wall (target < 0.25 s), {parse_w - base_w:.3f} s above interpreter start")
    if args.against:
        against_w = statistics.median(walls[f"govreport parse FILE [{args.against.resolve().name}]"])
        print(f"against {args.against}: parse {against_w:.3f} s wall, this checkout {parse_w - against_w:+.3f} s")
    heavy = loaded(py, file, repo)
    print("libraries a text parse loaded that it does not need: " + (", ".join(heavy) if heavy else "none"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
