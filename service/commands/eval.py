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
        help="用标注集评测整个流程(有指标未达阈值时退出码为 1)",
        description="在标注集上运行整个流程, 评测表格、核验、元数据、正文抽取和成本; 打印评分表并写出 Markdown 与 JSON。"
                    "加 --planted 则改为评测人工植入的错误。",
    )
    p.add_argument("--gold", default=str(DEFAULT_GOLD_DIR),
                   help="标注目录(报告路径相对于其上级目录); 默认为自带的 eval/gold")
    p.add_argument("--backend", choices=["rules", "llm"], default="rules", help="正文抽取方式(默认 rules)")
    p.add_argument("--no-narrative", action="store_true", help="只评测表格、核验和元数据(不评测正文)")
    p.add_argument("--planted", action="store_true",
                   help="由标注集的文本报告生成植入错误的变体, 评测核验能否发现")
    p.add_argument("--seed", type=int, default=SEED, help=f"植入错误生成器的随机种子(默认 {SEED})")
    p.add_argument("--exhaustive", action="store_true",
                   help="与 --planted 合用: 逐个改动每个可定位的表三/表四单元格, 各成一个变体")
    p.add_argument("--write-variants", metavar="DIR", help="与 --planted 合用: 写出每个变体的文本和预期结果")
    p.add_argument("--out", default=str(DEFAULT_OUT), help="评分表(Markdown 和 JSON)的输出目录")
    p.add_argument("--thresholds", default=str(DEFAULT_THRESHOLDS), help="阈值文件(默认 eval/thresholds.json)")
    p.add_argument("--baseline", default=str(DEFAULT_BASELINE), help="基线文件(默认 eval/baseline.json)")
    p.add_argument("--no-baseline", action="store_true", help="只按阈值判定, 不与基线比较")
    p.add_argument("--update-baseline", action="store_true", help="把本次结果记录为基线")
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
        verdict.baseline_note = f"本次结果已记为 {args.baseline} 中 {key} 的基线"
    elif args.no_baseline:
        verdict.baseline_note = "未与基线比较（--no-baseline）"
    else:
        regressions, note = compare(figures, load_baseline(args.baseline), key, result.gold_digest)
        verdict.shortfalls += regressions
        verdict.baseline_note = f"{note}；未与基线比较" if note else None
    stem = f"eval-{key}"
    _write(Path(args.out), stem, gold_markdown(result, verdict), gold_json(result, verdict))
    print(gold_text(result, verdict))
    print(f"已写入 {Path(args.out) / stem}.md 和 .json", file=sys.stderr)
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
    print(f"已写入 {Path(args.out) / 'planted'}.md 和 .json", file=sys.stderr)
    return 0 if verdict.passed else 1


def _write(directory: Path, stem: str, markdown: str, data: dict[str, Any]) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / f"{stem}.md").write_text(markdown, encoding="utf-8")
    (directory / f"{stem}.json").write_text(json.dumps(data, ensure_ascii=False, indent=1, default=str) + "\n",
                                           encoding="utf-8")
