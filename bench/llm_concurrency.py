"""Benchmark: a batch with the LLM backend against the local fake server (bench/fake_openai.py).

    .venv/bin/python bench/llm_concurrency.py [--reports 200] [--in-flight 16] [--delay 1.0] [--p429 0.0]
                                              [--stand-in]

Builds ``--reports`` report files (the bundled seeds, each made distinct), starts the fake server on
127.0.0.1 in its own process (in this one it would compete for the GIL and skew the timing), and runs ``govreport batch`` on them with the LLM backend pointed at it
(GOVREPORT_LLM_MAX_IN_FLIGHT = --in-flight, cache off). The target: wall time at most
1.25 × (reports / in-flight) × delay. ``--stand-in`` replaces the extractor by one plain ``openai`` call
per report (max_retries=0) through service.batch.limiter.RateGate, after the deterministic analysis.
Exit status 1 if the bound is missed or any report fell back to rules.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from service.batch import BatchOptions, run_batch  # noqa: E402
from service.batch.limiter import RateGate  # noqa: E402
from service.batch.worker import Analyzer  # noqa: E402
from service.report import Report  # noqa: E402


def make_reports(folder: Path, n: int) -> None:
    seeds = sorted((REPO / "eval" / "corpus" / "seeds").glob("*.txt"))
    for i in range(n):
        src = seeds[i % len(seeds)]
        (folder / f"r{i:04d}_{src.stem}.txt").write_text(src.read_text(encoding="utf-8") + f"\n\n编号 {i}\n",
                                                         encoding="utf-8")


def stand_in(base_url: str, in_flight: int) -> tuple[Analyzer, RateGate]:
    """analyze_path without narrative, then one chat completion through a shared RateGate."""
    import openai

    from service.pipeline import analyze_path

    client = openai.OpenAI(base_url=base_url, api_key="fake", max_retries=0, timeout=60)
    gate = RateGate(in_flight)

    def retry_after(exc: BaseException) -> float | None:
        if isinstance(exc, openai.RateLimitError):
            raw = exc.response.headers.get("retry-after")
            return float(raw) if raw else 0.0
        return None

    def analyze(path: str, narrative: bool, backend: str | None) -> Report:
        report = analyze_path(path, narrative=False)
        gate.call(lambda: client.chat.completions.create(
            model="fake-model", messages=[{"role": "user", "content": report.meta.organization or path}]),
            retry_after)
        return report

    analyze.__name__ = "stand_in"
    return analyze, gate


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reports", type=int, default=200)
    ap.add_argument("--in-flight", type=int, default=16)
    ap.add_argument("--delay", type=float, default=1.0)
    ap.add_argument("--p429", type=float, default=0.0, help="fraction of requests the server answers 429")
    ap.add_argument("--stand-in", action="store_true", help="a plain openai call instead of the extractor (threads)")
    ap.add_argument("--mode", choices=["process", "thread"], default=None, help="override the batch's choice")
    ap.add_argument("--jobs", type=int, default=None, help="override the batch's number of workers")
    args = ap.parse_args()

    server = subprocess.Popen(
        [sys.executable, str(REPO / "bench" / "fake_openai.py"), "--port", "0", "--delay", str(args.delay),
         "--p429", str(args.p429), "--retry-after", "0.2", "--max-seconds", "1800"],
        stdout=subprocess.PIPE, text=True)
    assert server.stdout is not None
    match = re.search(r"on (http://\S+/v1)", server.stdout.readline())
    if not match:
        server.kill()
        raise SystemExit("the fake server did not start")
    base_url = match.group(1)
    os.environ.update({
        "GOVREPORT_LLM_BASE_URL": base_url, "GOVREPORT_LLM_API_KEY": "fake", "GOVREPORT_LLM_MODEL": "fake-model",
        "GOVREPORT_LLM_MAX_IN_FLIGHT": str(args.in_flight), "GOVREPORT_LLM_CACHE": "0",
        "GOVREPORT_LLM_RETRIES": "10", "GOVREPORT_LLM_TIMEOUT": "60",
    })
    with tempfile.TemporaryDirectory(prefix="govreport-llm-bench-") as tmp:
        src, out = Path(tmp) / "in", Path(tmp) / "out"
        src.mkdir()
        make_reports(src, args.reports)
        opts = BatchOptions(out=out, backend="llm", summaries=False)
        gate = None
        if args.mode:
            opts.mode = args.mode
        if args.jobs:
            opts.jobs = args.jobs
        if args.stand_in:
            opts.analyze, gate = stand_in(base_url, args.in_flight)
            opts.mode, opts.jobs = "thread", args.in_flight
        t0 = time.perf_counter()
        try:
            result = run_batch([src], opts)
        finally:
            elapsed = time.perf_counter() - t0
            server.send_signal(signal.SIGINT)
            stats = server.communicate(timeout=30)[0].strip()

    ideal = args.reports / args.in_flight * args.delay
    bound = 1.25 * ideal
    fallbacks = sum(1 for r in result.records if r.digest is not None and r.digest.extraction_fallback)
    errors = len(result.errors)
    print(f"{args.reports} reports, {args.in_flight} in flight, delay {args.delay}s, p429 {args.p429}: "
          f"{'stand-in openai call' if args.stand_in else 'LLM extractor'}; {result.mode} × {result.jobs}")
    print(f"elapsed {elapsed:.2f}s; ideal {ideal:.2f}s; bound 1.25× = {bound:.2f}s → "
          f"{elapsed / ideal if ideal else 0:.2f}× ideal: {'OK' if elapsed <= bound else 'OVER'}")
    print(f"server: {stats}" + (f"; gate max in flight {gate.max_in_flight}, backoffs {gate.rate_limited}" if gate else ""))
    print(f"reports: {len(result.records) - errors} ok, {errors} errors, {fallbacks} fell back to rules")
    return 0 if elapsed <= bound and not errors and not fallbacks else 1


if __name__ == "__main__":
    raise SystemExit(main())
