"""Render the batch's Word and Excel outputs to PNG pages, to look at them as a reader would.

    python scripts/render_outputs.py [--out DIR] [--pages docx=1,xlsx=1,feedback=1] [--dpi 70]

Runs the set-up batch (the bundled real reports) into a temporary folder unless --batch DIR names one
already made, converts summary.docx, summary.xlsx and the first unit's feedback docx with LibreOffice
headless to PDF, and writes the chosen pages as PNG with pdftoppm (defaults: docs/img/). Needs
LibreOffice and poppler (Debian: apt-get install -y libreoffice-writer libreoffice-calc poppler-utils
fonts-noto-cjk); not run in CI.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=REPO / "docs" / "img", help="folder for the PNG files")
    ap.add_argument("--batch", type=Path, help="an existing batch output folder (default: run the set-up batch)")
    ap.add_argument("--pages", default="docx=1,xlsx=3,feedback=1", help="page of each file to keep")
    ap.add_argument("--dpi", type=int, default=70)
    args = ap.parse_args()
    for tool in ("soffice", "pdftoppm"):
        if shutil.which(tool) is None:
            print(f"{tool} not found: apt-get install -y libreoffice-writer libreoffice-calc poppler-utils "
                  f"fonts-noto-cjk", file=sys.stderr)
            return 2
    pages = dict(item.split("=") for item in args.pages.split(","))
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        batch = args.batch
        if batch is None:
            batch = work / "batch"
            subprocess.run([sys.executable, "-m", "service", "batch", "eval/corpus/seeds", "eval/corpus/dev",
                            "--exclude", "synthetic-*", "--out", str(batch), "--no-progress"], cwd=REPO, check=True,
                           stdout=subprocess.DEVNULL)
        feedback = sorted((batch / "feedback").glob("*.docx"), key=lambda p: -p.stat().st_size)
        sources = {"docx": batch / "summary.docx", "xlsx": batch / "summary.xlsx",
                   "feedback": feedback[0] if feedback else None}
        args.out.mkdir(parents=True, exist_ok=True)
        for key, src in sources.items():
            if src is None or key not in pages:
                continue
            copy = work / f"{key}{src.suffix}"  # ASCII names for LibreOffice
            shutil.copy(src, copy)
            subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(work), str(copy)],
                           check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            page = pages[key]
            target = args.out / f"{key}-page{page}"
            subprocess.run(["pdftoppm", "-png", "-r", str(args.dpi), "-f", page, "-l", page, "-singlefile",
                            str(work / f"{key}.pdf"), str(target)], check=True)
            print(f"wrote {target}.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
