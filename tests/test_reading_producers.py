"""PDFs from another producer (LibreOffice, tests/data/producers) and HTML pages of other CMSs:
every table cell read back equal to the gold numbers they were made from, or flagged unknown."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from service.checks.model import Status
from service.pipeline import analyze_document, analyze_path
from service.reading import read_bytes
from tests.unseen_layouts import cells_of, load_truth, report_html, truth_cells

PRODUCERS = Path(__file__).parent / "data" / "producers"
FIXTURES = {
    "lo-full": "huaian-city-2024",
    "lo-novert": "synthetic-city-2025",
    "lo-threeline": "huaian-city-2024",
    "lo-split": "synthetic-city-2025",
    "lo-split-repeat": "huaian-city-2024",
    "lo-narrow": "synthetic-city-2025",
    "lo-landscape": "hongze-district-2024",
    "lo-centered-narrow": "synthetic-city-2025",
    "lo-html": "synthetic-city-2025",
    # Unruled columns with vertically centred cells: a wrapped number's two lines straddle the row's
    # other values, so the row's text lines interleave (read as a grid rebuilt from the white gaps).
    "lo-novert-centered": "huaian-city-2024",
    "lo-threeline-narrow": "synthetic-city-2025",
}
#: Fixtures known to read wrong, as name: (gold, reason) (strict xfails).
KNOWN: dict[str, tuple[str, str]] = {}


def _check(report: object, gold: str) -> None:
    want = truth_cells(load_truth(gold))
    got = cells_of(report)
    wrong = {k: (got.get(k), v) for k, v in want.items() if got.get(k) is not None and got.get(k) != v}
    assert wrong == {}, "silently wrong numbers (got, truth)"
    fails = [f.message for f in report.findings if f.status is Status.FAIL]  # type: ignore[attr-defined]
    assert fails == [], "FAIL findings on a report whose true numbers are consistent"
    assert [k for k in want if got.get(k) is None] == [], "printed numbers reported as unknown"


def _cases() -> list[object]:
    out: list[object] = [pytest.param(name, gold, id=name) for name, gold in FIXTURES.items()]
    out += [pytest.param(name, gold, id=name, marks=pytest.mark.xfail(strict=True, reason=why))
            for name, (gold, why) in KNOWN.items()]
    return out


@pytest.mark.parametrize(("name", "gold"), _cases())
def test_producer_pdf(name: str, gold: str) -> None:
    start = time.process_time()  # CPU time: a loaded machine's waits for a core do not count
    report = analyze_path(PRODUCERS / f"{name}.pdf", narrative=False)
    assert time.process_time() - start < 2.0  # a guard against a pathological read (~0.1 s); speed: bench/
    _check(report, gold)


def test_every_fixture_is_listed() -> None:
    assert {p.stem for p in PRODUCERS.glob("*.pdf")} == set(FIXTURES) | set(KNOWN)


# ---------------------------------------------------------------- HTML pages of other CMSs

GOLD = "synthetic-city-2025"


def _trs_page(charset: str | None) -> str:
    """A TRS-style CMS page: chrome around <div class=TRS_Editor>, cells as <p align=center><span>."""
    html = report_html(load_truth(GOLD))
    body = html.split("<div id='zoom'>")[1].split("</div></body>")[0]
    body = re.sub(r"<td([^>]*)>([^<]*)</td>", r"<td\1><p align=center><span style='font-family:宋体'>\2</span></p></td>", body)
    meta = f"<meta http-equiv='Content-Type' content='text/html; charset={charset}'>" if charset else ""
    links = "".join(f"<li><a href='/c{i}'>栏目{i}</a></li>" for i in range(30))
    return (f"<html><head>{meta}<title>测试县2024年报告</title></head><body>"
            f"<div class='nav'><a href='/'>首页</a> &gt; <a href='/xxgk'>信息公开</a></div><ul>{links}</ul>"
            "<div class='main'><h1>测试县人民政府2024年政府信息公开工作年度报告</h1>"
            "<div class='info'>发布时间：2025-01-20 来源：县政府办</div>"
            f"<div class='TRS_Editor'><style>.TRS_Editor P{{line-height:2;}}</style>{body}</div></div>"
            "<div class='footer'>版权所有 主办单位</div></body></html>")


@pytest.mark.parametrize(("charset", "encoding"), [("utf-8", "utf-8"), (None, "gbk"), ("gb2312", "utf-8")])
def test_trs_editor_page(charset: str | None, encoding: str) -> None:
    doc = read_bytes(_trs_page(charset).encode(encoding), "page.html")
    assert len(doc.tables) == 3 and doc.warnings == []
    _check(analyze_document(doc, narrative=False), GOLD)


def test_tables_as_images_warn_and_stay_unknown() -> None:
    html = re.sub(r"<table border=1>.*?</table>", "<p align=center><img src='/upload/t.png' width=600></p>",
                  report_html(load_truth(GOLD)), flags=re.S)
    doc = read_bytes(html.encode("utf-8"), "page.html")
    assert any("image" in w and "OCR" in w for w in doc.warnings)
    report = analyze_document(doc, narrative=False)
    assert all(v is None for v in cells_of(report).values())
    assert report.summary is not None and report.summary.status is Status.UNCERTAIN
