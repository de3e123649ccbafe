"""summary_docx.Writer (copies of the first paragraph, cell and table of each kind) makes the XML python-docx makes.

Compared with ``PythonDocx`` (every block through python-docx): on random blocks with the texts that are
handled apart (empty, tabs and newlines, white space at an end, control characters, characters XML escapes),
on the summary and the feedback documents of a batch of the bundled seeds, and on feedback documents of
units with no findings, only FAILs, only WARNs, long texts and such characters.
"""

from __future__ import annotations

import random
import re
import shutil
import tempfile
from dataclasses import replace
from io import BytesIO
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast
from zipfile import ZipFile

import pytest
from docx import Document

from service.batch import BatchOptions, run_batch
from service.batch import summary_docx as sd
from service.batch.aggregate import Aggregate, aggregate
from service.batch.feedback import FixItem, FixItems, fix_items, write_feedback
from service.batch.summary_doc import Block, Bullets, Heading, PageBreak, Para, Table, summary_blocks
from service.checks.model import Status

SEEDS = sorted((Path(__file__).resolve().parent.parent / "eval" / "corpus" / "seeds").glob("*.txt"))
#: Pieces of random texts: those python-docx writes apart (tab, newline, carriage return, white space at an end,
#: control characters dropped), those XML escapes, numbers (centred cells) and others.
PIECES = ["甲区", "a", " ", "\t", "\n", "\r", "\r\n", "&", "<", ">", "]]>", '"', "'", "\x01", "\x0b", "\x1f", "\x7f",
          "12", "3.5", "-4", "%", "—", ",", "\u3000", "\xa0", "é", "𠀀", "&amp;", "第5行: 总计=4"]


def _text(rng: random.Random) -> str:
    return "".join(rng.choice(PIECES) for _ in range(rng.choice([0, 1, 2, 5, 12])))


def _blocks(rng: random.Random) -> list[Block]:
    blocks: list[Block] = []
    for _ in range(150):
        kind = rng.randrange(6)
        if kind == 0:
            blocks.append(Heading(_text(rng), rng.randrange(5)))
        elif kind == 1:
            blocks.append(Para(_text(rng)))
        elif kind == 2:
            blocks.append(Bullets([_text(rng) for _ in range(rng.randrange(3))]))
        elif kind == 3:
            blocks.append(PageBreak())
        else:
            n = rng.randint(1, 4)
            widths = rng.choice([None, [1.0] * n, [float(rng.randint(1, 3)) for _ in range(n)], [1.0] * (n + 1)])
            blocks.append(Table([_text(rng) for _ in range(n)], [[_text(rng) for _ in range(n)]
                                                                   for _ in range(rng.randrange(5))],
                                note=rng.choice([None, "", _text(rng)]), widths=widths))
    return blocks


@pytest.mark.parametrize("seed", range(4))
def test_the_writer_makes_python_docx_s_xml_on_random_blocks(seed: int) -> None:
    blocks = _blocks(random.Random(seed))
    for max_rows in (None, 2):
        expected = sd.new_document()
        sd.PythonDocx().add_blocks(expected, blocks, max_rows=max_rows)
        writer = sd.Writer()
        for _ in range(2):  # the second document's blocks are all copies
            made = sd.new_document()
            writer.add_blocks(made, blocks, max_rows=max_rows)
            assert made.part.blob == expected.part.blob


def test_copies_hold_their_own_text_and_escape_it() -> None:
    writer, doc = sd.Writer(), sd.new_document()
    for text in ("甲", "a<b&c>", " 前后 ", "x\ty\nz", "", "\x01控制符"):
        writer.paragraph(doc, text)
        writer.table(doc, Table(["单位", text], [[text, "12"], ["乙", text]]))
    body = doc.part.blob.decode("utf-8")
    assert "<w:t>a&lt;b&amp;c&gt;</w:t>" in body and '<w:t xml:space="preserve"> 前后 </w:t>' in body
    assert "<w:t>x</w:t><w:tab/><w:t>y</w:t><w:br/><w:t>z</w:t>" in body and "\x01" not in body
    assert [p.text for p in Document(_saved(doc)).paragraphs if p.text][:4] == ["甲", "a<b&c>", " 前后 ", "x\ty\nz"]
    assert [c.text for c in doc.tables[5].rows[1].cells] == ["控制符", "12"]


def test_a_row_of_another_length_is_refused_as_python_docx_refuses_it() -> None:
    for writer in (sd.PythonDocx(), sd.Writer(), sd.Writer()):
        doc = sd.new_document()
        if isinstance(writer, sd.Writer):
            writer.table(doc, Table(["a", "b"], [["1", "2"]]))  # a table of these widths made already
        with pytest.raises(ValueError, match="a row of 3 cells"):
            writer.table(doc, Table(["a", "b"], [["1", "2"], ["1", "2", "3"]]))


def _saved(doc: Any) -> BytesIO:
    buf = BytesIO()
    doc.save(buf)
    return buf


def _members(path: Path) -> dict[str, bytes]:
    with ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist() if n != "docProps/core.xml"}  # the time it was made


def _broken(text: str) -> str:
    """The report with its first 本年新收 cell 3 too high (C1, C4 and LOCATE fail), as bench/batch_throughput."""
    return re.sub(r"(本年新收政府信息公开申请数量[^\d\n]*)(\d+)", lambda m: m.group(1) + str(int(m.group(2)) + 3), text,
                  count=1)


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> tuple[Aggregate, Path]:
    """The bundled seeds and each with a wrong figure, through a batch (no summaries): its latest year's aggregate."""
    root = tmp_path_factory.mktemp("seeds")
    src = root / "in"
    src.mkdir()
    for s in SEEDS:
        shutil.copy(s, src / s.name)
        (src / f"{s.stem}-broken.txt").write_text(_broken(s.read_text(encoding="utf-8")), encoding="utf-8")
    out = root / "out"
    result = run_batch([src], BatchOptions(out=out, progress=False, backend="rules", mode="serial", jobs=1,
                                           summaries=False))
    return aggregate(result.source, found=result.found), out


def _both(monkeypatch: pytest.MonkeyPatch, write: Any, folder: Path) -> list[Path]:
    """``write(dest)`` into folder/writer and, with PythonDocx for Writer, folder/python-docx: the files made."""
    write(folder / "writer")
    with monkeypatch.context() as m:
        m.setattr(sd, "Writer", sd.PythonDocx)
        write(folder / "python-docx")
    made = sorted(p.relative_to(folder / "writer") for p in (folder / "writer").rglob("*.docx"))
    assert made == sorted(p.relative_to(folder / "python-docx") for p in (folder / "python-docx").rglob("*.docx"))
    for rel in made:
        assert _members(folder / "writer" / rel) == _members(folder / "python-docx" / rel), rel
    return made


def test_the_summary_and_feedback_documents_of_the_seeds_batch_are_python_docx_s(
        batch: tuple[Aggregate, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from service.batch.charts import render_charts

    agg, out = batch
    charts = render_charts(agg, out, folder="charts")
    blocks = summary_blocks(agg, charts)
    assert any(isinstance(b, Table) and len(b.rows) for b in blocks)

    def summary(dest: Path) -> None:
        dest.mkdir(parents=True)
        sd.render_docx(blocks, out, dest / "summary.docx")

    assert _both(monkeypatch, summary, tmp_path / "summary") == [Path("summary.docx")]
    with tempfile.TemporaryFile(dir=tmp_path) as spill:
        items = fix_items(agg, agg.source, out, spill)
        assert any(i.status is Status.FAIL for i in items) and any(not items.of(k) for k in range(len(agg.units)))
        made = _both(monkeypatch, lambda dest: write_feedback(agg, items, dest), tmp_path / "feedback")
    assert len(made) == len(agg.units)


def test_feedback_documents_of_odd_units_are_python_docx_s(batch: tuple[Aggregate, Path], tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    agg, _ = batch
    odd = "甲&<>\"'局\x01\t二\n]]>"
    units = [replace(agg.units[0], label=f"单位{k}", organization=org, year=year)
             for k, (org, year) in enumerate([(None, None), (odd, 2024), ("乙局", 2023), (" 丙局 ", None), ("丁局", 2024)])]

    def item(unit: int, status: Status, text: str, line: int | None) -> FixItem:
        return FixItem(f"u{unit}", units[unit].label, units[unit].year, "C4", status, "表三", text, "自然人", "4",
                       "1", line, text, text * 3)

    rows = [[], [item(1, Status.FAIL, odd, 12), item(1, Status.WARN, "", None)],
            [item(2, Status.WARN, "请核实 " * 200, 3)],  # only WARNs, a long text
            [item(3, Status.FAIL, "12", None), item(3, Status.FAIL, " 3.5% ", 1)],  # only FAILs, numbers centred
            [item(4, Status.FAIL, "a" * 5000, 9)]]
    with tempfile.TemporaryFile(dir=tmp_path) as spill:
        items = FixItems(spill)
        for r in rows:
            items.add(r)
        units_only = cast(Aggregate, SimpleNamespace(units=units))
        made = _both(monkeypatch, lambda dest: write_feedback(units_only, items, dest), tmp_path)
    assert len(made) == len(units)
    text = "\n".join(p.text for p in Document(str(tmp_path / "writer" / "单位1.docx")).paragraphs)
    assert "甲&<>\"'局\t二\n]]>" in text and "\x01" not in text
