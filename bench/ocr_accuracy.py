"""Benchmark: OCR accuracy on scanned copies of the bundled PDFs, and OCR seconds per page beside pdftotext.

    .venv/bin/python bench/ocr_accuracy.py [--dpi 150 200 300] [--cache DIR] [-v] [FILES...]

Each bundled PDF (eval/corpus/dev/*.pdf, or FILES) is rasterised at every --dpi and degraded as a
print-and-scan would (tests/scans.py: a slight rotation, grey noise and dust, a red seal-like stamp
over a table, JPEG), wrapped into an image-only PDF and read by govreport (OCR, tables, checks).
Every table cell of the gold labels (eval/gold) is then one of:

- right: the value equals gold;
- unknown: no value (honestly unread: null);
- wrong, doubted: a value that is not gold, on a cell an OCR reading-doubt finding names;
- wrong without a doubt: a value that is not gold and no doubt names it (the acceptance is 0).

Speed: wall-clock seconds per page of the OCR read (rendering, OCR, tables), beside
`pdftotext -layout` on the same pages of the original PDF in the same run (needs poppler-utils), as a
ratio. ``--cache DIR`` keeps the recogniser's results on disk keyed by image (for iterating on the
reading; the speed figures are then meaningless and are not printed).
"""

from __future__ import annotations

import argparse
import hashlib
import pickle
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from service.checks.evidence import ref  # noqa: E402
from service.pipeline import analyze_document  # noqa: E402
from service.reading import ocr, read_bytes  # noqa: E402
from service.tables.layout import T4_COLUMNS  # noqa: E402
from tests.scans import DEV, image_pdf, scan_pages  # noqa: E402
from tests.unseen_layouts import cells_of, load_truth, truth_cells  # noqa: E402

_T2_COLUMNS = ["issued", "repealed", "in_force"]


def _cached(fn: Any, folder: Path) -> Any:
    folder.mkdir(parents=True, exist_ok=True)

    def run(images: Any) -> Any:
        digest = hashlib.sha1()
        for image in images if isinstance(images, list) else [images]:
            digest.update(image.tobytes() + repr(image.shape).encode())
        path = folder / f"{fn.__name__}-{digest.hexdigest()}.pkl"
        if path.exists():
            return pickle.loads(path.read_bytes())
        out = fn(images)
        path.write_bytes(pickle.dumps(out))
        return out

    return run


def _cell(report: Any, key: str) -> tuple[Any, str, int] | None:
    """The table, row key and column index of a gold cell key (t2.regulations.issued, t3.granted.0, t4.review.total)."""
    parts = key.split(".")
    tables = report.tables
    if parts[0] == "t2":
        return tables.table2, parts[1], _T2_COLUMNS.index(parts[2]) if len(parts) > 2 else 0
    if parts[0] == "t3":
        return tables.table3, parts[1], int(parts[2])
    if parts[0] == "t4":
        return tables.table4, parts[1], T4_COLUMNS.index(parts[2])
    return None


def score(report: Any, gold: str) -> dict[str, list[str]]:
    """Every gold cell as right / unknown / doubted (wrong, named by an OCR doubt) / wrong (no doubt)."""
    want = truth_cells(load_truth(gold))
    got = cells_of(report)
    named = {(c.table, c.row, c.column) for f in report.findings if f.rule == "OCR" for c in f.cells}
    out: dict[str, list[str]] = {"right": [], "unknown": [], "doubted": [], "wrong": []}
    for key, value in want.items():
        have = got.get(key)
        if have == value:
            out["right"].append(key)
        elif have is None:
            out["unknown"].append(key)
        else:
            where = _cell(report, key)
            c = ref(*where) if where else None
            doubted = c is not None and (c.table, c.row, c.column) in named
            out["doubted" if doubted else "wrong"].append(f"{key}: read {have}, gold {value}"
                                                        + (f" ({c.confidence}, {c.at})" if c else ""))
    return out


def _pdftotext(path: Path, pages: int) -> float:
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        subprocess.run(["pdftotext", "-layout", "-f", "1", "-l", str(pages), str(path), "-"], check=True,
                       capture_output=True)
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--dpi", type=int, nargs="+", default=[150, 200, 300])
    ap.add_argument("--cache", type=Path, help="keep the recogniser's results here (no speed figures)")
    ap.add_argument("-v", "--verbose", action="store_true", help="list every cell not right")
    args = ap.parse_args()
    if not ocr.available():
        print(f"OCR engine not installed: {ocr.INSTALL_HINT}", file=sys.stderr)
        return 2
    timing = args.cache is None
    if timing and shutil.which("pdftotext") is None:
        print("pdftotext not found: apt-get install poppler-utils", file=sys.stderr)
        return 2
    if args.cache is not None:
        ocr.recognise = _cached(ocr.recognise, args.cache)
        if hasattr(ocr, "recognise_cells"):
            ocr.recognise_cells = _cached(ocr.recognise_cells, args.cache)
    files = args.files or sorted(DEV.glob("*.pdf"))
    print(f"{'file':26} {'dpi':>4} {'pages':>5} {'right':>6} {'unknown':>7} {'doubted':>7} {'wrong':>5}"
          + (f" {'s/page':>7} {'pdftotext':>9} {'ratio':>6}" if timing else ""))
    totals = {"right": 0, "unknown": 0, "doubted": 0, "wrong": 0, "cells": 0}
    secs_total = ref_total = 0.0
    pages_total = 0
    for f in files:
        pdf = f.read_bytes()
        for dpi in args.dpi:
            scan = image_pdf(scan_pages(pdf, dpi), dpi)
            t0 = time.perf_counter()
            report = analyze_document(read_bytes(scan, f"{f.stem}-scan.pdf"), narrative=False)
            secs = time.perf_counter() - t0
            pages = _pages(pdf)
            result = score(report, f.stem)
            for k, v in result.items():
                totals[k] += len(v)
                totals["cells"] += len(v)
            line = (f"{f.stem:26} {dpi:>4} {pages:>5} {len(result['right']):>6} {len(result['unknown']):>7} "
                    f"{len(result['doubted']):>7} {len(result['wrong']):>5}")
            if timing:
                ref_secs = _pdftotext(f, pages)
                secs_total += secs
                ref_total += ref_secs
                line += f" {secs / pages:>7.2f} {ref_secs / pages:>9.4f} {secs / ref_secs:>5.0f}x"
            pages_total += pages
            print(line, flush=True)
            if args.verbose:
                for k in ("wrong", "doubted", "unknown"):
                    for item in result[k]:
                        print(f"    {k:8} {item}")
    n = totals["cells"] or 1
    print(f"\ncells: {totals['cells']}, right {totals['right']} ({100 * totals['right'] / n:.1f}%), "
          f"unknown {totals['unknown']}, wrong with a doubt {totals['doubted']}, "
          f"wrong without a doubt {totals['wrong']}")
    if timing and pages_total:
        print(f"OCR {secs_total / pages_total:.2f} s/page, pdftotext {ref_total / pages_total:.4f} s/page "
              f"(same pages, same run): {secs_total / ref_total:.0f} x")
    return 0


def _pages(pdf: bytes) -> int:
    import pypdfium2

    return len(pypdfium2.PdfDocument(pdf))


if __name__ == "__main__":
    raise SystemExit(main())
