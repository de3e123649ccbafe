"""Thresholds: the figure every run must reach (eval/thresholds.json), and the gate that names shortfalls."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from service.evaluation.gold import REPO_ROOT, GoldError, read_json_object

DEFAULT_THRESHOLDS = REPO_ROOT / "eval" / "thresholds.json"


@dataclass(frozen=True)
class Bound:
    figure: str
    min: float | None = None
    max: float | None = None
    why: str = ""


@dataclass(frozen=True)
class Shortfall:
    """A figure that does not meet a threshold or fell from the baseline."""

    figure: str
    value: float | None
    bound: float
    kind: str  # "below threshold" | "above threshold" | "dropped from baseline" | "rose from baseline"
    why: str = ""

    def __str__(self) -> str:
        kind = _KIND_ZH.get(self.kind, self.kind)
        return f"{self.figure} = {fmt(self.value)}，{kind} {fmt(self.bound)}" + (f"（{self.why}）" if self.why else "")


_KIND_ZH = {"below threshold": "低于阈值", "above threshold": "高于阈值", "dropped from baseline": "低于基线",
            "rose from baseline": "高于基线"}


def fmt(v: float | None) -> str:
    if v is None:
        return "–"
    if float(v).is_integer():
        return str(int(v))
    return f"{v:.3f}"


def load_thresholds(path: str | Path, section: str) -> list[Bound]:
    """The bounds of one section ("gold" or "planted") of a thresholds file."""
    p = Path(path)
    data = read_json_object(p, "无法读取阈值文件", "阈值文件应为一个 JSON 对象")
    out = []
    for name, spec in (data.get(section) or {}).items():
        if not isinstance(spec, dict) or not ({"min", "max"} & spec.keys()):
            raise GoldError(f"指标 {name} 的阈值须有 min 或 max", str(p))
        out.append(Bound(name, spec.get("min"), spec.get("max"), str(spec.get("why", ""))))
    return out


def gate(figures: dict[str, float | None], bounds: list[Bound]) -> tuple[list[Shortfall], list[str]]:
    """(shortfalls, figures not scored in this run). A figure that is absent or None is not scored."""
    short: list[Shortfall] = []
    skipped: list[str] = []
    for b in bounds:
        v = figures.get(b.figure)
        if v is None:
            skipped.append(b.figure)
            continue
        if b.min is not None and v < b.min - 1e-12:
            short.append(Shortfall(b.figure, v, b.min, "below threshold", b.why))
        if b.max is not None and v > b.max + 1e-12:
            short.append(Shortfall(b.figure, v, b.max, "above threshold", b.why))
    return short, skipped
