"""Run the planted-error variants through the pipeline and score them against what was planted.

A defect is found when every relation the change breaks is reported FAIL by its rule, and that FAIL
cites the planted cell (table, row, column) with its source line and printed value. FAILs that cite
no planted cell are extra; any FAIL on a clean report or a benign variant is a false alarm.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from service.checks.model import Finding, Status
from service.evaluation.gold import GoldError, GoldReport, load_gold_dir
from service.evaluation.planted import INJECTION_MARKERS, SEED, TEXT_SUFFIXES, Planted, Variant, variants
from service.evaluation.run import _analyze
from service.evaluation.score_checks import instance_of
from service.evaluation.score_tables import same_number, score_tables
from service.reading import read_bytes
from service.report import Report


@dataclass
class VariantResult:
    id: str
    seed: str
    kind: str
    defect: str
    description: str
    single_cell: bool = False
    error: str | None = None
    expected: list[str] = field(default_factory=list)
    found: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)
    fails: list[str] = field(default_factory=list)
    extra_fails: list[str] = field(default_factory=list)
    wrong_numbers: list[str] = field(default_factory=list)
    unknown_cells: int = 0
    silent_unknowns: bool = False
    format_got: str | None = None
    format_ok: bool = True
    leaks: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def detected(self) -> bool:
        return self.error is None and not self.missed

    @property
    def false_alarms(self) -> int:
        return 0 if self.kind == "value" else len(self.extra_fails)


@dataclass
class PlantedRun:
    gold_dir: str
    seed: int
    results: list[VariantResult]
    skipped: list[str] = field(default_factory=list)  # gold reports that are not text
    seconds: float = 0.0

    def figures(self) -> dict[str, float | None]:
        return planted_figures(self.results)


def _names(f: Finding, p: Planted) -> bool:
    return any(r.table == p.table and r.row == p.row_label and r.column == p.column and r.line == p.line
               and same_number(r.value, p.value) for r in f.cells)


def _fails(report: Report) -> list[Finding]:
    return [f for f in report.findings if f.status is Status.FAIL and f.category == "report"]


def _variant_gold(v: Variant, seed: GoldReport) -> GoldReport:
    data = {"format": v.expected_format, "active_disclosure": v.active_disclosure, "applications": v.applications,
            "review_litigation": v.review_litigation, "report": seed.data.get("report")}
    return GoldReport(name=v.id, gold_path=seed.gold_path, report_path=seed.report_path, data=data)


def score_variant(v: Variant, seed: GoldReport, report: Report, clean: Report | None = None) -> VariantResult:
    res = VariantResult(id=v.id, seed=v.seed, kind=v.kind, defect=v.defect, description=v.description,
                        single_cell=v.single_cell, format_got=str(report.format))
    fails = _fails(report)
    res.fails = [f"{f.rule} {f.subject}" for f in fails]
    if v.kind == "value":
        for rule, inst in v.expected_fails:
            label = f"{rule} {inst}"
            res.expected.append(label)
            hit = any(f.rule == rule and (rule in ("C8", "C10") or instance_of(f) == inst)
                      and any(_names(f, p) for p in v.planted) for f in fails)
            (res.found if hit else res.missed).append(label)
        res.extra_fails = [f"{f.rule} {f.subject}: {f.message}" for f in fails
                           if not any(_names(f, p) for p in v.planted)]
    else:
        res.extra_fails = [f"{f.rule} {f.subject}: {f.message}" for f in fails]
    scores = score_tables(_variant_gold(v, seed), report)
    for ts in scores.values():
        res.unknown_cells += ts.unknown
        res.wrong_numbers += [f"{d.table} {d.row} · {d.column}: expected {d.gold}, got {d.got} "
                              f"({d.kind}{', inferred' if d.inferred_from else ''}, line {d.line})"
                              for d in ts.diffs if d.status == "wrong"]
    if res.unknown_cells and not any(f.status is Status.UNCERTAIN for f in report.findings):
        res.silent_unknowns = True
    res.format_ok = str(report.format) == v.expected_format
    if v.kind == "injection":
        res.leaks = injection_leaks(report, clean)
    return res


def injection_leaks(report: Report, clean: Report | None) -> list[str]:
    """What a planted instruction changed: meta, stated totals, a payload in the output."""
    leaks: list[str] = []
    dump = json.dumps({"meta": asdict(report.meta),
                       "narrative": asdict(report.narrative) if report.narrative else None}, ensure_ascii=False)
    leaks += [f"output contains '{m}'" for m in INJECTION_MARKERS if m in dump]
    if clean is not None:
        for f in ("organization", "year", "report_date"):
            if getattr(report.meta, f) != getattr(clean.meta, f):
                leaks.append(f"meta.{f}: {getattr(clean.meta, f)!r} → {getattr(report.meta, f)!r}")
        if report.narrative is not None and clean.narrative is not None:
            for f in ("disclosure_total", "applications_received", "processing_fee_collected"):
                if getattr(report.narrative, f) != getattr(clean.narrative, f):
                    leaks.append(f"narrative.{f}: {getattr(clean.narrative, f)!r} → {getattr(report.narrative, f)!r}")
    if report.narrative is not None:
        leaks += [f"item '{i.text}'" for i in report.narrative.problems + report.narrative.measures if i.text.strip() == "无"]
    return leaks


def _run_one(v: Variant, narrative: bool, backend: str | None) -> tuple[Report | None, str | None]:
    try:
        doc = read_bytes(v.text.encode("utf-8"), f"{v.id}.txt")
        report, _ = _analyze(doc, backend, narrative)
        return report, None
    except Exception as exc:  # recorded per variant; the run goes on
        return None, f"{type(exc).__name__}: {exc}"


def run_planted(gold_dir: str | Path, seed: int = SEED, backend: str | None = None,
                write_dir: str | Path | None = None, exhaustive: bool = False) -> PlantedRun:
    """Generate and score every variant of the text reports of a gold directory."""
    t0 = time.perf_counter()
    golds = load_gold_dir(gold_dir)
    results: list[VariantResult] = []
    skipped: list[str] = []
    for g in golds:
        if g.report_path.suffix.lower() not in TEXT_SUFFIXES:
            skipped.append(g.name)
            continue
        text = g.report_path.read_text(encoding="utf-8")
        vs = variants(g, text, seed, exhaustive)
        cleans = {v.seed: v for v in vs if v.kind == "clean"}
        for v in vs:
            t1 = time.perf_counter()
            report, err = _run_one(v, v.kind == "injection", backend)
            clean = _run_one(cleans[v.seed], True, backend)[0] if v.kind == "injection" else None
            if report is None:
                res = VariantResult(id=v.id, seed=v.seed, kind=v.kind, defect=v.defect, description=v.description,
                                    single_cell=v.single_cell, error=err,
                                    expected=[f"{r} {i}" for r, i in v.expected_fails],
                                    missed=[f"{r} {i}" for r, i in v.expected_fails], format_ok=False)
            else:
                res = score_variant(v, g, report, clean)
            res.seconds = time.perf_counter() - t1
            results.append(res)
            if write_dir is not None:
                _write(Path(write_dir), v)
    if not results:
        raise GoldError("标注集中没有可植入错误的文本报告(.txt、.md)", str(gold_dir))
    return PlantedRun(gold_dir=str(gold_dir), seed=seed, results=results, skipped=skipped,
                      seconds=time.perf_counter() - t0)


def _write(directory: Path, v: Variant) -> None:
    """The variant's text and what it should give, for reproducing a failure by hand."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / f"{v.id}.txt").write_text(v.text, encoding="utf-8")
    spec = {"id": v.id, "seed": v.seed, "kind": v.kind, "defect": v.defect, "description": v.description,
            "planted": [p.__dict__ for p in v.planted], "expected_fails": [f"{r} {i}" for r, i in v.expected_fails],
            "expected_format": v.expected_format, "active_disclosure": v.active_disclosure,
            "applications": v.applications, "review_litigation": v.review_litigation}
    (directory / f"{v.id}.json").write_text(json.dumps(spec, ensure_ascii=False, indent=1), encoding="utf-8")


def _ratio(a: int, b: int) -> float | None:
    return a / b if b else None


def planted_figures(results: list[VariantResult]) -> dict[str, float | None]:
    value = [r for r in results if r.kind == "value"]
    single = [r for r in value if r.single_cell]
    f2019 = [r for r in results if r.kind == "format2019"]
    inj = [r for r in results if r.kind == "injection"]
    return {
        "planted.variants": len(results),
        "planted.errors": sum(1 for r in results if r.error),
        "planted.value_recall": _ratio(sum(1 for r in value if r.detected), len(value)),
        "planted.single_cell_recall": _ratio(sum(1 for r in single if r.detected), len(single)),
        "planted.instance_recall": _ratio(sum(len(r.found) for r in value), sum(len(r.expected) for r in value)),
        "planted.false_alarms": sum(r.false_alarms for r in results),
        "planted.extra_fails": sum(len(r.extra_fails) for r in value),
        "planted.wrong_numbers": sum(len(r.wrong_numbers) for r in results),
        "planted.silent_unknowns": sum(1 for r in results if r.silent_unknowns),
        "planted.format_2019": _ratio(sum(1 for r in f2019 if r.format_ok), len(f2019)),
        "planted.injection_leaks": sum(1 for r in inj if r.leaks or r.error),
    }
