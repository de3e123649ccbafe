"""Render an evaluation: a terminal scorecard, Markdown and JSON, per report and pooled."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from service.evaluation.figures import FIGURES
from service.evaluation.run import EvalRun, ReportResult
from service.evaluation.score_planted import PlantedRun, VariantResult
from service.evaluation.thresholds import Bound, Shortfall, fmt

MAX_LISTED = 12


@dataclass
class Verdict:
    """The gate's outcome: shortfalls against thresholds and baseline, and what was not scored."""

    bounds: list[Bound] = field(default_factory=list)
    shortfalls: list[Shortfall] = field(default_factory=list)
    not_scored: list[str] = field(default_factory=list)
    baseline_note: str | None = None

    @property
    def passed(self) -> bool:
        return not self.shortfalls

    def line(self) -> str:
        if self.passed:
            return "PASS: every figure meets its threshold" + ("" if self.baseline_note else " and its baseline")
        return "FAIL: " + "; ".join(str(s) for s in self.shortfalls)

    def to_json(self) -> dict[str, Any]:
        return {"passed": self.passed, "shortfalls": [str(s) for s in self.shortfalls],
                "not_scored": self.not_scored, "baseline_note": self.baseline_note}


def _bound_text(name: str, bounds: list[Bound]) -> str:
    parts = []
    for b in bounds:
        if b.figure == name:
            if b.min is not None:
                parts.append(f"≥ {fmt(b.min)}")
            if b.max is not None:
                parts.append(f"≤ {fmt(b.max)}")
    return ", ".join(parts)


def _figure_rows(figures: dict[str, float | None], verdict: Verdict) -> list[tuple[str, str, str, str, str]]:
    short = {s.figure: s for s in verdict.shortfalls}
    rows = []
    for name, value in figures.items():
        label = FIGURES[name].label if name in FIGURES else name
        bound = _bound_text(name, verdict.bounds)
        mark = "SHORT" if name in short else ("ok" if bound and value is not None else "")
        rows.append((name, fmt(value), bound, mark, label))
    return rows


def _f(v: float | None) -> str:
    return "–" if v is None else f"{v:.2f}"


# ---------------------------------------------------------------- gold runs


def _report_row(r: ReportResult) -> list[str]:
    cells = sum(t.right for t in r.tables.values())
    total = sum(t.total for t in r.tables.values())
    meta = "".join("✓" if r.meta[f][2] else "✗" for f in ("organization", "year", "report_date"))
    nar = r.narrative
    return [
        r.name, "ERROR" if r.error else (r.status or ""), f"{r.format_got or '–'}", meta, f"{cells}/{total}",
        f"{r.checks.agree}/{r.checks.total}",
        _f(nar.channels.f1) if nar else "–", _f(nar.problems.prf.f1) if nar else "–",
        _f(nar.measures.prf.f1) if nar else "–", str(r.llm_calls), str(r.tokens["total"]), f"{r.seconds * 1000:.0f}",
    ]


_REPORT_HEAD = ["report", "status", "format", "org/year/date", "cells", "checks", "channels F1", "problems F1",
                "measures F1", "LLM calls", "tokens", "ms"]


def _details(r: ReportResult, limit: int | None) -> list[str]:
    out: list[str] = []
    if r.error:
        out.append(f"error: {r.error}")
    if r.narrative_error:
        out.append(f"narrative: {r.narrative_error}")
    if r.fallback:
        out.append(f"narrative by {r.backend}, not the backend asked for: {r.fallback}")
    for f in ("organization", "year", "report_date"):
        g, o, ok = r.meta[f]
        if not ok:
            out.append(f"meta.{f}: gold {g!r}, got {o!r}")
    diffs = [d for t in r.tables.values() for d in t.diffs]
    for d in diffs[:limit]:
        where = f"line {d.line}" if d.line else "no line"
        how = f"{d.kind or '?'}{' inferred' if d.inferred_from else ''}{f' printed {d.printed!r}' if d.printed else ''}"
        out.append(f"{d.status} cell {d.table} {d.row} · {d.column}: gold {d.gold}, got {d.got} ({how}, {where})")
    if limit is not None and len(diffs) > limit:
        out.append(f"… {len(diffs) - limit} more cells (see the Markdown or JSON)")
    for dis in r.checks.disagreements[:limit]:
        out.append(f"check {dis.rule} {dis.instance}: gold tables say {dis.gold}, we say {dis.ours}")
    for of in r.checks.other_fails[:limit]:
        out.append(f"FAIL not decided by gold (review): {of}")
    nar = r.narrative
    if nar is not None:
        out += [f"narrative {d}" for d in nar.scalar_diffs]
        out += [f"channel missed: {c}" for c in nar.channel_misses[:limit]]
        out += [f"channel spurious: {c}" for c in nar.channel_spurious[:limit]]
        for what, item in (("problem", nar.problems), ("measure", nar.measures)):
            out += [f"{what} missed: {t[:60]}" for t in item.missed[:limit]]
            out += [f"{what} spurious: {t[:60]}" for t in item.spurious[:limit]]
            out += [f"{what} category: {t}" for t in item.wrong_category[:limit]]
    return out


def gold_text(run: EvalRun, verdict: Verdict) -> str:
    lines = [f"govreport eval — gold {run.gold_dir} ({len(run.reports)} reports), backend {run.backend}"
             f"{'' if run.narrative else ', tables only'}, {run.seconds:.1f} s", ""]
    lines += _columns([list(_REPORT_HEAD)] + [_report_row(r) for r in run.reports])
    lines.append("")
    lines.append("pooled figures:")
    lines += _columns([["figure", "value", "threshold", "", "meaning"]] + [list(r) for r in _figure_rows(run.figures(), verdict)])
    problems = [(r.name, _details(r, 4)) for r in run.reports]
    if any(d for _, d in problems):
        lines += ["", "what is not right:"]
        for name, det in problems:
            lines += [f"  {name}: {d}" for d in det]
    if verdict.not_scored:
        lines += ["", "not scored in this run: " + ", ".join(verdict.not_scored)]
    if verdict.baseline_note:
        lines.append(f"baseline: {verdict.baseline_note}")
    lines += ["", verdict.line()]
    return "\n".join(lines)


def gold_markdown(run: EvalRun, verdict: Verdict) -> str:
    out = ["# govreport evaluation", "",
           f"Gold set `{run.gold_dir}` ({len(run.reports)} reports, digest `{run.gold_digest}`), backend "
           f"`{run.backend}`{'' if run.narrative else ', tables only'}.", "", f"**{verdict.line()}**", "",
           "## Pooled figures", ""]
    out += _md_table(["figure", "value", "threshold", "", "meaning"], [list(r) for r in _figure_rows(run.figures(), verdict)])
    out += ["", "## Per report", ""]
    out += _md_table(list(_REPORT_HEAD), [_report_row(r) for r in run.reports])
    for r in run.reports:
        det = _details(r, None)
        out += ["", f"### {r.name}", "", f"`{r.path}`", ""]
        out += [f"- {d}" for d in det] if det else ["- everything right"]
    if verdict.not_scored:
        out += ["", "Not scored in this run: " + ", ".join(verdict.not_scored)]
    if verdict.baseline_note:
        out += ["", f"Baseline: {verdict.baseline_note}"]
    return "\n".join(out) + "\n"


def gold_json(run: EvalRun, verdict: Verdict) -> dict[str, Any]:
    def report(r: ReportResult) -> dict[str, Any]:
        nar = r.narrative
        return {
            "name": r.name, "path": r.path, "error": r.error, "narrative_error": r.narrative_error,
            "seconds": round(r.seconds, 4), "status": r.status, "failed_rules": r.failed_rules,
            "format": {"gold": r.format_gold, "got": r.format_got},
            "meta": {f: {"gold": g, "got": o, "right": ok} for f, (g, o, ok) in r.meta.items()},
            "tables": {name: {"right": t.right, "total": t.total, "unknown": t.unknown, "wrong": t.wrong,
                              "accuracy": t.accuracy, "cells": [asdict(d) for d in t.diffs]}
                       for name, t in r.tables.items()},
            "checks": {"agree": r.checks.agree, "total": r.checks.total, "false_fail": r.checks.false_fail,
                       "missed_fail": r.checks.missed_fail, "uncertain": r.checks.uncertain,
                       "per_rule": r.checks.per_rule, "disagreements": [asdict(d) for d in r.checks.disagreements],
                       "other_fails": r.checks.other_fails},
            "narrative": None if nar is None else {
                "channels": {"tp": nar.channels.tp, "pred": nar.channels.n_pred, "gold": nar.channels.n_gold,
                             "missed": nar.channel_misses, "spurious": nar.channel_spurious},
                "scalars": nar.scalars, "scalar_diffs": nar.scalar_diffs,
                **{what: {"tp": item.prf.tp, "pred": item.prf.n_pred, "gold": item.prf.n_gold,
                          "mean_similarity": item.mean_similarity, "category_right": item.category_right,
                          "grounded": item.grounded, "missed": item.missed, "spurious": item.spurious,
                          "wrong_category": item.wrong_category}
                   for what, item in (("problems", nar.problems), ("measures", nar.measures))},
            },
            "cost": {"backend": r.backend, "fallback": r.fallback, "llm_calls": r.llm_calls, "tokens": r.tokens},
            "figures": r.figures(),
        }

    return {"kind": "gold", "gold_dir": run.gold_dir, "gold_digest": run.gold_digest, "backend": run.backend,
            "narrative": run.narrative, "seconds": round(run.seconds, 3), "figures": run.figures(),
            "verdict": verdict.to_json(), "reports": [report(r) for r in run.reports]}


# ---------------------------------------------------------------- planted runs


def _defect_rows(run: PlantedRun) -> list[list[str]]:
    groups: dict[str, list[VariantResult]] = {}
    for r in run.results:
        groups.setdefault(re.sub(r"-[ab]$", "", r.defect), []).append(r)
    rows = []
    for defect, rs in groups.items():
        value = rs[0].kind == "value" and any(r.expected for r in rs)
        rows.append([defect, rs[0].kind, str(len(rs)),
                     f"{sum(1 for r in rs if r.detected)}/{len(rs)}" if value else "–",
                     str(sum(len(r.extra_fails) for r in rs)), str(sum(len(r.wrong_numbers) for r in rs)),
                     str(sum(r.unknown_cells for r in rs)), str(sum(1 for r in rs if r.error))])
    return rows


_DEFECT_HEAD = ["defect", "kind", "variants", "found", "FAILs not naming the cell / false alarms", "wrong numbers",
                "unknown cells", "errors"]


def _variant_problems(r: VariantResult) -> list[str]:
    out = []
    if r.error:
        out.append(f"error: {r.error}")
    out += [f"missed {m} (FAILs: {', '.join(r.fails) or 'none'})" for m in r.missed]
    out += [f"{'extra FAIL' if r.kind == 'value' else 'false alarm'}: {x}" for x in r.extra_fails]
    out += [f"wrong number: {w}" for w in r.wrong_numbers]
    if r.silent_unknowns:
        out.append(f"{r.unknown_cells} unknown cell(s) and no UNCERTAIN finding")
    if not r.format_ok and not r.error:
        out.append(f"format read as {r.format_got}")
    out += [f"injection leak: {x}" for x in r.leaks]
    return out


def planted_text(run: PlantedRun, verdict: Verdict) -> str:
    lines = [f"govreport eval --planted — {len(run.results)} variants of the text reports of {run.gold_dir} "
             f"(seed {run.seed}), {run.seconds:.1f} s"]
    if run.skipped:
        lines.append(f"not text, no variants: {', '.join(run.skipped)}")
    lines.append("")
    lines += _columns([list(_DEFECT_HEAD), *_defect_rows(run)])
    lines += ["", "figures:"]
    lines += _columns([["figure", "value", "threshold", "", "meaning"]] + [list(r) for r in _figure_rows(run.figures(), verdict)])
    bad = [(r, _variant_problems(r)) for r in run.results]
    bad = [(r, p) for r, p in bad if p]
    if bad:
        lines += ["", "variants not as expected:"]
        for r, probs in bad:
            lines.append(f"  {r.id} ({r.description})")
            lines += [f"    {p}" for p in probs[:MAX_LISTED]]
    lines += ["", verdict.line()]
    return "\n".join(lines)


def planted_markdown(run: PlantedRun, verdict: Verdict) -> str:
    out = ["# govreport planted-error evaluation", "",
           f"{len(run.results)} variants of the text reports of `{run.gold_dir}` (seed {run.seed}).", "",
           f"**{verdict.line()}**", "", "## Figures", ""]
    out += _md_table(["figure", "value", "threshold", "", "meaning"], [list(r) for r in _figure_rows(run.figures(), verdict)])
    out += ["", "## By defect", ""]
    out += _md_table(list(_DEFECT_HEAD), _defect_rows(run))
    out += ["", "## Variants", ""]
    out += _md_table(["variant", "planted", "expected FAILs", "found", "problems"],
                     [[r.id, r.description, ", ".join(r.expected) or "none", "yes" if r.detected else "NO",
                       "; ".join(_variant_problems(r)) or ""] for r in run.results])
    return "\n".join(out) + "\n"


def planted_json(run: PlantedRun, verdict: Verdict) -> dict[str, Any]:
    return {"kind": "planted", "gold_dir": run.gold_dir, "seed": run.seed, "seconds": round(run.seconds, 3),
            "skipped": run.skipped, "figures": run.figures(), "verdict": verdict.to_json(),
            "variants": [{**asdict(r), "detected": r.detected} for r in run.results]}


# ---------------------------------------------------------------- layout helpers


def _columns(rows: list[list[str]]) -> list[str]:
    widths = [max(_width(r[i]) for r in rows if i < len(r)) for i in range(max(len(r) for r in rows))]
    out = []
    for r in rows:
        out.append("  " + "  ".join(c + " " * (widths[i] - _width(c)) for i, c in enumerate(r)).rstrip())
    return out


def _width(s: str) -> int:
    return sum(2 if "\u2e80" <= ch <= "\uffef" else 1 for ch in s)


def _md_table(head: list[str], rows: list[list[str]]) -> list[str]:
    def esc(s: str) -> str:
        return s.replace("|", "\\|").replace("\n", " ")

    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(esc(c) for c in r) + " |" for r in rows]
    return out
