"""Benchmark: reading DOCX and HTML files as Word, WPS and government CMSs publish them, beside a baseline.

    .venv/bin/python bench/publisher_reading.py [--rounds 15]

The files are generated from a gold report's numbers by tests/publishers.py (the "everything" Word and WPS
documents, a GBK Word-saved page, a CMS page with related reports inside the article). For each file it
times, in CPU time of this process, rounds alternating:
  baseline  what any reader of the file does at least: unzip word/document.xml and decode it (DOCX), or
            decode the page and strip its tags with one regex (HTML);
  reader    govreport's ``read_bytes`` (bytes → SourceDocument: text, folded text, grids).
It prints the best time of each and their ratio. (This replaced a timed test that bounded the reader at
50 ms a file: timings belong in bench/, not in pytest.)
"""

from __future__ import annotations

import argparse
import io
import re
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from service.reading import read_bytes  # noqa: E402
from tests.publishers import DocxStyle, HtmlStyle, report_docx_raw, report_page  # noqa: E402
from tests.unseen_layouts import load_truth  # noqa: E402

TAGS = re.compile(r"<[^>]+>")
FILES: dict[str, tuple[str, DocxStyle | HtmlStyle]] = {
    "word-everything.docx": ("r.docx", DocxStyle(
        digit_runs=True, br_in_cells=True, sdt=True, textbox=True, heading_numbering=True,
        split_num_instances=True, split_table3="tables", nested="frame")),
    "wps-everything.docx": ("r.docx", DocxStyle(
        wps=True, vmerge_repeat=True, full_width=True, tracked=True, hmerge=True, heading_numbering=True,
        textbox=True, split_table3="rows", nested="side")),
    "word-th-tbodies-br-gbk.html": ("r.html", HtmlStyle(word=True, th=True, tbodies=True, br_labels=True,
                                                        charset="gbk")),
    "related-inside-trs.html": ("r.html", HtmlStyle(related_inside=True, trs=True, th=True)),
}


def baseline(data: bytes, filename: str) -> int:
    if filename.endswith(".docx"):
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return len(z.read("word/document.xml").decode("utf-8"))
    return len(TAGS.sub("", data.decode("gb18030", errors="replace")))


def cpu(work: Callable[[bytes, str], object], data: bytes, filename: str) -> float:
    t0 = time.process_time()
    work(data, filename)
    return time.process_time() - t0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=15)
    args = ap.parse_args()
    truth = load_truth("huaian-city-2024")
    print(f"rounds: {args.rounds}, CPU time, best of the rounds")
    print(f"{'file':<30} {'baseline ms':>11} {'reader ms':>10} {'× baseline':>11}")
    for label, (filename, style) in FILES.items():
        data = report_docx_raw(truth, style) if isinstance(style, DocxStyle) else report_page(truth, style)
        read_bytes(data, filename)  # warm-up: lazy imports
        base, reader = [], []
        for _ in range(args.rounds):
            base.append(cpu(baseline, data, filename))
            reader.append(cpu(read_bytes, data, filename))
        b, r = min(base), min(reader)
        print(f"{label:<30} {b * 1000:11.2f} {r * 1000:10.2f} {r / b if b else float('inf'):11.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
