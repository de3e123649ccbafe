"""The documented Python API: ``from service import analyze`` on a path, on bytes, and bad input."""

from __future__ import annotations

import pytest

from service import analyze
from service.errors import InputError
from tests._corpus import SEEDS, gold_for


def test_analyze_a_path_and_bytes() -> None:
    gold = gold_for(SEEDS[1])
    report = analyze(SEEDS[1], narrative=False)
    assert report.applications == gold["applications"]
    assert report.summary is not None and report.summary.status.value == "PASS"
    same = analyze(SEEDS[1].read_bytes(), name="r.txt", narrative=False)
    assert same.applications == report.applications


def test_analyze_bad_input_raises_input_error() -> None:
    with pytest.raises(InputError, match="空"):
        analyze(b"", name="empty.txt")
