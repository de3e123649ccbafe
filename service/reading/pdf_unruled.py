"""Tables without vertical rules (rows ruled, or 三线表) whose cells are centred vertically.

In such a table a number wrapped in a narrow cell takes two lines centred on the row's middle, around
the row's one-line values, so the row's text lines interleave and cannot be read line by line. The
table is rebuilt as a grid instead: value columns from the white gaps between the numbers (an
x-range no number crosses), rows from the vertical centres of the cells (each cell of a row is
centred on the same line), wrapped numbers from cells whose first line is full. Whatever cannot be
explained this way (a number on no row, a label not centred on its row, two readings) makes the
whole table fall back to text lines: a wrong number must never come out.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from itertools import pairwise
from statistics import median
from typing import Any

from service.reading.layout import RawCell, RawTable

_log = logging.getLogger(__name__)

Char = dict[str, Any]
Rule = dict[str, Any]

_NUMBER_RE = re.compile(r"^(?:\d[\d,]*(?:\.\d+)?|[/／]|[-—–－]{1,2})$")
_ENUM_START_RE = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十\d]+[)）]|\d+[、.．](?!\d))")
_ROW_TOL = 0.35  # line heights: centres closer than this are one row's


@dataclass(slots=True)
class _Run:
    """Characters of one visual line, without a wide gap."""

    chars: list[Char]
    x0: float
    x1: float
    top: float
    bottom: float
    text: str

    @property
    def y(self) -> float:
        return (self.top + self.bottom) / 2


def _run(chars: list[Char]) -> _Run:
    return _Run(chars, chars[0]["x0"], chars[-1]["x1"], min(c["top"] for c in chars),
                max(c["bottom"] for c in chars), "".join(c["text"] for c in chars))


def _split(line: list[Char], gap: float) -> list[_Run]:
    """A line's runs of characters separated by more than ``gap`` font sizes."""
    out: list[list[Char]] = []
    for c in line:
        if out and c["x0"] - out[-1][-1]["x1"] <= gap * max(c["size"], out[-1][-1]["size"], 1.0):
            out[-1].append(c)
        else:
            out.append([c])
    return [_run(r) for r in out]


def _values(line: list[Char]) -> tuple[list[_Run], list[Char]]:
    """A line's values standing apart (a number, "/" or a dash with white on both sides), and the rest."""
    runs = _split(line, 0.3)
    vals: list[_Run] = []
    rest: list[Char] = []
    for i, r in enumerate(runs):
        size = max(c["size"] for c in r.chars)
        apart = ((i == 0 or r.x0 - runs[i - 1].x1 > 0.6 * size)
                 and (i == len(runs) - 1 or runs[i + 1].x0 - r.x1 > 0.6 * size))
        if apart and _NUMBER_RE.match(r.text):
            vals.append(r)
        else:
            rest.extend(r.chars)
    return vals, rest


@dataclass(slots=True)
class UnruledTable:
    top: float
    bottom: float
    x0: float
    x1: float
    rows: RawTable
    xs: list[list[tuple[float, float]]]
    cols: list[float]


def find_unruled(lines: list[list[Char]], rules: list[Rule], page_height: float
                 ) -> tuple[list[UnruledTable], list[list[Char]]]:
    """Tables rebuilt from a page's free lines (sorted top to bottom); the lines not in them."""
    if len(lines) < 3:
        return [], lines
    heights = [c["bottom"] - c["top"] for ln in lines for c in ln]
    h = median(heights) if heights else 10.0
    # Runs of lines set close together (a table's lines follow at single spacing, without paragraph gaps).
    runs: list[list[int]] = [[0]]
    for i in range(1, len(lines)):
        prev_bottom = max(c["bottom"] for c in lines[i - 1])
        if min(c["top"] for c in lines[i]) - prev_bottom > 0.9 * h:
            runs.append([i])
        else:
            runs[-1].append(i)
    tables: list[UnruledTable] = []
    used: set[int] = set()

    def at_end_page(k: int) -> bool:
        """Only the page's footer (if anything) comes after run k."""
        return all(min(c["top"] for c in lines[i]) > 0.85 * page_height for later in runs[k + 1:] for i in later)

    for k, run in enumerate(runs):
        if sum(1 for i in run if len(_values(lines[i])[0]) >= 2) < 2:
            continue
        top = min(c["top"] for c in lines[run[0]])
        bottom = max(c["bottom"] for c in lines[run[-1]])
        x0 = min(c["x0"] for i in run for c in lines[i])
        x1 = max(c["x1"] for i in run for c in lines[i])
        inside = [r for r in rules if top - h <= r["top"] <= bottom + h and r["x0"] < x1 and r["x1"] > x0]
        keep = list(run)
        if inside:
            first = min(r["top"] for r in inside)
            last = max(r["top"] for r in inside)
            at_top = k == 0
            at_end = at_end_page(k)
            keep = [i for i in run if (at_top or _mid(lines[i]) > first) and (at_end or _mid(lines[i]) < last)]
        if len(keep) < 2 or not any(_values(lines[i])[0] for i in keep):
            continue
        # A table running on past the page end: its last row may be cut, its cells then set from the top.
        open_end = at_end_page(k) and keep[-1] == run[-1] and not any(
            r["top"] > _mid(lines[run[-1]]) for r in inside)
        table = _build([lines[i] for i in keep], inside, open_end)
        if table is not None:
            tables.append(table)
            used.update(keep)
    return tables, [ln for i, ln in enumerate(lines) if i not in used]


def _mid(line: list[Char]) -> float:
    return (min(c["top"] for c in line) + max(c["bottom"] for c in line)) / 2


@dataclass(slots=True)
class _Column:
    x0: float
    x1: float
    runs: list[_Run] = field(default_factory=list)

    @property
    def centre(self) -> float:
        return (self.x0 + self.x1) / 2


@dataclass(slots=True)
class _Block:
    """Label text: fragments one under the other in one cell."""

    runs: list[_Run]

    @property
    def top(self) -> float:
        return self.runs[0].top

    @property
    def bottom(self) -> float:
        return self.runs[-1].bottom

    @property
    def x0(self) -> float:
        return min(r.x0 for r in self.runs)

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


def _columns(vals: list[_Run]) -> tuple[list[_Column], list[_Run]] | None:
    """Value columns: numbers that overlap horizontally, narrowest first; a number over several
    columns is a merged cell (returned apart)."""
    cols: list[_Column] = []
    spanning: list[_Run] = []
    for r in sorted(vals, key=lambda r: r.x1 - r.x0):
        hit = [c for c in cols if r.x0 < c.x1 + 0.5 and r.x1 > c.x0 - 0.5]
        if not hit:
            cols.append(_Column(r.x0, r.x1, [r]))
        elif len(hit) == 1:
            c = hit[0]
            c.x0, c.x1 = min(c.x0, r.x0), max(c.x1, r.x1)
            c.runs.append(r)
        else:
            spanning.append(r)
    cols.sort(key=lambda c: c.x0)
    for a, b in pairwise(cols):
        if b.x0 < a.x1 + 0.5:
            _log.debug("unruled table not rebuilt: %s", "value columns run into each other")
            return None
    return cols, spanning


def _covers(rule: Rule, x0: float, x1: float) -> bool:
    return rule["x0"] <= x0 + 1 and rule["x1"] >= x1 - 1


def _ruled_between(rules: list[Rule], a: _Run, b: _Run) -> bool:
    """Is there a rule under run a and over run b across their width (a row boundary)?"""
    lo, hi = min(a.x0, b.x0), max(a.x1, b.x1)
    return any(a.y < r["top"] < b.y and _covers(r, lo, hi) for r in rules)


def _build(lines: list[list[Char]], rules: list[Rule], open_end: bool) -> UnruledTable | None:
    chars = [c for ln in lines for c in ln]
    h = median(c["bottom"] - c["top"] for c in chars)
    size = median(c["size"] for c in chars)
    vals: list[_Run] = []
    rests: list[list[Char]] = []
    for ln in lines:
        v, rc = _values(ln)
        vals.extend(v)
        rests.append(rc)
    found = _columns(vals)
    if found is None or len(found[0]) < 1:
        _log.debug("unruled table not rebuilt: %s", "no value columns")
        return None
    cols, spanning = found
    tol = _ROW_TOL * h

    # Rows: a value alone on its line (not the start or end of a wrapped number) is on its row's middle.
    # A number wrapped when its first line and the next digit are wider than any number of the column
    # and than half the column's pitch (a cell fits more than a digit or two).
    pitch = [min([abs(c.centre - d.centre) for d in cols if d is not c] or [c.x1 - c.x0 + 4 * size]) for c in cols]

    def wraps(ci: int, a: _Run, b: _Run) -> bool:
        col = cols[ci]
        widest = max(r.x1 - r.x0 for r in col.runs)
        need = (a.x1 - a.x0) + b.chars[0]["x1"] - b.chars[0]["x0"]
        return (a.text[-1].isdigit() and b.text[0].isdigit() and 0 <= b.top - a.top <= 2.0 * h
                and need > widest + 0.5 and need > 0.5 * pitch[ci] and not _ruled_between(rules, a, b))

    links: list[list[bool]] = []
    for ci, col in enumerate(cols):
        col.runs.sort(key=lambda r: r.top)
        links.append([wraps(ci, a, b) for a, b in zip(col.runs, col.runs[1:], strict=False)])
    centres: list[float] = [r.y for r in spanning]
    for col, lk in zip(cols, links, strict=True):
        for i, r in enumerate(col.runs):
            if not (i > 0 and lk[i - 1]) and not (i < len(lk) and lk[i]):
                centres.append(r.y)
    rows_y = _cluster(centres, tol)
    if not rows_y:
        _log.debug("unruled table not rebuilt: %s", "no row holds a value alone")
        return None

    def row_of(y: float) -> int | None:
        k = min(range(len(rows_y)), key=lambda k: abs(rows_y[k] - y))
        return k if abs(rows_y[k] - y) <= tol else None

    def seg_row(seg: list[_Run]) -> int | None:
        """The row a cell's lines are centred on (a row cut by the page end: its first line's row)."""
        k = row_of((seg[0].top + seg[-1].bottom) / 2)
        if k is None and open_end and row_of(seg[0].y) == len(rows_y) - 1:
            k = len(rows_y) - 1
        return k

    # Each column's values: one reading only, each piece on a row's middle.
    cells: dict[tuple[int, int], str] = {}
    extent: list[tuple[float, float]] = [(y, y) for y in rows_y]
    for ci, (col, lk) in enumerate(zip(cols, links, strict=True)):
        ways = _partitions(col.runs, lk, seg_row)
        if len(ways) != 1:
            _log.debug("unruled table not rebuilt: %s", "a column's values fit the rows in no single way")
            return None
        for seg in ways[0]:
            k = seg_row(seg)
            assert k is not None
            cells[(k, ci)] = "".join(r.text for r in seg)
            extent[k] = (min(extent[k][0], seg[0].top), max(extent[k][1], seg[-1].bottom))
    span_cells: dict[int, tuple[int, int, str]] = {}
    for r in spanning:
        k = row_of(r.y)
        hit = [ci for ci, c in enumerate(cols) if r.x0 < c.x1 and r.x1 > c.x0]
        if k is None or k in span_cells or any((k, ci) in cells for ci in hit):
            _log.debug("unruled table not rebuilt: %s", "a merged value on no row, or beside other values")
            return None
        span_cells[k] = (hit[0], len(hit), r.text)
        extent[k] = (min(extent[k][0], r.top), max(extent[k][1], r.bottom))

    # Labels: fragments left of the first value column, in blocks (one cell's lines).
    # (A line running on into the value columns is a title or header, and so is a line with text over them.)
    edge = cols[0].x0 - 0.3 * size
    label_chars: list[Char] = []
    other: list[Char] = []
    for rc in rests:
        if any(f.x1 > edge for f in _split(rc, 0.8)):
            other.extend(rc)
        else:
            label_chars.extend(rc)
    blocks = _blocks(label_chars, rules, h)
    labels: dict[int, list[_Block]] = {}
    spans: list[tuple[_Block, list[int]]] = []
    loose: list[_Run] = []
    values_at = list(extent)

    def hits(top: float, bottom: float) -> list[int]:
        """The value rows whose values lie beside the range top–bottom."""
        return [k for k, (a, b) in enumerate(values_at) if top < b - 0.2 * h and bottom > a + 0.2 * h]

    def row_labels(runs: list[_Run], rows: list[int]) -> list[tuple[int, int, int]] | None:
        """Cut a block into a label centred on each of the rows, with nothing else beside a value row."""
        out: list[tuple[int, int, int]] = []
        start = 0
        for k in rows:
            seg = _centred(runs, start, rows_y[k], tol, open_end and k == len(rows_y) - 1)
            if seg is None:
                return None
            i, j = seg
            if any(hits(r.top, r.bottom) for r in runs[start:i]):
                return None
            out.append((k, i, j))
            start = j + 1
        if any(hits(r.top, r.bottom) for r in runs[start:]):
            return None
        return out

    cuts: dict[int, list[tuple[int, int, int]]] = {}  # block index: its labels as (row, first, last)
    groups: list[int] = []
    apart: list[int] = []  # blocks beside no value
    for n, b in enumerate(blocks):
        inside = hits(b.top, b.bottom)
        if not inside:
            apart.append(n)
            continue
        cut = row_labels(b.runs, inside)
        if cut is None:
            groups.append(n)
        else:
            cuts[n] = cut

    def overlaps(a0: float, a1: float, b0: float, b1: float) -> bool:
        return a0 < b1 - 0.2 * h and a1 > b0 + 0.2 * h

    # A block whose other lines would lie beside another row's label is a group's label (a cell spanning
    # rows, set beside the labels of its rows), not a row's own.
    while True:
        lparts = [(n, k, b.runs[i].top, b.runs[j].bottom) for n, cut in cuts.items() for k, i, j in cut
                 for b in (blocks[n],)]
        reach = [(min([a] + [p[2] for p in lparts if p[1] == k]), max([e] + [p[3] for p in lparts if p[1] == k]))
                for k, (a, e) in enumerate(values_at)]
        wrong = [n for n, cut in cuts.items()
                 if any(overlaps(r.top, r.bottom, *reach[k]) for i, r in enumerate(blocks[n].runs)
                        if not any(ci <= i <= cj for _, ci, cj in cut) for k in range(len(rows_y)))]
        if not wrong:
            break
        for n in wrong:
            del cuts[n]
            groups.append(n)
    for n in apart:
        b = blocks[n]
        if any(overlaps(b.top, b.bottom, *e) for e in reach):
            groups.append(n)
        else:
            loose.extend(b.runs)
    for n in groups:
        b = blocks[n]
        inside = [k for k in range(len(rows_y)) if overlaps(b.top, b.bottom, *reach[k])]
        beside = [p for p in lparts if p[0] != n and overlaps(b.top, b.bottom, p[2], p[3])]
        crossed = any(b.top < r["top"] < b.bottom and r["x0"] <= cols[0].x0 and r["x1"] >= cols[-1].x1
                      for r in rules)  # a rule between value rows runs through the block
        right = all(min(blocks[p[0]].runs[i].x0 for i in range(len(blocks[p[0]].runs))) > b.x0 for p in beside)
        if not inside or not (crossed or (beside and right)):
            _log.debug("unruled table not rebuilt: %s", "a label centred on no row")
            return None
        spans.append((b, inside))
    for n, cut in cuts.items():
        b = blocks[n]
        taken: set[int] = set()
        for k, i, j in cut:
            part = _Block(b.runs[i:j + 1])
            labels.setdefault(k, []).append(part)
            extent[k] = (min(extent[k][0], part.top), max(extent[k][1], part.bottom))
            taken.update(range(i, j + 1))
        loose.extend(r for i, r in enumerate(b.runs) if i not in taken)

    # What is left (headers, titles of bands) goes in rows of its own, line by line, between value rows.
    loose_lines = _lines([c for r in loose for c in r.chars] + other)
    for ln in loose_lines:
        y0, y1 = min(c["top"] for c in ln), max(c["bottom"] for c in ln)
        if any(y0 < b - 0.2 * h and y1 > a + 0.2 * h for a, b in extent):
            _log.debug("unruled table not rebuilt: %s", "text beside a row's values that is neither a value nor its label")
            return None

    bounds = [cols[0].x0 - 0.5 * size] + [(a.x1 + b.x0) / 2 for a, b in pairwise(cols)]
    bounds.append(cols[-1].x1 + 0.5 * size)
    x0 = min(c["x0"] for c in chars)
    x1 = max(c["x1"] for c in chars)
    slots = [(max(x0, bounds[0]) if i == 0 else bounds[i], bounds[i + 1]) for i in range(len(cols))]
    slots[-1] = (slots[-1][0], max(slots[-1][1], x1))
    label_x = (x0, slots[0][0])

    def slot_of(cx: float) -> int:
        return min(range(len(slots)), key=lambda i: 0.0 if slots[i][0] <= cx <= slots[i][1]
                   else min(abs(cx - slots[i][0]), abs(cx - slots[i][1])))

    items: list[tuple[float, list[RawCell], list[tuple[float, float]]]] = []
    for ln in loose_lines:
        texts = [""] * (len(slots) + 1)  # the label, then the value columns
        for f in _split(ln, 0.8):  # a header or title: each of its pieces whole, where its middle is
            cx = (f.x0 + f.x1) / 2
            texts[0 if cx < edge else 1 + slot_of(cx)] += f.text
        row = [RawCell(t) for t in texts]
        items.append((_mid(ln), row, [label_x, *slots]))
    for k, y in enumerate(rows_y):
        row = [RawCell(b.text) for b in sorted(labels.get(k, []), key=lambda b: b.x0)] or [RawCell("")]
        xs = [label_x] * len(row)
        ci = 0
        while ci < len(cols):
            if k in span_cells and span_cells[k][0] == ci:
                first, n, text = span_cells[k]
                row.append(RawCell(text, 1, n))
                xs.append((slots[first][0], slots[first + n - 1][1]))
                ci += n
                continue
            row.append(RawCell(cells.get((k, ci), "")))
            xs.append(slots[ci])
            ci += 1
        # A row's only value: one merged cell over the value columns (a merged cell's value may stand
        # under any of them); nothing after a row's last value: a merged cell set to the left.
        filled = [i for i, c in enumerate(row) if c.text and i >= len(row) - len(cols)]
        if k not in span_cells and len(cols) > 1 and len(filled) == 1 and len(row) >= len(cols):
            first = len(row) - len(cols)
            i = filled[0]
            row[first:] = [RawCell(row[i].text, 1, len(cols))]
            xs[first:] = [(slots[0][0], slots[-1][1])]
        last = max(i for i, c in enumerate(row) if c.text)
        if last < len(row) - 1 and _NUMBER_RE.match(row[last].text):
            row[last] = RawCell(row[last].text, 1, row[last].colspan + sum(c.colspan for c in row[last + 1:]))
            xs[last] = (xs[last][0], xs[-1][1])
            del row[last + 1:], xs[last + 1:]
        items.append((y, row, xs))
    items.sort(key=lambda it: it[0])
    ys = [it[0] for it in items]
    for b, inside in spans:
        first_row = min(range(len(items)), key=lambda i: abs(ys[i] - rows_y[inside[0]]))
        n = sum(1 for y in ys if b.top - 0.1 * h <= y <= b.bottom + 0.1 * h)
        items[first_row][1].insert(0, RawCell(b.text, max(1, n)))
        items[first_row][2].insert(0, label_x)
    top = min(c["top"] for c in chars)
    bottom = max(c["bottom"] for c in chars)
    across = [r for r in rules if r["x0"] <= cols[0].x0 and r["x1"] >= cols[-1].x1]
    if across:  # the table's edges: its rules (the text may not reach them)
        x0, x1 = min(r["x0"] for r in across), max(r["x1"] for r in across)
    return UnruledTable(top, bottom, x0, x1, [it[1] for it in items], [it[2] for it in items],
                        [round(c.centre, 1) for c in cols])


def _cluster(values: list[float], tol: float) -> list[float]:
    groups: list[list[float]] = []
    for v in sorted(values):
        if groups and v - groups[-1][0] <= tol:
            groups[-1].append(v)
        else:
            groups.append([v])
    return [sum(g) / len(g) for g in groups]


def _partitions(runs: list[_Run], links: list[bool], row_of: Any) -> list[list[list[_Run]]]:
    """The ways to cut a column's values into cells of 1–3 lines joined by wraps, each centred on a
    row's middle and each row used once (at most two ways are looked for)."""
    out: list[list[list[_Run]]] = []

    def go(i: int, acc: list[list[_Run]], rows: set[int]) -> None:
        if len(out) > 1:
            return
        if i == len(runs):
            out.append(list(acc))
            return
        for n in (1, 2, 3):
            if i + n > len(runs) or not all(links[i:i + n - 1]):
                break
            seg = runs[i:i + n]
            k = row_of(seg)
            if k is None or k in rows:
                continue
            acc.append(seg)
            rows.add(k)
            go(i + n, acc, rows)
            acc.pop()
            rows.discard(k)

    go(0, [], set())
    return out


def _centred(runs: list[_Run], start: int, y: float, tol: float, cut: bool) -> tuple[int, int] | None:
    """The most lines of a block (from ``start``) that are centred on y (a label centred in its row),
    as (first, last); in a row cut by the page end, the lines from the one on y down."""
    if cut:
        first = next((i for i in range(start, len(runs)) if abs(runs[i].y - y) <= tol), None)
        if first is not None:
            return first, len(runs) - 1
    best: tuple[int, int] | None = None
    for i in range(start, len(runs)):
        for j in range(i, len(runs)):
            if abs((runs[i].top + runs[j].bottom) / 2 - y) <= tol and (best is None or j - i > best[1] - best[0]):
                best = (i, j)
    return best


def _lines(chars: list[Char]) -> list[list[Char]]:
    """Group characters into visual lines by vertical overlap, each left to right."""
    out: list[list[Char]] = []
    for c in sorted(chars, key=lambda c: (c["top"], c["x0"])):
        if out:
            last = out[-1]
            top, bottom = min(d["top"] for d in last), max(d["bottom"] for d in last)
            if min(bottom, c["bottom"]) - max(top, c["top"]) >= 0.5 * min(c["bottom"] - c["top"], bottom - top):
                last.append(c)
                continue
        out.append([c])
    for ln in out:
        ln.sort(key=lambda c: c["x0"])
    return out


def _blocks(chars: list[Char], rules: list[Rule], h: float) -> list[_Block]:
    """Label fragments stacked into blocks: a fragment goes on the block above it that it overlaps
    horizontally, unless a rule lies between or it starts a numbered item."""
    frags = [r for ln in _lines(chars) for r in _split(ln, 0.8)]
    blocks: list[_Block] = []
    for f in frags:
        best: _Block | None = None
        best_overlap = 0.0
        if not _ENUM_START_RE.match(f.text):
            for b in blocks:
                last = b.runs[-1]
                overlap = min(last.x1, f.x1) - max(last.x0, f.x0)
                if (overlap > best_overlap and -0.3 * h <= f.top - last.bottom <= 0.9 * h
                        and not _ruled_between(rules, last, f)):
                    best, best_overlap = b, overlap
        if best is None:
            blocks.append(_Block([f]))
        else:
            best.runs.append(f)
    return blocks
