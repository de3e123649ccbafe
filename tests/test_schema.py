"""The committed JSON Schemas match the models (regenerate: govreport schema --write-all schemas), and real
outputs validate against them: parse --json, check --json, results.jsonl records and summary.json."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import pytest

from service.batch import BatchOptions, run_batch
from service.cli import main
from service.outputs.schema import SCHEMAS, schema_text
from service.pipeline import analyze_path
from tests._corpus import REPO, SEEDS


def committed(name: str) -> dict:
    return json.loads((REPO / "schemas" / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", list(SCHEMAS))
def test_schema_file_in_sync(name: str) -> None:
    text = (REPO / "schemas" / name).read_text(encoding="utf-8")
    assert text == schema_text(name), "run: govreport schema --write-all schemas"


def test_report_validates_against_its_schema() -> None:
    doc = json.loads(analyze_path(SEEDS[0], narrative=True).model_dump_json())
    jsonschema.validate(doc, committed("report.schema.json"))


def test_check_json_validates(capsys: pytest.CaptureFixture[str]) -> None:
    main(["check", str(SEEDS[1]), "--json"])
    jsonschema.validate(json.loads(capsys.readouterr().out), committed("check.schema.json"))


def test_results_records_and_summary_validate(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    for p in SEEDS:
        shutil.copy(p, src / p.name)
    (src / "empty.txt").write_bytes(b"")
    out = tmp_path / "out"
    run_batch([src], BatchOptions(out=out, progress=False))
    lines = (out / "results.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(SEEDS) + 1
    for line in lines:
        jsonschema.validate(json.loads(line), committed("record.schema.json"))
    summaries = sorted(out.glob("summary*.json"))
    assert len(summaries) >= 2  # summary.json and one per year (the seeds hold 2023 and 2024)
    for path in summaries:
        jsonschema.validate(json.loads(path.read_text(encoding="utf-8")), committed("summary.schema.json"))
    bad = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    bad["rates"][0]["value"] = "high"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, committed("summary.schema.json"))
