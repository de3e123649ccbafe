"""Risk grades per unit: its rates against thresholds (service.batch.thresholds, defaults in the README),
each only over enough cases; a unit whose own tables FAIL is flagged for that as well."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from service.batch.aggregate import Aggregate, UnitRow
from service.batch.figures import sum_known
from service.batch.thresholds import Thresholds
from service.tables.model import Number

GRADES = ("高", "中", "低", "样本不足")


@dataclass(slots=True)
class RiskRow:
    name: str
    label: str
    grade: str  # 高 | 中 | 低 | 样本不足
    reasons: list[str] = field(default_factory=list)
    substantive: float | None = None
    correction: float | None = None
    carry: float | None = None
    not_held: float | None = None


def _ratio(num: Number | None, den: Number | None, minimum: int) -> float | None:
    if num is None or den is None or den < minimum or den == 0:
        return None
    return num / den


def grade_units(agg: Aggregate, t: Thresholds) -> list[RiskRow]:
    """One row per unit of ``agg``, highest risk first."""
    rows = [_grade(u, t) for u in agg.units]
    order = {g: i for i, g in enumerate(GRADES)}
    return sorted(rows, key=lambda r: (order[r.grade], r.label))


@cache
def _too_few(min_processed: int, min_decided_cases: int) -> str:
    """One string for every unit graded 样本不足 (a batch may have tens of thousands)."""
    return f"办理量不足 {min_processed} 件且已审结复议诉讼不足 {min_decided_cases} 件, 不评级"


def _grade(u: UnitRow, t: Thresholds) -> RiskRow:
    row = RiskRow(u.name, u.label, "低")
    row.substantive = _ratio(sum_known((u.granted, u.partially_granted)), u.total_processed, t.min_processed)
    row.correction = u.correction.value if u.correction.denominator >= t.min_decided_cases else None
    row.carry = _ratio(u.carried_forward, sum_known((u.new_received, u.carried_over)), t.min_processed)
    row.not_held = _ratio(u.unable_not_held, u.unable, t.min_processed)
    high: list[str] = []
    medium: list[str] = []
    if row.substantive is not None:
        if row.substantive < t.substantive_high:
            high.append(f"实质公开率 {row.substantive:.1%} 低于 {t.substantive_high:.0%}")
        elif row.substantive < t.substantive_medium:
            medium.append(f"实质公开率 {row.substantive:.1%} 低于 {t.substantive_medium:.0%}")
    if row.correction is not None:
        if row.correction >= t.correction_high:
            high.append(f"纠错率 {row.correction:.1%} 不低于 {t.correction_high:.0%}")
        elif row.correction >= t.correction_medium:
            medium.append(f"纠错率 {row.correction:.1%} 不低于 {t.correction_medium:.0%}")
    if row.carry is not None and row.carry >= t.carry_medium:
        medium.append(f"结转率 {row.carry:.1%} 不低于 {t.carry_medium:.0%}")
    if row.not_held is not None and row.not_held >= t.not_held_medium:
        medium.append(f"无法提供中“不掌握”占 {row.not_held:.1%}, 不低于 {t.not_held_medium:.0%}")
    if u.fails:
        medium.append(f"报告有 {u.fails} 项核验不通过({' '.join(u.failed_rules)})")
    row.reasons = high + medium
    if high:
        row.grade = "高"
    elif medium:
        row.grade = "中"
    elif all(v is None for v in (row.substantive, row.correction, row.carry, row.not_held)):
        row.grade = "样本不足"
        row.reasons = [_too_few(t.min_processed, t.min_decided_cases)]
    return row
