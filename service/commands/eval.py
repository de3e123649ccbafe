"""govreport eval: score the pipeline on a gold set (or on planted errors); exit 0 pass, 1 short, 2 input."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from service.evaluation.baseline import DEFAULT_BASELINE, compare, load_baseline, run_key, update
from service.evaluation.gold import DEFAULT_GOLD_DIR, REPO_ROOT
from service.evaluation.planted import SEED
from service.evaluation.run import evaluate
from service.evaluation.score_planted import run_planted
from service.evaluation.scorecard import (
    Verdict,
    gold_json,
    gold_markdown,
    gold_text,
    planted_json,
    planted_markdown,
    planted_text,
)
from service.evaluation.thresholds import DEFAULT_THRESHOLDS, gate, load_thresholds

DEFAULT_OUT = REPO_ROOT / "eval" / "out"


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "eval",
        help="score the pipeline against a gold set (exit 1 if a figure is short of its threshold)",
        description="Run the whole pipeline over a gold set and score tables, checks, meta, narrative and cost; "
                    "print a scorecard, write Markdown and JSON. With --planted, score planted errors instead.",
    )
    p.add_argument("--gold", default=str(DEFAULT_GOLD_DIR),
                   help="gold directory (report paths relative to its parent); default: the bundled eval/gold")
    p.add_argument("--backend", choices=["rules", "llm"], default="rules", help="free-text extractor (default rules)")
    p.add_argument("--no-narrative", action="store_true", help="tables, checks and meta only (narrative not scored)")
    p.add_argument("--planted", action="store_true",
                   help="generate variants of the gold set's text reports with planted errors and score the checks")
    p.add_argument("--seed", type=int, default=SEED, help=f"seed of the planted-error generator (default {SEED})")
    p.add_argument("--exhaustive", action="store_true",
                   help="with --planted: also change every located 表三/表四 cell, one variant each")
    p.add_argument("--write-variants", metavar="DIR", help="with --planted: write each variant's text and expectations")
    p.add_argument("--out", default=str(DEFAULT_OUT), help="directory for the Markdown and JSON scorecards")
    p.add_argument("--thresholds", default=str(DEFAULT_THRESHOLDS), help="thresholds file (default eval/thresholds.json)")
    p.add_argument("--baseline", default=str(DEFAULT_BASELINE), help="baseline file (default eval/baseline.json)")
    p.add_argument("--no-baseline", action="store_true", help="gate on thresholds only")
    p.add_argument("--update-baseline", action="store_true", help="record this run's figures as the baseline")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.planted:
        return _run_planted(args)
    narrative = not args.no_narrative
    result = evaluate(args.gold, backend=args.backend, narrative=narrative)
    figures = result.figures()
    bounds = load_thresholds(args.thresholds, "gold")
    shortfalls, not_scored = gate(figures, bounds)
    verdict = Verdict(bounds=bounds, shortfalls=shortfalls, not_scored=not_scored)
    key = run_key(args.backend, narrative)
    if args.update_baseline:
        update(args.baseline, figures, key, result.gold_digest)
        verdict.baseline_note = f"recorded this run as the '{key}' baseline in {args.baseline}"
    elif args.no_baseline:
        verdict.baseline_note = "not compared (--no-baseline)"
    else:
        regressions, note = compare(figures, load_baseline(args.baseline), key, result.gold_digest)
        verdict.shortfalls += regressions
        verdict.baseline_note = f"{note}; not compared" if note else None
    stem = f"eval-{key}"
    _write(Path(args.out), stem, gold_markdown(result, verdict), gold_json(result, verdict))
    print(gold_text(result, verdict))
    print(f"wrote {Path(args.out) / stem}.md and .json", file=sys.stderr)
    return 0 if verdict.passed else 1


def _run_planted(args: argparse.Namespace) -> int:
    result = run_planted(args.gold, seed=args.seed, backend=args.backend, write_dir=args.write_variants,
                         exhaustive=args.exhaustive)
    bounds = load_thresholds(args.thresholds, "planted")
    shortfalls, not_scored = gate(result.figures(), bounds)
    verdict = Verdict(bounds=bounds, shortfalls=shortfalls, not_scored=not_scored,
                      baseline_note="thresholds only (planted targets are absolute)")
    _write(Path(args.out), "planted", planted_markdown(result, verdict), planted_json(result, verdict))
    print(planted_text(result, verdict))
    print(f"wrote {Path(args.out) / 'planted'}.md and .json", file=sys.stderr)
    return 0 if verdict.passed else 1


def _write(directory: Path, stem: str, markdown: str, data: dict[str, Any]) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / f"{stem}.md").write_text(markdown, encoding="utf-8")
    (directory / f"{stem}.json").write_text(json.dumps(data, ensure_ascii=False, indent=1, default=str) + "\n",
                                           encoding="utf-8")
