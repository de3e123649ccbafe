"""summary.xlsx's fast sheet writer (service.batch.xlsx_rows) against the openpyxl cell writer it replaces
(tests/_xlsx_reference.py): the same zip members byte for byte, and read back by openpyxl the same workbook
(values, types, styles, widths, panes, filters, print set-up), on real batches and on random sheets."""

from __future__ import annotations

import datetime
import random
import re
import shutil
import zipfile
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from service.batch import BatchOptions, run_batch
from service.batch.aggregate import Aggregate, ErrorRow, aggregate
from service.batch.feedback import FixItem, fix_items
from service.batch.risk import grade_units
from service.batch.summary_xlsx import SHEETS, SheetSpec, _width, sheet_specs, write_workbook
from tests import _xlsx_reference as reference
from tests._corpus import SEEDS

#: Zip members that hold the time the workbook was made.
VOLATILE = {"docProps/core.xml"}
_NEW_RECEIVED = re.compile(r"(本年新收政府信息公开申请数量[^\d\n]*)(\d+)")


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist() if n not in VOLATILE}


def both(specs: list[SheetSpec], tmp: Path) -> tuple[Path, Path]:
    """The sheets written by the reference and by the fast writer (each from its own copy of the rows)."""
    old, new = tmp / "old.xlsx", tmp / "new.xlsx"
    rows = [list(s.rows) for s in specs]
    reference.write_workbook([replace(s, rows=r) for s, r in zip(specs, rows, strict=True)], old)
    write_workbook([replace(s, rows=r) for s, r in zip(specs, rows, strict=True)], new)
    return old, new


def assert_same_bytes(old: Path, new: Path) -> None:
    a, b = members(old), members(new)
    assert list(a) == list(b)
    for name in a:
        assert a[name] == b[name], name


def _cell(c: Any) -> tuple[Any, ...]:
    return (c.value, c.data_type, c.number_format, c.font.b, c.fill.fill_type, c.fill.fgColor.rgb,
            c.alignment.wrap_text, c.alignment.vertical, c.quotePrefix)


def assert_same_workbook(old: Path, new: Path) -> None:
    """The two workbooks read back by openpyxl (normal and read-only) hold the same sheets and cells."""
    a, b = load_workbook(old), load_workbook(new)
    assert a.sheetnames == b.sheetnames
    for sa, sb in zip(a.worksheets, b.worksheets, strict=True):
        assert sa.max_row == sb.max_row and sa.max_column == sb.max_column, sa.title
        for ra, rb in zip(sa.iter_rows(), sb.iter_rows(), strict=True):
            assert [_cell(c) for c in ra] == [_cell(c) for c in rb], sa.title
        dims = {k: d.width for k, d in sa.column_dimensions.items()}
        assert dims == {k: d.width for k, d in sb.column_dimensions.items()}, sa.title
        assert (sa.freeze_panes, sa.auto_filter.ref, sa.print_title_rows) == \
            (sb.freeze_panes, sb.auto_filter.ref, sb.print_title_rows), sa.title
        assert sa.print_options == sb.print_options and sa.page_margins == sb.page_margins, sa.title
        assert sa.page_setup == sb.page_setup and sa.sheet_properties == sb.sheet_properties, sa.title
        assert sa.oddFooter.center.text == sb.oddFooter.center.text, sa.title
    ra, rb = load_workbook(old, read_only=True), load_workbook(new, read_only=True)
    for sa, sb in zip(ra.worksheets, rb.worksheets, strict=True):
        assert list(sa.iter_rows(values_only=True)) == list(sb.iter_rows(values_only=True)), sa.title


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> tuple[Aggregate, list[FixItem], Path]:
    """A batch of the bundled seeds, each also with a wrong figure in 表三 (so with findings and 整改清单),
    an empty file and a corrupt PDF; its latest year's aggregate and 整改清单 items."""
    root = tmp_path_factory.mktemp("xlsx")
    src = root / "in"
    src.mkdir()
    for p in SEEDS:
        text = p.read_text(encoding="utf-8")
        shutil.copy(p, src / p.name)
        wrong = _NEW_RECEIVED.sub(lambda m: m.group(1) + str(int(m.group(2)) + 3), text, count=1)
        (src / f"{p.stem}-broken.txt").write_text(wrong, encoding="utf-8")
    (src / "empty.txt").write_bytes(b"")
    (src / "corrupt.pdf").write_bytes(b"%PDF-1.4\n%\x00\x01 not a pdf")
    out = root / "out"
    result = run_batch([src], BatchOptions(out=out, progress=False, backend="rules", mode="serial", jobs=1))
    agg = aggregate(result.source, found=result.found)
    agg.risk = grade_units(agg, agg.thresholds)
    with (root / "spill").open("w+b") as spill:
        items = list(fix_items(agg, agg.source, out, spill))
    assert items and agg.findings and agg.errors
    return agg, items, root


NASTY = ["=1+1", "=", "+86 10", "-3", "@SUM(A1)", "\tx", "\rx", "a\x01b\x1fc", "#N/A", "#DIV/0!", " lead", "tail ",
         "x\ny", "a & b < c > d \"e\" 'f'", "—", "", "中文" * 20000, "\U0001F600 emoji", "\u00a0nbsp", "x\u2028y",
         "\x7f\x85\x9f", "\ufeffbom"]


def test_a_real_batch_writes_the_same_workbook(batch: tuple[Aggregate, list[FixItem], Path],
                                                tmp_path: Path) -> None:
    agg, items, _ = batch
    old, new = both(list(sheet_specs(agg, items)), tmp_path)
    assert load_workbook(new, read_only=True).sheetnames == SHEETS
    assert_same_bytes(old, new)
    assert_same_workbook(old, new)


def test_report_text_that_could_run_or_break_the_sheet(batch: tuple[Aggregate, list[FixItem], Path],
                                                       tmp_path: Path) -> None:
    """Formula-like, control-character, error-code, long and blank text in a real batch's units, errors and
    整改清单; None, 0 and — cells; a sheet without rows."""
    agg, items, _ = batch
    units = [replace(u, organization=NASTY[k % len(NASTY)], report_date=NASTY[(k + 3) % len(NASTY)],
                     new_received=[None, 0, 7, 2.5][k % 4])
             for k, u in enumerate(agg.units * 4)]
    errors = [ErrorRow(f"e{k}", f"/in/e{k}", "input", t) for k, t in enumerate(NASTY)]
    odd = [replace(items[k % len(items)], source=t, printed=t, reason=t) for k, t in enumerate(NASTY)]
    changed = replace(agg, units=units, errors=errors, findings=[], yoy=[])
    specs = list(sheet_specs(changed, odd))
    old, new = both(specs, tmp_path)
    assert_same_bytes(old, new)
    assert_same_workbook(old, new)
    wb = load_workbook(new)
    unit = wb["单位"]
    texts = [unit.cell(r, 2) for r in range(2, unit.max_row + 1)]
    formula = next(c for c in texts if c.value == "=1+1")
    assert formula.data_type == "s" and formula.quotePrefix
    assert not any(c.data_type == "f" for row in unit.iter_rows() for c in row)
    assert any(c.value == "abc" for c in texts) and not any("\x01" in (c.value or "") for c in texts)
    assert max(len(c.value or "") for c in texts) == 32000
    assert wb["审核发现"].max_row == 1 and wb["审核发现"].auto_filter.ref is None


class Tag(str):
    """Text whose str() is not its content (as a (str, Enum) member's)."""

    def __str__(self) -> str:
        return "Tag.标签"


def _random_text(rng: random.Random) -> str:
    pools = ["abc xyz", "中文汉字", "&<>\"'", "\t\n\r", "".join(map(chr, range(32))), "\x7f\x85\xa0\u2028\ufeff",
             "\U0001F600\U00020000", "=+-@#", "\u2e80\u2e81\u3000"]
    pool = "".join(rng.sample(pools, rng.randint(1, 3)))
    text = "".join(rng.choice(pool) for _ in range(rng.choice([0, 1, 2, 5, 30, 200])))
    return rng.choice(["", " ", "=", "#N/A"]) + text if rng.random() < 0.2 else text


def _random_value(rng: random.Random) -> Any:
    kind = rng.randrange(12)
    if kind < 5:
        return _random_text(rng)
    return [None, "—", rng.randint(-10**6, 10**6), 2**60, rng.random(), rng.choice([0.0, -0.0, 1e20, 1e-300, 0.1]),
            rng.choice([True, False, float("nan"), float("inf"), Decimal("1.5"), datetime.date(2024, 1, 2),
                        Tag("红")])][kind - 5]


@pytest.mark.parametrize("seed", range(6))
def test_random_sheets_write_the_same_workbook(seed: int, tmp_path: Path) -> None:
    rng = random.Random(seed)
    specs = []
    for k in range(rng.randint(1, 5)):
        ncols = rng.randint(1, 30)
        header = [rng.choice([f"列{c}", f"列{c}", "=标题", "=", "#N/A", " 空格", "a&b<c>", "\t换行\n", "\r",
                             ILLEGAL_CHARACTERS_RE.sub("", _random_text(rng))])
                  for c in range(ncols)]
        rows = [[_random_value(rng) for _ in range(max(0, ncols + rng.randint(-3, 3)))]
                for _ in range(rng.choice([0, 1, 3, 60, 600]))]
        percent = rng.sample(range(1, ncols + 1), rng.randint(0, ncols))
        wide = {c: rng.randint(10, 90) for c in rng.sample(range(1, ncols + 1), rng.randint(0, ncols))}
        specs.append(SheetSpec(f"表{k}", header, rows, percent, wide or None))
    old, new = both(specs, tmp_path)
    assert_same_bytes(old, new)
    assert_same_workbook(old, new)


def test_text_xml_cannot_hold_fails_as_before(tmp_path: Path) -> None:
    """A lone surrogate: openpyxl's writer refuses it, and so does the fast one (through the same writer)."""
    spec = SheetSpec("表", ["a"], [["x\ud800y"]])
    with pytest.raises(UnicodeEncodeError):
        reference.write_workbook([spec], tmp_path / "old.xlsx")
    with pytest.raises(UnicodeEncodeError):
        write_workbook([spec], tmp_path / "new.xlsx")


def test_column_widths_count_wide_characters_as_before() -> None:
    rng = random.Random(1)
    values: list[Any] = [None, 0, 2.5, "", "a" * 80, "中" * 80, "\u2e80\u2e81", Tag("红")]
    values += [_random_text(rng) for _ in range(500)]
    assert [_width(v) for v in values] == [reference._width(v) for v in values]
