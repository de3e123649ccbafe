"""Totals, rates and lists for the summary, computed from the per-report records (and, for the year-over-year
comparison of texts, the two years' report files).

A cell that a report leaves unknown (null) is never summed as 0: each total counts the reports that
contributed and names those that could not. A rate is computed over the reports whose operands are all
known; a zero denominator gives no rate ("—") with the reason.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from service.batch.crossyear import CrossYearFinding, Entry, Who, cross_year, normalise_org, year_pairs
from service.batch.figures import TOTAL, sum_known, t3_cell, t4_total
from service.batch.findings import FindingRow, Findings
from service.batch.kept import KeptUnits
from service.batch.model import ItemDigest, Record, UnitDigest
from service.batch.source import RecordSource, as_source
from service.batch.thresholds import DEFAULT, Thresholds
from service.batch.yoy import Texts, YoyRow, section_texts, year_over_year, yoy_order

if TYPE_CHECKING:
    from service.batch.risk import RiskRow
from service.checks.model import Status
from service.tables.layout import T3_KEYS_2021, T4_COLUMNS, T4_GROUPS
from service.tables.model import Number

#: 表三 rows the summary totals: the 2021 rows, plus the 2019 format's single (六) row when present.
T3_SUMMARY_ROWS = [*T3_KEYS_2021[:20], "other_processing", *T3_KEYS_2021[20:]]

OUTCOME_GROUPS: list[tuple[str, str, list[str]]] = [
    ("granted", "(一)予以公开", ["granted"]),
    ("partially_granted", "(二)部分公开", ["partially_granted"]),
    ("denied", "(三)不予公开", [k for k in T3_KEYS_2021 if k.startswith("denied_")]),
    ("unable", "(四)无法提供", [k for k in T3_KEYS_2021 if k.startswith("unable_")]),
    ("not_processed", "(五)不予处理", [k for k in T3_KEYS_2021 if k.startswith("not_processed_")]),
    ("other", "(六)其他处理", ["other_processing", "other_no_correction", "other_no_fee", "other_other"]),
]

T2_FIELDS: list[tuple[str, str | None, str]] = [
    ("regulations", "issued", "规章·本年制发件数"),
    ("regulations", "repealed", "规章·本年废止件数"),
    ("regulations", "in_force", "规章·现行有效件数"),
    ("normative_documents", "issued", "行政规范性文件·本年制发件数"),
    ("normative_documents", "repealed", "行政规范性文件·本年废止件数"),
    ("normative_documents", "in_force", "行政规范性文件·现行有效件数"),
    ("licensing", None, "行政许可·本年处理决定数量"),
    ("penalty", None, "行政处罚·本年处理决定数量"),
    ("coercion", None, "行政强制·本年处理决定数量"),
    ("fees_10k_yuan", None, "行政事业性收费·本年收费金额(万元)"),
]

ERROR_KIND_LABELS = {"input": "无法读取", "unsupported": "格式不支持", "not_a_report": "不是年度报告",
                     "internal": "处理出错(本系统问题)"}


@dataclass(slots=True)
class Total:
    """A sum over reports: ``reports`` contributed a known value; ``unknown`` names those that did not."""

    value: Number = 0
    reports: int = 0
    unknown: list[str] = field(default_factory=list)

    def add(self, v: Number | None, who: str) -> None:
        if v is None:
            self.unknown.append(who)
        else:
            self.value += v
            self.reports += 1

    @property
    def partial(self) -> bool:
        return bool(self.unknown)


@dataclass(slots=True)
class Rate:
    """A rate with its formula and explicit denominator; ``value`` None means "—" for ``reason``."""

    key: str
    label: str
    formula: str
    denominator_label: str
    numerator: Number = 0
    denominator: Number = 0
    reports: int = 0
    excluded: list[str] = field(default_factory=list)
    value: float | None = None
    reason: str | None = None

    def shown(self) -> str:
        return "—" if self.value is None else f"{self.value * 100:.1f}%"


@dataclass(slots=True)
class UnitRow:
    """One report in the units table."""

    name: str
    label: str
    organization: str | None
    year: int | None
    unit_type: str
    format: str
    kind: str
    status: str
    failed_rules: list[str]
    new_received: Number | None
    total_processed: Number | None
    granted: Number | None
    partially_granted: Number | None
    carried_forward: Number | None
    review_total: Number | None
    litigation_total: Number | None
    correction: Rate
    fails: int = 0
    uncertain: int = 0
    warns: int = 0
    problems: int = 0
    measures: int = 0
    report_date: str | None = None
    late: bool | None = None
    # for the risk grades (service.batch.risk)
    carried_over: Number | None = None
    unable_not_held: Number | None = None
    unable: Number | None = None  # 无法提供 1–3 together


@dataclass(slots=True)
class ErrorRow:
    name: str
    path: str
    kind: str
    message: str


@dataclass(slots=True)
class ItemRow:
    name: str
    label: str
    kind: str  # 问题 | 措施
    category: str
    text: str


@dataclass(slots=True)
class ChannelStat:
    kind: str
    units: int = 0
    posts: Total = field(default_factory=Total)
    followers: Total = field(default_factory=Total)


@dataclass(slots=True)
class Unaddressed:
    name: str
    label: str
    category: str
    problems: list[str]


@dataclass
class Aggregate:
    found: int
    records: int
    units: list[UnitRow]
    errors: list[ErrorRow]
    formats: Counter[str]
    unit_types: Counter[str]
    years: Counter[str]
    late: list[UnitRow]
    expected: list[str] | None
    missing: list[str]
    duplicates: list[list[str]]
    t2: dict[str, Total]
    t2_units: int
    t3: dict[str, list[Total]]
    t4: dict[str, dict[str, Total]]
    outcomes: list[tuple[str, str, Total]]
    rates: list[Rate]
    rule_stats: dict[str, Counter[str]]
    findings: Findings  # in the summary's order, read from ``kept`` when listed
    top_applications: list[UnitRow]
    top_correction: list[UnitRow]
    channels: list[ChannelStat]
    problem_categories: Counter[str]
    measure_categories: Counter[str]
    problem_units: Counter[str]
    measure_units: Counter[str]
    unaddressed_count: int  # (unit, category) pairs of problems without a measure of that category
    examples: dict[str, list[tuple[str, str]]]  # per category, its first problems: (text, unit label)
    per_year: dict[str, dict[str, Total]]
    cross: list[CrossYearFinding]
    narrative_units: int
    has_2019: bool
    #: the batch's records (read again by the 整改清单 and the cross-year checks)
    source: RecordSource
    #: per unit, what the summaries list of it (findings, problems, measures), kept from the pass
    kept: KeptUnits
    year: int | None = None
    #: every year with reports in the batch (each has a summary of its own; none is added to another)
    batch_years: list[int] = field(default_factory=list)
    #: reports whose year could not be read: in no year's totals
    undated: list[str] = field(default_factory=list)
    #: (unit, its parent) both counted in this year's totals
    nested: list[tuple[str, str]] = field(default_factory=list)
    #: units left out of the rankings because their own tables FAIL a relation
    unranked: list[str] = field(default_factory=list)
    thresholds: Thresholds = DEFAULT
    notes: list[str] = field(default_factory=list)
    #: 同比: this year's units that have last year's report in the batch (service.batch.yoy)
    yoy: list[YoyRow] = field(default_factory=list)
    #: filled by the summary writer: service.batch.risk
    risk: list[RiskRow] = field(default_factory=list)

    def _own(self) -> Iterator[tuple[str, str, list[ItemDigest], list[ItemDigest]]]:
        """The year's units' problems and measures, as the pass kept them, in its order, for the records named
        in ``units``: (name, label, problems, measures)."""
        labels = {u.name: u.label for u in self.units}
        for i in range(len(self.kept)):
            name = self.kept.name(i)
            if name in labels:
                yield name, labels[name], *self.kept.items(i)

    def iter_items(self) -> Iterator[ItemRow]:
        """Every problem and measure of the year's units, in unit order (each unit's problems first)."""
        for name, label, problems, measures in self._own():
            yield from (ItemRow(name, label, "问题", p.category, p.text) for p in problems)
            yield from (ItemRow(name, label, "措施", m.category, m.text) for m in measures)

    def iter_unaddressed(self) -> Iterator[Unaddressed]:
        """Per unit, each category of its problems that none of its measures addresses."""
        for name, label, problems, measures in self._own():
            for cat in _unaddressed_categories(problems, measures):
                yield Unaddressed(name, label, cat, [p.text for p in problems if p.category == cat])


def unit_type(org: str | None) -> str:
    """部门, 乡镇街道 or 人民政府 (a county or city government), from the organisation's name."""
    if not org:
        return "未识别"
    if re.search(r"(镇|乡|街道|街道办事处)(人民政府)?$", org) or "街道办事处" in org:
        return "乡镇街道"
    if org.endswith("人民政府") or org.endswith("政府办公室"):
        return "人民政府"
    return "部门"


def deadline(org: str | None, year: int) -> date:
    """条例 第四十九条: departments by 31 January, governments (their own report) by 31 March."""
    return date(year + 1, 3, 31) if unit_type(org) == "人民政府" else date(year + 1, 1, 31)


def batch_years(records: Iterable[Record]) -> list[int]:
    """The years with analysed reports, oldest first."""
    return sorted({r.digest.year for r in records if r.status == "ok" and r.digest is not None
                   and r.digest.year is not None})


def aggregate(records: RecordSource | Iterable[Record], found: int | None = None,
              expected: Sequence[str] | None = None, year: int | None = None, thresholds: Thresholds = DEFAULT,
              notes: Sequence[str] = (), texts: Texts = section_texts, spill: Path | None = None) -> Aggregate:
    """Everything one year's summary shows, from the batch's records (ok records carry their digest).

    Only the reports of ``year`` (default: the latest year in the batch) are summed: years are never
    added together. The others take part only in the per-year comparison and the cross-year checks.

    One pass over the records, none of them kept: per unit of the year a row of figures (UnitRow) and the
    place of its findings; its findings, problems and measures go to a temporary file in ``spill`` (default:
    the system's temporary folder), read back when a summary lists them (service.batch.kept). Who is named
    in a total or a rate is settled when the pass is done (a
    unit's label depends on the year's other reports). For each unit with last year's report too, both
    records are read once more, for the cross-year checks and 同比 (whose texts ``texts`` reads from the
    report files)."""
    source = as_source(records)
    if year is None:
        years = batch_years(source)
        year = years[-1] if years else None
    acc = _Pass(year, thresholds, KeptUnits(spill))
    for r in source:
        acc.add(r)
    return acc.finish(source, found, expected, notes, texts)


class _Pass:
    """The running state of aggregate(): totals name their unknown reports by record name until finish()."""

    def __init__(self, year: int | None, thresholds: Thresholds, kept: KeptUnits) -> None:
        self.year = year
        self.thresholds = thresholds
        self.kept = kept
        self.records = 0
        self.years: set[int] = set()
        self.errors: list[ErrorRow] = []
        self.by_sha: dict[str, str | list[str]] = {}  # content hash → the report, or the reports sharing it
        self.all_orgs: Counter[str] = Counter()  # organisations of every year (their labels in per_year)
        self.all_who: dict[str, tuple[str | None, int | None]] = {}  # named in per_year: organisation and year
        self.who: list[Who] = []  # every analysed report with an organisation (cross-year checks, 同比)
        self.undated: list[tuple[str, str | None]] = []
        self.per_year: dict[str, dict[str, Total]] = {}
        # the year's own
        self.by_org: dict[str | None, str | list[str]] = {}
        self.units: list[UnitRow] = []
        self.t3: dict[str, list[Total]] = {k: [Total() for _ in range(7)] for k in T3_SUMMARY_ROWS}
        self.t4: dict[str, dict[str, Total]] = {g: {c: Total() for c in T4_COLUMNS} for g in T4_GROUPS}
        self.t2: dict[str, Total] = {lab: Total() for _, _, lab in T2_FIELDS}
        self.t2_units = 0
        self.has_2019 = False
        self.outcomes = [(key, label, rows, Total()) for key, label, rows in OUTCOME_GROUPS]
        self.findings = Findings(kept)
        self.rule_stats: dict[str, Counter[str]] = {}
        self.pc: Counter[str] = Counter()
        self.mc: Counter[str] = Counter()
        self.pu: Counter[str] = Counter()
        self.mu: Counter[str] = Counter()
        self.unaddressed = 0
        self.examples: dict[str, list[tuple[str, str]]] = {}
        self.channels: dict[str, ChannelStat] = {}
        self.rates = rates()
        self.formats: Counter[str] = Counter()
        self.narrative_units = 0

    def add(self, r: Record) -> None:
        self.records += 1
        if r.status == "error":
            self.errors.append(ErrorRow(r.name, r.path, r.error_kind or "internal", r.error or ""))
        if r.file_sha256:
            _group(self.by_sha, r.file_sha256, r.name)
        d = r.digest
        if r.status != "ok" or d is None:
            return
        if d.year is not None:
            self.years.add(d.year)
        if d.organization:
            self.all_orgs[d.organization] += 1
            self.who.append(Who(r.name, d.organization, d.year))
        if d.year is None:
            self.undated.append((r.name, d.organization))
        y = str(d.year) if d.year is not None else "年份未识别"
        slot = self.per_year.setdefault(y, {k: Total() for k in _YEAR_KEYS})
        for k, getter in _YEAR_KEYS.items():
            v = getter(d)
            slot[k].add(v, r.name)
            if v is None:
                self.all_who[r.name] = (d.organization, d.year)
        if d.year == self.year:
            self._add_unit(r, d)

    def _add_unit(self, r: Record, d: UnitDigest) -> None:
        who = r.name
        self.units.append(_unit_row(r, d, who))
        self.kept.add(r, d)
        _group(self.by_org, d.organization, who)
        self.formats[d.format] += 1
        self.narrative_units += d.narrative
        # Total.add written out: ~200 cells a report
        t3 = self.t3
        for key, values in (d.applications or {}).items():
            totals = t3.get(key)
            if totals is not None:
                n = len(values)
                for i, t in enumerate(totals):
                    v = values[i] if i < n else None
                    if v is None:
                        t.unknown.append(who)
                    else:
                        t.value += v
                        t.reports += 1
        t4 = self.t4
        for g, cols in (d.review_litigation or {}).items():
            by_col = t4.get(g)
            if by_col is not None:
                for c, t in by_col.items():
                    v = cols.get(c)
                    if v is None:
                        t.unknown.append(who)
                    else:
                        t.value += v
                        t.reports += 1
        if d.active_disclosure is not None:
            self.t2_units += 1
            for row, col, lab in T2_FIELDS:
                v = d.active_disclosure.get(row)
                if col is not None:
                    v = v.get(col) if isinstance(v, dict) else None
                self.t2[lab].add(v if isinstance(v, int | float) else None, who)
        self.has_2019 = self.has_2019 or d.format == "2019"
        apps = d.applications or {}
        for _, _, rows, tot in self.outcomes:
            present = [apps[k][TOTAL] for k in rows if k in apps]
            if present:
                tot.add(sum_known(present), who)
        self.findings.add(len(self.units) - 1, d)
        for rule in d.failed_rules:
            self.rule_stats.setdefault(rule, Counter())["FAIL units"] += 1
        for f in d.findings:
            self.rule_stats.setdefault(f.rule, Counter())[str(f.status)] += 1
        self.pc.update(p.category for p in d.problems)
        self.mc.update(m.category for m in d.measures)
        self.pu.update({p.category for p in d.problems})
        self.mu.update({m.category for m in d.measures})
        self.unaddressed += len(_unaddressed_categories(d.problems, d.measures))
        for p in d.problems:
            shown = self.examples.setdefault(p.category, [])
            if len(shown) < _EXAMPLES:
                shown.append((p.text, who))
        for kind in {ch.kind for ch in d.channels}:
            self.channels.setdefault(kind, ChannelStat(kind)).units += 1
        for ch in d.channels:
            stat = self.channels.setdefault(ch.kind, ChannelStat(ch.kind))
            stat.posts.add(ch.posts, who)
            stat.followers.add(ch.followers, who)
        for rate in self.rates:
            rate.add(d, who)

    def finish(self, source: RecordSource, found: int | None, expected: Sequence[str] | None,
               notes: Sequence[str], texts: Texts) -> Aggregate:
        year, thresholds, units = self.year, self.thresholds, self.units
        count = Counter(u.organization for u in units if u.organization)
        labels = _labels([(u.name, u.organization, u.year) for u in units], count)
        for u in units:
            u.label = labels[u.name]
            _rename(u.correction.excluded, labels)
        for cols in self.t3.values():
            for t in cols:
                _rename(t.unknown, labels)
        for cols4 in self.t4.values():
            for t in cols4.values():
                _rename(t.unknown, labels)
        for t in self.t2.values():
            _rename(t.unknown, labels)
        for _, _, _, t in self.outcomes:
            _rename(t.unknown, labels)
        for ch in self.channels.values():
            _rename(ch.posts.unknown, labels)
            _rename(ch.followers.unknown, labels)
        for rs in self.rates:
            _rename(rs.rate.excluded, labels)
        all_labels = _labels([(name, org, y) for name, (org, y) in self.all_who.items()], self.all_orgs)
        for slot in self.per_year.values():
            for t in slot.values():
                _rename(t.unknown, all_labels)
        undated_orgs = Counter(org for _, org in self.undated if org)
        if not self.has_2019:
            self.t3.pop("other_processing")

        def entry(name: str) -> Entry:
            r = source.get(name)
            assert r is not None and r.digest is not None
            return Entry(name, labels.get(name, name), r.digest, r.path)

        cross: list[CrossYearFinding] = []
        yoy: list[YoyRow] = []
        for p, c in year_pairs(self.who, year) if year is not None else []:
            prev, cur = entry(p.name), entry(c.name)
            cross += cross_year(prev, cur)
            yoy.append(year_over_year(prev, cur, thresholds, texts))
        self.findings.settle(units, [FindingRow(c.name, c.label, year, c.finding, cross_year=True)
                                     for c in cross if c.finding.status is not Status.PASS])
        for xf in cross:
            self.rule_stats.setdefault(xf.finding.rule, Counter())[str(xf.finding.status)] += 1

        # Rankings: only units whose own tables pass (no FAIL), and a rate only over enough cases.
        ranked = [u for u in units if not u.fails]
        with_apps = [u for u in ranked if u.new_received]
        top_apps = sorted(with_apps, key=lambda u: (-(u.new_received or 0), u.label))[: thresholds.top]
        top_corr = sorted((u for u in ranked if u.correction.value is not None
                           and u.correction.denominator >= thresholds.min_decided_cases),
                          key=lambda u: (-(u.correction.value or 0.0), -u.correction.denominator, u.label))[: thresholds.top]

        duplicates = [v for v in self.by_sha.values() if isinstance(v, list)]
        same_file = {tuple(v) for v in duplicates}  # (not a list's ``in``: a pass over every group for each)
        duplicates += [v for org, v in self.by_org.items() if org and isinstance(v, list) and tuple(v) not in same_file]

        missing: list[str] = []
        if expected is not None:
            have = {normalise_org(u.organization) for u in units if u.organization}
            missing = [e for e in expected if normalise_org(e) not in have
                       and not any(h.endswith(normalise_org(e)) or normalise_org(e).endswith(h) for h in have)]

        return Aggregate(
            found=found if found is not None else self.records,
            records=self.records,
            units=units,
            errors=self.errors,
            formats=self.formats,
            unit_types=Counter(u.unit_type for u in units),
            years=Counter(str(u.year) for u in units),
            late=[u for u in units if u.late],
            expected=list(expected) if expected is not None else None,
            missing=missing,
            duplicates=duplicates,
            t2=self.t2,
            t2_units=self.t2_units,
            t3=self.t3,
            t4=self.t4,
            outcomes=[(key, label, tot) for key, label, _, tot in self.outcomes],
            rates=[rs.settle() for rs in self.rates],
            rule_stats=dict(sorted(self.rule_stats.items())),
            findings=self.findings,
            top_applications=top_apps,
            top_correction=top_corr,
            channels=sorted(self.channels.values(), key=lambda c: (-c.units, c.kind)),
            problem_categories=self.pc,
            measure_categories=self.mc,
            problem_units=self.pu,
            measure_units=self.mu,
            unaddressed_count=self.unaddressed,
            examples={c: [(text, labels[name]) for text, name in shown] for c, shown in self.examples.items()},
            per_year=dict(sorted(self.per_year.items())),
            cross=cross,
            narrative_units=self.narrative_units,
            has_2019=self.has_2019,
            year=year,
            batch_years=sorted(self.years),
            undated=[_label(name, org, None, undated_orgs) for name, org in self.undated],
            nested=nested_units([(u.label, u.organization) for u in units]),
            unranked=[u.label for u in units if u.fails],
            thresholds=thresholds,
            notes=list(notes),
            source=source,
            kept=self.kept,
            yoy=sorted(yoy, key=yoy_order),
        )


#: Problems quoted per category as its typical wording.
_EXAMPLES = 3


def _group(groups: dict[Any, str | list[str]], key: Any, name: str) -> None:
    """``groups[key]``: the first name, then the list of every name under that key."""
    have = groups.get(key)
    if have is None:
        groups[key] = name
    elif isinstance(have, list):
        have.append(name)
    else:
        groups[key] = [have, name]


def _rename(names: list[str], labels: dict[str, str]) -> None:
    names[:] = [labels[n] for n in names]


def _label(name: str, org: str | None, year: int | None, count: Counter[str]) -> str:
    """'沙坡头区民政局', or '沙坡头区民政局(2023)' where a unit has several reports; the file name when unnamed."""
    if not org:
        return f"〈{name}〉"
    if count[org] > 1:
        return f"{org}({year or name})"
    return org


def _labels(who: list[tuple[str, str | None, int | None]], count: Counter[str]) -> dict[str, str]:
    """Each report's label (``_label``), one label a report: where a unit has several reports of one year
    (a report sent twice, a corrected one beside the first), each is named by its file, '沙坡头区民政局(r12)',
    so that no two rows of a summary, nor two units' 整改清单, share a name."""
    labels = {name: _label(name, org, year, count) for name, org, year in who}
    taken = Counter(labels.values())
    return {name: f"{org}({name})" if org and taken[labels[name]] > 1 else labels[name] for name, org, _ in who}


def _unaddressed_categories(problems: Sequence[ItemDigest], measures: Sequence[ItemDigest]) -> list[str]:
    covered = {m.category for m in measures}
    return sorted({p.category for p in problems} - covered - {"other"})


def _region(norm: str) -> str | None:
    """The place a government's report covers: '淮安市人民政府' → '淮安市'; None for other units."""
    for suffix in ("人民政府办公室", "人民政府办公厅", "人民政府"):
        if norm.endswith(suffix) and len(norm) > len(suffix):
            place = norm[: -len(suffix)]
            return place if place[-1] in "省市区县州盟旗镇乡" or place.endswith("街道") else None
    return None


def nested_units(units: Sequence[tuple[str, str | None]]) -> list[tuple[str, str]]:
    """(unit, parent) pairs where a government's report and a unit under it are both in the totals:
    the unit's name starts with the government's place ('淮安市洪泽区人民政府', '淮安市民政局' under
    '淮安市人民政府'). A government report often covers its whole area, so their figures may overlap.
    Each unit looks its name's beginnings up among the places (not every government in turn: a batch of
    many units and governments); its parents in the order of ``units``."""
    by_place: dict[str, list[tuple[int, str]]] = {}  # a place → the governments' (position, label)
    named = [(label, normalise_org(org)) for label, org in units if org]
    for k, (label, norm) in enumerate(named):
        place = _region(norm)
        if place:
            by_place.setdefault(place, []).append((k, label))
    own = {place: normalise_org(place + "人民政府") for place in by_place}  # the government itself
    longest = max(map(len, by_place), default=0)
    out: list[tuple[str, str]] = []
    for label, norm in named:
        parents: list[tuple[int, str]] = []
        for n in range(1, min(len(norm), longest) + 1):
            found = by_place.get(norm[:n])
            if found is not None and norm != own[norm[:n]]:
                parents += [p for p in found if p[1] != label]
        parents.sort()
        out += [(label, parent) for _, parent in parents]
    return out


_UNABLE = ("unable_not_held", "unable_needs_creation", "unable_unclear_after_correction")
_LIT = ("litigation_direct", "litigation_after_review")
_DECIDED = ("upheld", "corrected", "other")

_YEAR_KEYS: dict[str, Callable[[UnitDigest], Number | None]] = {
    "报告数": lambda d: 1,
    "本年新收申请": lambda d: t3_cell(d, "new_received"),
    "办理总计": lambda d: t3_cell(d, "total_processed"),
    "予以公开": lambda d: t3_cell(d, "granted"),
    "部分公开": lambda d: t3_cell(d, "partially_granted"),
    "结转下年度": lambda d: t3_cell(d, "carried_forward"),
    "行政复议": lambda d: t4_total(d, ["review"]),
    "行政诉讼": lambda d: t4_total(d, _LIT),
}


Getter = Callable[[UnitDigest], list[Number | None]]


@dataclass(slots=True)
class RateSum:
    """A Rate being summed report by report: ``num`` and ``den`` give a report's operands."""

    rate: Rate
    num: Getter
    den: Getter

    def add(self, d: UnitDigest, who: str) -> None:
        n, m = self.num(d), self.den(d)
        rate = self.rate
        if not n or not m or None in n or None in m:
            rate.excluded.append(who)
            return
        rate.numerator += sum(v for v in n if v is not None)
        rate.denominator += sum(v for v in m if v is not None)
        rate.reports += 1

    def settle(self) -> Rate:
        rate = self.rate
        if rate.reports == 0:
            rate.reason = "没有数据完整的报告"
        elif rate.denominator == 0:
            rate.reason = f"分母({rate.denominator_label})为 0"
        else:
            rate.value = rate.numerator / rate.denominator
        return rate


def _rate(key: str, label: str, formula: str, den_label: str, num: Getter, den: Getter) -> RateSum:
    return RateSum(Rate(key=key, label=label, formula=formula, denominator_label=den_label), num, den)


def _cells(*rows: str) -> Callable[[UnitDigest], list[Number | None]]:
    return lambda d: [t3_cell(d, r) for r in rows] if d.applications is not None else []


def _groups(groups: Sequence[str], cols: Sequence[str]) -> Callable[[UnitDigest], list[Number | None]]:
    def get(d: UnitDigest) -> list[Number | None]:
        rl = d.review_litigation
        return [] if rl is None else [rl.get(g, {}).get(c) for g in groups for c in cols]

    return get


def rates() -> list[RateSum]:
    """The rates of the summary, each over the reports whose operands are all known (表三 总计 column)."""
    return [
        _rate("grant", "予以公开率", "(一)予以公开 ÷ (七)总计", "(七)总计", _cells("granted"), _cells("total_processed")),
        _rate("substantive", "实质公开率", "((一)予以公开 + (二)部分公开) ÷ (七)总计", "(七)总计",
              _cells("granted", "partially_granted"), _cells("total_processed")),
        _rate("carry", "结转率", "四、结转下年度 ÷ (一、本年新收 + 二、上年结转)", "本年新收 + 上年结转",
              _cells("carried_forward"), _cells("new_received", "carried_over")),
        _rate("not_held", "无法提供中“不掌握”占比", "(四)1 本机关不掌握 ÷ (四)无法提供 1–3", "(四)无法提供合计",
              _cells("unable_not_held"), _cells(*_UNABLE)),
        _rate("correction_review", "纠错率(行政复议)", "结果纠正 ÷ (结果维持 + 结果纠正 + 其他结果)",
              "已审结复议案件(维持+纠正+其他)", _groups(["review"], ["corrected"]), _groups(["review"], _DECIDED)),
        _rate("correction_litigation", "纠错率(行政诉讼)", "结果纠正 ÷ (结果维持 + 结果纠正 + 其他结果), 两类诉讼合计",
              "已审结诉讼案件(维持+纠正+其他)", _groups(_LIT, ["corrected"]), _groups(_LIT, _DECIDED)),
        _rate("correction", "纠错率(复议与诉讼合计)", "结果纠正 ÷ (结果维持 + 结果纠正 + 其他结果), 复议与诉讼合计",
              "已审结案件(维持+纠正+其他)", _groups(T4_GROUPS, ["corrected"]), _groups(T4_GROUPS, _DECIDED)),
    ]


def _unit_correction() -> RateSum:
    return _rate("correction", "纠错率", "", "已审结案件", _groups(T4_GROUPS, ["corrected"]),
                 _groups(T4_GROUPS, _DECIDED))



def _unit_row(r: Record, d: UnitDigest, label: str) -> UnitRow:
    corr = _unit_correction()
    corr.add(d, label)
    late: bool | None = None
    if d.report_date and d.year:
        try:
            late = date.fromisoformat(d.report_date[:10]) > deadline(d.organization, d.year)
        except ValueError:
            late = None
    statuses = Counter(f.status for f in d.findings if f.category == "report")
    return UnitRow(
        name=r.name, label=label, organization=d.organization, year=d.year, unit_type=unit_type(d.organization),
        format=sys.intern(d.format), kind=sys.intern(d.kind), status=str(d.status or ""), failed_rules=d.failed_rules,
        new_received=t3_cell(d, "new_received"), total_processed=t3_cell(d, "total_processed"),
        granted=t3_cell(d, "granted"), partially_granted=t3_cell(d, "partially_granted"),
        carried_forward=t3_cell(d, "carried_forward"),
        review_total=t4_total(d, ["review"]), litigation_total=t4_total(d, _LIT),
        correction=corr.settle(), fails=statuses[Status.FAIL], uncertain=statuses[Status.UNCERTAIN], warns=statuses[Status.WARN],
        problems=len(d.problems), measures=len(d.measures), report_date=d.report_date, late=late,
        carried_over=t3_cell(d, "carried_over"), unable_not_held=t3_cell(d, "unable_not_held"),
        unable=sum_known(t3_cell(d, k) for k in _UNABLE),
    )

