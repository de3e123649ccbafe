"""Point at the one printed cell that explains every failing relation of a table, when there is one.

A single wrong cell in 表三 breaks its row (C4) and its column (C1 or C3); the cell both share is
the likely culprit, and the value that would satisfy them is what the unit probably meant.
"""

from __future__ import annotations

from fractions import Fraction

from service.checks.evidence import ref
from service.checks.model import Finding, Status, finding
from service.tables import table3 as t3mod
from service.tables import table4 as t4mod
from service.tables.layout import T4_GROUPS
from service.tables.model import CellKind, Table
from service.tables.solver import CellId, Equation


def _value(table: Table, cell: CellId) -> Fraction | int | None:
    key, col = cell
    v = table.value(key, col)
    if v is None or isinstance(v, int):
        return v
    return Fraction(str(v))


def _broken(table: Table, eqs: list[Equation]) -> tuple[list[Equation], list[Equation]]:
    """(failing, passing) equations whose operands are all known."""
    bad: list[Equation] = []
    good: list[Equation] = []
    for eq in eqs:
        vals = [_value(table, c) for c, _ in eq.terms]
        if any(v is None for v in vals):
            continue
        total = sum(coef * v for (_, coef), v in zip(eq.terms, vals, strict=True) if v is not None)
        (bad if total != 0 else good).append(eq)
    return bad, good


def locate(table: Table, eqs: list[Equation]) -> list[Finding]:
    bad, _ = _broken(table, eqs)
    if not bad:
        return []
    common = set.intersection(*({c for c, _ in eq.terms} for eq in bad))
    suggestions: list[tuple[CellId, Fraction | int]] = []
    for cell in sorted(common):
        c = table.cell(*cell)
        if c is None or c.kind is not CellKind.NUMBER:
            continue
        wanted: set[Fraction | int] = set()
        for eq in bad:
            coef = dict(eq.terms)[cell]
            rest = sum(k * (_value(table, x) or 0) for x, k in eq.terms if x != cell)
            wanted.add(-rest * coef if coef in (1, -1) else Fraction(-rest, coef))
        if len(wanted) != 1:
            continue
        w = wanted.pop()
        if w < 0 or (isinstance(w, Fraction) and w.denominator != 1):
            continue
        # With the suggested value every relation through this cell must hold.
        ok = True
        for eq in eqs:
            if cell not in dict(eq.terms):
                continue
            vals = [(w if x == cell else _value(table, x)) for x, _ in eq.terms]
            if any(v is None for v in vals):
                continue
            if sum(k * v for (_, k), v in zip(eq.terms, vals, strict=True) if v is not None) != 0:
                ok = False
                break
        if ok:
            suggestions.append((cell, w))
    if len(suggestions) != 1:
        return []
    (key, col), w = suggestions[0]
    r = ref(table, key, col)
    rules = sorted({eq.name.split()[0] for eq in bad})
    return [finding(
        rule="LOCATE", name="the cell that explains the failing relations", status=Status.FAIL, subject=f"{table.name} {r.row} · {r.column}",
        message=(f"一个印出数值可解释全部 {len(bad)} 项不成立的关系（{'、'.join(rules)}）："
                 f"{r.row} · {r.column} 印为 {r.printed}，若为 {int(w)} 则各项关系均成立"),
        expected=int(w), actual=r.value, cells=[r], lines=[r.line] if r.line else [],
    )]


def locate_all(t3: Table, t4: Table) -> list[Finding]:
    keys = list(t3.rows.keys())
    merged = "other_processing" in t3.rows and "other_no_correction" in t3.rows
    out = locate(t3, t3mod.equations(keys, merged))
    # 表四's equations address a flat 15-cell row; map them onto the three groups.
    eqs4 = [Equation(eq.name, tuple(((T4_GROUPS[i // 5], i % 5), k) for (_, i), k in eq.terms)) for eq in t4mod.equations()]
    out += locate(t4, eqs4)
    return out
