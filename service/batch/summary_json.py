"""summary.json: every total, rate and ranking the summary documents show, with stable English keys.

Its JSON Schema is ``schemas/summary.schema.json`` (``govreport schema --write-all schemas`` regenerates it;
tests keep the file in sync and validate a real batch's summary.json against it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

from pydantic import BaseModel, Field

from service.batch.aggregate import T2_FIELDS, Aggregate, Rate, Total, UnitRow
from service.checks.model import Status
from service.outputs.labels import RULE_NAMES
from service.tables.model import Number

SUMMARY_SCHEMA_VERSION = "1"

#: The per-year comparison's rows, by stable key.
YEAR_KEYS = {"报告数": "reports", "本年新收申请": "new_received", "办理总计": "total_processed", "予以公开": "granted",
             "部分公开": "partially_granted", "结转下年度": "carried_forward", "行政复议": "review",
             "行政诉讼": "litigation"}


class TotalOut(BaseModel):
    """A sum over reports: ``reports`` gave a known value; ``unknown`` names those that did not (never summed as 0)."""

    value: Number
    reports: int
    unknown: list[str] = Field(default_factory=list)


class RateOut(BaseModel):
    key: str
    label: str
    formula: str
    denominator_label: str
    numerator: Number
    denominator: Number
    reports: int
    excluded: list[str]
    value: float | None
    reason: str | None


class UnitOut(BaseModel):
    name: str
    label: str
    organization: str | None
    year: int | None
    unit_type: str
    format: str
    status: str
    failed_rules: list[str]
    new_received: Number | None
    total_processed: Number | None
    granted: Number | None
    partially_granted: Number | None
    carried_forward: Number | None
    review_total: Number | None
    litigation_total: Number | None
    correction_rate: float | None
    decided_cases: Number
    report_date: str | None
    late: bool | None


class RankedUnit(BaseModel):
    name: str
    label: str
    value: float | int | None
    denominator: Number | None = None


class Ranking(BaseModel):
    key: str
    label: str
    rule: str
    min_count: int | None
    units: list[RankedUnit]
    unranked: list[str]


class FindingOut(BaseModel):
    name: str
    label: str
    year: int | None
    rule: str
    rule_name: str
    status: Status
    category: str
    subject: str
    message: str
    evidence: str
    cross_year: bool


class Nested(BaseModel):
    unit: str
    parent: str


class Coverage(BaseModel):
    unit_types: dict[str, int]
    formats: dict[str, int]
    late: list[str]
    expected: list[str] | None
    missing: list[str]
    duplicates: list[list[str]]
    undated: list[str]
    nested: list[Nested]


class ErrorOut(BaseModel):
    name: str
    path: str
    kind: str
    message: str


class Outcome(BaseModel):
    key: str
    label: str
    total: TotalOut


class RiskOut(BaseModel):
    name: str
    label: str
    grade: str = Field(description="高 | 中 | 低 | 样本不足")
    reasons: list[str]
    substantive: float | None
    correction: float | None
    carry: float | None
    not_held: float | None


class DeltaOut(BaseModel):
    key: str
    label: str
    before: Number | None
    now: Number | None
    ratio: float | None
    jump: bool


class YoyOut(BaseModel):
    name: str
    label: str
    year: int
    previous: str
    deltas: list[DeltaOut]
    similarity: dict[str, float]
    copied: bool
    flags: list[str]


class Summary(BaseModel):
    """One year's summary of a batch."""

    schema_version: str = SUMMARY_SCHEMA_VERSION
    generated: str
    year: int | None
    batch_years: list[int]
    files_found: int
    reports: int
    coverage: Coverage
    errors: list[ErrorOut]
    units: list[UnitOut]
    table2: dict[str, TotalOut]
    table3: dict[str, list[TotalOut]]
    table4: dict[str, dict[str, TotalOut]]
    outcomes: list[Outcome]
    rates: list[RateOut]
    rule_stats: dict[str, dict[str, int]]
    findings: list[FindingOut]
    rankings: list[Ranking]
    per_year: dict[str, dict[str, TotalOut]]
    risk: list[RiskOut]
    yoy: list[YoyOut]
    thresholds: dict[str, float | int]
    notes: list[str]
    extra: dict[str, Any] = Field(default_factory=dict, description="sections added by later versions")


def _total(t: Total) -> TotalOut:
    return TotalOut(value=t.value, reports=t.reports, unknown=list(t.unknown))


def _rate(r: Rate) -> RateOut:
    return RateOut(key=r.key, label=r.label, formula=r.formula, denominator_label=r.denominator_label,
                   numerator=r.numerator, denominator=r.denominator, reports=r.reports, excluded=list(r.excluded),
                   value=r.value, reason=r.reason)


def _unit(u: UnitRow) -> UnitOut:
    return UnitOut(name=u.name, label=u.label, organization=u.organization, year=u.year, unit_type=u.unit_type,
                   format=u.format, status=u.status, failed_rules=list(u.failed_rules), new_received=u.new_received,
                   total_processed=u.total_processed, granted=u.granted, partially_granted=u.partially_granted,
                   carried_forward=u.carried_forward, review_total=u.review_total, litigation_total=u.litigation_total,
                   correction_rate=u.correction.value, decided_cases=u.correction.denominator,
                   report_date=u.report_date, late=u.late)


def _t2_key(row: str, col: str | None) -> str:
    return f"{row}.{col}" if col else row


def summary_model(agg: Aggregate, today: date | None = None, lists: bool = True) -> Summary:
    """The summary of ``agg``; without ``lists``, its lists with a row per unit or finding are left empty
    (summary_json_parts writes them row by row)."""
    t = agg.thresholds
    t2_keys = {label: _t2_key(row, col) for row, col, label in T2_FIELDS}
    rankings = [
        Ranking(key="applications", label="申请量较多的单位", rule="只列核验无不通过项的单位, 按本年新收申请数从高到低",
                min_count=None, units=[RankedUnit(name=u.name, label=u.label, value=u.new_received)
                                       for u in agg.top_applications], unranked=list(agg.unranked)),
        Ranking(key="correction", label="纠错率较高的单位",
                rule=f"只列核验无不通过项且已审结复议诉讼案件不少于 {t.min_decided_cases} 件的单位, 按纠错率从高到低",
                min_count=t.min_decided_cases,
                units=[RankedUnit(name=u.name, label=u.label, value=u.correction.value,
                                  denominator=u.correction.denominator) for u in agg.top_correction],
                unranked=list(agg.unranked)),
    ]
    return Summary(
        generated=(today or date.today()).isoformat(),
        year=agg.year,
        batch_years=list(agg.batch_years),
        files_found=agg.found,
        reports=len(agg.units),
        coverage=Coverage(unit_types=dict(agg.unit_types), formats=dict(agg.formats),
                          late=[u.label for u in agg.late], expected=agg.expected, missing=list(agg.missing),
                          duplicates=[list(d) for d in agg.duplicates], undated=list(agg.undated),
                          nested=[Nested(unit=u, parent=p) for u, p in agg.nested]),
        errors=[ErrorOut(name=e.name, path=e.path, kind=e.kind, message=e.message) for e in agg.errors],
        units=list(_units(agg)) if lists else [],
        table2={t2_keys[label]: _total(v) for label, v in agg.t2.items()},
        table3={k: [_total(c) for c in cols] for k, cols in agg.t3.items()},
        table4={g: {c: _total(v) for c, v in cols.items()} for g, cols in agg.t4.items()},
        outcomes=[Outcome(key=k, label=lab, total=_total(v)) for k, lab, v in agg.outcomes],
        rates=[_rate(r) for r in agg.rates],
        rule_stats={rule: dict(c) for rule, c in agg.rule_stats.items()},
        findings=list(_findings(agg)) if lists else [],
        rankings=rankings,
        per_year={y: {YEAR_KEYS.get(k, k): _total(v) for k, v in row.items()} for y, row in agg.per_year.items()},
        risk=list(_risk(agg)) if lists else [],
        yoy=list(_yoy(agg)) if lists else [],
        thresholds=t.as_dict(),
        notes=list(agg.notes),
    )


def _units(agg: Aggregate) -> Iterator[UnitOut]:
    return (_unit(u) for u in agg.units)


def _findings(agg: Aggregate) -> Iterator[FindingOut]:
    return (FindingOut(name=f.name, label=f.label, year=f.year, rule=f.finding.rule,
                       rule_name=RULE_NAMES.get(f.finding.rule, f.finding.rule), status=f.finding.status,
                       category=f.finding.category, subject=f.finding.subject, message=f.finding.message,
                       evidence=f.finding.evidence, cross_year=f.cross_year) for f in agg.findings)


def _risk(agg: Aggregate) -> Iterator[RiskOut]:
    return (RiskOut(name=r.name, label=r.label, grade=r.grade, reasons=list(r.reasons), substantive=r.substantive,
                    correction=r.correction, carry=r.carry, not_held=r.not_held) for r in agg.risk)


def _yoy(agg: Aggregate) -> Iterator[YoyOut]:
    return (YoyOut(name=y.name, label=y.label, year=y.year, previous=y.previous,
                   deltas=[DeltaOut(key=d.key, label=d.label, before=d.before, now=d.now, ratio=d.ratio, jump=d.jump)
                           for d in y.deltas], similarity=dict(y.similarity), copied=y.copied, flags=list(y.flags))
            for y in agg.yoy)


#: The lists written row by row, in the order of their fields in Summary.
_ROWS: tuple[tuple[str, Callable[[Aggregate], Iterator[BaseModel]]], ...] = (
    ("units", _units), ("findings", _findings), ("risk", _risk), ("yoy", _yoy))


def summary_json(agg: Aggregate, today: date | None = None) -> str:
    return "".join(summary_json_parts(agg, today))


def summary_json_parts(agg: Aggregate, today: date | None = None) -> Iterator[str]:
    """summary.json in pieces, a unit or finding at a time: the bytes of ``summary_model(agg).model_dump_json(
    indent=1)``, without the whole document (or its models) in memory at once."""
    rest = summary_model(agg, today, lists=False).model_dump_json(indent=1) + "\n"
    for key, rows in _ROWS:
        before, rest = rest.split(f'\n "{key}": []', 1)  # a top-level key: one space of indent
        yield before + f'\n "{key}": '
        sep = "[\n"
        for row in rows(agg):
            yield sep + "  " + row.model_dump_json(indent=1).replace("\n", "\n  ")  # each line indented
            sep = ",\n"
        yield "[]" if sep == "[\n" else "\n ]"
    yield rest
