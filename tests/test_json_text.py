"""The report is written as JSON without pydantic (service/outputs/json_text.py): the bytes are the ones
pydantic writes for the same dataclasses, and pydantic (the schema edge) reads them back unchanged."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from enum import Enum, IntEnum, StrEnum
from pathlib import Path
from typing import Any

import pytest
from pydantic import TypeAdapter

from service.batch.model import Record, digest_of
from service.errors import GovreportError
from service.outputs import json_text as json_text_module
from service.outputs.check_json import check_result
from service.outputs.json_text import float_text, general_text, json_text
from service.pipeline import analyze_path
from service.report import Report
from tests._corpus import EVAL, REPO, SEEDS

REPORT = TypeAdapter(Report)
FILES = [*SEEDS, *sorted((EVAL / "corpus" / "dev").iterdir())]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_report_json_is_what_pydantic_writes(path: object) -> None:
    report = analyze_path(path, narrative=True)  # type: ignore[arg-type]
    for indent in (None, 2):
        text = report.model_dump_json(indent=indent)
        assert text == REPORT.dump_json(report, indent=indent).decode()
        assert json_text(REPORT.validate_json(text), indent) == text  # the schema edge reads it back


def test_floats_and_text_are_written_as_pydantic_writes_them() -> None:
    rng = random.Random(13)
    values = [0.0, -0.0, 1.0, 0.1, 1e-5, -1.5e-5, 9.99e-5, 1e-4, 1e-7, 1e15, 1e16, -1.2345e16, 1e22, 5e-324,
              float("inf"), float("nan"), 2 / 3]
    values += [rng.uniform(-1, 1) * 10 ** rng.randint(-12, 24) for _ in range(5000)]
    floats = TypeAdapter(list[float])
    assert "[" + ",".join(float_text(v) for v in values) + "]" == floats.dump_json(values).decode()
    doc = {"t": "中\n\t\r\b\f\x01\x1f\x7f\u2028\"\\/", "k": [[], {}, (1, 2)], "n": {"x": None, "y": True}}
    for indent in (None, 2, 4):
        assert json_text(doc, indent) == TypeAdapter(dict).dump_json(doc, indent=indent).decode()



# The fast path (json_text) against the general writer it stands for (general_text), which stays as the reference.

ALL_FILES = sorted(p for d in (EVAL / "corpus", REPO / "tests" / "data") for p in d.rglob("*")
                   if p.suffix.lower() in {".txt", ".md", ".html", ".htm", ".docx", ".pdf"}
                   and p.name not in ("README.md", "SOURCES.md"))


def _no_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make a fall-back to the general writer fail the test: the fast path must write the value itself."""

    def fallback(value: object, indent: int | None = None) -> str:
        raise AssertionError(f"json_text fell back to the general writer for {type(value).__name__}")

    monkeypatch.setattr(json_text_module, "general_text", fallback)


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: p.name)
def test_fast_path_writes_every_bundled_report_as_the_general_writer(path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    written = 0
    for narrative in (True, False):
        try:
            report = analyze_path(path, backend="rules", narrative=narrative)
        except GovreportError:
            continue  # not a report: nothing is written
        record = Record(name=path.stem, path=str(path), file_sha256=report.source.sha256, key="k", status="ok",
                        report=f"reports/{path.stem}.json", digest=digest_of(report), seconds=1.5e-05,
                        finished="2026-01-01T00:00:00+00:00")
        expected = [general_text(v) for v in (report, record, check_result(report))]
        with monkeypatch.context() as m:
            _no_fallback(m)
            assert [json_text(v) for v in (report, record, check_result(report))] == expected
        assert record.model_dump_json() == expected[1]
        written += 1
    assert written or path.suffix == ".pdf" or "pdf_text" not in str(path)


def test_fast_path_writes_the_bundled_reports_at_all() -> None:
    """At least the seeds are reports (so the test above compares something)."""
    assert all(json_text(analyze_path(p, backend="rules")) for p in SEEDS)


class Colour(StrEnum):
    RED = "red"
    ODD = "中\"\n"


class Level(IntEnum):
    LOW = 1
    HIGH = 2**70


class Mixed(Enum):
    TEXT = "t"
    NUMBER = 3
    REAL = 1.5e-7
    PAIR = (1, "a")
    NOTHING = None  # the general writer raises its TypeError
    YES = True  # written as int.__repr__(True): "True", as the general writer writes it
    NESTED = Colour.RED  # an enum's value is not unwrapped again


class Shout(StrEnum):
    """Members whose text is not their value."""

    A = "a"

    def __new__(cls, value: str) -> Shout:
        member = str.__new__(cls, value.upper())
        member._value_ = value
        return member


class OwnValue(Enum):
    A = "a"

    @property
    def value(self) -> str:
        return "own"


class Big(int):
    def __repr__(self) -> str:
        return "Big!"


class Name(str):
    def __str__(self) -> str:
        return "other"


class Real(float):
    def __repr__(self) -> str:
        return "2.5"


class Items(list[Any]):
    def __iter__(self) -> Any:
        return iter(["iterated"])


class Mapping(dict[Any, Any]):
    def items(self) -> Any:
        return [("from items()", 1)]


class Disguised:
    @property
    def __class__(self) -> type:
        return Leaf


@dataclass(slots=True)
class Leaf:
    a: Any = None
    b: Any = None


@dataclass
class Node:
    kids: Any = field(default_factory=list)
    meta: Any = None
    kind: Any = Colour.RED


@dataclass
class Empty:
    pass


_TEXTS = ["", "a", "中文", '"', "\\", "/", "\n\t\r\b\f", "\x00\x01\x1f\x7f", "\u2028", "\udc80", '"\udc80', "\ud83d",
          "😀", Name("n\"x"), "%s:%s", "{}", "null"]
_FLOATS = [0.0, -0.0, 1.0, 0.1, 1e-5, -1.5e-5, 9.99e-5, 1e-4, 1e-7, 1e15, 1e16, -1.2345e16, 1e22, 5e-324,
           float("inf"), float("-inf"), float("nan"), 2 / 3, Real(1.0)]
_KEYS = ["k", "1", "True", "None", "1e-7", "中", '"', 1, -3, 1.5, 1e-7, float("nan"), True, False, None, Colour.RED,
         Level.LOW, Mixed.REAL, Name("k"), Big(7)]


def _leaf(rng: random.Random) -> Any:
    kind = rng.randrange(8)
    if kind == 0:
        return rng.choice([None, True, False])
    if kind == 1:
        return rng.choice([0, 1, -1, 2**63, -(2**70), Big(5), rng.randint(-10**6, 10**6)])
    if kind == 2:
        return rng.choice(_FLOATS) if rng.random() < 0.5 else rng.uniform(-1, 1) * 10 ** rng.randint(-9, 20)
    if kind == 3:
        return "".join(rng.choice(_TEXTS) for _ in range(rng.randrange(4)))
    if kind == 4:
        return rng.choice([*Colour, *Level, *Mixed, OwnValue.A, Shout.A])
    if kind == 5:
        return rng.choice([(), [], {}, Empty(), (rng.randint(0, 99), rng.randint(0, 99)), [1, 2, 3], ["a", "b"]])
    if kind == 6 and rng.random() < 0.1:
        return rng.choice([object(), Leaf, Disguised(), Items(), Mapping(), _unset_leaf()])
    return rng.choice(_TEXTS)


def _unset_leaf() -> Leaf:
    return object.__new__(Leaf)  # its slots unset: both writers raise AttributeError


def _tree(rng: random.Random, depth: int) -> Any:
    if depth <= 0 or rng.random() < 0.3:
        return _leaf(rng)
    n = rng.randrange(5)
    kind = rng.randrange(7)
    if kind == 0:
        return [_tree(rng, depth - 1) for _ in range(n)]
    if kind == 1:
        return tuple(_tree(rng, depth - 1) for _ in range(n))
    if kind == 2:
        return {rng.choice(_KEYS): _tree(rng, depth - 1) for _ in range(n)}
    if kind == 3:
        return Leaf(a=_tree(rng, depth - 1), b=_tree(rng, depth - 1))
    if kind == 4:
        return Node(kids=[_tree(rng, depth - 1) for _ in range(n)], meta=_tree(rng, depth - 1),
                    kind=rng.choice([Colour.RED, Colour.ODD, Level.HIGH, Mixed.TEXT, None]))
    if kind == 5:  # of one type: written by that type's writer
        one = rng.choice([lambda: Leaf(a=rng.randint(0, 9), b="x"), lambda: rng.choice(_FLOATS), lambda: Colour.RED,
                          lambda: (1, 2), lambda: Items(), lambda: Big(3), lambda: None])
        return [one() for _ in range(n)] if rng.random() < 0.5 else {f"k{i}": one() for i in range(n)}
    return {str(i): _tree(rng, depth - 1) for i in range(n)}


def _outcome(write: Any, value: Any) -> object:
    try:
        return write(value)
    except Exception as exc:  # the same error, or the same text
        return type(exc), str(exc)


def test_fast_path_writes_random_values_as_the_general_writer() -> None:
    rng = random.Random(2026)
    errors = 0
    for _ in range(4000):
        value = _tree(rng, rng.randrange(1, 6))
        expected = _outcome(general_text, value)
        errors += isinstance(expected, tuple)
        assert _outcome(json_text, value) == expected, value
    assert 100 < errors < 3000  # both texts and errors were compared


@pytest.mark.parametrize("value", [
    {1: "a", "1": "b"}, {True: 1, "True": 2}, {None: 1}, {1e-7: 1, float("nan"): 2}, {Colour.RED: 1, "red": 2},
    {Level.LOW: 1}, {Mixed.REAL: 1}, {Name("k"): 1}, {Big(7): 1}, Items([1, 2]), Mapping(a=1), Disguised(),
    [Leaf(a=1), Leaf(a=Colour.ODD)], Node(kids=(1, 2), kind=Level.HIGH), Empty(), [Empty(), Empty()], (), {},
    [1e-7, 1e16, float("nan")], ["\udc80", '"\udc80"'], Mixed.NESTED, Mixed.YES, Mixed.NOTHING, Mixed.PAIR,
    OwnValue.A, Shout.A, [Shout.A], {Shout.A: Shout.A}, Real(3.0), Big(2), [[[]]], {"a": {"b": {}}}, Leaf, object(), _unset_leaf(),
], ids=lambda v: type(v).__name__)
def test_fast_path_writes_each_odd_case_as_the_general_writer(value: Any) -> None:
    assert _outcome(json_text, value) == _outcome(general_text, value)


def test_fast_path_writes_deep_values_as_the_general_writer() -> None:
    """Nested deeper than Python recurses, both fail (with RecursionError: where it strikes, and so its
    message, depends on the frames above); nested deep but not too deep, both write the same text."""
    for depth, too_deep in ((150, False), (5000, True)):
        in_lists: Any = 1
        in_classes: Any = 1
        for _ in range(depth):
            in_lists = [in_lists]
            in_classes = Leaf(a=in_classes, b=[1.5e-7])
        for value in (in_lists, in_classes):
            if too_deep:
                with pytest.raises(RecursionError):
                    general_text(value)
                with pytest.raises(RecursionError):
                    json_text(value)
            else:
                assert json_text(value) == general_text(value)
