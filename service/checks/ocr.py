"""OCR reading doubts: a relation that fails through a cell OCR was not sure of is ours to doubt, not the unit's error.

A misread digit breaks the relations through its cell exactly as a wrong number printed by the unit
would. When a failing relation (C1, C3, C4, C5) holds a cell that OCR read with a confidence below
``LOW_CONFIDENCE``, the failure is not reported as the unit's: it becomes UNCERTAIN in category
``parse``, and a reading doubt (rule OCR) names the cell, its page and position, the confidence,
and — when LOCATE found the one value that makes every relation hold — that alternative. The printed
value is never replaced. A failure whose cells OCR read with confidence stays a FAIL of the report.
"""

from __future__ import annotations

from service.checks.model import CellRef, Finding, Status
from service.reading.ocr import LOW_CONFIDENCE

_RELATIONS = ("C1", "C3", "C4", "C5", "LOCATE")


def _doubtful(c: CellRef) -> bool:
    return c.confidence is not None and c.confidence < LOW_CONFIDENCE


def _key(c: CellRef) -> tuple[str, str, str]:
    return (c.table, c.row, c.column)


def reading_doubts(findings: list[Finding]) -> list[Finding]:
    """The findings with failures through doubtful OCR cells turned into reading doubts (see module doc)."""
    failing = [f for f in findings if f.status is Status.FAIL and f.rule in _RELATIONS and f.category == "report"]
    doubtful: dict[tuple[str, str, str], CellRef] = {}
    for f in failing:
        for c in f.cells:
            if _doubtful(c):
                doubtful.setdefault(_key(c), c)
    if not doubtful:
        return findings
    located = {_key(f.cells[0]): f.expected for f in failing if f.rule == "LOCATE" and f.cells}
    out: list[Finding] = []
    for f in findings:
        if f in failing and any(_key(c) in doubtful for c in f.cells):
            f.status = Status.UNCERTAIN
            f.category = "parse"
            f.message = f"{f.message}（含 OCR 识别置信度低的单元格，可能为识别错误，不作为报告错误）"
        out.append(f)
    for key, c in doubtful.items():
        alt = located.get(key)
        where = f"（{c.at}）" if c.at else ""
        fix = f"；若为 {alt}，各项勾稽关系均成立" if alt is not None else ""
        out.append(Finding(
            rule="OCR", name="OCR reading doubt", category="parse", status=Status.UNCERTAIN,
            subject=f"{c.table} {c.row} · {c.column}",
            message=f"OCR 识别为 {c.printed}{where}，置信度 {c.confidence:.2f}，与勾稽关系不符{fix}；请核对原件",
            expected=alt, actual=c.value, cells=[c], lines=[c.line] if c.line else [],
        ))
    return out
