"""govreport batch PATH... --out DIR: every report under PATH, per-report JSON, results.jsonl and summaries."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from service.batch import BatchOptions, Counts, run_batch
from service.errors import BatchPendingError, InputError

#: Exit code when a batch-API batch is still running (EX_TEMPFAIL): run the same command again.
EXIT_PENDING = 75


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "batch",
        help="process a folder of reports: per-report JSON, results.jsonl, summary.xlsx/.md/.docx",
        description="Process every report found under PATH (recursively, in parallel). Re-running resumes: "
                    "reports already done with the same content and versions are skipped.",
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="report files or folders (.txt .md .html .htm .docx .pdf)")
    p.add_argument("--out", "-o", required=True, type=Path, metavar="DIR", help="output folder")
    p.add_argument("--force", action="store_true", help="redo every report, even those already done")
    p.add_argument("--jobs", "-j", type=int, default=None, metavar="N",
                   help="reports in parallel (default: the cores; with the LLM backend, GOVREPORT_LLM_MAX_IN_FLIGHT + the cores, as threads)")
    p.add_argument("--backend", choices=["rules", "llm"], default=None, help="free-text extractor")
    p.add_argument("--via", choices=["realtime", "batch-api"], default="realtime",
                   help="how LLM requests are sent: one chat call per report (default), or all at once through "
                        "the endpoint's batch API (/v1/files + /v1/batches; resumable, the batch id is kept in DIR)")
    p.add_argument("--batch-wait", type=float, default=None, metavar="SECONDS",
                   help="with --via batch-api: stop waiting for the batch after this long (exit 75; run again "
                        "to resume); default: wait until it is done")
    p.add_argument("--batch-cancel", action="store_true",
                   help="with --via batch-api: cancel DIR's unfinished batch, use what it answered, ask the rest "
                        "in real time")
    p.add_argument("--no-narrative", action="store_true", help="skip free-text extraction (tables and checks only)")
    p.add_argument("--expected", type=Path, metavar="FILE",
                   help="units expected to report, one name a line (lists the missing ones in the summary)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    expected = None
    if args.expected is not None:
        try:
            text = args.expected.read_text(encoding="utf-8-sig")
        except OSError as exc:
            raise InputError(f"cannot read the list of expected units: {exc.strerror or exc}", str(args.expected)) from exc
        expected = [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]
    if args.jobs is not None and args.jobs < 1:
        raise InputError("--jobs must be at least 1")
    if args.via != "batch-api" and (args.batch_wait is not None or args.batch_cancel):
        raise InputError("--batch-wait and --batch-cancel go with --via batch-api")
    opts = BatchOptions(out=args.out, force=args.force, narrative=not args.no_narrative, backend=args.backend,
                        jobs=args.jobs, progress=not args.no_progress, expected=expected, via=args.via,
                        batch_wait=args.batch_wait, batch_cancel=args.batch_cancel)
    counts = Counts()
    try:
        result = run_batch(args.paths, opts, counts)
    except BatchPendingError as exc:
        print(f"govreport batch: {exc}", file=sys.stderr)
        return EXIT_PENDING
    except KeyboardInterrupt:
        print(f"govreport batch: interrupted after {counts.done} of {counts.total} reports; everything finished is "
              f"saved in {args.out}: run the same command again to resume", file=sys.stderr)
        raise
    for note in result.notes:
        print(f"govreport batch: note: {note}", file=sys.stderr)
    errors = result.errors
    fails = sum(1 for r in result.records if r.digest is not None and r.digest.failed_rules)
    print(f"{result.found} reports: {result.processed} processed, {result.skipped} already done; "
          f"{len(result.records) - len(errors)} analysed ({fails} with failing checks), {len(errors)} unreadable")
    for r in errors:
        print(f"  unreadable: {r.path}: {r.error}")
    for path in result.outputs:
        if path.suffix != ".png":
            print(f"wrote {path}")
    return 0
