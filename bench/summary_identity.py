"""Check: a batch's output folder is the same between two checkouts (summaries, feedback documents, records).

    .venv/bin/python bench/summary_identity.py --against DIR [--reports 60]   # DIR: e.g. a worktree of main

Each checkout's own code runs ``govreport batch`` (rules narrative, serial, one job) on the same
``--reports`` generated reports (bench/batch_throughput.py's: the bundled seeds made distinct, every other
one with a wrong figure in 表三, so there are findings, 整改清单 and feedback documents, over several years).
Then every file of the two output folders is compared: a Word or Excel file (a zip) member by member, its
bytes, leaving out ``docProps/core.xml`` (the time it was made); any other file by its bytes, after the
paths of the two runs' folders are made the same and the fields that differ from run to run
(``VOLATILE_FIELDS``: a report's seconds and finishing time, the summaries' key) are left out. Meant for changes that must not change any output (speed
work): exit 1 and the files that differ when anything differs.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

CHILD = r"""
import sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
import service
assert service.__file__.startswith(sys.argv[1]), service.__file__
from service.batch import BatchOptions, run_batch
run_batch([Path(sys.argv[2])], BatchOptions(out=Path(sys.argv[3]), progress=False, backend="rules", mode="serial",
                                            jobs=1))
"""

#: Zip members that hold the time a document was made.
VOLATILE = frozenset({"docProps/core.xml"})
#: Fields of the batch's own files that differ from run to run: how long a report took and when it finished
#: (results.jsonl), and the summaries' key, which holds the code's version (.summary-key.json).
VOLATILE_FIELDS = {"results.jsonl": frozenset({"seconds", "finished"}), ".summary-key.json": frozenset({"key"})}


def run(repo: Path, src: Path, out: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOVREPORT_LLM")}
    done = subprocess.run([sys.executable, "-c", CHILD, str(repo.resolve()), str(src), str(out)], env=env,
                          cwd=repo, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"{repo}: {done.stderr.strip()[-2000:]}")


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist() if n not in VOLATILE}


def same(a: Path, b: Path, roots: tuple[Path, Path]) -> str | None:
    """None when the two files are the same, else what differs."""
    if a.suffix in (".docx", ".xlsx"):
        ma, mb = members(a), members(b)
        if ma.keys() != mb.keys():
            return f"members differ: {sorted(ma.keys() ^ mb.keys())[:5]}"
        diff = [n for n in ma if ma[n] != mb[n]]
        return f"members differ: {diff[:5]}" if diff else None
    da = a.read_bytes().replace(str(roots[0]).encode(), b"<out>")
    db = b.read_bytes().replace(str(roots[1]).encode(), b"<out>")
    if a.name in VOLATILE_FIELDS:
        da, db = _steady(da, VOLATILE_FIELDS[a.name]), _steady(db, VOLATILE_FIELDS[a.name])
    return None if da == db else "bytes differ"


def _steady(data: bytes, volatile: frozenset[str]) -> bytes:
    """A JSON or JSON-lines file without its volatile fields (one document a line)."""
    out = []
    for line in data.splitlines():
        doc = json.loads(line)
        for k in volatile:
            doc.pop(k, None)
        out.append(json.dumps(doc, ensure_ascii=False, sort_keys=True))
    return "\n".join(out).encode()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--against", type=Path, required=True, help="another checkout of the repository")
    ap.add_argument("--reports", type=int, default=60)
    args = ap.parse_args()
    sys.path.insert(0, str(REPO / "bench"))
    from batch_throughput import make_reports

    with tempfile.TemporaryDirectory(prefix="govreport-summary-identity-") as tmp:
        src = Path(tmp) / "in"
        make_reports(src, args.reports)
        mine, theirs = Path(tmp) / "mine", Path(tmp) / "theirs"
        run(REPO, src, mine)
        run(args.against, src, theirs)
        files = sorted({p.relative_to(mine) for p in mine.rglob("*") if p.is_file()}
                       | {p.relative_to(theirs) for p in theirs.rglob("*") if p.is_file()})
        differ = []
        for rel in files:
            a, b = mine / rel, theirs / rel
            why = "only in one" if not (a.exists() and b.exists()) else same(a, b, (mine, theirs))
            if why:
                differ.append(rel)
                print(f"differs: {rel}: {why}")
        print(f"{args.reports} reports: {len(files) - len(differ)} of {len(files)} output files the same")
        return 1 if differ else 0


if __name__ == "__main__":
    raise SystemExit(main())
