"""Regenerate the PDF-to-text fixtures in this folder (see README.md). Not run by the tests.

Needs poppler-utils (pdftotext) on PATH, and pdfplumber + pypdfium2 in the venv:
    cd /work/main && .venv/bin/python tests/data/pdf_text/generate.py
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pdfplumber
import pypdfium2

HERE = Path(__file__).resolve().parent
DEV = HERE.parent.parent.parent / "eval" / "corpus" / "dev"

PDFTOTEXT: dict[str, list[str]] = {
    "pdftotext-layout": ["-layout"],
    "pdftotext-raw": ["-raw"],
    "pdftotext-plain": [],
    "pdftotext-layout-fixed3": ["-layout", "-fixed", "3"],
    "pdftotext-layout-nopgbrk": ["-layout", "-nopgbrk"],
}


def _pdftotext(args: list[str]) -> Callable[[Path], bytes]:
    def run(pdf: Path) -> bytes:
        return subprocess.run(["pdftotext", "-enc", "UTF-8", *args, str(pdf), "-"], check=True, capture_output=True).stdout
    return run


def _without_blank_lines(run: Callable[[Path], bytes]) -> Callable[[Path], bytes]:
    """The same dump with its empty lines removed (what many converters and copy-paste give)."""
    def strip(pdf: Path) -> bytes:
        return b"\n".join(ln for ln in run(pdf).split(b"\n") if ln.strip()) + b"\n"
    return strip


def _plumber(layout: bool) -> Callable[[Path], bytes]:
    def run(pdf: Path) -> bytes:
        with pdfplumber.open(pdf) as doc:
            pages = [(p.extract_text(layout=True) if layout else p.extract_text()) or "" for p in doc.pages]
        return "\n".join(pages).encode("utf-8")
    return run


def _pdfium(pdf: Path) -> bytes:
    doc = pypdfium2.PdfDocument(str(pdf))
    try:
        pages = [doc[i].get_textpage().get_text_range() for i in range(len(doc))]
    finally:
        doc.close()
    return "\n".join(pages).encode("utf-8")


TOOLS: dict[str, Callable[[Path], bytes]] = {
    **{name: _pdftotext(args) for name, args in PDFTOTEXT.items()},
    "pdftotext-plain-noblank": _without_blank_lines(_pdftotext([])),
    "pdfplumber": _plumber(False),
    "pdfplumber-layout": _plumber(True),
    "pypdfium2": _pdfium,
}


def main() -> None:
    for pdf in sorted(DEV.glob("*.pdf")):
        for tool, fn in TOOLS.items():
            (HERE / f"{pdf.stem}.{tool}.txt").write_bytes(fn(pdf))


if __name__ == "__main__":
    main()
