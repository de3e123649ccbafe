"""A batch's summaries without its records in memory: records read back from results.jsonl, summary.json and
summary.md written in pieces (the same bytes as whole), summary.docx's long tables cut with a note."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path
from typing import ClassVar

import pytest
from docx import Document

from service.batch import BatchOptions, run_batch
from service.batch.aggregate import aggregate
from service.batch.kept import Kept
from service.batch.model import FindingDigest, Record
from service.batch.risk import grade_units
from service.batch.source import StoredRecords
from service.batch.state import ResultStore
from service.batch.summary_doc import Bullets, Heading, PageBreak, Para, Rows, Table
from service.batch.summary_json import summary_json_parts, summary_model
from service.batch.summary_md import render_markdown
from service.checks.model import Status
from tests._corpus import SEEDS
from tests.test_batch_units import digest, record


def _records() -> list[Record]:
    recs = []
    for i, org in enumerate(["甲区民政局", "乙区民政局", "甲区民政局", None, "丙县人民政府"]):
        d = digest(org, 2024 if i != 3 else None, new_received=[i, 0, 0, 0, 0, 0, i * 10 + 1])
        d.findings = [FindingDigest(rule="C3", status=Status.FAIL, subject="表三", message=f"第 {i} 行\n不符",
                                    evidence="第1行: a=1"),
                      FindingDigest(rule="C1", status=Status.WARN, category="parse", subject="s", message="m")][: i % 3]
        recs.append(record(f"r{i}", d))
    recs.append(Record(name="bad", path="bad.txt", file_sha256=None, key="k", status="error", error_kind="input",
                       error="空文件"))
    return recs


def test_summary_json_in_pieces_is_the_whole_documents_bytes() -> None:
    agg = aggregate(_records())
    agg.risk = grade_units(agg, agg.thresholds)
    assert len(agg.units) == 4 and agg.findings and agg.risk
    whole = summary_model(agg).model_dump_json(indent=1) + "\n"
    assert "".join(summary_json_parts(agg)) == whole
    empty = aggregate([])
    assert "".join(summary_json_parts(empty)) == summary_model(empty).model_dump_json(indent=1) + "\n"


def test_markdown_in_pieces() -> None:
    blocks = [Heading("标题", 1), Para("a|b"), Table(["h1", "h2"], Rows(lambda: iter([["1", "2"], ["3", "4"]]), 2),
                                                   note="注意"), PageBreak(), Bullets(["x", "y"]), Table(["h"], [])]
    assert render_markdown(blocks) == ("# 标题\n\na\\|b\n\n| h1 | h2 |\n|---|---|\n| 1 | 2 |\n| 3 | 4 |\n\n注: 注意\n\n"
                                       "- x\n- y\n\n| h |\n|---|\n")
    assert render_markdown([]) == "\n"


def test_summary_docx_lists_at_most_max_rows_and_says_where_the_rest_is(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from service.batch import summary_docx

    monkeypatch.setattr(summary_docx, "MAX_ROWS", 3)
    rows = Rows(lambda: ([f"单位{i}", str(i)] for i in range(5)), 5)
    summary_docx.render_docx([Table(["单位", "数"], rows), Table(["单位", "数"], [["甲", "1"]])], tmp_path,
                             tmp_path / "summary-2024.docx")
    doc = Document(str(tmp_path / "summary-2024.docx"))
    assert [len(t.rows) for t in doc.tables] == [1 + 3, 1 + 1]
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "本表共 5 行, 此处只列前 3 行; 全部各行见 summary-2024.md" in text
    assert text.count("本表共") == 1


def test_the_runner_keeps_no_record_and_summaries_read_results_jsonl(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    for s in SEEDS[:3]:
        shutil.copy(s, src / s.name)
    (src / "empty.txt").write_bytes(b"")
    out = tmp_path / "out"
    result = run_batch([src], BatchOptions(out=out, progress=False, backend="rules", summaries=False, mode="serial"))
    assert isinstance(result.source, StoredRecords) and len(result.source) == 4
    on_disk = {r.name: r for r in ResultStore(out).load()}
    read = list(result.source)
    assert [r.name for r in read] == sorted(on_disk)  # the batch's order (the files'), not the file's
    assert all(r.model_dump_json() == on_disk[r.name].model_dump_json() for r in read)
    assert [r.name for r in result.errors] == ["empty"]
    assert result.source.get("empty") is not None and result.source.get("nothing") is None
    streamed, held = aggregate(result.source), aggregate(read)
    assert "".join(summary_json_parts(streamed)) == "".join(summary_json_parts(held))
    assert [i.text for i in streamed.iter_items()] == [i.text for i in held.iter_items()] != []

    # moved: the resumed record keeps its result and gets the new path (results.jsonl rewritten)
    moved = tmp_path / "moved"
    shutil.move(src, moved)
    again = run_batch([moved], BatchOptions(out=out, progress=False, backend="rules", summaries=False))
    assert again.processed == 0 and again.skipped == 4  # every result kept, the empty file's error too
    assert {r.path for r in again.source} == {str(moved / p.name) for p in moved.iterdir()}


def test_findings_are_listed_from_what_the_pass_kept_in_the_summarys_order(monkeypatch: pytest.MonkeyPatch) -> None:
    from service.batch.findings import STATUS_ORDER
    from service.batch.source import HeldRecords

    recs = _records()
    for r in recs[1:4]:  # more findings: several statuses and rules per unit (r3 has no year: not a unit)
        assert r.digest is not None
        r.digest.findings += [FindingDigest(rule="C4", status=Status.UNCERTAIN, subject="表三", message=f"{r.name} 缺"),
                              FindingDigest(rule="C1", status=Status.FAIL, subject="表三", message=f"{r.name} 不符")]

    class Counted(HeldRecords):
        gets: ClassVar[list[str]] = []

        def get(self, name: str) -> Record | None:
            self.gets.append(name)
            return super().get(name)

    source = Counted(recs)
    agg = aggregate(source)
    labels = {u.name: u.label for u in agg.units}
    # what aggregate listed when it held every finding: in pass order, then sorted (stable) by category,
    # status, unit label and rule
    held = [(labels[r.name], r.name, f) for r in recs if r.digest and r.name in labels for f in r.digest.findings]
    held.sort(key=lambda e: (0 if e[2].category == "report" else 1, STATUS_ORDER[e[2].status], e[0], e[2].rule))
    source.gets.clear()
    kept_reads: list[int] = []
    real_of = agg.kept.of

    def of(unit: int) -> Kept:
        kept_reads.append(unit)
        return real_of(unit)

    monkeypatch.setattr(agg.kept, "of", of)
    listed = [(f.label, f.name, f.finding) for f in agg.findings]
    assert listed == held and len(agg.findings) == len(held) == 8
    assert all(type(f.status) is Status for _, _, f in listed)
    # no record read again; one read of a unit's kept line per run of its findings, not one per finding
    runs = sum(1 for a, b in zip([None, *held], held, strict=False) if a is None or a[1] != b[1])
    assert source.gets == [] and len(kept_reads) == runs < len(held)
    report = agg.findings.where("report", (Status.FAIL, Status.WARN))
    assert len(report) == sum(1 for _, _, f in held if f.category == "report" and f.status in (Status.FAIL, Status.WARN))
    assert [f.finding for f in report] == [f for _, _, f in held if f.category == "report" and f.status in
                                          (Status.FAIL, Status.WARN)]
    kept_reads.clear()
    assert agg.findings.where(statuses=(Status.UNCERTAIN,)).labels() == {labels["r1"], labels["r2"]}
    assert kept_reads == [] and source.gets == []  # labels come from the units, not the records


def test_kept_units_read_back_are_the_digests_parts() -> None:
    from service.batch.kept import KeptUnits
    from service.batch.model import ItemDigest

    recs = [r for r in _records() if r.digest is not None]
    assert recs[1].digest is not None
    recs[1].digest.problems = [ItemDigest(category="timeliness", text="更新不及时 “引号”\n第二行 \ud800 \\ \"")]
    recs[1].digest.measures = [ItemDigest(category="other", text="措施")]
    recs[2].report = None
    kept = KeptUnits()
    for r in recs:
        assert r.digest is not None
        kept.add(r, r.digest)
    assert len(kept) == len(recs)
    for i, r in reversed(list(enumerate(recs))):  # in any order
        assert r.digest is not None
        k = kept.of(i)
        assert (k.path, k.report, k.findings) == (r.path, r.report, r.digest.findings)
        assert kept.items(i) == (r.digest.problems, r.digest.measures)
        assert kept.name(i) == r.name and kept.find(r.name, i) == i
    assert kept.find(recs[2].name, 0) == 2 and kept.find(recs[2].name, 99) == 2 and kept.find("无此报告", 0) is None
    kept.add(recs[0], recs[0].digest)  # a second unit of one name: found by its place, else the last
    assert kept.find(recs[0].name, 0) == 0 and kept.find(recs[0].name, 1) == len(recs)
    kept.close()


def test_fix_items_kept_in_a_file_read_back_are_the_items_made() -> None:
    import tempfile

    from service.batch.feedback import FixItem, FixItems

    def item(unit: str, rule: str, status: Status, line: int | None) -> FixItem:
        return FixItem(unit, f"{unit}局", 2024, rule, status, "表三", "一、本年新收", "自然人", "4", "1", line,
                       "一、本年新收政府信息公开申请数量 4 0", "印为 4; 改为 1 “引号”\n第二行")

    units = [[item("甲", "LOCATE", Status.FAIL, 12), item("甲", "C1", Status.WARN, None)], [], [item("丙", "C4", Status.FAIL, 3)],
             [replace(item("丁", "C3", Status.FAIL, 7), source="表三 \ud800 第7行")]]  # a damaged text layer's lone surrogate
    with tempfile.TemporaryFile() as spill:
        items = FixItems(spill)
        for rows in units:
            items.add(rows)
        assert [items.of(i) for i in range(len(units))] == units
        assert list(items) == [i for rows in units for i in rows]
        assert items.of(2)[0].status is Status.FAIL and items.of(0)[1].line is None


def test_two_records_of_one_name_each_list_their_own_findings() -> None:
    # findings are listed from what the pass kept of each unit, never read again by the unit's name: a second
    # record under that name (here two reports of one name handed to aggregate; in a batch, results.jsonl
    # rewritten by a later run) cannot put its findings under the other
    recs = _records()
    twin = next(r for r in recs if r.digest is not None and len(r.digest.findings) == 2)
    other = next(r for r in recs if r.digest is not None and len(r.digest.findings) == 1)
    agg = aggregate([*recs, replace(other, name=twin.name)])
    assert other.digest is not None and twin.digest is not None
    listed = [f.finding for f in agg.findings if f.name == twin.name]
    assert sorted(listed, key=repr) == sorted(twin.digest.findings + other.digest.findings, key=repr)


def test_a_read_guard_that_cannot_start_is_that_files_error_not_the_out_folders(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    from service.batch import runner

    src = tmp_path / "in"
    src.mkdir()
    for s in SEEDS[:2]:
        shutil.copy(s, src / s.name)
    real = runner.report_sha256

    def no_processes_left(path: str | Path) -> str:
        if Path(path).name == SEEDS[0].name:
            raise OSError(errno.EAGAIN, "Resource temporarily unavailable")
        return real(path)

    monkeypatch.setattr(runner, "report_sha256", no_processes_left)
    result = run_batch([src], BatchOptions(out=tmp_path / "out", progress=False, backend="rules", summaries=False,
                                           mode="serial"))
    assert [r.name for r in result.errors] == [SEEDS[0].stem] and result.errors[0].error_kind == "input"
    assert result.errors[0].error and "系统错误" not in result.errors[0].error
    assert result.found == 2 and len(result.errors) == 1
