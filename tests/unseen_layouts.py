"""Builders for the unseen-layout stress corpus: gold numbers rendered in layouts the parser never saw.

A ``Truth`` holds one report's true table numbers (from eval/gold). Renderers turn it into the bytes of
a whole report (text, markdown, HTML or DOCX) in one layout: how a PDF/Word→text tool flattened the
tables, how the sections are numbered, how numbers and labels are printed. Everything is
deterministic: the same truth and variant always give the same bytes.
"""

from __future__ import annotations

import io
import itertools
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
GOLD_DIR = REPO / "eval" / "gold"

Num = int | float

# --------------------------------------------------------------------------------------------------
# The national template (2021): rows of 表三 as (key, outer group, sub-group, label)

OUTER = "三、本年度办理结果"
T3_SPEC: list[tuple[str, str, str, str]] = [
    ("new_received", "", "", "一、本年新收政府信息公开申请数量"),
    ("carried_over", "", "", "二、上年结转政府信息公开申请数量"),
    ("granted", OUTER, "", "（一）予以公开"),
    ("partially_granted", OUTER, "", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
    ("denied_state_secret", OUTER, "（三）不予公开", "1.属于国家秘密"),
    ("denied_law_prohibited", OUTER, "（三）不予公开", "2.其他法律行政法规禁止公开"),
    ("denied_three_safety_one_stability", OUTER, "（三）不予公开", "3.危及“三安全一稳定”"),
    ("denied_third_party_rights", OUTER, "（三）不予公开", "4.保护第三方合法权益"),
    ("denied_internal_affairs", OUTER, "（三）不予公开", "5.属于三类内部事务信息"),
    ("denied_process_info", OUTER, "（三）不予公开", "6.属于四类过程性信息"),
    ("denied_enforcement_case_file", OUTER, "（三）不予公开", "7.属于行政执法案卷"),
    ("denied_administrative_inquiry", OUTER, "（三）不予公开", "8.属于行政查询事项"),
    ("unable_not_held", OUTER, "（四）无法提供", "1.本机关不掌握相关政府信息"),
    ("unable_needs_creation", OUTER, "（四）无法提供", "2.没有现成信息需要另行制作"),
    ("unable_unclear_after_correction", OUTER, "（四）无法提供", "3.补正后申请内容仍不明确"),
    ("not_processed_petition", OUTER, "（五）不予处理", "1.信访举报投诉类申请"),
    ("not_processed_duplicate", OUTER, "（五）不予处理", "2.重复申请"),
    ("not_processed_publication", OUTER, "（五）不予处理", "3.要求提供公开出版物"),
    ("not_processed_excessive", OUTER, "（五）不予处理", "4.无正当理由大量反复申请"),
    ("not_processed_confirmation", OUTER, "（五）不予处理", "5.要求行政机关确认或重新出具已获取信息"),
    ("other_no_correction", OUTER, "（六）其他处理", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    ("other_no_fee", OUTER, "（六）其他处理", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    ("other_other", OUTER, "（六）其他处理", "3.其他"),
    ("total_processed", OUTER, "", "（七）总计"),
    ("carried_forward", "", "", "四、结转下年度继续办理"),
]
T3_KEYS = [k for k, *_ in T3_SPEC]
T3_HEADER = [
    ["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "申请人情况"],
    ["自然人", "法人或其他组织", "总计"],
    ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"],
]
T4_GROUPS = ["review", "litigation_direct", "litigation_after_review"]
T4_COLS = ["upheld", "corrected", "other", "pending", "total"]
T4_COL_LABELS = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
T4_HEADER = [
    ["行政复议", "行政诉讼"],
    [*T4_COL_LABELS, "未经复议直接起诉", "复议后起诉"],
    [*T4_COL_LABELS, *T4_COL_LABELS],
]


@dataclass(frozen=True)
class Truth:
    """The true numbers of one report's three tables."""

    name: str
    t2: dict[str, object]
    t3: dict[str, list[int]]
    t4: dict[str, dict[str, int]]

    @property
    def t4_flat(self) -> list[int]:
        return [self.t4[g][c] for g in T4_GROUPS for c in T4_COLS]


def load_truth(name: str) -> Truth:
    g = json.loads((GOLD_DIR / f"{name}.json").read_text(encoding="utf-8"))
    return Truth(name, g["active_disclosure"], g["applications"], g["review_litigation"])


def truth_cells(t: Truth) -> dict[str, Num]:
    """Every table cell of the truth, keyed like ``cells_of`` keys a report."""
    out: dict[str, Num] = {}
    for k, v in t.t2.items():
        if isinstance(v, dict):
            out.update({f"t2.{k}.{kk}": vv for kk, vv in v.items()})
        else:
            out[f"t2.{k}"] = v  # type: ignore[assignment]
    for k, vals in t.t3.items():
        out.update({f"t3.{k}.{c}": v for c, v in enumerate(vals)})
    for g, d in t.t4.items():
        out.update({f"t4.{g}.{k}": v for k, v in d.items()})
    return out


def cells_of(report: object) -> dict[str, object]:
    out: dict[str, object] = {}
    for k, v in (getattr(report, "active_disclosure", None) or {}).items():
        if isinstance(v, dict):
            out.update({f"t2.{k}.{kk}": vv for kk, vv in v.items()})
        else:
            out[f"t2.{k}"] = v
    for k, vals in (getattr(report, "applications", None) or {}).items():
        out.update({f"t3.{k}.{c}": v for c, v in enumerate(vals)})
    for g, d in (getattr(report, "review_litigation", None) or {}).items():
        out.update({f"t4.{g}.{k}": v for k, v in d.items()})
    return out


# --------------------------------------------------------------------------------------------------
# Number and label styles

FULL = str.maketrans("0123456789.,", "０１２３４５６７８９．，")


def num_plain(v: Num) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def num_full(v: Num) -> str:
    return num_plain(v).translate(FULL)


def num_thousands(v: Num) -> str:
    if isinstance(v, float) and not v.is_integer():
        i, f = num_plain(v).split(".")
        return f"{int(i):,}.{f}"
    return f"{int(v):,}"


def num_unit(v: Num) -> str:
    return num_plain(v) + "件"


def num_zero_dash(v: Num) -> str:
    return "—" if v == 0 else num_plain(v)


def num_zero_slash(v: Num) -> str:
    return "/" if v == 0 else num_plain(v)


def num_zero_wu(v: Num) -> str:
    return "无" if v == 0 else num_plain(v)


def num_bold(v: Num) -> str:
    return f"**{num_plain(v)}**"


@dataclass(frozen=True)
class Style:
    """How the body of a text report is laid out; every field has the national template's default."""

    number: Callable[[Num], str] = num_plain
    fee: Callable[[Num], str] | None = None  # 表二 fee cell (defaults to ``number``)
    headings: Callable[[str, str], str] | None = None  # (key, canonical title) -> heading line
    order: tuple[str, ...] = ("overview", "active", "applications", "review", "problems", "other")
    appendix: bool = False  # tables printed after section 六 as 附表1/2/3
    problems_title: str = "五、存在的主要问题及改进情况"
    t2: Callable[[Truth, Style], list[str]] | None = None
    t3: Callable[[Truth, Style], list[str]] | None = None
    t4: Callable[[Truth, Style], list[str]] | None = None
    labels: dict[str, str] = field(default_factory=dict)  # per-key replacement of 表三 labels
    groups: dict[str, str] = field(default_factory=dict)  # replacement of sub-group labels
    sep: str = "\t"


def t3_rows(t: Truth, st: Style) -> list[tuple[str, str, str, str, list[str]]]:
    """(key, outer, group, label, printed values) per row, labels as the style prints them."""
    out = []
    for key, outer, group, label in T3_SPEC:
        vals = [st.number(v) for v in t.t3[key]]
        out.append((key, outer, st.groups.get(group, group), st.labels.get(key, label), vals))
    return out


# --------------------------------------------------------------------------------------------------
# 表三 text layouts


def t3_header_lines(sep: str = "\t") -> list[str]:
    return [sep.join(r) for r in T3_HEADER]


def t3_tabs_first_group(t: Truth, st: Style) -> list[str]:
    """Group cells (三、本年度办理结果, （三）不予公开 …) only on the first row of their span (as in a PDF)."""
    lines = t3_header_lines(st.sep)
    seen: set[str] = set()
    for _key, outer, group, label, vals in t3_rows(t, st):
        cells: list[str] = []
        for g in (outer, group):
            if g and g not in seen:
                cells.append(g)
                seen.add(g)
        lines.append(st.sep.join([*cells, label, *vals]))
    return lines


def t3_group_every_row(t: Truth, st: Style) -> list[str]:
    """The group columns repeated on every row (a spreadsheet export with merged cells unmerged)."""
    lines = t3_header_lines(st.sep)
    for _key, outer, group, label, vals in t3_rows(t, st):
        cells = [c for c in (outer, group) if c]
        lines.append(st.sep.join([*cells, label, *vals]))
    return lines


def t3_group_in_label(t: Truth, st: Style) -> list[str]:
    """Sub-group and item in one cell: '（三）不予公开 1.属于国家秘密'."""
    lines = t3_header_lines(st.sep)
    for _key, _outer, group, label, vals in t3_rows(t, st):
        lines.append(st.sep.join([f"{group} {label}".strip(), *vals]))
    return lines


def t3_no_groups(t: Truth, st: Style) -> list[str]:
    lines = t3_header_lines(st.sep)
    for _key, _outer, _group, label, vals in t3_rows(t, st):
        lines.append(st.sep.join([label, *vals]))
    return lines


def t3_group_own_line(t: Truth, st: Style) -> list[str]:
    """Group labels on lines of their own before their first row (a -layout PDF)."""
    lines = t3_header_lines(st.sep)
    seen: set[str] = set()
    for _key, outer, group, label, vals in t3_rows(t, st):
        for g in (outer, group):
            if g and g not in seen:
                lines.append(g)
                seen.add(g)
        lines.append(st.sep.join([label, *vals]))
    return lines


def t3_cell_per_line(t: Truth, st: Style) -> list[str]:
    """Every cell on its own line: label lines, then one number per line."""
    lines = [c for r in T3_HEADER for c in r]
    seen: set[str] = set()
    for _key, outer, group, label, vals in t3_rows(t, st):
        for g in (outer, group):
            if g and g not in seen:
                lines.append(g)
                seen.add(g)
        lines.append(label)
        lines.extend(vals)
    return lines


def t3_values_next_line(t: Truth, st: Style) -> list[str]:
    """The 7 numbers of a row on the line after its label."""
    lines = t3_header_lines(st.sep)
    seen: set[str] = set()
    for _key, outer, group, label, vals in t3_rows(t, st):
        cells = []
        for g in (outer, group):
            if g and g not in seen:
                cells.append(g)
                seen.add(g)
        lines.append(st.sep.join([*cells, label]))
        lines.append(st.sep.join(vals))
    return lines


def t3_label_after_values(t: Truth, st: Style) -> list[str]:
    """Numbers first, then the label (a text layer whose label cell comes last)."""
    lines = t3_header_lines(st.sep)
    for _key, _outer, group, label, vals in t3_rows(t, st):
        lines.append(st.sep.join([*vals, f"{group}{label}"]))
    return lines


def t3_label_wrapped(t: Truth, st: Style) -> list[str]:
    """Labels longer than 12 characters wrapped over three lines with the numbers on the middle one."""
    lines = t3_header_lines(st.sep)
    for _key, _outer, group, label, vals in t3_rows(t, st):
        full = f"{group}{label}"
        if len(full) > 12:
            k = len(full) // 3
            lines += [full[:k], st.sep.join([full[k : 2 * k], *vals]), full[2 * k :]]
        else:
            lines.append(st.sep.join([full, *vals]))
    return lines


def t3_long_header(t: Truth, st: Style) -> list[str]:
    """A header over five lines with the column names broken mid-word."""
    head = [
        "（本列数据的勾稽关系为：第一项加第二项之和，",
        "等于第三项加第四项之和）\t申请人情况",
        "自然人\t法人或其他组织\t总计",
        "商业企\t科研机\t社会公益\t法律服务\t其他",
        "业\t构\t组织\t机构",
    ]
    return head + t3_tabs_first_group(t, st)[3:]


def t3_column_major(t: Truth, st: Style) -> list[str]:
    """Rows 3–12 emitted column by column, labels afterwards (a PDF text layer without -layout)."""
    rows = t3_rows(t, st)
    lines = t3_header_lines(st.sep)
    for _key, _o, g, label, vals in rows[:2]:
        lines.append(st.sep.join([g + label, *vals]))
    block = rows[2:12]
    for c in range(7):
        lines.append(" ".join(r[4][c] for r in block))
    lines += [r[2] + r[3] for r in block]
    for _key, _o, g, label, vals in rows[12:]:
        lines.append(st.sep.join([g + label, *vals]))
    return lines


def t3_markdown(t: Truth, st: Style) -> list[str]:
    """A web-to-markdown table: header rule, bold numbers, group cells repeated."""
    head = ["| 项目 | | | 自然人 | 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 | 总计 |",
            "|---|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    body = []
    for _key, outer, group, label, vals in t3_rows(t, st):
        body.append("| " + " | ".join([outer, group, label, *vals]) + " |")
    return head + body


def t3_markdown_spanned(t: Truth, st: Style) -> list[str]:
    """Markdown from an HTML table with rowspans: the merged group cells are empty after their first row."""
    head = ["| 申请人情况 | | | 自然人 | 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 | 总计 |",
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    body = []
    seen: set[str] = set()
    for _key, outer, group, label, vals in t3_rows(t, st):
        cells = []
        for g in (outer, group):
            cells.append(g if g and g not in seen else "")
            seen.add(g)
        body.append("| " + " | ".join([*cells, label, *vals]) + " |")
    return head + body


def t3_labels_apart(chunk: int, per_line: int = 1, rule: bool = True, interleave: bool = False,
                    drop_label: str | None = None, drop_row: str | None = None,
                    labels_after: bool = False) -> Callable[[Truth, Style], list[str]]:
    """PDF-to-text of a ruled 表三: per ``chunk`` rows, the label cells first (``per_line`` of them run
    together on a line, a group name glued before its first row — or, ``interleave``, its characters
    mixed into that row's label as a two-column text layer does), then bare pipe rows of numbers with
    ``|---|`` rules between (``labels_after``: the labels after the rows). ``drop_label``/``drop_row``:
    one row's label or numbers lost."""
    def layout(t: Truth, st: Style) -> list[str]:
        lines = t3_header_lines(" ")
        rows: list[tuple[str, str, list[str]]] = []
        seen: set[str] = set()
        for key, outer, group, label, vals in t3_rows(t, st):
            pre = ""
            for g in (outer, group):
                if g and g not in seen:
                    seen.add(g)
                    if interleave and g == group and len(label) > 6:
                        k = len(g) // 2
                        label = label[:2] + g[k:] + label[2:]
                        g = g[:k]
                    pre += g
            rows.append((key, pre + label, vals))
        for i in range(0, len(rows), chunk):
            part = rows[i : i + chunk]
            labs = [lab for key, lab, _v in part if key != drop_label]
            block = ["".join(labs[j : j + per_line]) for j in range(0, len(labs), per_line)]
            bare: list[str] = []
            for key, _lab, vals in part:
                if key == drop_row:
                    continue
                bare.append("| " + " | ".join(vals) + " |")
                if rule:
                    bare.append("|---|---|---|---|---|---|---|")
            lines += bare + block if labels_after else block + bare
        return lines
    return layout


def _glue(vals: list[str], space_at: int) -> str:
    """Cells run together; with ``space_at`` > 0 stray blanks after the ``space_at``-th and the
    ``3 * space_at``-th digit (where the run is that long), wherever they fall."""
    run = "".join(vals)
    for k in sorted({space_at, 3 * space_at} if space_at > 0 else set(), reverse=True):
        if 0 < k < len(run):
            run = run[:k] + " " + run[k:]
    return run


def t3_run_together(glue_label: bool = False, space_at: int = 0, stray: tuple[int, int] | None = None,
                    ) -> Callable[[Truth, Style], list[str]]:
    """Every 表三 row's seven cells printed with no separator (a text layer that lost the borders),
    glued to the label or after a tab, optionally with stray blanks inside the run. ``stray`` = (runs,
    seed): each row whose digits allow it printed as ``runs`` blank-separated runs cut at places drawn
    from the seed (not its cell borders where the row is long enough), so that e.g. 7 runs look like
    seven printed cells."""
    def layout(t: Truth, st: Style) -> list[str]:
        lines = t3_header_lines(st.sep)
        for k, (_key, _outer, group, label, vals) in enumerate(t3_rows(t, st)):
            run = _stray(vals, *stray, k) if stray else _glue(vals, space_at)
            lines.append(group + label + ("" if glue_label else st.sep) + run)
        return lines
    return layout


def t3_rows_on_one_line(per_line: int = 25, sep: str = "", groups_once: bool = False) -> Callable[[Truth, Style], list[str]]:
    """表三's rows run together: ``per_line`` rows on each line, each row's label and digits glued, a row's
    digits glued to the next row's label (``…政府信息2200003252.没有现成…``: the next enumerator's
    digit right after the digits when ``groups_once`` prints a group name only before its first row),
    ``sep`` between rows."""
    def layout(t: Truth, st: Style) -> list[str]:
        rows: list[str] = []
        seen: set[str] = set()
        for _k, _o, group, label, vals in t3_rows(t, st):
            shown = "" if groups_once and group in seen else group
            seen.add(group)
            rows.append(shown + label + "".join(vals))
        return t3_header_lines(st.sep) + [sep.join(rows[i : i + per_line]) for i in range(0, len(rows), per_line)]
    return layout


def _stray(vals: list[str], runs: int, seed: int, row: int) -> str:
    """The row's digits cut into ``runs`` blank-separated runs at drawn places, avoiding its cell
    borders when there are enough other places (else glued whole)."""
    import random

    digits = "".join(vals)
    borders = set(itertools.accumulate(len(v) for v in vals[:-1]))
    others = [i for i in range(1, len(digits)) if i not in borders]
    if len(others) < runs - 1:
        return digits
    cuts = sorted(random.Random(seed * 1000 + row).sample(others, runs - 1))
    return " ".join(digits[a:b] for a, b in itertools.pairwise([0, *cuts, len(digits)]))


def t4_run_together(per_group: bool = False, space_at: int = 0) -> Callable[[Truth, Style], list[str]]:
    """表四's fifteen numbers as one digit string (or one per group, blank-separated)."""
    def layout(t: Truth, st: Style) -> list[str]:
        vals = [st.number(v) for v in t.t4_flat]
        if per_group:
            body = " ".join(_glue(vals[g * 5 : g * 5 + 5], space_at) for g in range(3))
        else:
            body = _glue(vals, space_at)
        return [st.sep.join(r) for r in T4_HEADER] + [body]
    return layout


def t2_run_together(t: Truth, st: Style) -> list[str]:
    """表二's three-cell rows run together (规章123): no relation within the row can split them."""
    return _t2_banded(t, st, lambda label, vals: [
        label + "".join(vals) if len(vals) == 3 else st.sep.join([label, *vals])])


# --------------------------------------------------------------------------------------------------
# 表二 and 表四 text layouts


def t2_rows(t: Truth, st: Style) -> list[tuple[str, str, list[str]]]:
    """(band, label, printed values) for the six rows."""
    fee = st.fee or st.number
    a = t.t2
    reg, norm = a["regulations"], a["normative_documents"]
    assert isinstance(reg, dict) and isinstance(norm, dict)
    return [
        ("第二十条第（一）项", "规章", [st.number(reg[k]) for k in ("issued", "repealed", "in_force")]),
        ("第二十条第（一）项", "行政规范性文件", [st.number(norm[k]) for k in ("issued", "repealed", "in_force")]),
        ("第二十条第（五）项", "行政许可", [st.number(a["licensing"])]),  # type: ignore[arg-type]
        ("第二十条第（六）项", "行政处罚", [st.number(a["penalty"])]),  # type: ignore[arg-type]
        ("第二十条第（六）项", "行政强制", [st.number(a["coercion"])]),  # type: ignore[arg-type]
        ("第二十条第（八）项", "行政事业性收费", [fee(a["fees_10k_yuan"])]),  # type: ignore[arg-type]
    ]


_T2_COLHEAD = {
    "第二十条第（一）项": ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
    "第二十条第（五）项": ["信息内容", "本年处理决定数量"],
    "第二十条第（六）项": ["信息内容", "本年处理决定数量"],
    "第二十条第（八）项": ["信息内容", "本年收费金额（单位：万元）"],
}


def _t2_banded(t: Truth, st: Style, row: Callable[[str, list[str]], list[str]],
               head_per_line: bool = False) -> list[str]:
    """表二 band by band: the band's name, its column heads (on one line, or one per line), then each
    row's lines as ``row(label, values)`` prints them."""
    lines: list[str] = []
    band = ""
    for b, label, vals in t2_rows(t, st):
        if b != band:
            lines += [b, *(_T2_COLHEAD[b] if head_per_line else [st.sep.join(_T2_COLHEAD[b])])]
            band = b
        lines += row(label, vals)
    return lines


def t2_tabs(t: Truth, st: Style) -> list[str]:
    return _t2_banded(t, st, lambda label, vals: [st.sep.join([label, *vals])])


def t2_cell_per_line(t: Truth, st: Style) -> list[str]:
    return _t2_banded(t, st, lambda label, vals: [label, *vals], head_per_line=True)


def t2_values_first(t: Truth, st: Style) -> list[str]:
    return _t2_banded(t, st, lambda label, vals: [st.sep.join([*vals, label])])


def t2_markdown(t: Truth, st: Style) -> list[str]:
    def row(cells: list[str]) -> str:
        return "| " + " | ".join(cells + [""] * (4 - len(cells))) + " |"

    lines: list[str] = []
    band = ""
    for b, label, vals in t2_rows(t, st):
        if b != band:
            lines += [row([b])] + (["|---|---|---|---|"] if not lines else []) + [row(_T2_COLHEAD[b])]
            band = b
        lines.append(row([label, *vals]))
    return lines


def t2_labels_apart(whole: bool = False, row: Callable[[list[str]], str] | None = None,
                    drop_label: str | None = None) -> Callable[[Truth, Style], list[str]]:
    """表二 from a ruled table's text: per band (or, ``whole``, for the whole table) the row labels
    first, then bare rows of numbers (``| 1 | 0 | 11 |`` by default); ``drop_label`` loses one label."""
    def layout(t: Truth, st: Style) -> list[str]:
        fmt = row or (lambda vals: "| " + " | ".join(vals) + " |")
        bands: dict[str, list[tuple[str, list[str]]]] = {}
        for b, label, vals in t2_rows(t, st):
            bands.setdefault(b, []).append((label, vals))
        if whole:
            heads = [ln for b in bands for ln in (b, " | ".join(_T2_COLHEAD[b]))]
            items = [it for its in bands.values() for it in its]
            return heads + [lab for lab, _v in items if lab != drop_label] + [fmt(v) for _l, v in items]
        lines: list[str] = []
        for b, items in bands.items():
            lines += [b, " | ".join(_T2_COLHEAD[b]), *(lab for lab, _v in items if lab != drop_label)]
            lines += [fmt(v) for _l, v in items]
        return lines
    return layout


def t4_one_line(t: Truth, st: Style) -> list[str]:
    return [st.sep.join(r) for r in T4_HEADER] + [st.sep.join(st.number(v) for v in t.t4_flat)]


def t4_five_per_line(t: Truth, st: Style) -> list[str]:
    vals = [st.number(v) for v in t.t4_flat]
    return [st.sep.join(r) for r in T4_HEADER] + [st.sep.join(vals[i : i + 5]) for i in (0, 5, 10)]


def t4_one_per_line(t: Truth, st: Style) -> list[str]:
    return [c for r in T4_HEADER for c in r] + [st.number(v) for v in t.t4_flat]


def t4_total_interleaved(t: Truth, st: Style) -> list[str]:
    """The last header word emitted between the 14th and 15th value ('… 0 0 总计 0')."""
    vals = [st.number(v) for v in t.t4_flat]
    head = [st.sep.join(r) for r in T4_HEADER]
    head[-1] = st.sep.join(head[-1].split(st.sep)[:-1])
    return [*head, " ".join([*vals[:14], "总计", vals[14]])]


def t4_header_interleaved(t: Truth, st: Style) -> list[str]:
    """Each value directly under its column name on the same line: '结果维持 72 结果纠正 64 …'."""
    vals = [st.number(v) for v in t.t4_flat]
    labels = T4_COL_LABELS * 3
    return ["行政复议\t行政诉讼", "未经复议直接起诉\t复议后起诉",
            " ".join(f"{lab} {v}" for lab, v in zip(labels, vals, strict=True))]


def t4_transposed(t: Truth, st: Style) -> list[str]:
    """One row per group with its label (a transposed table some units print)."""
    lines = ["项目\t" + "\t".join(T4_COL_LABELS)]
    labels = ["行政复议", "行政诉讼（未经复议直接起诉）", "行政诉讼（复议后起诉）"]
    for lab, g in zip(labels, T4_GROUPS, strict=True):
        lines.append(st.sep.join([lab, *(st.number(t.t4[g][c]) for c in T4_COLS)]))
    return lines


def t4_markdown(t: Truth, st: Style) -> list[str]:
    vals = [st.number(v) for v in t.t4_flat]
    return ["| 行政复议 | | | | | 行政诉讼 | | | | | | | | | |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
            "| " + " | ".join([*T4_COL_LABELS, "未经复议直接起诉", "", "", "", "", "复议后起诉", "", "", "", ""]) + " |",
            "| " + " | ".join(["", "", "", "", "", *T4_COL_LABELS, *T4_COL_LABELS]) + " |",
            "| " + " | ".join(vals) + " |"]


# --------------------------------------------------------------------------------------------------
# The whole report

TITLES = {
    "overview": "总体情况",
    "active": "主动公开政府信息情况",
    "applications": "收到和处理政府信息公开申请情况",
    "review": "政府信息公开行政复议、行政诉讼情况",
    "problems": "存在的主要问题及改进情况",
    "other": "其他需要报告的事项",
}
CN = "一二三四五六"
BODY = {
    "overview": ["（一）主动公开。全年通过政府网站主动公开政府信息，及时发布政策文件。",
                 "（二）依申请公开。严格依法办理政府信息公开申请，按时答复。"],
    "problems": ["一是政策解读形式还不够丰富；二是队伍建设还需加强。",
                 "下一步，将加强政策解读，定期组织业务培训。"],
    "other": ["本年度依据《政府信息公开信息处理费管理办法》收取信息处理费情况已按规定公开。",
              "本报告电子版可从本级人民政府门户网站下载。"],
}


def heading_default(key: str, n: int) -> str:
    return f"{CN[n]}、{TITLES[key]}"


def report_text(t: Truth, st: Style, org: str = "测试县人民政府", year: int = 2024) -> str:
    """The whole report as text, in the style's layout."""
    tables = {
        "active": (st.t2 or t2_tabs)(t, st),
        "applications": (st.t3 or t3_tabs_first_group)(t, st),
        "review": (st.t4 or t4_one_line)(t, st),
    }
    lines = [f"{org}{year}年政府信息公开工作年度报告", "",
             "根据《中华人民共和国政府信息公开条例》和国办公开办函〔2021〕30号要求，编制本报告。", ""]
    appendix: list[str] = []
    for n, key in enumerate(st.order):
        title = st.problems_title if key == "problems" else heading_default(key, n)
        if key == "problems" and st.problems_title.startswith("五、") and n != 4:
            title = f"{CN[n]}、{st.problems_title[2:]}"
        if st.headings:
            title = st.headings(key, title)
        lines.append(title)
        if key in tables:
            if st.appendix:
                lines.append(f"详见附表{('active', 'applications', 'review').index(key) + 1}。")
                appendix += [f"附表{('active', 'applications', 'review').index(key) + 1}", TITLES[key], *tables[key], ""]
            else:
                lines += tables[key]
        else:
            lines += BODY[key]
        lines.append("")
    lines += appendix
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------------------------------
# Structured formats


def _esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def report_html(t: Truth, *, br_labels: bool = False, nbsp_zero: bool = False, wrapper_table: bool = False,
                group_every_row: bool = False, thead: bool = True, number: Callable[[Num], str] = num_plain) -> str:
    """A saved page: paragraphs and three <table>s with rowspan/colspan like the national template."""

    def td(text: str, rs: int = 1, cs: int = 1) -> str:
        a = (f' rowspan="{rs}"' if rs > 1 else "") + (f' colspan="{cs}"' if cs > 1 else "")
        body = _esc(text)
        if br_labels and len(text) > 10 and not re.fullmatch(r"[\d,.]+", text):
            k = len(text) // 2
            body = _esc(text[:k]) + "<br>" + _esc(text[k:])
        return f"<td{a}>{body}</td>"

    def val(v: Num) -> str:
        if nbsp_zero and v == 0:
            return "<td>&nbsp;</td>"
        return f"<td>{_esc(number(v))}</td>"

    a = t.t2
    reg, norm = a["regulations"], a["normative_documents"]
    assert isinstance(reg, dict) and isinstance(norm, dict)
    t2 = ["<table border=1>", "<tbody>",
          "<tr>" + td("第二十条第（一）项", cs=4) + "</tr>",
          "<tr>" + td("信息内容") + td("本年制发件数") + td("本年废止件数") + td("现行有效件数") + "</tr>",
          "<tr>" + td("规章") + "".join(f"<td>{number(reg[k])}</td>" for k in ("issued", "repealed", "in_force")) + "</tr>",
          "<tr>" + td("行政规范性文件") + "".join(f"<td>{number(norm[k])}</td>" for k in ("issued", "repealed", "in_force")) + "</tr>",
          "<tr>" + td("第二十条第（五）项", cs=4) + "</tr>",
          "<tr>" + td("信息内容") + td("本年处理决定数量", cs=3) + "</tr>",
          "<tr>" + td("行政许可") + f"<td colspan=3>{number(a['licensing'])}</td></tr>",  # type: ignore[arg-type]
          "<tr>" + td("第二十条第（六）项", cs=4) + "</tr>",
          "<tr>" + td("信息内容") + td("本年处理决定数量", cs=3) + "</tr>",
          "<tr>" + td("行政处罚") + f"<td colspan=3>{number(a['penalty'])}</td></tr>",  # type: ignore[arg-type]
          "<tr>" + td("行政强制") + f"<td colspan=3>{number(a['coercion'])}</td></tr>",  # type: ignore[arg-type]
          "<tr>" + td("第二十条第（八）项", cs=4) + "</tr>",
          "<tr>" + td("信息内容") + td("本年收费金额（单位：万元）", cs=3) + "</tr>",
          "<tr>" + td("行政事业性收费") + f"<td colspan=3>{number(a['fees_10k_yuan'])}</td></tr>",  # type: ignore[arg-type]
          "</tbody>", "</table>"]
    head = ["<tr>" + td(T3_HEADER[0][0], rs=3, cs=3) + td("申请人情况", cs=7) + "</tr>",
            "<tr>" + td("自然人", rs=2) + td("法人或其他组织", cs=5) + td("总计", rs=2) + "</tr>",
            "<tr>" + "".join(td(c) for c in T3_HEADER[2]) + "</tr>"]
    body = []
    spans = {OUTER: 22, "（三）不予公开": 8, "（四）无法提供": 3, "（五）不予处理": 5, "（六）其他处理": 3}
    seen: set[str] = set()
    for key, outer, group, label in T3_SPEC:
        cells = ""
        if not outer:
            cells += td(label, cs=3)
        else:
            for g in (outer, group):
                if not g:
                    continue
                if group_every_row:
                    cells += td(g)
                elif g not in seen:
                    cells += td(g, rs=spans[g])
                    seen.add(g)
            cells += td(label, cs=1 if group else 2)
        body.append("<tr>" + cells + "".join(val(v) for v in t.t3[key]) + "</tr>")
    t3 = ["<table border=1>", "<thead>" if thead else "<tbody>", *head, "</thead><tbody>" if thead else "",
          *body, "</tbody>", "</table>"]
    t4 = ["<table border=1>", "<thead>" if thead else "<tbody>",
          "<tr>" + td("行政复议", cs=5) + td("行政诉讼", cs=10) + "</tr>",
          "<tr>" + "".join(td(c, rs=2) for c in T4_COL_LABELS) + td("未经复议直接起诉", cs=5) + td("复议后起诉", cs=5) + "</tr>",
          "<tr>" + "".join(td(c) for c in T4_COL_LABELS * 2) + "</tr>",
          "</thead><tbody>" if thead else "",
          "<tr>" + "".join(val(v) for v in t.t4_flat) + "</tr>", "</tbody>", "</table>"]
    parts = ["<html><head><meta charset='utf-8'><title>测试县2024年政府信息公开工作年度报告</title></head><body>",
             "<div id='zoom'>"]
    if wrapper_table:
        parts.append("<table width='100%'><tr><td>")
    parts += ["<p>测试县人民政府2024年政府信息公开工作年度报告</p>",
              "<p>根据《中华人民共和国政府信息公开条例》和国办公开办函〔2021〕30号要求，编制本报告。</p>",
              "<p>一、总体情况</p>", *(f"<p>{p}</p>" for p in BODY["overview"]),
              "<p>二、主动公开政府信息情况</p>", *t2,
              "<p>三、收到和处理政府信息公开申请情况</p>", *t3,
              "<p>四、政府信息公开行政复议、行政诉讼情况</p>", *t4,
              "<p>五、存在的主要问题及改进情况</p>", *(f"<p>{p}</p>" for p in BODY["problems"]),
              "<p>六、其他需要报告的事项</p>", *(f"<p>{p}</p>" for p in BODY["other"])]
    if wrapper_table:
        parts.append("</td></tr></table>")
    parts.append("</div></body></html>")
    return "\n".join(parts)


def report_docx(t: Truth, *, merged_groups: bool = True) -> bytes:
    """A Word report whose 表三 has vertically merged group cells (python-docx ``merge``)."""
    import docx  # python-docx

    d = docx.Document()
    d.add_paragraph("测试县人民政府2024年政府信息公开工作年度报告")
    d.add_paragraph("根据《中华人民共和国政府信息公开条例》和国办公开办函〔2021〕30号要求，编制本报告。")
    d.add_paragraph("一、总体情况")
    for p in BODY["overview"]:
        d.add_paragraph(p)
    d.add_paragraph("二、主动公开政府信息情况")
    tb = d.add_table(rows=0, cols=4)
    for b, label, vals in t2_rows(t, Style()):
        r = tb.add_row().cells
        r[0].merge(r[3]).text = b
        head = _T2_COLHEAD[b]
        if label in ("行政规范性文件", "行政强制"):
            tb._tbl.remove(tb.rows[-1]._tr)
        else:
            r = tb.add_row().cells
            if len(head) == 4:
                for i, h in enumerate(head):
                    r[i].text = h
            else:
                r[0].text = head[0]
                r[1].merge(r[3]).text = head[1]
        r = tb.add_row().cells
        r[0].text = label
        if len(vals) == 3:
            for i, v in enumerate(vals):
                r[i + 1].text = v
        else:
            r[1].merge(r[3]).text = vals[0]
    d.add_paragraph("三、收到和处理政府信息公开申请情况")
    tb = d.add_table(rows=3 + len(T3_SPEC), cols=10)
    rows = tb.rows
    rows[0].cells[0].merge(rows[2].cells[2]).text = T3_HEADER[0][0]
    rows[0].cells[3].merge(rows[0].cells[9]).text = "申请人情况"
    rows[1].cells[3].merge(rows[2].cells[3]).text = "自然人"
    rows[1].cells[4].merge(rows[1].cells[8]).text = "法人或其他组织"
    rows[1].cells[9].merge(rows[2].cells[9]).text = "总计"
    for i, h in enumerate(T3_HEADER[2]):
        rows[2].cells[4 + i].text = h
    first: dict[str, int] = {}
    last: dict[str, int] = {}
    for i, (_key, outer, group, _label) in enumerate(T3_SPEC):
        for g in (outer, group):
            if g:
                first.setdefault(g, i)
                last[g] = i
    for i, (key, outer, group, label) in enumerate(T3_SPEC):
        r = rows[3 + i]
        if not outer:
            r.cells[0].merge(r.cells[2]).text = label
        elif not group:
            r.cells[1].merge(r.cells[2]).text = label
        else:
            r.cells[2].text = label
        for c, n in enumerate(t.t3[key]):
            r.cells[3 + c].text = num_plain(n)
    for g in first:
        col = 0 if g == OUTER else 1
        a, b = rows[3 + first[g]].cells[col], rows[3 + last[g]].cells[col]
        if merged_groups:
            a.merge(b).text = g
        else:
            for i in range(first[g], last[g] + 1):
                rows[3 + i].cells[col].text = g
    d.add_paragraph("四、政府信息公开行政复议、行政诉讼情况")
    tb = d.add_table(rows=4, cols=15)
    rows = tb.rows
    rows[0].cells[0].merge(rows[0].cells[4]).text = "行政复议"
    rows[0].cells[5].merge(rows[0].cells[14]).text = "行政诉讼"
    for i, h in enumerate(T4_COL_LABELS):
        rows[1].cells[i].merge(rows[2].cells[i]).text = h
    rows[1].cells[5].merge(rows[1].cells[9]).text = "未经复议直接起诉"
    rows[1].cells[10].merge(rows[1].cells[14]).text = "复议后起诉"
    for i, h in enumerate(T4_COL_LABELS * 2):
        rows[2].cells[5 + i].text = h
    for i, n in enumerate(t.t4_flat):
        rows[3].cells[i].text = num_plain(n)
    d.add_paragraph("五、存在的主要问题及改进情况")
    for p in BODY["problems"]:
        d.add_paragraph(p)
    d.add_paragraph("六、其他需要报告的事项")
    for p in BODY["other"]:
        d.add_paragraph(p)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


# --------------------------------------------------------------------------------------------------
# Edits on a rendered text


def replace_in_rows(text: str, row_labels: Sequence[str], old: str, new: str, count: int = 1) -> str:
    """Replace ``old`` by ``new`` (``count`` times) on the first line that contains each row label."""
    lines = text.split("\n")
    for lab in row_labels:
        i = next(i for i, ln in enumerate(lines) if lab in ln)
        lines[i] = lines[i].replace(old, new, count)
    return "\n".join(lines)


def with_style(**kw: object) -> Style:
    return replace(Style(), **kw)  # type: ignore[arg-type]
