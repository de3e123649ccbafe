"""The committed JSON Schema matches the report model (regenerate: govreport schema --write schemas/report.schema.json)."""

from __future__ import annotations

import json

from service.outputs.schema import report_schema_text
from service.pipeline import analyze_path
from service.report import Report
from tests._corpus import REPO, SEEDS


def test_schema_file_in_sync():
    committed = (REPO / "schemas" / "report.schema.json").read_text(encoding="utf-8")
    assert committed == report_schema_text(), "run: govreport schema --write schemas/report.schema.json"


def test_report_validates_against_schema_keys():
    schema = json.loads(report_schema_text())
    doc = json.loads(analyze_path(SEEDS[0], narrative=False).model_dump_json())
    assert set(schema["required"]) <= set(doc)
    assert set(doc) <= set(schema["properties"])


def test_report_json_round_trips_through_the_model():
    """The output edge: the tables and findings are built unvalidated (dataclasses); what is written
    must still validate as a Report and serialise back to the same bytes."""
    for path in SEEDS:
        text = analyze_path(path, narrative=True).model_dump_json()
        again = Report.model_validate_json(text)
        assert again.model_dump_json() == text
        assert again.tables is not None and again.findings
