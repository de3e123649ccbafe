"""表三 with the 总计 column left blank on the result rows (a 2019-format habit, seen in 2021 reports too),
from the gold numbers: every blank 总计 is determined by C4, marked inferred, and nothing else moves.

The blank may vanish from the text (a space- or tab-separated dump drops the empty cell, so each row
prints six numbers for seven columns) or be printed as "/". Many rows each missing a cell is more
placements than the lost-cell solver enumerates; placements that break their own row's C4 are left out
first, so the one left is found.
"""

from __future__ import annotations

import pytest

from service.pipeline import analyze_document
from service.reading import read_bytes
from tests.test_tables_unseen import _SUBS, ALL, T2_2019, check, truth
from tests.unseen_layouts import T3_SPEC, Style, Truth, report_text, t3_header_lines, t3_rows, with_style

RESULT_ROWS = {k for k, outer, _g, _l in T3_SPEC if outer}


def _layout(blank: str, fmt: str):  # type: ignore[no-untyped-def]
    def layout(t: Truth, st: Style) -> list[str]:
        lines = t3_header_lines(st.sep)
        for key, outer, group, label, vals in t3_rows(t, st):
            if fmt == "2019" and key in _SUBS[1:]:
                continue
            if fmt == "2019" and key == "other_no_correction":
                vals = [st.number(sum(x)) for x in zip(*(t.t3[k] for k in _SUBS), strict=True)]
                group, label = "", "（六）其他处理"
            if key in RESULT_ROWS:
                vals = [*vals[:6], blank] if blank else vals[:6]
            lines.append(st.sep.join([c for c in (outer, group) if c] + [label, *vals]))
        return lines
    return layout


@pytest.mark.parametrize("fmt", ["2019", "2021"])
@pytest.mark.parametrize("blank", ["", "/"])
@pytest.mark.parametrize("sep", ["\t", " ", "  "])
@pytest.mark.parametrize("name", ALL)
def test_blank_total_inferred_by_c4(name: str, sep: str, blank: str, fmt: str) -> None:
    t = truth(name)
    if fmt == "2019":
        t2 = T2_2019.replace("\t", sep)
        style = with_style(t2=lambda _t, _s: t2.split("\n"), t3=_layout(blank, fmt), sep=sep)
        text = report_text(t, style).replace("国办公开办函〔2021〕30号", "国办公开办函〔2019〕60号").replace("2024年", "2020年")
    else:
        text = report_text(t, with_style(t3=_layout(blank, fmt), sep=sep))
    report = analyze_document(read_bytes(text.encode("utf-8"), "blank-total.txt"), narrative=False)
    assert report.format == fmt
    rows = report.tables.table3.rows
    if fmt == "2021":
        check(report, t, "all")
    else:
        apps = report.applications or {}
        assert {k: v for k, v in apps.items() if k in t.t3} == {k: v for k, v in t.t3.items() if k not in _SUBS}
        assert apps["other_processing"] == [sum(x) for x in zip(*(t.t3[k] for k in _SUBS), strict=True)]
        assert not [f.message for f in report.findings if f.status.value == "FAIL"]
    for key in RESULT_ROWS & set(rows):
        total = rows[key].cells[6]
        assert total.inferred_from and total.printed in (None, "/"), (key, total)
