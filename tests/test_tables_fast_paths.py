"""The table reader's fast paths give what the general code they stand for gives.

Each fast path is checked against that general code (kept here as the reference, as it was before the
fast path) over every line of the bundled reports, the same lines damaged as tests/test_tables_damage.py
damages them, and random lines built from the characters the paths decide on.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from dataclasses import astuple
from functools import lru_cache

import pytest

from service.reading import read_bytes
from service.tables import tokens as tk
from service.tables.model import CellKind
from service.tables.table4 import value_runs
from service.tables.tokens import NONE_WORDS, Token
from tests._corpus import REPO, SEEDS
from tests.test_tables_damage import MUTATIONS

_TEXTS = sorted(p for d in ("eval/corpus", "tests/data") for p in (REPO / d).rglob("*")
                if p.suffix.lower() in (".txt", ".md") and p.name not in ("README.md", "SOURCES.md"))


@lru_cache(maxsize=1)
def _folded_texts() -> tuple[str, ...]:
    """The folded text of every bundled text report, and of each seed under every damage."""
    return tuple(_read_all())


def _read_all() -> Iterator[str]:
    for path in _TEXTS:
        yield read_bytes(path.read_bytes(), path.name).folded
    for path in SEEDS:
        text = path.read_text(encoding="utf-8")
        for mutate in MUTATIONS.values():
            for seed in range(3):
                damaged = mutate(text, random.Random(seed))
                data = damaged if isinstance(damaged, bytes) else damaged.encode("utf-8")
                yield read_bytes(data, path.name).folded


def _lines(folded: str) -> Iterator[tuple[int, int]]:
    start = 0
    for line in folded.split("\n"):
        yield start, start + len(line)
        start += len(line) + 1


_PIECES = ["\t", " ", "  ", "|", "0", "7", "12", "3.", "2、", "一、", "(三)", "（四）", "、", ".", "属于", "秘密",
           "行政复议", "结果", "无", "/", "-", "一一", "——", "*", "`", "_", "١٢", "\u3000", "5件", "1,234", "0.5", "x"]


def _random_lines(n: int, seed: int) -> Iterator[str]:
    rng = random.Random(seed)
    for _ in range(n):
        yield "".join(rng.choice(_PIECES) for _ in range(rng.randint(1, 24)))


# --- _row_spans: one search up to the last label character decides the lines with no row start ------------

_LAST_CJK_RE = re.compile(r"(?s:.*)[\u4e00-\u9fff]")


def _row_spans_reference(folded: str, start: int, end: int) -> list[tuple[int, int]]:
    if end - start < tk._MULTI_ROW_LINE:
        return [(start, end)]
    digit = re.compile(r"\d+").search(folded, start, end)
    last = _LAST_CJK_RE.match(folded, digit.end(), end) if digit else None
    if last is None:
        return [(start, end)]
    out: list[tuple[int, int]] = []
    a = start
    for m in tk._ROW_START_RE.finditer(folded, start, last.end()):
        b = m.end()
        if tk._CJK_RE.search(folded, a, m.start()):
            out.append((a, m.start()))
            a = b
    out.append((a, end))
    return out


def test_row_spans_equal_the_general_search() -> None:
    lines = 0
    for folded in _folded_texts():
        for s, e in _lines(folded):
            assert tk._row_spans(folded, s, e) == _row_spans_reference(folded, s, e), folded[s:e]
            lines += 1
    cut = 0
    for line in _random_lines(20_000, 1):
        folded = "\n" + line + "\n"
        got = tk._row_spans(folded, 1, len(folded) - 1)
        assert got == _row_spans_reference(folded, 1, len(folded) - 1), line
        cut += len(got) > 1
    assert lines > 10_000 and cut > 100  # the lines held rows run together, and the paths were both taken


# --- line_tokens: a word with CJK at both ends is text (or the dash 一一) without classify -------------------

def _line_tokens_reference(folded: str, start: int, end: int) -> list[Token]:
    out: list[Token] = []
    for m in tk._TOKEN_RE.finditer(folded, start, end):
        raw, s, e = m.group(), m.start(), m.end()
        lead = len(raw) - len(raw.lstrip(tk._STRIP))
        trail = len(raw) - len(raw.rstrip(tk._STRIP))
        raw = raw[lead: len(raw) - trail]
        s, e = s + lead, e - trail
        if not raw:
            continue
        kind, value = tk.classify(raw)
        if kind is CellKind.TEXT:
            g = tk._GLUED_RE.match(raw)
            if g and not tk._is_enumerator_only(g.group(1)):
                cut = s + len(g.group(1))
                out.append(Token(g.group(1), s, cut, CellKind.TEXT))
                k2, v2 = tk.classify(g.group(2))
                out.append(Token(g.group(2), cut, e, k2, v2))
                continue
        out.append(Token(raw, s, e, kind, value))
    return out


def test_line_tokens_equal_the_general_tokeniser() -> None:
    def same(folded: str, s: int, e: int) -> None:
        got = [astuple(t) for t in tk.line_tokens(folded, s, e)]
        assert got == [astuple(t) for t in _line_tokens_reference(folded, s, e)], folded[s:e]

    for folded in _folded_texts():
        for s, e in _lines(folded):
            same(folded, s, e)
    for line in _random_lines(10_000, 2):
        same(line, 0, len(line))
    dash = tk.line_tokens("一一 行政复议", 0, 7)
    assert [t.kind for t in dash] == [CellKind.DASH, CellKind.TEXT]


# --- _digits: the table of "0"…"999" gives what int() gives ----------------------------------------------

@pytest.mark.parametrize("raw", [str(i) for i in range(0, 1200, 7)] + ["0", "999", "1000", "00", "007", "0999",
                                                                       "9" * tk.MAX_DIGITS, "9" * (tk.MAX_DIGITS + 1)])
def test_digits_equal_int(raw: str) -> None:
    want = int(raw) if len(raw) <= tk.MAX_DIGITS else None
    got = tk._digits(raw)
    assert got == want and type(got) is type(want)


# --- value_runs: one loop with identity tests --------------------------------------------------------------

def _value_runs_reference(units_tokens: list[list[Token]]) -> list[list[Token]]:
    runs: list[list[Token]] = [[]]
    for toks in units_tokens:
        vals = [t for t in toks if t.kind in (CellKind.NUMBER, CellKind.SLASH, CellKind.DASH, CellKind.BLANK)
                or t.text in NONE_WORDS]
        nums = [t for t in vals if t.kind is not CellKind.BLANK]
        if not nums or len(nums) * 2 < len([t for t in toks if t.kind is not CellKind.BLANK]):
            if toks and runs[-1]:
                runs.append([])
            continue
        ids = {id(t) for t in vals}
        for t in toks:
            if id(t) in ids:
                runs[-1].append(t)
            elif t.kind is not CellKind.BLANK and runs[-1]:
                runs.append([])
    return [r for r in runs if r]


def _blank(t: Token) -> Token:
    return Token("", t.start, t.end, CellKind.BLANK)


def test_value_runs_equal_the_general_runs() -> None:
    rng = random.Random(3)
    blocks = 0
    for folded in _folded_texts():
        lines = [tk.line_tokens(folded, s, e) for s, e in _lines(folded)]
        for i in range(0, len(lines), 9):  # blocks of lines, some tokens blank as a grid's empty cells
            block = [[_blank(t) if rng.random() < 0.1 else t for t in toks] for toks in lines[i:i + 12]]
            got = value_runs(block)
            assert [[id(t) for t in r] for r in got] == [[id(t) for t in r] for r in _value_runs_reference(block)]
            blocks += bool(got)
    assert blocks > 100


def test_the_reference_corpus_holds_every_seed() -> None:
    # the equivalence tests above are only as good as their corpus: every bundled text seed must be in it
    seeds = sorted((REPO / "eval" / "corpus" / "seeds").glob("*.txt"))
    assert seeds and set(seeds) <= set(_TEXTS)


# --- _is_text: a token ending in a CJK character that ends no unit (nor the dash 一一) is text --------------

_UNIT_WORDS = ["件", "条", "个", "项", "次", "份", "人次", "人", "家", "万元", "元"]


def test_is_text_equals_classify() -> None:
    def same(piece: str) -> bool:
        want = tk.classify(piece)[0] is CellKind.TEXT
        assert tk._is_text(piece) == want, piece
        return want

    texts = 0
    for folded in _folded_texts():
        for piece in tk._TOKEN_RE.findall(folded):
            texts += same(piece)
    rng = random.Random(4)
    pieces = [*_PIECES, *_UNIT_WORDS, "一", "一一", "*一一", "一一_", "二一一"]
    for _ in range(20_000):
        piece = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 5))).replace(" ", "").replace("\t", "")
        piece = piece.replace("|", "").replace("\u3000", "")
        if piece:
            same(piece)
    for n in ("3", "1,234", "0.5", "+7", "-2"):
        for unit in _UNIT_WORDS:
            assert not tk._is_text(n + unit)  # a number with its unit
        assert tk._is_text(n + "属于")
    assert not tk._is_text("一一") and not tk._is_text("*一一")
    assert texts > 10_000


# --- solver._broken: one pass over each relation, a None operand found by the TypeError it raises -----------

def _broken_reference(known: dict, equations: list) -> set[str]:
    broken = set()
    for eq in equations:
        vals = [known.get(c) for c in eq.cells]
        if None not in vals and sum(k * v for k, v in zip(eq.coefs, vals, strict=True)) != 0:
            broken.add(eq.name)
    return broken


def test_broken_equals_the_list_and_none_test() -> None:
    from fractions import Fraction

    from service.tables import solver, table3, table4
    from service.tables.layout import T3_KEYS_2021

    eqs = table3.equations(list(T3_KEYS_2021), False) + table4.equations()
    cells = sorted({c for eq in eqs for c in eq.cells})
    rng = random.Random(5)
    found = 0
    for _ in range(400):
        known: dict = {}
        for c in cells:
            r = rng.random()
            if r < 0.85:
                known[c] = rng.choice([0, 0, 1, 2, 3, 5, 8])
            elif r < 0.9:
                known[c] = Fraction(rng.randint(0, 40), 10)
            elif r < 0.95:
                known[c] = None
        # Some relations hold: their total set to the sum of their parts where the parts are known.
        for eq in eqs:
            if rng.random() < 0.5 and all(known.get(c) is not None for c in eq.cells[:-1]):
                known[eq.cells[-1]] = -sum(k * known[c] for c, k in eq.terms[:-1]) * eq.coefs[-1]
        got = solver._broken(known, eqs)
        assert got == _broken_reference(known, eqs)
        found += len(got)
    assert found > 100


def test_equations_and_cells_share_their_cell_keys() -> None:
    from service.tables import build, table3, table4
    from service.tables.layout import T3_KEYS_2021
    from service.tables.solver import Equation

    eq = Equation("x", ((("a", 0), 1), (("a", 1), -1)))
    assert eq.terms == ((("a", 0), 1), (("a", 1), -1)) and eq.cells == (("a", 0), ("a", 1))
    ids = build._cell_ids("total_processed", 7)
    c3 = [eq for eq in table3.equations(list(T3_KEYS_2021), False) if eq.name.startswith("C3")]
    assert all(eq.cells[0] is ids[c] for c, eq in enumerate(c3))  # the same tuple: found by identity
    assert table4.equations()[0].cells[0] is build._cell_ids("all", 15)[0]
