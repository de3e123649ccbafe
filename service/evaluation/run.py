"""Run the whole pipeline over a gold set and score every report; pool the scores."""

from __future__ import annotations

import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from service.errors import InputError
from service.evaluation.gold import GoldReport, gold_digest, load_gold_dir
from service.evaluation.score_checks import CheckScore, score_checks
from service.evaluation.score_narrative import SCALARS, ItemScore, NarrativeScore, score_narrative
from service.evaluation.score_tables import TableScore, pooled, score_tables
from service.pipeline import analyze_document
from service.reading import read_document
from service.reading.document import SourceDocument
from service.report import Report, SourceInfo

META_FIELDS = ("organization", "year", "report_date")


@dataclass
class ReportResult:
    """One gold report's scores (or the error that stopped its analysis)."""

    name: str
    path: str
    error: str | None = None
    narrative_error: str | None = None
    seconds: float = 0.0
    format_gold: str = ""
    format_got: str | None = None
    meta: dict[str, tuple[Any, Any, bool]] = field(default_factory=dict)  # field → (gold, got, right)
    tables: dict[str, TableScore] = field(default_factory=dict)
    checks: CheckScore = field(default_factory=CheckScore)
    narrative: NarrativeScore | None = None
    status: str | None = None
    failed_rules: list[str] = field(default_factory=list)
    backend: str | None = None  # the extractor that produced the narrative
    fallback: str | None = None  # why it is not the backend asked for, if it is not
    llm_calls: int = 0
    tokens: dict[str, int] = field(default_factory=lambda: {"prompt": 0, "completion": 0, "total": 0})

    def figures(self) -> dict[str, float | None]:
        return figures_of([self], narrative=self.narrative is not None)


@dataclass
class EvalRun:
    gold_dir: str
    gold_digest: str
    backend: str
    narrative: bool
    reports: list[ReportResult]
    seconds: float = 0.0

    def figures(self) -> dict[str, float | None]:
        return figures_of(self.reports, narrative=self.narrative)


def _same_meta(field_name: str, gold: Any, got: Any) -> bool:
    if field_name == "organization" and isinstance(gold, str) and isinstance(got, str):
        return unicodedata.normalize("NFKC", gold).strip() == unicodedata.normalize("NFKC", got).strip()
    return bool(gold == got and type(gold) is type(got))


def _blank_report() -> Report:
    return Report(source=SourceInfo(sha256="", kind="none", encoding="", characters=0, lines=0), format="unknown")


def _analyze(doc: SourceDocument, backend: str | None, narrative: bool) -> tuple[Report, str | None]:
    """The pipeline, falling back to tables only when the narrative extractor cannot be imported."""
    if not narrative:
        return analyze_document(doc, backend=backend, narrative=False), None
    try:
        return analyze_document(doc, backend=backend, narrative=True), None
    except ImportError as exc:
        if not (exc.name or "").startswith(("service.extraction", "service.verification")):
            raise
        return analyze_document(doc, backend=backend, narrative=False), f"正文抽取器不可用: {exc}"


def score_report(gold: GoldReport, report: Report | None, doc: SourceDocument | None, narrative: bool,
                 error: str | None = None, narrative_error: str | None = None,
                 backend: str | None = None) -> ReportResult:
    """Score one analysed report against its gold; a report that failed is scored as empty."""
    rep = report if report is not None else _blank_report()
    res = ReportResult(name=gold.name, path=str(gold.data.get("report")), error=error, narrative_error=narrative_error,
                       format_gold=gold.format, format_got=None if report is None else str(rep.format))
    for f in META_FIELDS:
        g, o = gold.meta.get(f), getattr(rep.meta, f)
        res.meta[f] = (g, o, report is not None and _same_meta(f, g, o))
    res.tables = score_tables(gold, rep)
    res.checks = score_checks(gold, rep.findings, narrative)
    if narrative:
        res.narrative = score_narrative(gold.narrative, rep.narrative, doc.text if doc else "")
    if rep.summary is not None:
        res.status = str(rep.summary.status)
        res.failed_rules = list(rep.summary.failed_rules)
    if rep.extraction is not None:
        res.backend = rep.extraction.backend
        if rep.extraction.fallback or (backend is not None and rep.extraction.backend != backend):
            res.fallback = rep.extraction.fallback_reason or f"所选后端 {backend}, 实际为 {rep.extraction.backend}"
        res.llm_calls = rep.extraction.calls
        u = rep.extraction.usage
        res.tokens = {"prompt": u.prompt_tokens, "completion": u.completion_tokens, "total": u.total_tokens}
    return res


def evaluate_report(gold: GoldReport, backend: str | None = None, narrative: bool = True) -> ReportResult:
    """Read, analyse and score one gold report; errors are recorded, never raised."""
    t0 = time.perf_counter()
    doc: SourceDocument | None = None
    report: Report | None = None
    error: str | None = None
    nerr: str | None = None
    try:
        doc = read_document(gold.report_path)
        report, nerr = _analyze(doc, backend, narrative)
    except InputError as exc:
        error = f"无法读取: {exc}"
    except Exception as exc:  # an eval run records the failure and goes on
        error = f"{type(exc).__name__}: {exc}"
    res = score_report(gold, report, doc, narrative, error=error, narrative_error=nerr, backend=backend or "rules")
    res.seconds = time.perf_counter() - t0
    return res


def evaluate(gold_dir: str | Path, backend: str | None = None, narrative: bool = True) -> EvalRun:
    """Score every report of a gold directory. Raises GoldError (exit 2) if the set is unusable."""
    golds = load_gold_dir(gold_dir)
    t0 = time.perf_counter()
    results = [evaluate_report(g, backend, narrative) for g in golds]
    return EvalRun(gold_dir=str(gold_dir), gold_digest=gold_digest(golds), backend=backend or "rules",
                   narrative=narrative, reports=results, seconds=time.perf_counter() - t0)


def _ratio(a: int, b: int) -> float | None:
    return a / b if b else None


def figures_of(results: list[ReportResult], narrative: bool) -> dict[str, float | None]:
    """Pooled figures (micro-averages: counts summed over reports)."""
    n = len(results)
    fig: dict[str, float | None] = {"reports.scored": n, "reports.errors": sum(1 for r in results if r.error)}
    fig["format.accuracy"] = _ratio(sum(1 for r in results if r.format_got == r.format_gold), n)
    tables = pooled([r.tables for r in results])
    right = sum(t.right for t in tables.values())
    total = sum(t.total for t in tables.values())
    fig["tables.cell_accuracy"] = _ratio(right, total)
    for key, name in (("t2", "表二"), ("t3", "表三"), ("t4", "表四")):
        fig[f"tables.{key}.accuracy"] = tables[name].accuracy
    fig["tables.wrong_cells"] = sum(t.wrong for t in tables.values())
    fig["tables.unknown_cells"] = sum(t.unknown for t in tables.values())
    checks = CheckScore()
    for r in results:
        checks.add(r.checks)
    fig["checks.agreement"] = checks.agreement
    fig["checks.false_fails"] = checks.false_fail
    fig["checks.missed_fails"] = checks.missed_fail
    for f in META_FIELDS:
        fig[f"meta.{f}"] = _ratio(sum(1 for r in results if r.meta.get(f, (None, None, False))[2]), n)
    if narrative:
        nar = NarrativeScore()
        for r in results:
            if r.narrative is not None:
                nar.add(r.narrative)
        fig["channels.precision"] = nar.channels.precision
        fig["channels.recall"] = nar.channels.recall
        fig["channels.f1"] = nar.channels.f1
        for k in SCALARS:
            fig[f"narrative.{k}"] = _ratio(*nar.scalars[k])
        for what, item in (("problems", nar.problems), ("measures", nar.measures)):
            fig.update(_item_figures(what, item))
    if narrative:
        fig["extraction.fallbacks"] = sum(1 for r in results if r.fallback)
    fig["cost.llm_calls_per_report"] = _ratio(sum(r.llm_calls for r in results), n)
    for k in ("prompt", "completion", "total"):
        fig[f"cost.{k}_tokens_per_report"] = _ratio(sum(r.tokens[k] for r in results), n)
    return fig


def _item_figures(what: str, item: ItemScore) -> dict[str, float | None]:
    return {
        f"{what}.precision": item.prf.precision,
        f"{what}.recall": item.prf.recall,
        f"{what}.f1": item.prf.f1,
        f"{what}.mean_similarity": item.mean_similarity,
        f"{what}.category_accuracy": item.category_accuracy,
        f"{what}.grounding_rate": item.grounding_rate,
    }
