"""The committed JSON Schema matches the report model (regenerate: govreport schema --write schemas/report.schema.json)."""

from __future__ import annotations

import json

from service.outputs.schema import report_schema_text
from service.pipeline import analyze_path
from tests._corpus import REPO, SEEDS


def test_schema_file_in_sync():
    committed = (REPO / "schemas" / "report.schema.json").read_text(encoding="utf-8")
    assert committed == report_schema_text(), "run: govreport schema --write schemas/report.schema.json"


def test_report_validates_against_schema_keys():
    schema = json.loads(report_schema_text())
    doc = json.loads(analyze_path(SEEDS[0], narrative=False).model_dump_json())
    assert set(schema["required"]) <= set(doc)
    assert set(doc) <= set(schema["properties"])
