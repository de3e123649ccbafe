"""Row labels printed apart from their numbers: a block of labels, then bare rows of numbers.

表二's rows carry no enumerators; their labels are counted by the row names themselves (规章,
行政规范性文件, 行政许可 …, of either format).

PDF-to-text of a ruled table often emits the label cells of several rows together (some run into one
line: ``（四）无法提供1.本机关不掌握相关政府信息2.没有现成信息需要另行制作``) and then the rows of
numbers with no label. The labels of such a block are counted by their enumerators (一、 （一） 1.),
a group heading (one followed by a deeper enumerator: 三、本年度办理结果, （三）不予公开) not being a
row. The bare rows take the labels by order only when the counts agree; otherwise no row of the run
is read (its cells stay unknown and the table UNCERTAIN): a number under the wrong label is the one
thing the product must never print.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from service.reading.normalize import compact
from service.tables.layout import T2_ROWS_2019, T2_ROWS_2021, T3_ROWS
from service.tables.matching import RowSpec

# Folded text: brackets are ASCII. Level 0: 一、 · level 1: (一) · level 2: 1. 1、 (1) ①.
_ENUM_RE = re.compile(
    r"(?P<l0>[一二三四五六七八九十]、)|(?P<l1>\([一二三四五六七八九十]\))"
    r"|(?P<l2>(?<![\d.])\d{1,2}[.、](?!\d)|\(\d{1,2}\)|[①②③④⑤⑥⑦⑧⑨⑩])"
)
#: Share of a row's distinctive bigrams a piece must hold to be taken for that row's label.
MIN_RESEMBLANCE = 0.6


def _bigrams(t: str) -> set[str]:
    return {t[i : i + 2] for i in range(len(t) - 1)} if len(t) > 1 else {t}


def _resembles(piece: str, specs: tuple[RowSpec, ...]) -> bool:
    have = _bigrams(compact(piece))
    return any(want and len(want & have) / len(want) >= MIN_RESEMBLANCE for want in _wanted(specs))


@lru_cache(maxsize=8)
def _wanted(specs: tuple[RowSpec, ...]) -> tuple[set[str], ...]:
    return tuple(_bigrams(compact(sp.core)) for sp in specs)


def row_labels(text: str, specs: Sequence[RowSpec] = T3_ROWS) -> list[str]:
    """The row labels in a block of label text, in order (group headings and other text left out)."""
    return list(_row_labels(text, tuple(specs)))


@lru_cache(maxsize=1024)
def _row_labels(text: str, specs: tuple[RowSpec, ...]) -> tuple[str, ...]:
    marks = [(m.start(), 0 if m.group("l0") else 1 if m.group("l1") else 2) for m in _ENUM_RE.finditer(text)]
    out: list[str] = []
    for i, (start, level) in enumerate(marks):
        end = marks[i + 1][0] if i + 1 < len(marks) else len(text)
        if i + 1 < len(marks) and marks[i + 1][1] > level:
            continue  # a group heading: its rows follow with deeper enumerators
        piece = text[start:end]
        if _resembles(piece, specs):
            out.append(piece)
    return tuple(out)


#: 表二's row names of both formats, longest first (规范性文件 inside 行政规范性文件 counts once).
_T2_NAMES_RE = re.compile("|".join(sorted({re.escape(compact(sp.core)) for sp, _cols in (*T2_ROWS_2021, *T2_ROWS_2019)},
                                          key=len, reverse=True)))


def t2_row_labels(text: str) -> list[str]:
    """表二's row labels in a block of label text, in order."""
    return _T2_NAMES_RE.findall(compact(text))
