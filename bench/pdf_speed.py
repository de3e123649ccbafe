"""Benchmark: reading PDFs, beside poppler's pdftotext measured in the same run.

    .venv/bin/python bench/pdf_speed.py [--rounds 5] [--ocr-pages 3] [--dpi 200] [FILES...]

Text layer: wall-clock seconds per report for govreport's reader (PDFium, pdfminer only on pages
PDFium cannot measure) and for the pdfminer-only reader it replaced, each as a ratio to
`pdftotext -layout` on the same file (best of --rounds, one process, one core).

OCR (needs the `ocr` extra): the first --ocr-pages pages of each file are rasterised at --dpi (with
pdftoppm) and read by govreport's OCR reader; seconds per page beside `pdftotext` on the page's
text layer (the cost of a page that needs no OCR), and beside rasterising alone.

Needs poppler-utils (`apt-get install poppler-utils`): pdftotext and pdftoppm. Default files: the
bundled PDFs in eval/corpus/dev.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from service.reading import pdf, read_bytes  # noqa: E402


def _best(fn: Callable[[], object], rounds: int) -> float:
    times: list[float] = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def _pdftotext(path: Path, first: int | None = None, last: int | None = None) -> None:
    pages = ["-f", str(first), "-l", str(last)] if first else []
    subprocess.run(["pdftotext", "-layout", *pages, str(path), "-"], check=True, capture_output=True)


def _pdfminer_only(data: bytes, name: str) -> None:
    def refuse(_: bytes) -> Iterator[object]:
        raise pdf.PdfiumError("benchmark: pdfminer only")
        yield

    saved = pdf.open_pages
    pdf.open_pages = refuse
    try:
        read_bytes(data, name)
    finally:
        pdf.open_pages = saved


def text_layer(files: list[Path], rounds: int) -> None:
    print(f"text-layer PDFs: seconds per report (best of {rounds})")
    print(f"{'file':28} {'pages':>5} {'govreport':>10} {'pdfminer':>9} {'pdftotext':>10} {'ratio':>6} {'old ratio':>9}")
    tot = {"new": 0.0, "old": 0.0, "ref": 0.0}
    for f in files:
        data = f.read_bytes()
        read_bytes(data, f.name)  # warm-up
        new = _best(lambda d=data, n=f.name: read_bytes(d, n), rounds)
        old = _best(lambda d=data, n=f.name: _pdfminer_only(d, n), rounds)
        ref = _best(lambda p=f: _pdftotext(p), rounds)
        import pypdfium2

        pages = len(pypdfium2.PdfDocument(data))
        tot["new"] += new
        tot["old"] += old
        tot["ref"] += ref
        print(f"{f.name:28} {pages:>5} {new:>10.3f} {old:>9.3f} {ref:>10.3f} {new / ref:>5.1f}x {old / ref:>8.1f}x")
    n = len(files)
    print(f"{'mean':28} {'':>5} {tot['new'] / n:>10.3f} {tot['old'] / n:>9.3f} {tot['ref'] / n:>10.3f} "
          f"{tot['new'] / tot['ref']:>5.1f}x {tot['old'] / tot['ref']:>8.1f}x")


def ocr(files: list[Path], pages: int, dpi: int) -> None:
    try:
        from service.reading.image import read_image
    except ImportError as exc:
        print(f"OCR: skipped ({exc})")
        return
    print(f"\nOCR: seconds per page at {dpi} dpi (first {pages} pages of each file)")
    print(f"{'file':28} {'page':>4} {'ocr':>7} {'rasterise':>9} {'pdftotext':>10} {'ratio':>7}")
    tot_ocr = tot_ref = 0.0
    count = 0
    with tempfile.TemporaryDirectory() as tmp:
        for f in files:
            for page in range(1, pages + 1):
                out = Path(tmp) / f"{f.stem}-{page}"
                t0 = time.perf_counter()
                subprocess.run(["pdftoppm", "-r", str(dpi), "-f", str(page), "-l", str(page), "-png",
                                "-singlefile", str(f), str(out)], check=True, capture_output=True)
                raster = time.perf_counter() - t0
                png = out.with_suffix(".png").read_bytes()
                read_image(png, "warm-up.png") if count == 0 else None
                t0 = time.perf_counter()
                read_image(png, f"{f.stem}-{page}.png")
                secs = time.perf_counter() - t0
                ref = _best(lambda p=f, k=page: _pdftotext(p, k, k), 3)
                tot_ocr += secs
                tot_ref += ref
                count += 1
                print(f"{f.name:28} {page:>4} {secs:>7.2f} {raster:>9.2f} {ref:>10.3f} {secs / ref:>6.0f}x")
    if count:
        print(f"{'mean':28} {'':>4} {tot_ocr / count:>7.2f} {'':>9} {tot_ref / count:>10.3f} "
              f"{tot_ocr / tot_ref:>6.0f}x")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--ocr-pages", type=int, default=3, help="pages per file to OCR (0: no OCR)")
    ap.add_argument("--dpi", type=int, default=200)
    args = ap.parse_args()
    for tool in ("pdftotext", "pdftoppm"):
        if shutil.which(tool) is None:
            print(f"{tool} not found: apt-get install poppler-utils", file=sys.stderr)
            return 2
    files = args.files or sorted((REPO / "eval" / "corpus" / "dev").glob("*.pdf"))
    text_layer(files, args.rounds)
    if args.ocr_pages:
        ocr(files, args.ocr_pages, args.dpi)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
