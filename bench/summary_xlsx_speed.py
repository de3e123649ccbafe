"""Benchmark: summary.xlsx written by the fast sheet writer and by openpyxl's cell writer, alternating.

    .venv/bin/python bench/summary_xlsx_speed.py [--reports 1000] [--rounds 3]

On a batch of ``--reports`` generated reports (bench/batch_throughput.py's, analysis precomputed), the latest
year's aggregate and 整改清单 items are made once and their sheets' rows kept; then each round writes the
workbook with the writer summary.xlsx had before (tests/_xlsx_reference.py: a WriteOnlyCell a value) and with
service.batch.summary_xlsx, one after the other, and prints each one's times, the best of each and their
ratio. The two workbooks' members are compared too (the same bytes but docProps/core.xml, the time).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import zipfile
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

import batch_throughput as bt  # noqa: E402

from service.batch import BatchOptions, run_batch  # noqa: E402
from service.batch.aggregate import aggregate  # noqa: E402
from service.batch.feedback import fix_items  # noqa: E402
from service.batch.risk import grade_units  # noqa: E402
from service.batch.summary_xlsx import sheet_specs, write_workbook  # noqa: E402
from tests import _xlsx_reference as reference  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reports", type=int, default=1000)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    n = args.reports
    with tempfile.TemporaryDirectory(prefix="govreport-xlsx-bench-") as tmp_name:
        tmp = Path(tmp_name)
        src = tmp / "in"
        bt.precompute(bt.make_reports(src, n), tmp / "variants")
        out = tmp / "out"
        result = run_batch([src], BatchOptions(out=out, progress=False, analyze=bt.precomputed, mode="serial",
                                               summaries=False))
        agg = aggregate(result.source, found=n)
        agg.risk = grade_units(agg, agg.thresholds)
        with (tmp / "spill").open("w+b") as spill:
            items = fix_items(agg, agg.source, out, spill)
            specs = [(s, list(s.rows)) for s in sheet_specs(agg, items)]
        cells = sum(len(r) for _, rows in specs for r in rows)
        print(f"{n} reports: {sum(len(rows) for _, rows in specs)} rows, {cells} cells in {len(specs)} sheets")
        times: dict[str, list[float]] = {"openpyxl cells (before)": [], "summary_xlsx (now)": []}
        for _ in range(args.rounds):
            for took, write in zip(times.values(), (reference.write_workbook, write_workbook), strict=True):
                t0 = time.perf_counter()
                write([replace(s, rows=rows) for s, rows in specs], tmp / f"{len(took)}-{write.__module__}.xlsx")
                took.append(time.perf_counter() - t0)
        for label, took in times.items():
            print(f"{label:<26} {' '.join(f'{t:6.3f}s' for t in took)}   best {min(took):6.3f}s")
        before, now = (min(t) for t in times.values())
        print(f"ratio {before / now:.1f}×")
        with zipfile.ZipFile(tmp / f"0-{reference.__name__}.xlsx") as a, \
                zipfile.ZipFile(tmp / f"0-{write_workbook.__module__}.xlsx") as b:
            differ = [m for m in a.namelist() if m != "docProps/core.xml" and a.read(m) != b.read(m)]
            print("members that differ:", differ or "none", "" if a.namelist() == b.namelist() else "(names differ)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
