"""OCR reading doubts: a relation that fails through a cell OCR was not sure of is ours to doubt, not the unit's error.

A misread digit breaks the relations through its cell exactly as a wrong number printed by the unit
would, and the recogniser can be sure of a wrong digit (a 3 read as 8 at 0.97). So a failing relation
(C1, C3, C4, C5, LOCATE) through cells that OCR read is never the unit's error on its own: it becomes
UNCERTAIN in category ``parse``, and a reading doubt (rule OCR) names the suspect cell — those read
below ``LOW_CONFIDENCE``, else the one LOCATE points at, else the least confident — with its page and
position, its confidence and, when LOCATE found the one value that makes every relation hold, that
alternative. The printed value is never replaced: a person checks the original.

表二's numbers stand in no relation, so nothing can contradict a misread one: every 表二 cell OCR read
below ``LOW_CONFIDENCE`` is a reading doubt of its own.
"""

from __future__ import annotations

from service.checks.evidence import ref
from service.checks.model import CellRef, Finding, Status, finding
from service.reading.ocr import LOW_CONFIDENCE
from service.tables.model import Table

_RELATIONS = ("C1", "C3", "C4", "C5", "LOCATE")
_FAIL = Status.FAIL  # looked up once: on Python 3.11 an Enum class's attribute costs ten times a global name


def _doubtful(c: CellRef) -> bool:
    return c.confidence is not None and c.confidence < LOW_CONFIDENCE


def _key(c: CellRef) -> tuple[str, str, str]:
    return (c.table, c.row, c.column)


def unchecked_doubts(table2: Table) -> list[Finding]:
    """A reading doubt for each 表二 cell read by OCR below LOW_CONFIDENCE (no relation can check it)."""
    out: list[Finding] = []
    for key, row in table2.rows.items():
        for col, cell in enumerate(row.cells):
            if cell.value is None or cell.confidence is None or cell.confidence >= LOW_CONFIDENCE:
                continue
            c = ref(table2, key, col)
            where = f"（{c.at}）" if c.at else ""
            out.append(finding(
                rule="OCR", name="OCR reading doubt", category="parse", status=Status.UNCERTAIN,
                subject=f"{c.table} {c.row} · {c.column}",
                message=f"OCR 识别为 {c.printed}{where}，置信度 {c.confidence:.2f}，表二没有勾稽关系可以核对；请核对原件",
                actual=c.value, cells=[c], lines=[c.line] if c.line else [],
            ))
    return out


def reading_doubts(findings: list[Finding]) -> list[Finding]:
    """The findings with failures through OCR'd cells turned into reading doubts (see module doc)."""
    failing = [f for f in findings if f.status is _FAIL and f.rule in _RELATIONS and f.category == "report"
               and any(c.confidence is not None for c in f.cells)]
    if not failing:
        return findings
    located = {_key(f.cells[0]): f.expected for f in failing if f.rule == "LOCATE" and f.cells}
    suspects: dict[tuple[str, str, str], CellRef] = {}
    for f in failing:
        read = [c for c in f.cells if c.confidence is not None]
        chosen = ([c for c in read if _doubtful(c)] or [c for c in read if _key(c) in located]
                  or [min(read, key=lambda c: c.confidence or 0.0)])
        for c in chosen:
            suspects.setdefault(_key(c), c)
    for f in failing:
        f.status = Status.UNCERTAIN
        f.category = "parse"
        f.message = f"{f.message}（所涉单元格由 OCR 识别，可能为识别错误，不作为报告错误；请核对原件）"
    out = list(findings)
    for key, c in suspects.items():
        alt = located.get(key)
        where = f"（{c.at}）" if c.at else ""
        fix = f"；若为 {alt}，各项勾稽关系均成立" if alt is not None else ""
        out.append(finding(
            rule="OCR", name="OCR reading doubt", category="parse", status=Status.UNCERTAIN,
            subject=f"{c.table} {c.row} · {c.column}",
            message=f"OCR 识别为 {c.printed}{where}，置信度 {c.confidence:.2f}，与勾稽关系不符{fix}；请核对原件",
            expected=alt, actual=c.value, cells=[c], lines=[c.line] if c.line else [],
        ))
    return out
