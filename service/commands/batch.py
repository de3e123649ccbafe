"""govreport batch PATH... --out DIR: every report under PATH, per-report JSON, results.jsonl and summaries."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from service.batch import BatchOptions, Counts, run_batch
from service.batch.runner import FEEDBACK
from service.batch.thresholds import load_thresholds
from service.commands.llm import guard
from service.errors import BatchPendingError, InputError

#: Exit code when a batch-API batch is still running (EX_TEMPFAIL): run the same command again.
EXIT_PENDING = 75


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "batch",
        help="批量处理报告: 逐份 JSON、results.jsonl、按年度的汇总(summary.xlsx/.md/.docx/.json)和整改清单",
        description="处理 PATH 下的全部报告(递归、并行)。重复运行时续做: 内容和版本未变的报告直接沿用。"
                    "向同一输出目录再次运行而输入较少时, 此前处理过的报告仍保留在汇总中(加 --replace 则移除)。"
                    "每个年度单独汇总, 不同年度的数字从不相加。",
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="报告文件或目录(.txt .md .html .htm .docx .pdf)")
    p.add_argument("--out", "-o", required=True, type=Path, metavar="DIR", help="输出目录")
    p.add_argument("--year", type=int, metavar="YYYY", help="summary.* 汇总的年度(默认: 本批次最近的年度)")
    p.add_argument("--exclude", action="append", default=[], metavar="GLOB",
                   help="不处理文件名匹配该模式的文件(如 'synthetic-*'), 可多次给出")
    p.add_argument("--replace", action="store_true", help="只汇总本次给出的报告, 移除此前运行留在输出目录中的其他报告")
    p.add_argument("--force", action="store_true", help="全部重新处理, 包括已处理过的报告")
    p.add_argument("--jobs", "-j", type=int, default=None, metavar="N",
                   help="并行处理的报告数(默认: CPU 核数; 使用 llm 时为 GOVREPORT_LLM_MAX_IN_FLIGHT 加核数, 以线程运行)")
    p.add_argument("--backend", choices=["rules", "llm"], default=None, help="正文抽取方式")
    p.add_argument("--via", choices=["realtime", "batch-api"], default="realtime",
                   help="llm 请求的发送方式: 每份报告一次实时调用(默认), 或经接口的批处理 API 一次提交"
                        "(/v1/files + /v1/batches; 可续做, 批次号保存在输出目录)")
    p.add_argument("--batch-wait", type=float, default=None, metavar="SECONDS",
                   help="与 --via batch-api 同用: 等待批次的最长秒数, 超时退出(退出码 75, 再次运行即续做); 默认等到完成")
    p.add_argument("--batch-cancel", action="store_true",
                   help="与 --via batch-api 同用: 取消输出目录中未完成的批次, 沿用其已答部分, 其余实时请求")
    p.add_argument("--no-narrative", action="store_true", help="不抽取正文(只解析表格并核验)")
    p.add_argument("--expected", type=Path, metavar="FILE", help="应报单位名单, 每行一个(汇总中列出未报送的单位)")
    p.add_argument("--thresholds", type=Path, metavar="FILE",
                   help="排名和风险分级的阈值(JSON, 可只给部分键; 默认值见 README)")
    p.add_argument("--no-progress", action="store_true", help="不显示进度条(进度条写在标准错误输出上)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    expected = None
    if args.expected is not None:
        try:
            text = args.expected.read_text(encoding="utf-8-sig")
        except OSError as exc:
            raise InputError(f"无法读取应报单位名单: {exc.strerror or exc}", str(args.expected)) from exc
        expected = [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]
    if args.jobs is not None and args.jobs < 1:
        raise InputError("--jobs 至少为 1")
    if args.via != "batch-api" and (args.batch_wait is not None or args.batch_cancel):
        raise InputError("--batch-wait 和 --batch-cancel 只与 --via batch-api 同用")
    opts = BatchOptions(out=args.out, force=args.force, narrative=not args.no_narrative, backend=args.backend,
                        jobs=args.jobs, progress=not args.no_progress, expected=expected, year=args.year,
                        thresholds=load_thresholds(args.thresholds), exclude=args.exclude, replace=args.replace,
                        via=args.via, batch_wait=args.batch_wait, batch_cancel=args.batch_cancel)
    guard(args.backend, not args.no_narrative)  # --backend llm that cannot be had: an error before any work
    counts = Counts()
    try:
        result = run_batch(args.paths, opts, counts)
    except BatchPendingError as exc:
        print(f"govreport batch: 批次尚未完成: {exc}", file=sys.stderr)
        return EXIT_PENDING
    except KeyboardInterrupt:
        print(f"govreport batch: 已中断, 完成 {counts.done} / {counts.total} 份; 已完成的结果都保存在 {args.out}, "
              f"再次运行同一命令即可续做", file=sys.stderr)
        raise
    for note in result.notes:
        print(f"govreport batch: 注意: {note}", file=sys.stderr)
    errors, ok, fails = [], 0, 0
    for r in result.source:  # one pass over results.jsonl; only the errors are kept
        if r.status == "error":
            errors.append(r)
        else:
            ok += 1
            fails += r.digest is not None and bool(r.digest.failed_rules)
    earlier = f", 沿用此前运行的 {result.earlier} 份" if result.earlier else ""
    print(f"共 {result.found} 份报告文件: 本次处理 {result.processed} 份, 已处理过 {result.skipped} 份{earlier}; "
          f"成功分析 {ok} 份(其中 {fails} 份有不通过的核验), 无法处理 {len(errors)} 份")
    for r in errors:
        print(f"  无法处理: {r.path}: {r.error}")
    feedback = 0
    for rel in result.written:  # strings: a batch writes a 整改清单 per unit
        if rel.startswith(f"{FEEDBACK}/"):
            feedback += 1
        elif not rel.endswith(".png"):
            print(f"已写出 {args.out / rel}")
    if feedback:
        print(f"已写出 {feedback} 份整改清单(每个单位一份): {args.out / FEEDBACK}")
    return 0
