"""JSON Schemas of govreport's JSON outputs, exported to schemas/ and kept in sync by tests.

report.schema.json (``parse --json``, ``reports/<name>.json``), check.schema.json (``check --json``),
record.schema.json (one line of ``results.jsonl``), summary.schema.json (``summary.json``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from pydantic import TypeAdapter


def _report() -> type:
    from service.report import Report

    return Report


def _check() -> type:
    from service.outputs.check_json import CheckResult

    return CheckResult


def _record() -> type:
    from service.batch.model import Record

    return Record


def _summary() -> type:
    from service.batch.summary_json import Summary

    return Summary


#: File name in schemas/ → the model it describes (a pydantic model, or the report's dataclasses).
SCHEMAS: dict[str, Callable[[], type]] = {
    "report.schema.json": _report,
    "check.schema.json": _check,
    "record.schema.json": _record,
    "summary.schema.json": _summary,
}


def schema_of(name: str) -> dict[str, Any]:
    schema = TypeAdapter(SCHEMAS[name]()).json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"https://govreport.example/schemas/{name}"
    return schema


def schema_text(name: str) -> str:
    return json.dumps(schema_of(name), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def report_schema() -> dict[str, object]:
    return schema_of("report.schema.json")


def report_schema_text() -> str:
    return schema_text("report.schema.json")
