"""表三 收到和处理政府信息公开申请情况: 25 rows × 7 columns, with C1, C3 and C4 used to fill lost cells."""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

from service.reading.document import SourceDocument
from service.tables.build import RowInput, build_rows
from service.tables.headless import decide, settle
from service.tables.layout import T3_COLUMNS, T3_KEYS_2019, T3_KEYS_2021, T3_LABELS, T3_ROWS
from service.tables.matching import RowSpec, assign_scored
from service.tables.model import Table
from service.tables.solver import Equation
from service.tables.tokens import Unit

NCOLS = 7
_ROW_SUM = (((0, 1, 2, 3, 4, 5), 6),)  # C4 within a row: the six applicant columns add up to 总计
_SUBS = ("other_no_correction", "other_no_fee", "other_other")
#: The 2019 template has no (六) sub-rows; its single (六)其他处理 row is a full row there.
_SPECS_2019 = [replace(sp, weight=1.0) if sp.key == "other_processing" else sp for sp in T3_ROWS if sp.key not in _SUBS]


def _role(key: str) -> str:
    """What a row is to C1/C3 (rows of one role swap without changing a relation; each has its own C4)."""
    return key if key in ("total_processed", "carried_forward") else \
        "received" if key in ("new_received", "carried_over") else "outcome"


def equations(keys: list[str], merged_printed: bool) -> list[Equation]:
    """C4 per row, C1 and C3 per column; the merged (六) row ties its three sub-rows when printed alone."""
    return list(_equations(tuple(keys), merged_printed))


@lru_cache(maxsize=16)
def _equations(keys: tuple[str, ...], merged_printed: bool) -> tuple[Equation, ...]:
    eqs: list[Equation] = []
    for key in keys:
        eqs.append(Equation(f"C4 {T3_LABELS.get(key, key)}: 总计 = 六类申请人之和",
                            tuple([((key, c), 1) for c in range(6)] + [((key, 6), -1)])))
    outcome = [k for k in keys if k not in ("new_received", "carried_over", "total_processed", "carried_forward", "other_processing")]
    if "other_processing" in keys and "other_no_correction" not in keys:
        outcome.append("other_processing")
    for c in range(NCOLS):
        col = T3_COLUMNS[c]
        eqs.append(Equation(f"C1 {col}列: 一 + 二 = (七)总计 + 四",
                            (( ("new_received", c), 1), (("carried_over", c), 1), (("total_processed", c), -1), (("carried_forward", c), -1))))
        eqs.append(Equation(f"C3 {col}列: (七)总计 = (一)…(六)各项之和",
                            tuple([(("total_processed", c), 1)] + [((k, c), -1) for k in outcome])))
        if merged_printed:
            eqs.append(Equation(f"(六)其他处理印为一行, {col}列: (六) = (六)1 + (六)2 + (六)3",
                                tuple([(("other_processing", c), 1)] + [((k, c), -1) for k in _SUBS])))
    return tuple(eqs)


def parse_table3(doc: SourceDocument, units: list[Unit], fmt: str, source: str, lines: tuple[int, int] | None) -> Table:
    """Match units to rows, then build the table. Where some rows print their label on a line of its
    own, whether it stands before or after the numbers is decided for the whole table: the reading
    whose numbers break fewer relations wins, then the one that leaves fewer bare rows with no row
    to take, then the one whose labels match better."""
    specs = _SPECS_2019 if fmt == "2019" else T3_ROWS

    def fits(u: Unit, sp: RowSpec) -> bool:
        return 0 < len(u.values) <= NCOLS

    if not any(not u.label for u in units):
        return _build_counted(doc, units, fmt, source, lines, assign_scored(units, specs, fits=fits)[0])[0]
    candidates: list[tuple[int, int, float, Table]] = []
    seen: list[dict[str, int]] = []
    built: dict[tuple[tuple[str, int], ...], tuple[Table, int]] = {}

    def build(m: dict[str, int]) -> tuple[Table, int]:
        key = tuple(sorted(m.items()))
        if key not in built:
            built[key] = _build_counted(doc, units, fmt, source, lines, m)
        return built[key]

    for side, prior in (("before", 1.0), ("after", 0.95)):  # labels are usually printed before numbers
        match, score = assign_scored(units, specs, fits=fits, side=side)
        score *= prior
        # Rows without a label of their own take only the rows their label text or position allows.
        match, stretches, excess = settle(units, specs, match, side)
        match, decided = decide(match, stretches, lambda m: build(m)[1], _role)
        if match in seen:
            continue
        seen.append(match)
        table, violations = build(match)
        table.notes += [st.note([units[i].line for i in st.units], T3_LABELS, ok) for st, ok in decided]
        candidates.append((violations, excess, -score, table))
    candidates.sort(key=lambda c: c[:3])
    return candidates[0][3]


def _build_counted(doc: SourceDocument, units: list[Unit], fmt: str, source: str, lines: tuple[int, int] | None,
                   match: dict[str, int]) -> tuple[Table, int]:
    table = Table(name="表三", source=source, lines=lines, columns=T3_COLUMNS)
    match = dict(match)
    has_subs = any(k in match for k in _SUBS)
    merged = "other_processing" in match
    if merged and has_subs:
        # A group label line matched the merged row; the sub-rows are what the table holds.
        del match["other_processing"]
        merged = False
    if fmt == "2019":
        keys = list(T3_KEYS_2019)
        merged_printed = False
    else:
        keys = list(T3_KEYS_2021)
        merged_printed = merged
        if merged:
            keys.insert(keys.index("other_no_correction"), "other_processing")
    inputs = [RowInput(k, T3_LABELS[k], NCOLS, units[match[k]] if k in match else None, groups=_ROW_SUM, relation="C4")
              for k in keys]
    result = build_rows(inputs, equations(keys, merged_printed), doc.line_of)
    table.found = bool(match)
    table.rows = result.rows
    table.notes = [n for u in units for n in u.notes] + result.notes
    table.conflicts = result.conflicts
    if merged_printed:
        table.notes.append("(六)其他处理印为一行；其三个子项尽可能由该行和勾稽关系确定")
    return table, result.violations + len(result.conflicts)
