"""summary.xlsx: units, 表三/表四/表二 totals, rates, findings, problems and measures, errors.

Plain values only (no formulas, no macros; report text that looks like a formula is stored as quote-prefixed
text, see service.batch.escape), sheet names without the characters Excel forbids, control
characters stripped: it opens cleanly in Excel and WPS. An unknown cell stays empty, never 0.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import chain, islice
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from service.batch.aggregate import ERROR_KIND_LABELS, T3_SUMMARY_ROWS, Aggregate, Total, UnitRow
from service.batch.charts import CATEGORY_LABELS, CHANNEL_LABELS
from service.batch.feedback import FixItem
from service.batch.xlsx_rows import Sheet, SheetRows, Styles
from service.outputs.labels import RULE_NAMES, status_label
from service.tables.layout import (
    T3_COLUMNS,
    T3_LABELS,
    T4_COLUMN_LABELS,
    T4_COLUMNS,
    T4_GROUP_LABELS,
    T4_GROUPS,
)

SHEETS = ["单位", "整改清单", "风险分级", "同比", "表三合计", "表四合计", "表二合计", "比率", "审核发现", "问题与措施", "渠道",
          "未处理文件"]


@dataclass(frozen=True)
class SheetSpec:
    """One sheet: its name, header, rows, the columns (from 1) whose floats are percentages, and the wide
    columns with their widths (wrapped, top-aligned)."""

    name: str
    header: list[str]
    rows: Iterable[Sequence[Any]]
    percent_cols: Sequence[int] = ()
    wide: dict[int, int] | None = None


def render_xlsx(agg: Aggregate, path: Path, items: Iterable[FixItem] = ()) -> None:
    write_workbook(sheet_specs(agg, items), path)


def write_workbook(specs: Iterable[SheetSpec], path: Path) -> None:
    """The sheets as a workbook at ``path`` (made beside it, then moved into place)."""
    wb = Workbook(write_only=True)  # rows stream to the file: no cell objects kept for a whole sheet
    styles = Styles()
    for spec in specs:
        _sheet(wb.create_sheet(spec.name), spec, styles, path.parent)
    tmp = path.with_name(f".{path.name}.tmp")
    wb.save(tmp)
    tmp.replace(path)


def sheet_specs(agg: Aggregate, items: Iterable[FixItem] = ()) -> Iterator[SheetSpec]:
    """The sheets of summary.xlsx, in SHEETS order; their rows are made as they are written."""
    yield SheetSpec("单位", [
        "文件", "单位", "年度", "单位类型", "报告格式", "文件类型", "审核结论", "不通过的规则", "不通过项", "提示项", "无法确认项",
        "本年新收申请", "办理总计", "予以公开", "部分公开", "结转下年度", "行政复议总计", "行政诉讼总计", "纠错率",
        "实质公开率", "落款日期", "逾期", "问题条数", "措施条数"],
        ([u.name, u.organization, u.year, u.unit_type, u.format, u.kind, status_label(u.status) if u.status else "",
          " ".join(u.failed_rules), u.fails,
          u.warns, u.uncertain, u.new_received, u.total_processed, u.granted, u.partially_granted, u.carried_forward,
          u.review_total, u.litigation_total, u.correction.value if u.correction.value is not None else "—",
          _substantive(u),
          u.report_date, {True: "是", False: "否", None: ""}[u.late], u.problems, u.measures] for u in agg.units),
        percent_cols=[19, 20])

    yield SheetSpec("整改清单", ["单位", "文件", "年度", "结论", "规则", "规则名称", "表格", "行", "列", "印出数值",
                             "应为(使勾稽关系成立)", "原文行号", "原文", "说明"],
                    ([i.label, i.name, i.year, status_label(i.status), i.rule, i.rule_name, i.table, i.row, i.column,
                      i.printed, i.suggested, i.line, i.source, i.reason] for i in items),
                    wide={8: 30, 13: 50, 14: 60})

    yield SheetSpec("风险分级", ["单位", "文件", "风险", "实质公开率", "纠错率", "结转率", "无法提供中不掌握占比", "依据"],
                    ([r.label, r.name, r.grade, _pct(r.substantive), _pct(r.correction), _pct(r.carry),
                      _pct(r.not_held), "; ".join(r.reasons)] for r in agg.risk),
                    percent_cols=[4, 5, 6, 7], wide={8: 70})

    yield SheetSpec("同比", ["单位", "文件", "上年报告", "指标", "上年", "本年", "倍数", "同比异常", "文字相似度(全部)",
                           "与上年高度雷同"],
                    ([r.label, r.name, r.previous, d.label, d.before, d.now, d.ratio, "是" if d.jump else "",
                      r.similarity.get("all"), "是" if r.copied else ""] for r in agg.yoy for d in r.deltas),
                    percent_cols=[9])

    t3_rows = []
    for key in T3_SUMMARY_ROWS:
        if key in agg.t3:
            cols = agg.t3[key]
            unknown = sorted({w for c in cols for w in c.unknown})
            t3_rows.append([T3_LABELS.get(key, key), key, *[c.value for c in cols], max(c.reports for c in cols),
                            "、".join(unknown)])
    yield SheetSpec("表三合计", ["项目", "键", *T3_COLUMNS, "计入报告数", "单元格未知的报告(未计入)"], t3_rows)

    t4_rows = [[T4_GROUP_LABELS[g], g, *[agg.t4[g][c].value for c in T4_COLUMNS],
                max(agg.t4[g][c].reports for c in T4_COLUMNS), _unknown(agg.t4[g].values())] for g in T4_GROUPS]
    yield SheetSpec("表四合计", ["类别", "键", *T4_COLUMN_LABELS, "计入报告数", "单元格未知的报告(未计入)"], t4_rows)

    yield SheetSpec("表二合计", ["项目", "合计", "计入报告数", "单元格未知的报告(未计入)"],
                    [[k, t.value, t.reports, "、".join(t.unknown)] for k, t in agg.t2.items()])

    yield SheetSpec("比率", ["指标", "数值", "计算方法", "分子", "分母", "分母含义", "计入报告数", "未计入的报告", "说明"],
                    [[r.label, r.value if r.value is not None else "—", r.formula, r.numerator, r.denominator,
                      r.denominator_label, r.reports, "、".join(r.excluded), r.reason or ""] for r in agg.rates],
                    percent_cols=[2])

    yield SheetSpec("审核发现", ["单位", "文件", "年度", "规则", "规则名称", "结论", "类别", "对象", "说明", "依据"],
                    ([f.label, f.name, f.year, f.finding.rule, RULE_NAMES.get(f.finding.rule, ""),
                      status_label(f.finding.status),
                      "报告问题" if f.finding.category == "report" else "读取问题(本系统)", f.finding.subject,
                      f.finding.message, f.finding.evidence] for f in agg.findings),
                    wide={9: 60, 10: 80})

    yield SheetSpec("问题与措施", ["单位", "文件", "类型", "类别", "类别名称", "内容"],
                    ([i.label, i.name, i.kind, i.category, CATEGORY_LABELS.get(i.category, i.category), i.text]
                     for i in agg.iter_items()),
                    wide={6: 100})

    yield SheetSpec("渠道", ["渠道类型", "渠道", "提及单位数", "发布信息合计", "发布数未知的", "关注合计", "关注数未知的"],
                    [[c.kind, CHANNEL_LABELS.get(c.kind, c.kind), c.units, c.posts.value, len(c.posts.unknown),
                      c.followers.value, len(c.followers.unknown)] for c in agg.channels])

    yield SheetSpec("未处理文件", ["文件", "路径", "原因", "说明"],
                    ([e.name, e.path, ERROR_KIND_LABELS.get(e.kind, e.kind), e.message] for e in agg.errors),
                    wide={4: 80})


def _unknown(totals: Iterable[Total]) -> str:
    return "、".join(sorted({w for t in totals for w in t.unknown}))


def _sheet(ws: Sheet, spec: SheetSpec, styles: Styles, spill: Path) -> None:
    """A sheet: the styled header row, frozen, then the rows (formula-like text inert, percentages formatted,
    wide columns wrapped, see SheetRows), filter and print set-up. Write-only, so widths and panes are set
    before the rows (from the first 500), and the rows are taken as they come."""
    widths = spec.wide or {}
    rest = iter(spec.rows)
    first = list(islice(rest, 500))
    for i, title in enumerate(spec.header, start=1):
        longest = max([_width(title), *(_width(r[i - 1]) for r in first if i - 1 < len(r))])
        ws.column_dimensions[get_column_letter(i)].width = widths.get(i, min(max(8, longest + 2), 40))
    ws.freeze_panes = "A2"
    _print_setup(ws)
    with SheetRows(ws, styles, spec.percent_cols, list(widths), spill) as rows:
        rows.header(spec.header)
        for row in chain(first, rest):
            rows.add(row)
        if rows.count > 1:
            ws.auto_filter.ref = f"A1:{get_column_letter(rows.ncols)}{rows.count}"
        rows.close()


def _print_setup(ws: Sheet) -> None:
    """Prints on A4 landscape, every column on one page width, the header row repeated on each page."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_title_rows = "1:1"
    ws.print_options.gridLines = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    footer = ws.HeaderFooter.oddFooter
    if footer is not None and footer.center is not None:
        footer.center.text = "第 &P 页, 共 &N 页"


def _pct(v: float | None) -> float | str:
    return "—" if v is None else v


def _substantive(u: UnitRow) -> float | str:
    if u.granted is None or u.partially_granted is None or not u.total_processed:
        return "—"
    return (u.granted + u.partially_granted) / u.total_processed


def _width(v: Any) -> int:
    """Columns the value's first 60 characters take: 2 for a character above U+2E80 (CJK), else 1."""
    if v is None:
        return 0
    s = str(v)[:60]
    return len(s) if s.isascii() else len(s) + len(_WIDE_RE.findall(s))


_WIDE_RE = re.compile("[\u2e81-\U0010ffff]")
