"""The summaries' fast paths against the general code they replace: summary-<latest year>.* made from summary.*,
a Markdown file's chart links moved, a report's findings parsed from the end of its JSON and only the flagged
ones validated."""

from __future__ import annotations

import json
import random
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from pydantic import TypeAdapter

from service.batch import BatchOptions, run_batch
from service.batch.aggregate import aggregate, batch_years
from service.batch.charts import Chart
from service.batch.feedback import _findings, report_findings
from service.batch.kept import Kept
from service.batch.model import Record
from service.batch.runner import write_summaries
from service.batch.state import ResultStore
from service.batch.summary_doc import Block, Bullets, Heading, Image, Para, Table
from service.batch.summary_md import render_markdown, retarget_markdown
from service.checks.model import Finding, Status
from tests._corpus import SEEDS
from tests.test_batch_run import SEED_002, variant_prior_year

_NEW = re.compile(r"(本年新收政府信息公开申请数量[^\d\n]*)(\d+)")


def _broken(text: str) -> str:
    """The report with its first 本年新收 cell 3 too high: C1, C4 and LOCATE fail."""
    wrong = _NEW.sub(lambda m: m.group(1) + str(int(m.group(2)) + 3), text, count=1)
    assert wrong != text
    return wrong


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A batch of two years (2023 and 2024), with reports that FAIL, a unit with both years' reports (cross-year
    findings) and a problem whose text is a chart's Markdown link."""
    root = tmp_path_factory.mktemp("fast")
    src = root / "in"
    src.mkdir()
    for p in SEEDS:
        text = p.read_text(encoding="utf-8")
        (src / p.name).write_text(text, encoding="utf-8")
        (src / f"{p.stem}-broken.txt").write_text(_broken(text), encoding="utf-8")
    (src / "prior-2023.txt").write_text(variant_prior_year(SEED_002.read_text(encoding="utf-8"), 4), encoding="utf-8")
    out = root / "out"
    run_batch([src], BatchOptions(out=out, progress=False, backend="rules", mode="serial"))
    return out


def _same(a: Path, b: Path) -> bool:
    if a.suffix in (".xlsx", ".docx"):
        with zipfile.ZipFile(a) as za, zipfile.ZipFile(b) as zb:
            names = [n for n in za.namelist() if n != "docProps/core.xml"]  # the time it was made
            return names == [n for n in zb.namelist() if n != "docProps/core.xml"] and all(
                za.read(n) == zb.read(n) for n in names)
    return a.read_bytes() == b.read_bytes()


def test_the_latest_years_own_summary_is_summary_made_once_under_its_name(batch: Path, tmp_path: Path) -> None:
    records = ResultStore(batch).load()
    years = batch_years(records)
    assert years == [2023, 2024]
    written = json.loads((batch / ".summary-key.json").read_text(encoding="utf-8"))["outputs"]
    twin = [n for n in written if n.startswith(("summary-2024", "charts/summary-2024/"))]
    assert twin == ["summary-2024.xlsx", "summary-2024.md", "summary-2024.docx", "summary-2024.json",
                    "charts/summary-2024/categories.png", "charts/summary-2024/outcomes.png"]
    # the general code: the year's summary written under that name, in a copy of the folder without summaries
    general = tmp_path / "general"
    shutil.copytree(batch, general, ignore=shutil.ignore_patterns("summary*", "charts", "feedback"))
    agg = aggregate(records, found=len(records), year=2024, spill=general)
    assert agg.findings.where("report", (Status.FAIL,)) and agg.cross
    names = write_summaries(agg, general, stem="summary-2024")
    assert names == twin
    for n in names:
        assert _same(batch / n, general / n), n
    md = (batch / "summary-2024.md").read_text(encoding="utf-8")
    assert "](charts/summary-2024/outcomes.png)" in md and "](charts/outcomes.png)" not in md


def test_moved_chart_links_are_the_markdown_of_the_moved_charts(tmp_path: Path) -> None:
    charts = [Chart("outcomes", Path("charts/outcomes.png"), "办理结果分布"),
              Chart("categories", Path("charts/categories.png"), "问题与措施类别分布")]
    moved = [Chart(c.key, Path("charts/summary-2024") / c.path.name, c.caption) for c in charts]
    link = "![办理结果分布](charts/outcomes.png)"

    def blocks(cs: list[Chart]) -> list[Block]:
        # report text that is a chart's link, alone on a line, in every kind of block (it is escaped)
        return [Heading(link, 1), Para(f"{link}\n{link}\r\n"), Image(cs[0].path.as_posix(), cs[0].caption),
                Bullets([link]), Table(["单位", link], [[link, "1"]], note=link),
                Image(cs[1].path.as_posix(), cs[1].caption), Para("末尾\r")]

    (tmp_path / "a.md").write_text(render_markdown(blocks(charts)), encoding="utf-8", newline="")
    retarget_markdown(tmp_path / "a.md", tmp_path / "b.md", charts, moved)
    want = render_markdown(blocks(moved)).encode("utf-8")
    assert (tmp_path / "b.md").read_bytes() == want
    assert want.count(b"charts/summary-2024/") == 2


def _full(text: str) -> object:
    return json.loads(text).get("findings", [])


def test_report_findings_is_the_whole_parse(batch: Path) -> None:
    texts = [p.read_text(encoding="utf-8") for p in sorted((batch / "reports").glob("*.json"))]
    assert len(texts) >= 10
    for text in texts:
        assert report_findings(text) == _full(text)
    f = '{"rule":"C1","message":"x,\\"findings\\":[9],\\"summary\\":{}}"}'
    cases = [
        '{"a":1,"findings":[1,2],"summary":{"s":1}}',
        '{"a":1,"findings":[1,2]}',  # the last key
        '{"a":1,"findings":[1,2]}\n',
        '{"a":1}',  # none
        '{"findings":[3]}',  # the first key: no comma before it, parsed whole
        f'{{"a":1,"findings":[{f}],"summary":null}}',  # a string that holds the key, escaped
        '{"a":1,"findings":[1],"findings":[2],"summary":{}}',  # twice: the last, as json.loads
        '{"a":{"b":1,"findings":[7]},"findings":[8],"summary":{"x":1,"findings":[9]}}',  # nested, last
        '{"a":1,"findings":[1],"summary":{"x":1,"findings":[2]}}',
        '{\n "a": 1,\n "findings": [\n  1\n ]\n}',  # indented: parsed whole
        '{"a":1,"findings":[1],"summary":{}} ',
    ]
    for text in cases:
        assert report_findings(text) == _full(text), text
    for bad in ('{"a":1,"findings":[1],"summary":{}}x', '{"a":1,"findings":[1],"summ', '{"a":1,"findings":[1', ''):
        with pytest.raises(ValueError):
            report_findings(bad)
        with pytest.raises(ValueError):
            _full(bad)


_VALIDATED = TypeAdapter(list[Finding])


def _validated(rec: Record, out: Path) -> list[Finding]:
    """The general code: the report's JSON parsed whole and every finding validated, then the flagged kept."""
    if rec.report is None or rec.digest is None or not any(
            f.category == "report" and f.status in (Status.FAIL, Status.WARN) for f in rec.digest.findings):
        return []
    try:
        data = json.loads((out / rec.report).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [f for f in _VALIDATED.validate_python(data.get("findings", []))
            if f.category == "report" and f.status in (Status.FAIL, Status.WARN)]


def _kept(rec: Record) -> Kept:
    assert rec.digest is not None
    return Kept(rec.path, rec.report, rec.digest.findings)


def test_flagged_findings_are_those_of_the_validated_report(batch: Path, tmp_path: Path) -> None:
    records = [r for r in ResultStore(batch).load() if r.digest is not None]
    flagged = [r for r in records if _validated(r, batch)]
    assert len(flagged) >= 5
    for rec in records:
        assert _findings(_kept(rec), batch) == _validated(rec, batch)
    # random lists of findings: categories missing or either, every status, cells and lines
    rng = random.Random(13)
    rec = flagged[0]
    assert rec.report is not None
    template = json.loads((batch / rec.report).read_text(encoding="utf-8"))
    pool = [f for f in template["findings"] if f["cells"]] + template["findings"][:3]
    out = tmp_path / "o"
    (out / "reports").mkdir(parents=True)
    for k in range(60):
        found = []
        for f in rng.sample(pool, rng.randint(0, len(pool))):
            f = dict(f, status=rng.choice([s.value for s in Status]), category=rng.choice(["report", "parse"]))
            if rng.random() < 0.3:
                del f["category"]
            if rng.random() < 0.2:
                f["expected"] = rng.choice([None, 1, 2.5, 0.0])
            found.append(f)
        doc = dict(template, findings=found)
        if k % 7 == 0:
            doc.pop("findings")
        (out / rec.report).write_text(json.dumps(doc, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
        assert _findings(_kept(rec), out) == _validated(rec, out)
    (out / rec.report).write_text("{not json", encoding="utf-8")
    assert _findings(_kept(rec), out) == _validated(rec, out) == []


def _nested_each_pair(units: list[tuple[str, str | None]]) -> list[tuple[str, str]]:
    """The general code: every unit against every government."""
    from service.batch.aggregate import _region
    from service.batch.crossyear import normalise_org

    regions = [(label, _region(normalise_org(org))) for label, org in units if org]
    out: list[tuple[str, str]] = []
    for label, org in units:
        if not org:
            continue
        norm = normalise_org(org)
        for parent, place in regions:
            if place and parent != label and norm.startswith(place) and norm != normalise_org(place + "人民政府"):
                out.append((label, parent))
    return out


def test_nested_units_by_place_are_those_of_every_pair(batch: Path) -> None:
    from service.batch.aggregate import nested_units

    orgs = sorted({r.digest.organization for r in ResultStore(batch).load() if r.digest and r.digest.organization})
    assert orgs
    rng = random.Random(7)
    places = ["淮安市", "淮安市洪泽区", "洪泽区", "江苏省", "江苏省淮安市", "沙坡头区", "中卫市沙坡头区", "某某街道", "A市",
              "淮安", "ｈｕａｉ市"]
    tails = ["人民政府", "人民政府办公室", "人民政府办公厅", "民政局", "教育局", "镇人民政府", "", " 人民政府", "政府"]
    for trial in range(200):
        units: list[tuple[str, str | None]] = [(o, o) for o in orgs] if trial == 0 else []
        for k in range(rng.randint(0, 30)):
            org = rng.choice(places) + rng.choice(tails) if rng.random() > 0.1 else rng.choice([None, ""])
            label = org if org and rng.random() > 0.2 else f"u{k}"
            units.append((label, org))
        rng.shuffle(units)
        assert nested_units(units) == _nested_each_pair(units), units
