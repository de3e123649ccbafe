"""Check: the report JSON is byte-identical between two checkouts, over every bundled report.

    .venv/bin/python bench/report_identity.py --against DIR      # e.g. a worktree of main: git worktree add
    .venv/bin/python bench/report_identity.py --save FILE        # write this checkout's digests
    .venv/bin/python bench/report_identity.py --load FILE        # compare this checkout with saved digests

For every report file under eval/corpus and tests/data (.txt .md .html .docx .pdf), each checkout's own
code runs ``analyze_path`` with the rules narrative and without it, and the SHA-256 of ``parse --json``'s
document (indented and compact) and of ``check --json``'s is compared; an unreadable file compares by its error message. Meant for changes that
must not change any output (speed work): exit 1 and the differing files when anything differs.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SUFFIXES = {".txt", ".md", ".html", ".htm", ".docx", ".pdf"}

CHILD = r"""
import hashlib, json, sys
sys.path.insert(0, sys.argv[1])
import service
assert service.__file__.startswith(sys.argv[1]), service.__file__
from service.errors import GovreportError
from service.outputs.check_json import check_json
from service.pipeline import analyze_path
out = {}
for path in sys.argv[2:]:
    for narrative in (True, False):
        try:
            report = analyze_path(path, backend="rules", narrative=narrative)
            text = report.model_dump_json(indent=2) + "\n" + report.model_dump_json() + "\n" + check_json(report)
        except GovreportError as e:
            text = "error: " + str(e)
        out[f"{path} narrative={narrative}"] = hashlib.sha256(text.encode()).hexdigest()
print(json.dumps(out))
"""


def corpus() -> list[str]:
    return sorted(str(p) for d in ("eval/corpus", "tests/data") for p in (REPO / d).rglob("*")
                  if p.suffix.lower() in SUFFIXES and p.name not in ("README.md", "SOURCES.md"))


def digests(repo: Path, files: list[str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOVREPORT_LLM")}
    run = subprocess.run([sys.executable, "-c", CHILD, str(repo.resolve()), *files], env=env, cwd=repo,
                         capture_output=True, text=True)
    if run.returncode:
        raise SystemExit(f"{repo}: {run.stderr.strip()}")
    result: dict[str, str] = json.loads(run.stdout)
    return result


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--against", type=Path, help="another checkout of the repository")
    g.add_argument("--save", type=Path, help="write this checkout's digests to FILE")
    g.add_argument("--load", type=Path, help="compare this checkout with digests saved by --save")
    args = ap.parse_args()
    files = corpus()
    mine = digests(REPO, files)
    if args.save:
        args.save.write_text(json.dumps(mine, indent=1) + "\n", encoding="utf-8")
        print(f"{len(mine)} digests ({len(files)} files) written to {args.save}")
        return 0
    theirs = digests(args.against, files) if args.against else json.loads(args.load.read_text(encoding="utf-8"))
    differ = sorted(k for k in mine.keys() | theirs.keys() if mine.get(k) != theirs.get(k))
    for k in differ:
        print(f"differs: {k}")
    print(f"{len(files)} files × narrative on/off: {len(mine) - len(differ)} of {len(mine)} documents "
          f"byte-identical")
    return 1 if differ else 0


if __name__ == "__main__":
    raise SystemExit(main())
