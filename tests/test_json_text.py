"""The report is written as JSON without pydantic (service/outputs/json_text.py): the bytes are the ones
pydantic writes for the same dataclasses, and pydantic (the schema edge) reads them back unchanged."""

from __future__ import annotations

import random

import pytest
from pydantic import TypeAdapter

from service.outputs.json_text import float_text, json_text
from service.pipeline import analyze_path
from service.report import Report
from tests._corpus import EVAL, SEEDS

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

