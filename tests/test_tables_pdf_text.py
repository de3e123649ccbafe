"""The dev PDFs as real PDF-to-text dumps (pdftotext, pdfplumber, pypdfium2): the text path's tables.

The fixtures in tests/data/pdf_text/ were made once from eval/corpus/dev/*.pdf (README.md there says
how); no PDF tool is needed to run these tests. For every dump: no table cell may be a number other
than gold's, no FAIL finding that gold's numbers do not imply (gold implies C5 FAIL on
hongze-district-2023's 表四, a real error in that report), and a cell left unknown must make the
report UNCERTAIN (or FAIL only for what gold implies, with UNCERTAIN findings). Dumps that print every
number row by row must leave nothing unknown; plain pdftotext prints part of 表三 column by column,
so there only the cells it prints row by row must be known. Known bugs are strict xfails.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

from service.checks.model import Status
from service.pipeline import analyze_document
from service.reading import read_bytes
from tests._corpus import GOLD_DIR
from tests.unseen_layouts import cells_of

DATA = Path(__file__).resolve().parent / "data" / "pdf_text"
STEMS = ("hongze-district-2023", "hongze-district-2024", "huaian-city-2024")
ROW_BY_ROW = ("pdftotext-layout", "pdftotext-raw", "pdftotext-layout-fixed3", "pdftotext-layout-nopgbrk",
              "pdfplumber", "pdfplumber-layout", "pypdfium2")
PLAIN = ("pdftotext-plain", "pdftotext-plain-noblank")
T3_GROUPS = ("new_received", "carried_over", "granted", "partially_granted")

#: Plain pdftotext: the 表三 rows printed row by row (label, then its 7 numbers one per line). In the
#: two hongze reports rows (三)1–(五)5 come out column by column and (六)/(七) interleaved in pairs
#: (lost for a row reader); 一's label is emitted far from its numbers (its row is read by position:
#: the only row before 二's). huaian-city-2024 prints
#: every row row by row; only (一), (二), (五)5 and (六)1–3 have their labels elsewhere.
PLAIN_ROWS: dict[str, tuple[str, ...]] = {
    "hongze-district-2023": ("new_received", "carried_over", "granted", "partially_granted"),
    "hongze-district-2024": ("new_received", "carried_over", "granted", "partially_granted"),
    "huaian-city-2024": ("new_received", "carried_over", "denied_state_secret", "denied_law_prohibited",
                         "denied_three_safety_one_stability", "denied_third_party_rights", "denied_internal_affairs",
                         "denied_process_info", "denied_enforcement_case_file", "denied_administrative_inquiry",
                         "unable_not_held", "unable_needs_creation", "unable_unclear_after_correction",
                         "not_processed_petition", "not_processed_duplicate", "not_processed_publication",
                         "not_processed_excessive", "total_processed", "carried_forward"),
}


#: (stem, tool) -> reason, for the main test (all fixed; kept for bugs found later)
BUGS: dict[tuple[str, str], str] = {}
#: (stem, tool) -> reason, for the test that the cells printed row by row are known
RECOVER_BUGS: dict[tuple[str, str], str] = {}


@dataclass(frozen=True)
class Dump:
    stem: str
    tool: str

    @property
    def path(self) -> Path:
        return DATA / f"{self.stem}.{self.tool}.txt"


@cache
def gold(stem: str) -> dict[str, object]:
    g = json.loads((GOLD_DIR / f"{stem}.json").read_text(encoding="utf-8"))
    return {k: g[k] for k in ("active_disclosure", "applications", "review_litigation")}


def gold_cells(stem: str) -> dict[str, object]:
    return cells_of(type("Gold", (), gold(stem))())


def gold_fail_rules(stem: str) -> set[str]:
    """The relations gold's own numbers break (a real error in the report)."""
    g = gold(stem)
    t3: dict[str, list[int]] = g["applications"]  # type: ignore[assignment]
    t4: dict[str, dict[str, int]] = g["review_litigation"]  # type: ignore[assignment]
    rules: set[str] = set()
    if any(sum(v[:6]) != v[6] for v in t3.values()):
        rules.add("C4")
    for c in range(7):
        if t3["new_received"][c] + t3["carried_over"][c] != t3["total_processed"][c] + t3["carried_forward"][c]:
            rules.add("C1")
        outcome = [k for k in t3 if k not in (*T3_GROUPS[:2], "total_processed", "carried_forward")]
        if sum(t3[k][c] for k in outcome) != t3["total_processed"][c]:
            rules.add("C3")
    if any(d["upheld"] + d["corrected"] + d["other"] + d["pending"] != d["total"] for d in t4.values()):
        rules.add("C5")
    return rules


@cache
def analyzed(d: Dump) -> object:
    return analyze_document(read_bytes(d.path.read_bytes(), d.path.name), narrative=False)


def _params(tools: tuple[str, ...], bugs: dict[tuple[str, str], str]) -> list[object]:
    out: list[object] = []
    for stem in STEMS:
        for tool in tools:
            reason = bugs.get((stem, tool))
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            out.append(pytest.param(Dump(stem, tool), id=f"{stem}.{tool}", marks=marks))
    return out


def test_every_fixture_is_covered() -> None:
    made = {p.name for p in DATA.glob("*.txt")}
    want = {Dump(s, t).path.name for s in STEMS for t in (*ROW_BY_ROW, *PLAIN)}
    assert made == want


@pytest.mark.parametrize("dump", _params((*ROW_BY_ROW, *PLAIN), BUGS))
def test_pdf_text_dump(dump: Dump) -> None:
    report = analyzed(dump)
    want = gold_cells(dump.stem)
    got = cells_of(report)
    wrong = {k: (got.get(k), v) for k, v in want.items() if got.get(k) is not None and got.get(k) != v}
    assert wrong == {}, "silently wrong numbers (got, gold)"
    expected = gold_fail_rules(dump.stem)
    findings = report.findings  # type: ignore[attr-defined]
    fails = [f"{f.rule}: {f.message}" for f in findings if f.status is Status.FAIL and f.rule not in expected]
    assert fails == [], "FAIL findings that gold does not imply"
    unknown = [k for k in want if got.get(k) is None]
    if unknown:
        summary = report.summary  # type: ignore[attr-defined]
        assert summary is not None
        assert summary.status is Status.UNCERTAIN or (expected and summary.status is Status.FAIL), summary.status
        assert any(f.status is Status.UNCERTAIN for f in findings)
    if dump.tool in ROW_BY_ROW:
        assert unknown == [], "numbers printed row by row reported as unknown"
    if "C5" in expected and not any(k.startswith("t4.") for k in unknown):
        assert any(f.rule == "C5" and f.status is Status.FAIL for f in findings), "the report's real C5 error is missed"


@pytest.mark.parametrize("dump", _params(PLAIN, RECOVER_BUGS))
def test_pdf_text_plain_rows_printed_row_by_row_are_known(dump: Dump) -> None:
    got = cells_of(analyzed(dump))
    want = gold_cells(dump.stem)
    printed = [k for k in want if k.startswith("t2.")
               or (k.startswith("t3.") and k.split(".")[1] in PLAIN_ROWS[dump.stem])]
    assert [k for k in printed if got.get(k) is None] == []
