"""Check statuses against what the gold labels imply.

The relations C1, C3, C4, C5 and C8 are computed here, independently of service.checks, on the gold
numbers; with the narrative, C9 for the applications the text says were received (gold narrative vs
gold 表三 一 总计). A relation that fails on gold is a real finding of the report (hongze-district-2023's
表四, hongze-district-2024's 17 vs 95): the right status there is FAIL.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from service.checks.model import Finding, Status
from service.evaluation.gold import T3_ROW_KEYS, T4_COLUMN_KEYS, T4_GROUP_KEYS, GoldReport
from service.evaluation.score_tables import T3_COLUMN_NAMES
from service.tables.layout import T3_LABELS, T4_GROUP_LABELS

#: Rules whose status the gold tables determine.
SCORED_RULES = ("C1", "C3", "C4", "C5", "C8", "C9")
C9_APPLICATIONS = "applications received"
_OUTCOME = T3_ROW_KEYS[2:23]  # (一) … (六)3
_LABEL_TO_T3 = {v: k for k, v in T3_LABELS.items()}
_LABEL_TO_T4 = {v: k for k, v in T4_GROUP_LABELS.items()}

Cell = tuple[str, str, str]  # (table, row key, column)


@dataclass(frozen=True)
class Relation:
    """One relation instance on gold numbers: rule, what it is about, status and the cells it uses."""

    rule: str
    instance: str  # "column 自然人", "row granted", "group review", "all"
    status: str  # PASS | FAIL | UNCERTAIN
    cells: tuple[Cell, ...] = ()


def _sum_relation(rule: str, instance: str, parts: list[tuple[Cell, Any]], total: list[tuple[Cell, Any]]) -> Relation:
    cells = tuple(c for c, _ in parts + total)
    values = [v for _, v in parts + total]
    if any(v is None for v in values):
        return Relation(rule, instance, "UNCERTAIN", cells)
    ok = abs(sum(v for _, v in parts) - sum(v for _, v in total)) < 1e-9
    return Relation(rule, instance, "PASS" if ok else "FAIL", cells)


def relations(applications: dict[str, list[Any]], review: dict[str, dict[str, Any]],
              active: dict[str, Any] | None = None) -> list[Relation]:
    """C1, C3, C4 (表三), C5 (表四) and C8 (all counts) on a set of gold-format numbers."""
    out: list[Relation] = []
    a = applications

    def t3(key: str, c: int) -> tuple[Cell, Any]:
        row = a.get(key)
        return ("表三", key, T3_COLUMN_NAMES[c]), (row[c] if row else None)

    outcome = [k for k in _OUTCOME if k in a]
    if "other_processing" in a and "other_no_correction" not in a:
        outcome.append("other_processing")
    for c, col in enumerate(T3_COLUMN_NAMES):
        out.append(_sum_relation("C1", f"column {col}", [t3("new_received", c), t3("carried_over", c)],
                                 [t3("total_processed", c), t3("carried_forward", c)]))
        out.append(_sum_relation("C3", f"column {col}", [t3(k, c) for k in outcome], [t3("total_processed", c)]))
    for key in a:
        out.append(_sum_relation("C4", f"row {key}", [t3(key, c) for c in range(6)], [t3(key, 6)]))
    for group in T4_GROUP_KEYS:
        g = review.get(group) or {}
        parts = [(("表四", group, col), g.get(col)) for col in T4_COLUMN_KEYS[:4]]
        out.append(_sum_relation("C5", f"group {group}", parts, [(("表四", group, "total"), g.get("total"))]))
    bad: list[Cell] = []
    for key, row in a.items():
        bad += [("表三", key, T3_COLUMN_NAMES[c]) for c, v in enumerate(row) if not _valid_count(v)]
    for group, g in review.items():
        bad += [("表四", group, col) for col, v in (g or {}).items() if not _valid_count(v)]
    for key, v in _flat(active or {}):
        if not (_valid_count(v) or (key.startswith("fees") and v is not None and v >= 0)):
            bad.append(("表二", key, ""))
    out.append(Relation("C8", "all", "FAIL" if bad else "PASS", tuple(bad)))
    return out


def _valid_count(v: Any) -> bool:
    return v is None or (isinstance(v, int | float) and v >= 0 and float(v).is_integer())


def _flat(d: dict[str, Any], prefix: str = "") -> Iterable[tuple[str, Any]]:
    for k, v in d.items():
        if isinstance(v, dict):
            yield from _flat(v, f"{prefix}{k}.")
        else:
            yield f"{prefix}{k}", v


def gold_relations(gold: GoldReport, narrative: bool = False) -> list[Relation]:
    """The relations the gold labels decide; C9 (applications received) only when the narrative is scored."""
    out = relations(gold.applications, gold.review_litigation, gold.active_disclosure)
    stated = (gold.narrative or {}).get("applications_received")
    table = (gold.applications.get("new_received") or [None] * 7)[6]
    if narrative and stated is not None and table is not None:
        out.append(Relation("C9", C9_APPLICATIONS, "PASS" if stated == table else "FAIL",
                            (("表三", "new_received", "总计"),)))
    return out


def instance_of(f: Finding) -> str | None:
    """Which relation instance one of our findings is about (None for rules not scored here).

    Read from the subject ("表三 column 自然人", "表三 row <label>", "表四 <group>"), else from the cells
    (a passing relation may cite none)."""
    if f.rule == "C8":
        return "all"
    subject = f.subject.strip()
    if f.rule == "C9":
        return C9_APPLICATIONS if subject.startswith(C9_APPLICATIONS) or f.name == "applications_received" else None
    first = f.cells[0] if f.cells else None
    if f.rule in ("C1", "C3"):
        m = re.search(r"column\s+(\S+)$", subject)
        col = m.group(1) if m else (first.column if first else None)
        return f"column {col}" if col else None
    if f.rule == "C4":
        label = subject[len("表三 row "):] if subject.startswith("表三 row ") else (first.row if first else None)
        return f"row {_LABEL_TO_T3.get(label, label)}" if label else None
    if f.rule == "C5":
        label = subject[len("表四 "):] if subject.startswith("表四 ") else (first.row if first else None)
        return f"group {_LABEL_TO_T4.get(label, label)}" if label else None
    return None


_RANK = {"FAIL": 0, "UNCERTAIN": 1, "WARN": 2, "INFO": 3, "PASS": 4}


def our_statuses(findings: list[Finding]) -> dict[tuple[str, str], str]:
    """(rule, instance) → our status, the worst if a rule reports one instance more than once."""
    out: dict[tuple[str, str], str] = {}
    for f in findings:
        if f.rule not in SCORED_RULES or f.category != "report":
            continue
        inst = instance_of(f)
        if inst is None:
            continue
        key = (f.rule, inst)
        status = str(f.status)
        if key not in out or _RANK[status] < _RANK[out[key]]:
            out[key] = status
    return out


@dataclass
class Disagreement:
    rule: str
    instance: str
    gold: str
    ours: str


@dataclass
class CheckScore:
    total: int = 0
    agree: int = 0
    false_fail: int = 0  # we FAIL where the gold tables pass: a false alarm
    missed_fail: int = 0  # the gold tables fail and we do not say FAIL
    uncertain: int = 0  # we say UNCERTAIN where the gold tables decide
    missing: int = 0  # no finding of ours for the instance
    gold_fails: int = 0
    per_rule: dict[str, list[int]] = field(default_factory=dict)  # rule → [agree, total]
    disagreements: list[Disagreement] = field(default_factory=list)
    other_fails: list[str] = field(default_factory=list)  # FAILs of rules gold does not decide (C9, C10, …)

    @property
    def agreement(self) -> float | None:
        return self.agree / self.total if self.total else None

    def add(self, other: CheckScore) -> None:
        for name in ("total", "agree", "false_fail", "missed_fail", "uncertain", "missing", "gold_fails"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for rule, (a, t) in other.per_rule.items():
            cur = self.per_rule.setdefault(rule, [0, 0])
            cur[0] += a
            cur[1] += t


def score_checks(gold: GoldReport, findings: list[Finding], narrative: bool = False) -> CheckScore:
    """Compare our statuses with the gold-implied ones, instance by instance."""
    ours = our_statuses(findings)
    score = CheckScore()
    for rel in gold_relations(gold, narrative):
        mine = ours.get((rel.rule, rel.instance), "MISSING")
        score.total += 1
        counts = score.per_rule.setdefault(rel.rule, [0, 0])
        counts[1] += 1
        if rel.status == "FAIL":
            score.gold_fails += 1
        if mine == rel.status:
            score.agree += 1
            counts[0] += 1
            continue
        score.disagreements.append(Disagreement(rel.rule, rel.instance, rel.status, mine))
        if mine == "FAIL" and rel.status == "PASS":
            score.false_fail += 1
        if rel.status == "FAIL" and mine != "FAIL":
            score.missed_fail += 1
        if mine == "UNCERTAIN":
            score.uncertain += 1
        if mine == "MISSING":
            score.missing += 1
    score.other_fails = [f"{f.rule} {f.subject}: {f.message}" for f in findings
                         if f.status is Status.FAIL and f.category == "report"
                         and (f.rule not in SCORED_RULES or instance_of(f) is None)]
    return score
