"""What the report page shows, computed from the report document: table grids with each cell's state
(failing, inferred, corrected), findings with their source lines, and the source text cut at the spans."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from service.server.analysis import TABLE_KEYS, TABLE_NAMES

STATUS_LABELS = {"PASS": "通过", "FAIL": "不通过", "UNCERTAIN": "无法判断", "WARN": "提示", "INFO": "信息"}
REVIEW_LABELS = {"pending": "待定", "confirmed": "已确认", "dismissed": "已驳回"}


@dataclass
class CellView:
    table: str
    row: str
    column: int
    text: str
    classes: list[str] = field(default_factory=list)
    title: str = ""
    line: int | None = None


@dataclass
class RowView:
    key: str
    label: str
    cells: list[CellView]


@dataclass
class TableView:
    key: str
    name: str
    columns: list[str]
    rows: list[RowView]
    found: bool
    uniform: bool  # every row has the table's columns (表二 rows have their own)


def _fmt(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def failing_cells(findings: list[dict[str, Any]]) -> set[tuple[str, str, str]]:
    """(table name, row label, column label) of every cell a report FAIL cites."""
    return {(c["table"], c["row"], c["column"]) for f in findings if f["status"] == "FAIL" and f.get("category") == "report"
            for c in f.get("cells") or []}


def tables_view(document: dict[str, Any], corrections: list[dict[str, Any]]) -> list[TableView]:
    tables = document.get("tables") or {}
    failing = failing_cells(document.get("findings") or [])
    fixed = {(c["table"], c["row"], c["column"]): c for c in corrections}
    out = []
    for key in TABLE_KEYS:
        t = tables.get(key)
        if not t:
            continue
        name = t.get("name") or TABLE_NAMES[key]
        rows = []
        uniform = True
        for rkey, r in (t.get("rows") or {}).items():
            columns = r.get("columns") or t["columns"]
            uniform = uniform and r.get("columns") in (None, t["columns"])
            cells = []
            for i, c in enumerate(r["cells"]):
                col = columns[i] if i < len(columns) else str(i)
                classes, notes = [], []
                if (name, r["label"], col) in failing:
                    classes.append("fail")
                    notes.append("审核不通过的单元格")
                if c.get("inferred_from"):
                    classes.append("inferred")
                    notes.append("未印出，由勾稽关系推定：" + c["inferred_from"])
                if c.get("kind") not in ("number", None):
                    notes.append(f"原文：{c.get('printed') or c.get('kind')}")
                fix = fixed.get((key, rkey, i))
                if fix is not None:
                    classes.append("corrected")
                    notes.append(f"已更正（原解析值 {_fmt(fix['parsed'].get('value')) or '空'}）：{fix['reason']} — {fix['reviewer']}")
                text = _fmt(c.get("value"))
                if c.get("value") is None and c.get("printed"):
                    text = c["printed"]
                cells.append(CellView(key, rkey, i, text, classes, "；".join(notes), c.get("line")))
            rows.append(RowView(rkey, r.get("printed_label") or r["label"], cells))
        out.append(TableView(key, name, t["columns"], rows, bool(t.get("found")), uniform))
    return out


def source_lines(text: str, numbers: list[int], context: int = 0) -> list[tuple[int, str]]:
    """The numbered lines (1-based) a finding cites."""
    lines = text.splitlines()
    picked = sorted({n + d for n in numbers for d in range(-context, context + 1) if 1 <= n + d <= len(lines)})
    return [(n, lines[n - 1]) for n in picked]


@dataclass
class Segment:
    text: str
    kind: str | None = None  # fail | cell | item
    title: str = ""


def spans_of(document: dict[str, Any]) -> list[tuple[int, int, str, str]]:
    """(start, end, kind, title): cells cited by failing findings, every printed cell, narrative items."""
    spans: list[tuple[int, int, str, str]] = []
    tables = document.get("tables") or {}
    failing = failing_cells(document.get("findings") or [])
    for key in TABLE_KEYS:
        t = tables.get(key) or {}
        name = t.get("name") or TABLE_NAMES[key]
        for r in (t.get("rows") or {}).values():
            columns = r.get("columns") or t.get("columns") or []
            for i, c in enumerate(r["cells"]):
                if c.get("span"):
                    col = columns[i] if i < len(columns) else str(i)
                    kind = "fail" if (name, r["label"], col) in failing else "cell"
                    spans.append((c["span"][0], c["span"][1], kind, f"{name} {r['label']} {col}"))
    narrative = document.get("narrative") or {}
    for group, label in (("problems", "问题"), ("measures", "措施")):
        for item in narrative.get(group) or []:
            if item.get("span"):
                spans.append((item["span"][0], item["span"][1], "item", f"{label}：{item.get('category') or ''}"))
    return spans


def segments(text: str, spans: list[tuple[int, int, str, str]]) -> list[Segment]:
    """The text cut into plain and highlighted pieces (overlapping spans: the first to start wins)."""
    out: list[Segment] = []
    pos = 0
    rank = {"fail": 0, "cell": 1, "item": 2}
    for start, end, kind, title in sorted(spans, key=lambda s: (s[0], rank[s[2]])):
        start, end = max(start, pos), min(end, len(text))
        if end <= start:
            continue
        if start > pos:
            out.append(Segment(text[pos:start]))
        out.append(Segment(text[start:end], kind, title))
        pos = end
    if pos < len(text):
        out.append(Segment(text[pos:]))
    return out
