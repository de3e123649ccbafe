"""Paths to the bundled corpus and gold labels (copies of shared/, so tests run without it)."""

from __future__ import annotations

import json
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
EVAL = REPO / "eval"
SEEDS = sorted((EVAL / "corpus" / "seeds").glob("*.txt"))
GOLD_DIR = EVAL / "gold"


def gold_for(path: Path) -> dict:
    return json.loads((GOLD_DIR / f"{path.stem}.json").read_text(encoding="utf-8"))
