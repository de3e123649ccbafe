"""Findings: the result of one rule on one subject, with the evidence behind it.

Slotted keyword-only dataclasses, built without validation (dozens per report); the ``Report`` that
holds them gives them their JSON form (service/outputs/json_text.py), pydantic their schema.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

from service.tables.model import Number

_new = object.__new__


class Status(StrEnum):
    PASS = "PASS"
    FAIL = "FAIL"
    UNCERTAIN = "UNCERTAIN"  # an operand is missing: cannot say
    WARN = "WARN"  # a soft rule does not hold (reports often deviate legitimately)
    INFO = "INFO"


@dataclass(slots=True, kw_only=True)
class CellRef:
    """A cell used as evidence: which table, row and column, its value and its source line."""

    table: str
    row: str
    column: str
    value: Number | None
    printed: str | None = None
    kind: str | None = None
    line: int | None = None
    inferred_from: str | None = None
    confidence: float | None = None  # read by OCR: the recogniser's confidence
    at: str | None = None  # read by OCR: page and position


@dataclass(slots=True, kw_only=True)
class Finding:
    """One rule's verdict on one subject.

    ``category`` separates "the report is wrong" (report) from "we could not read the report"
    (parse): the first is a finding for the unit, the second is ours to fix or flag.
    """

    rule: str
    name: str
    category: Literal["report", "parse"] = "report"
    status: Status
    subject: str
    message: str
    expected: Number | None = None
    actual: Number | None = None
    cells: list[CellRef] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)


def cell_ref(*, table: str, row: str, column: str, value: Number | None, printed: str | None = None,
             kind: str | None = None, line: int | None = None, inferred_from: str | None = None,
             confidence: float | None = None, at: str | None = None) -> CellRef:
    """``CellRef(...)`` with the same keywords, without a class's keyword call (which builds a dict of the
    keywords: three times the cost). tests/test_checks_model.py checks that it sets every field as the
    constructor does."""
    ref = _new(CellRef)
    ref.table = table
    ref.row = row
    ref.column = column
    ref.value = value
    ref.printed = printed
    ref.kind = kind
    ref.line = line
    ref.inferred_from = inferred_from
    ref.confidence = confidence
    ref.at = at
    return ref


def finding(*, rule: str, name: str, category: Literal["report", "parse"] = "report", status: Status, subject: str,
            message: str, expected: Number | None = None, actual: Number | None = None,
            cells: list[CellRef] | None = None, lines: list[int] | None = None) -> Finding:
    """``Finding(...)`` with the same keywords, without a class's keyword call (the checks build some fifty
    findings a report). tests/test_checks_model.py checks that it sets every field as the constructor does."""
    f = _new(Finding)
    f.rule = rule
    f.name = name
    f.category = category
    f.status = status
    f.subject = subject
    f.message = message
    f.expected = expected
    f.actual = actual
    f.cells = [] if cells is None else cells
    f.lines = [] if lines is None else lines
    return f
