"""The committed baseline (eval/baseline.json): figures of a reference run, per backend, and the margin
by which a run may fall from them before CI fails.

Margins: a rate may drop by ``rate`` (absolute, e.g. 0.02 = two points); a count may rise by ``count``;
a cost may rise by ``cost_relative`` (a fraction of the baseline). A baseline is only compared on the
gold set it was made on (same ``gold_digest``) and the same narrative setting.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from service.evaluation.figures import kind_of
from service.evaluation.gold import REPO_ROOT, read_json_object
from service.evaluation.thresholds import Shortfall

DEFAULT_BASELINE = REPO_ROOT / "eval" / "baseline.json"
DEFAULT_MARGINS = {"rate": 0.02, "count": 0, "cost_relative": 0.25}


def load_baseline(path: str | Path) -> dict[str, Any]:
    p = Path(path)
    if not p.exists():
        return {"margins": dict(DEFAULT_MARGINS), "runs": {}}
    data = read_json_object(p, "无法读取基线文件", "基线文件应为一个 JSON 对象")
    data.setdefault("margins", dict(DEFAULT_MARGINS))
    data.setdefault("runs", {})
    return data


def run_key(backend: str, narrative: bool) -> str:
    return backend if narrative else f"{backend}-tables"


def compare(figures: dict[str, float | None], baseline: dict[str, Any], key: str,
            digest: str) -> tuple[list[Shortfall], str | None]:
    """(regressions, reason the baseline does not apply or None)."""
    entry = baseline.get("runs", {}).get(key)
    if not entry:
        return [], f"没有 {key} 的基线"
    if entry.get("gold_digest") != digest:
        return [], "基线是在另一套标注上生成的"
    m = {**DEFAULT_MARGINS, **baseline.get("margins", {})}
    out: list[Shortfall] = []
    for name, base in (entry.get("figures") or {}).items():
        cur = figures.get(name)
        if base is None or cur is None:
            continue
        kind = kind_of(name)
        if kind == "rate" and cur < base - m["rate"] - 1e-12:
            out.append(Shortfall(name, cur, base, "dropped from baseline", f"容差 {m['rate']}"))
        elif kind == "count" and cur > base + m["count"] + 1e-12:
            out.append(Shortfall(name, cur, base, "rose from baseline", f"容差 {m['count']}"))
        elif kind == "cost" and cur > base * (1 + m["cost_relative"]) + 1e-9:
            out.append(Shortfall(name, cur, base, "rose from baseline", f"容差 {m['cost_relative']:.0%}"))
    return out, None


def update(path: str | Path, figures: dict[str, float | None], key: str, digest: str) -> None:
    """Write this run's figures as the baseline for ``key`` (other runs in the file are kept)."""
    data = load_baseline(path)
    data["runs"][key] = {
        "gold_digest": digest,
        "figures": {k: v for k, v in figures.items() if kind_of(k) != "info"},
    }
    Path(path).write_text(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")
