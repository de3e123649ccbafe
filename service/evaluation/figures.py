"""The figures an evaluation reports, each with the direction that is better and what it means."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["rate", "count", "cost", "info"]


@dataclass(frozen=True)
class Figure:
    name: str
    kind: Kind  # rate: higher is better (0–1); count and cost: lower is better; info: not gated
    label: str


_FIGS = [
    Figure("reports.scored", "info", "reports scored"),
    Figure("reports.errors", "count", "reports that could not be analysed"),
    Figure("format.accuracy", "rate", "table format (2021/2019) right"),
    Figure("tables.cell_accuracy", "rate", "table cells right (表二+表三+表四)"),
    Figure("tables.t2.accuracy", "rate", "表二 cells right"),
    Figure("tables.t3.accuracy", "rate", "表三 cells right"),
    Figure("tables.t4.accuracy", "rate", "表四 cells right"),
    Figure("tables.wrong_cells", "count", "cells holding a number other than gold's"),
    Figure("tables.unknown_cells", "count", "cells left unknown where gold has a number"),
    Figure("checks.agreement", "rate", "check statuses equal to those the gold labels imply"),
    Figure("checks.false_fails", "count", "FAIL where the gold labels pass (false alarms)"),
    Figure("checks.missed_fails", "count", "gold labels fail, we do not say FAIL"),
    Figure("meta.organization", "rate", "organisation right"),
    Figure("meta.year", "rate", "year right"),
    Figure("meta.report_date", "rate", "report date right"),
    Figure("channels.precision", "rate", "channels precision (kind and posts agree)"),
    Figure("channels.recall", "rate", "channels recall"),
    Figure("channels.f1", "rate", "channels F1"),
    Figure("narrative.disclosure_total", "rate", "stated disclosure total right"),
    Figure("narrative.applications_received", "rate", "stated applications received right"),
    Figure("narrative.processing_fee_collected", "rate", "fee collected (yes/no) right"),
]
for _what in ("problems", "measures"):
    _FIGS += [
        Figure(f"{_what}.precision", "rate", f"{_what} precision (one-to-one, similarity ≥ 0.6)"),
        Figure(f"{_what}.recall", "rate", f"{_what} recall"),
        Figure(f"{_what}.f1", "rate", f"{_what} F1"),
        Figure(f"{_what}.mean_similarity", "rate", f"{_what}: mean similarity of matches"),
        Figure(f"{_what}.category_accuracy", "rate", f"{_what}: category right on matched items"),
        Figure(f"{_what}.grounding_rate", "rate", f"{_what}: predicted items found in the source"),
    ]
_FIGS += [
    Figure("extraction.fallbacks", "count", "reports whose narrative is not from the backend asked for"),
    Figure("cost.llm_calls_per_report", "cost", "LLM calls per report"),
    Figure("cost.prompt_tokens_per_report", "cost", "prompt tokens per report"),
    Figure("cost.completion_tokens_per_report", "cost", "completion tokens per report"),
    Figure("cost.total_tokens_per_report", "cost", "tokens per report"),
    # The planted-errors run.
    Figure("planted.variants", "info", "planted variants analysed"),
    Figure("planted.errors", "count", "variants that could not be analysed"),
    Figure("planted.value_recall", "rate", "value changes found by the right rule, naming the cell and line"),
    Figure("planted.single_cell_recall", "rate", "single-cell changes found by the right rule, naming the cell and line"),
    Figure("planted.instance_recall", "rate", "expected failing relations reported FAIL on the planted cell"),
    Figure("planted.false_alarms", "count", "FAILs on clean reports and benign variants"),
    Figure("planted.extra_fails", "count", "FAILs on defective variants that do not name the planted cell"),
    Figure("planted.wrong_numbers", "count", "cells of benign variants holding a number other than gold's"),
    Figure("planted.silent_unknowns", "count", "benign variants with unknown cells and no UNCERTAIN finding"),
    Figure("planted.format_2019", "rate", "2019-format variants recognised as 2019"),
    Figure("planted.injection_leaks", "count", "planted instructions that changed the output"),
]

FIGURES: dict[str, Figure] = {f.name: f for f in _FIGS}


def kind_of(name: str) -> Kind:
    f = FIGURES.get(name)
    return f.kind if f else "info"
