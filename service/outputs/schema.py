"""The JSON Schema of the report document, exported to schemas/ and kept in sync by a test."""

from __future__ import annotations

import json

from service.report import Report


def report_schema() -> dict[str, object]:
    schema = Report.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://govreport.example/schemas/report.schema.json"
    return schema


def report_schema_text() -> str:
    return json.dumps(report_schema(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
