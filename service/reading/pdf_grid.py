"""Ruled tables of a PDF page: cells with row/column spans, from the visible ruling only."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise
from typing import Any

_TOL = 2.0  # points: boundaries closer than this are one


@dataclass(frozen=True, slots=True)
class Box:
    x0: float
    top: float
    x1: float
    bottom: float

    def contains(self, x: float, y: float) -> bool:
        return self.x0 <= x <= self.x1 and self.top <= y <= self.bottom

    def distance(self, x: float, y: float) -> float:
        dx = max(self.x0 - x, 0.0, x - self.x1)
        dy = max(self.top - y, 0.0, y - self.bottom)
        return dx + dy


@dataclass(frozen=True, slots=True)
class GridCell:
    row: int
    col: int
    rowspan: int
    colspan: int
    box: Box


@dataclass(slots=True)
class Grid:
    """A table: its box and cells in reading order (row by row, left to right)."""

    bbox: Box
    cells: list[GridCell]
    nrows: int

    def cell_at(self, x: float, y: float) -> int:
        """Index of the cell holding a point (the nearest cell when the point falls on no cell)."""
        for i, c in enumerate(self.cells):
            b = c.box
            if b.x0 <= x <= b.x1 and b.top <= y <= b.bottom:
                return i
        return min(range(len(self.cells)), key=lambda i: self.cells[i].box.distance(x, y))


def _visible(color: Any) -> bool:
    """False for white (or near-white) paint: boxes some editors draw behind every text line."""
    if color is None:
        return True
    if isinstance(color, (int, float)):
        color = (color,)
    if not isinstance(color, (tuple, list)) or not color or not all(isinstance(v, (int, float)) for v in color):
        return True  # a pattern or an unknown colour space: assume it shows
    if len(color) == 1:
        lum = float(color[0])
    elif len(color) == 3:
        lum = 0.299 * color[0] + 0.587 * color[1] + 0.114 * color[2]
    elif len(color) == 4:
        c, m, y, k = color
        lum = (1 - k) * (1 - (0.299 * c + 0.587 * m + 0.114 * y))
    else:
        return True
    return lum < 0.9


def _line(x0: float, top: float, x1: float, bottom: float) -> dict[str, Any]:
    return {"object_type": "line", "x0": x0, "x1": x1, "top": top, "bottom": bottom,
            "width": x1 - x0, "height": bottom - top}


def ruling(page: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Visible horizontal and vertical rules of a page, as line objects."""
    h: list[dict[str, Any]] = []
    v: list[dict[str, Any]] = []

    def add(x0: float, top: float, x1: float, bottom: float) -> None:
        if x1 - x0 >= bottom - top:
            if x1 - x0 > _TOL:
                y = (top + bottom) / 2
                h.append(_line(x0, y, x1, y))
        elif bottom - top > _TOL:
            x = (x0 + x1) / 2
            v.append(_line(x, top, x, bottom))

    for ln in page.lines:
        if not _visible(ln.get("stroking_color")):
            continue
        if abs(ln["top"] - ln["bottom"]) <= 1 or abs(ln["x0"] - ln["x1"]) <= 1:
            add(ln["x0"], ln["top"], ln["x1"], ln["bottom"])
    for r in page.rects:
        x0, top, x1, bottom = r["x0"], r["top"], r["x1"], r["bottom"]
        if min(x1 - x0, bottom - top) <= 2.0:
            paint = r.get("non_stroking_color") if r.get("fill") else r.get("stroking_color")
            if (r.get("fill") or r.get("stroke")) and _visible(paint):
                add(x0, top, x1, bottom)  # a rule drawn as a thin rectangle
        elif r.get("stroke") and _visible(r.get("stroking_color")):
            add(x0, top, x1, top)
            add(x0, bottom, x1, bottom)
            add(x0, top, x0, bottom)
            add(x1, top, x1, bottom)
    for cv in page.curves:  # a border drawn as one polyline path
        if not (cv.get("stroke") and _visible(cv.get("stroking_color"))):
            continue
        pts = cv.get("pts") or []
        for (ax, ay), (bx, by) in pairwise(pts):
            if abs(ax - bx) <= 1 or abs(ay - by) <= 1:
                add(min(ax, bx), min(ay, by), max(ax, bx), max(ay, by))
    return h, v


def _close_boxes(h: list[dict[str, Any]], v: list[dict[str, Any]]) -> None:
    """Add the outer top/bottom rule of each group of vertical rules when it is missing or partial.

    A table continued from the previous page sometimes lacks part of its top border.
    """
    groups: list[list[dict[str, Any]]] = []
    for ln in sorted(v, key=lambda e: e["top"]):
        if groups and ln["top"] <= max(e["bottom"] for e in groups[-1]) + _TOL:
            groups[-1].append(ln)
        else:
            groups.append([ln])
    for g in groups:
        if len(g) < 2:
            continue
        x0, x1 = min(e["x0"] for e in g), max(e["x0"] for e in g)
        top, bottom = min(e["top"] for e in g), max(e["bottom"] for e in g)
        h.append(_line(x0, top, x1, top))
        h.append(_line(x0, bottom, x1, bottom))


def _cluster(values: list[float]) -> list[float]:
    out: list[float] = []
    for x in sorted(values):
        if not out or x - out[-1] > _TOL:
            out.append(x)
    return out


def _index(bounds: list[float], x: float) -> int:
    for i, b in enumerate(bounds):
        if abs(b - x) <= _TOL:
            return i
    return min(range(len(bounds)), key=lambda i: abs(bounds[i] - x))


def find_grids(page: Any, rules: tuple[list[dict[str, Any]], list[dict[str, Any]]] | None = None) -> list[Grid]:
    """The page's ruled tables with at least two columns, top to bottom (``rules``: the page's ruling)."""
    h, v = ruling(page) if rules is None else (list(rules[0]), list(rules[1]))
    if len(v) < 2 or len(h) < 1:
        return []
    _close_boxes(h, v)
    if len(h) < 2:
        return []
    settings = {
        "vertical_strategy": "explicit", "horizontal_strategy": "explicit",
        "explicit_vertical_lines": v, "explicit_horizontal_lines": h,
        "snap_tolerance": 3, "join_tolerance": 3, "intersection_tolerance": 3,
    }
    grids: list[Grid] = []
    for table in page.find_tables(settings):
        boxes = [Box(*c) for c in table.cells]
        if len(boxes) < 2:
            continue
        xs = _cluster([b.x0 for b in boxes])
        ys = _cluster([b.top for b in boxes])
        if len(xs) < 2:
            continue  # a box around text, not a table
        cells: list[GridCell] = []
        for b in boxes:
            r, c = _index(ys, b.top), _index(xs, b.x0)
            rowspan = max(1, sum(1 for y in ys if b.top - _TOL <= y < b.bottom - _TOL))
            colspan = max(1, sum(1 for x in xs if b.x0 - _TOL <= x < b.x1 - _TOL))
            cells.append(GridCell(r, c, rowspan, colspan, b))
        cells.sort(key=lambda c: (c.row, c.col))
        x0, top, x1, bottom = table.bbox
        grids.append(Grid(Box(x0, top, x1, bottom), cells, len(ys)))
    grids.sort(key=lambda g: g.bbox.top)
    return grids
