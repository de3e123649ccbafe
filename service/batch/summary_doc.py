"""The summary a 政务公开办 forwards, as a list of blocks that summary_md and summary_docx render alike."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from service.batch.aggregate import (
    ERROR_KIND_LABELS,
    T3_SUMMARY_ROWS,
    Aggregate,
    Rate,
    Total,
    UnitRow,
)
from service.batch.charts import CATEGORY_LABELS, CHANNEL_LABELS, Chart
from service.batch.findings import FindingView
from service.checks.model import Status
from service.outputs.labels import rule_label, status_label
from service.tables.layout import (
    T3_COLUMNS,
    T3_LABELS,
    T4_COLUMN_LABELS,
    T4_COLUMNS,
    T4_GROUP_LABELS,
    T4_GROUPS,
)
from service.tables.model import Number


@dataclass(slots=True)
class Heading:
    text: str
    level: int = 2


@dataclass(slots=True)
class Para:
    text: str


@dataclass(slots=True)
class Bullets:
    items: list[str]


class RowSet(Protocol):
    def __iter__(self) -> Iterator[list[str]]: ...

    def __len__(self) -> int: ...


class Rows:
    """Rows made when a document is written, as often as it is (summary.md and summary.docx): a table with
    a row per unit is never held whole."""

    def __init__(self, make: Callable[[], Iterable[list[str]]], count: int) -> None:
        self._make = make
        self._count = count

    def __iter__(self) -> Iterator[list[str]]:
        return iter(self._make())

    def __len__(self) -> int:
        return self._count


@dataclass(slots=True)
class Table:
    header: list[str]
    rows: RowSet
    note: str | None = None
    widths: list[float] | None = None  # relative column widths in the Word file (default: a wide label column)


@dataclass(slots=True)
class PageBreak:
    """A new page in the Word file (the appendix starts on one); nothing in Markdown."""


@dataclass(slots=True)
class Image:
    path: str  # relative to the output folder
    caption: str


Block = Heading | Para | Bullets | Table | Image | PageBreak

def num(v: Number | None) -> str:
    if v is None:
        return "空"
    if isinstance(v, float):
        return f"{v:,.2f}".rstrip("0").rstrip(".")
    return f"{v:,}"


def total(t: Total) -> str:
    """'123', or '123 (另 2 份未知)' when some reports left the cell unknown; '—' when none gave it."""
    if t.reports == 0 and t.unknown:
        return f"— ({len(t.unknown)} 份未知)"
    return num(t.value) + (f" (另 {len(t.unknown)} 份未知)" if t.unknown else "")


def _names(names: Sequence[str], limit: int = 8) -> str:
    shown = "、".join(names[:limit])
    return shown + (f" 等 {len(names)} 份" if len(names) > limit else "")


def rate_text(r: Rate) -> str:
    if r.value is None:
        return f"{r.label}: — ({r.reason})"
    return (f"{r.label} {r.shown()} = {num(r.numerator)} ÷ {num(r.denominator)} "
            f"(分母: {r.denominator_label}; {r.reports} 份报告)")


def summary_blocks(agg: Aggregate, charts: Sequence[Chart], today: date | None = None) -> list[Block]:
    """The narrative: coverage, check results, totals and rates, units, channels, problems and measures."""
    year = f"{agg.year}年度" if agg.year is not None else ""
    b: list[Block] = [Heading(f"{year}政府信息公开工作年度报告汇总", 1)]
    others = [str(y) for y in agg.batch_years if y != agg.year]
    b.append(Para(f"本汇总由 govreport 根据本批次 {agg.found} 份报告文件自动生成({(today or date.today()).isoformat()}),"
                  f"只汇总 {agg.year if agg.year is not None else '—'} 年度的 {len(agg.units)} 份报告"
                  + (f"; 本批次另有 {'、'.join(others)} 年度的报告, 各年度分别汇总(见 summary-年度 文件), "
                     f"不同年度的数字从不相加" if others else "")
                  + "。所有合计均由各单位报告表格逐项相加得出; 报告中为空或无法读取的单元格不按 0 计入, 单独注明。"))
    for note in agg.notes:
        b.append(Para(f"注意: {note}"))
    charts_by_key = {c.key: c for c in charts}

    b += _coverage(agg)
    b += _checks(agg)
    b += _applications(agg, charts_by_key.get("outcomes"))
    b += _review(agg)
    b += _disclosure(agg)
    b += _channels(agg)
    b += _problems(agg, charts_by_key.get("categories"))
    b += _years(agg)
    numerals = "八九十"
    n = 1 if agg.per_year and len(agg.per_year) >= 2 else 0
    b += _risk(agg, numerals[n])
    b += _yoy(agg, numerals[n + 1])
    b += _appendix(agg)
    if agg.errors:
        b.append(Heading("附: 未能处理的文件"))
        b.append(Table(["文件", "原因", "说明"], Rows(lambda: ([e.name, ERROR_KIND_LABELS.get(e.kind, e.kind), e.message]
                                                     for e in agg.errors), len(agg.errors))))
    return b


def _coverage(agg: Aggregate) -> list[Block]:
    out: list[Block] = [Heading("一、收报情况")]
    n = len(agg.units)
    other = agg.found - n - len(agg.errors) - len(agg.undated)
    items = [f"本批次共收到报告文件 {agg.found} 份, 其中本年度报告 {n} 份"
             + (f"、其他年度报告 {other} 份(另行汇总)" if other > 0 else "")
             + f", 未能处理 {len(agg.errors)} 份" + (f"({_error_kinds(agg)})" if agg.errors else "") + "。"]
    types = ", ".join(f"{k} {v} 份" for k, v in agg.unit_types.most_common())
    if types:
        items.append(f"按单位类型: {types}。")
    fmt_2019 = [u.label for u in agg.units if u.format == "2019"]
    other_fmt = [u.label for u in agg.units if u.format not in ("2021", "2019")]
    items.append(f"按报告格式: 现行格式(国办公开办函〔2021〕30号) {agg.formats.get('2021', 0)} 份"
                 + (f"; 仍使用 2019 年旧格式 {len(fmt_2019)} 份({_names(fmt_2019)})" if fmt_2019 else "")
                 + (f"; 格式未能识别 {len(other_fmt)} 份({_names(other_fmt)})" if other_fmt else "") + "。")
    dated = [u for u in agg.units if u.late is not None]
    if agg.late:
        items.append("逾期发布: " + "、".join(f"{u.label}({u.report_date})" for u in agg.late)
                     + " (部门、乡镇街道应于次年1月31日前, 人民政府应于3月31日前)。")
    items.append(f"能识别落款日期的报告 {len(dated)} 份" + ("" if agg.late else ", 均未逾期") + "; "
                 f"其余 {n - len(dated)} 份未写明日期, 是否按时发布需人工核对。")
    if agg.expected is not None:
        items.append(f"应报单位 {len(agg.expected)} 个, 未收到 {len(agg.missing)} 个"
                     + (f": {'、'.join(agg.missing)}" if agg.missing else "") + "。")
    for dup in agg.duplicates:
        items.append("疑似重复报送(内容相同或同一单位同一年度多份): " + "、".join(dup) + "。")
    if agg.undated:
        items.append(f"未能识别年度的报告 {len(agg.undated)} 份, 未计入任何年度的合计: {_names(agg.undated)}。")
    if agg.nested:
        items.append("注意: 以下单位与其上级人民政府的报告同时计入本汇总; 上级报告常含辖区数字, 相关合计可能重复计算: "
                     + "; ".join(f"{u}(上级: {p})" for u, p in agg.nested) + "。")
    out.append(Bullets(items))
    return out


def _risk(agg: Aggregate, numeral: str) -> list[Block]:
    if not agg.risk:
        return []
    t = agg.thresholds
    out: list[Block] = [Heading(f"{numeral}、风险分级"), Para(
        f"按各单位比率分级(阈值可用 --thresholds 调整): 实质公开率低于 {t.substantive_high:.0%} 或纠错率不低于 "
        f"{t.correction_high:.0%} 为高风险; 实质公开率低于 {t.substantive_medium:.0%}、纠错率不低于 {t.correction_medium:.0%}、"
        f"结转率不低于 {t.carry_medium:.0%}、无法提供中“不掌握”占比不低于 {t.not_held_medium:.0%} 或报告有不通过的核验项为中风险。"
        f"比率只在办理量不少于 {t.min_processed} 件(纠错率: 已审结案件不少于 {t.min_decided_cases} 件)时参与分级, "
        f"否则为“样本不足”。")]
    counts = {g: sum(1 for r in agg.risk if r.grade == g) for g in ("高", "中", "低", "样本不足")}
    out.append(Para("高风险 {高} 个, 中风险 {中} 个, 低风险 {低} 个, 样本不足 {样本不足} 个。".format(**counts)))
    flagged = [r for r in agg.risk if r.grade in ("高", "中")]
    if flagged:
        out.append(Table(["单位", "风险", "依据"], Rows(lambda: ([r.label, r.grade, "; ".join(r.reasons) or "—"]
                                                            for r in flagged), len(flagged)), widths=[4, 1.2, 10]))
    return out


def _yoy(agg: Aggregate, numeral: str) -> list[Block]:
    if not agg.yoy:
        return []
    t = agg.thresholds
    out: list[Block] = [Heading(f"{numeral}、与上年报告比较(同比)"), Para(
        f"本批次中 {len(agg.yoy)} 个单位同时有上一年度的报告。数字增长超过 {t.jump_up:g} 倍或降至 {t.jump_down:g} 倍以下"
        f"(上年数不少于 {t.jump_min_base} 时)标为同比异常; 第一、五、六部分文字(去掉数字后按字符片段比较)与上年相似度"
        f"不低于 {t.copy_similarity:.0%} 标为与上年高度雷同。")]

    def rows() -> Iterator[list[str]]:
        for r in agg.yoy:
            figures = ", ".join(f"{d.label} {num(d.before) if d.before is not None else '—'}→"
                                f"{num(d.now) if d.now is not None else '—'}" for d in r.deltas[:3])
            sim = r.similarity.get("all")
            yield [r.label, figures, f"{sim:.0%}" if sim is not None else "—", "; ".join(r.flags) or "未见异常"]

    out.append(Table(["单位", "主要数字(上年→本年)", "文字相似度", "提示"], Rows(rows, len(agg.yoy)),
                     widths=[3.2, 5.5, 1.6, 5.3]))
    return out


#: Characters of evidence shown in the body; the rest is in the appendix.
BRIEF = 48


def brief(evidence: str) -> str:
    """The first cells of a finding's evidence; the whole in the appendix."""
    return evidence if len(evidence) <= BRIEF else evidence[:BRIEF].rstrip("，,; ") + " …(详见附件)"


def _appendix(agg: Aggregate) -> list[Block]:
    """附件: every finding of the units with its full evidence (cells and source lines)."""
    report = _report_findings(agg)
    if not report:
        return []
    rows = Rows(lambda: ([f.label, rule_label(f.finding.rule), _status(f.finding.status), f.finding.subject,
                          f.finding.message, f.finding.evidence or "—"] for f in report), len(report))
    return [PageBreak(), Heading("附件: 审核发现明细"),
            Table(["单位", "规则", "结论", "对象", "说明", "依据(单元格与原文行)"], rows, widths=[2.6, 2.6, 1.3, 2.4, 3.5, 4.2])]


def _report_findings(agg: Aggregate) -> FindingView:
    """The units' own FAILs and WARNs (what they must correct or check)."""
    return agg.findings.where("report", (Status.FAIL, Status.WARN))


def _error_kinds(agg: Aggregate) -> str:
    counts: dict[str, int] = {}
    for e in agg.errors:
        counts[ERROR_KIND_LABELS.get(e.kind, e.kind)] = counts.get(ERROR_KIND_LABELS.get(e.kind, e.kind), 0) + 1
    return ", ".join(f"{k} {v} 份" for k, v in counts.items())


def _checks(agg: Aggregate) -> list[Block]:
    out: list[Block] = [Heading("二、审核结果")]
    status = {s: sum(1 for u in agg.units if u.status == s) for s in ("FAIL", "UNCERTAIN", "PASS")}
    out.append(Para(f"逐份核验表格勾稽关系(C1–C10)后: 发现错误 {status['FAIL']} 份, 部分内容无法确认 "
                    f"{status['UNCERTAIN']} 份, 全部通过 {status['PASS']} 份。同一单位两个年度的报告同时在本批次时, "
                    f"另作跨年核对(C6 结转衔接、C7 现行有效件数衔接)。"))
    rows = []
    for rule, counts in agg.rule_stats.items():
        fails, warns, unc = counts.get("FAIL", 0), counts.get("WARN", 0), counts.get("UNCERTAIN", 0)
        if fails or warns or unc:
            rows.append([rule_label(rule), str(fails), str(warns), str(unc)])
    if rows:
        out.append(Table(["规则", "不通过", "提示", "无法确认"], rows))
    report = _report_findings(agg)
    if report:
        out.append(Heading("存在问题的单位", 3))
        out.append(Table(["单位", "规则", "结论", "说明", "依据(摘要)"],
                         Rows(lambda: ([f.label, rule_label(f.finding.rule), _status(f.finding.status), f.finding.message,
                                        brief(f.finding.evidence)] for f in report), len(report)),
                         widths=[3, 3, 1.4, 5.5, 3.5],
                         note="依据全文见附件“审核发现明细”; 各单位的整改清单见 feedback 目录和 summary.xlsx “整改清单”表。"))
    else:
        out.append(Para("未发现表格错误。"))
    if agg.cross:
        out.append(Para("跨年核对: " + "; ".join(
            f"{c.label} {c.finding.subject} {c.finding.rule} {_status(c.finding.status)}" for c in agg.cross) + "。"))
    uncertain = agg.findings.where(statuses=(Status.UNCERTAIN,))
    if uncertain:
        units = sorted(uncertain.labels())
        out.append(Para(f"另有 {len(uncertain)} 项核验因数据缺失或读取不全无法确认, 涉及 {len(units)} 份报告"
                        f"({_names(units)}); 明细见 summary.xlsx “审核发现”表, 其中“读取问题”一类属本系统读取问题, "
                        f"不是单位的错误。"))
    return out


def _status(s: Status) -> str:
    return status_label(s)


def _applications(agg: Aggregate, chart: Chart | None) -> list[Block]:
    out: list[Block] = [Heading("三、依申请公开情况(表三合计)")]
    t = agg.t3
    if not agg.units:
        out.append(Para("没有可汇总的报告。"))
        return out
    out.append(Para(f"各单位本年新收政府信息公开申请 {total(t['new_received'][6])} 件, 上年结转 "
                    f"{total(t['carried_over'][6])} 件; 本年度办理 {total(t['total_processed'][6])} 件, 其中予以公开 "
                    f"{total(t['granted'][6])} 件、部分公开 {total(t['partially_granted'][6])} 件; 结转下年度继续办理 "
                    f"{total(t['carried_forward'][6])} 件。"))
    out.append(Bullets([rate_text(r) for r in agg.rates[:4]]))
    excluded = sorted({w for r in agg.rates[:4] for w in r.excluded})
    if excluded:
        out.append(Para(f"以下报告因相关单元格缺失未计入比率: {_names(excluded, 20)}。"))
    if chart:
        out.append(Image(chart.path.as_posix(), chart.caption))
    out.append(Table(["办理结果(总计列)", "件数", "占比"],
                     [[lab, total(tot), _share(tot.value, sum(x.value for _, _, x in agg.outcomes))]
                      for _, lab, tot in agg.outcomes]))
    rows = []
    for key in T3_SUMMARY_ROWS:
        if key in t:
            label = T3_LABELS.get(key, key) + (" (2019 格式, 未分项)" if key == "other_processing" else "")
            rows.append([label, *[total(c) for c in t[key]]])
    unknown = sorted({w for cols in t.values() for c in cols for w in c.unknown})
    out.append(Table(["表三 项目", *T3_COLUMNS], rows,
                     note=(f"含未知单元格的报告(未计入对应合计): {_names(unknown, 20)}。" if unknown else None)))
    if agg.top_applications:
        out.append(Heading("申请量较多的单位", 3))
        out.append(Para(_ranking_rule(agg, "")))
        out.append(Table(["单位", "本年新收", "办理总计", "予以公开", "部分公开", "实质公开率"],
                         [[u.label, num(u.new_received), num(u.total_processed), num(u.granted),
                           num(u.partially_granted), _unit_substantive(u)] for u in agg.top_applications]))
    return out


def _ranking_rule(agg: Aggregate, extra: str) -> str:
    """The rule a ranking follows, stated where it is shown."""
    left = f"; 因有不通过的核验项未参加排名: {_names(agg.unranked)}" if agg.unranked else ""
    return f"只列核验无不通过项的单位{extra}, 按数值从高到低取前 {agg.thresholds.top} 个{left}。"


def _share(v: Number, whole: Number) -> str:
    return f"{v / whole:.1%}" if whole else "—"


def _unit_substantive(u: UnitRow) -> str:
    if u.granted is None or u.partially_granted is None or not u.total_processed:
        return "—"
    return f"{(u.granted + u.partially_granted) / u.total_processed:.1%}"


def _review(agg: Aggregate) -> list[Block]:
    out: list[Block] = [Heading("四、行政复议和行政诉讼情况(表四合计)")]
    rows = [[T4_GROUP_LABELS[g], *[total(agg.t4[g][c]) for c in T4_COLUMNS]] for g in T4_GROUPS]
    out.append(Table(["类别", *T4_COLUMN_LABELS], rows))
    out.append(Bullets([rate_text(r) for r in agg.rates[4:]]))
    if agg.top_correction:
        out.append(Heading("纠错率较高的单位", 3))
        out.append(Para(_ranking_rule(agg, f"且已审结复议诉讼案件(维持+纠正+其他)不少于 "
                                           f"{agg.thresholds.min_decided_cases} 件")))
        out.append(Table(["单位", "纠错率", "结果纠正", "分母(维持+纠正+其他)", "复议总计", "诉讼总计"],
                         [[u.label, u.correction.shown(), num(u.correction.numerator), num(u.correction.denominator),
                           num(u.review_total), num(u.litigation_total)] for u in agg.top_correction]))
    else:
        out.append(Para(f"没有表格核验通过且已审结复议诉讼案件不少于 {agg.thresholds.min_decided_cases} 件的单位, "
                        f"不列纠错率排名。"))
    return out


def _disclosure(agg: Aggregate) -> list[Block]:
    out: list[Block] = [Heading("五、主动公开情况(表二合计)")]
    note = None
    if agg.has_2019:
        note = "使用 2019 年旧格式的报告表二栏目不同, 未计入本表。"
    out.append(Table(["项目", "合计", "报告数"], [[k, total(v), str(v.reports)] for k, v in agg.t2.items()], note=note))
    return out


def _channels(agg: Aggregate) -> list[Block]:
    out: list[Block] = [Heading("六、公开平台与渠道")]
    if not agg.narrative_units:
        out.append(Para("本批次未提取正文内容(未启用正文抽取), 渠道统计从略。"))
        return out
    if not agg.channels:
        out.append(Para("各报告正文未给出可统计的平台数据。"))
        return out
    out.append(Table(["渠道", "提及单位数", "发布信息合计", "关注/粉丝合计"],
                     [[CHANNEL_LABELS.get(c.kind, c.kind), str(c.units), total(c.posts), total(c.followers)]
                      for c in agg.channels]))
    return out


def _problems(agg: Aggregate, chart: Chart | None) -> list[Block]:
    out: list[Block] = [Heading("七、存在的主要问题和改进措施")]
    if not agg.narrative_units:
        out.append(Para("本批次未提取正文内容(未启用正文抽取), 问题与措施从略。"))
        return out
    cats = sorted(set(agg.problem_categories) | set(agg.measure_categories),
                  key=lambda c: (-agg.problem_units[c], -agg.problem_categories[c], c))
    if not cats:
        out.append(Para("各报告未列出可识别的问题和措施。"))
        return out
    top = [CATEGORY_LABELS.get(c, c) for c in cats[:3] if agg.problem_units[c]]
    if top:
        out.append(Para("各单位反映最多的问题集中在" + "、".join(top) + "等方面。"))
    if chart:
        out.append(Image(chart.path.as_posix(), chart.caption))
    out.append(Table(["类别", "问题(条)", "提及问题的单位", "措施(条)", "提出措施的单位"],
                     [[CATEGORY_LABELS.get(c, c), str(agg.problem_categories[c]), str(agg.problem_units[c]),
                       str(agg.measure_categories[c]), str(agg.measure_units[c])] for c in cats]))
    examples = []
    for c in [c for c in cats if agg.problem_units[c]][:3]:
        texts = [f"“{text}”({label})" for text, label in agg.examples.get(c, [])]
        examples.append(f"{CATEGORY_LABELS.get(c, c)}: " + "; ".join(texts))
    if examples:
        out.append(Heading("常见问题的典型表述", 3))
        out.append(Bullets(examples))
    if agg.unaddressed_count:
        out.append(Heading("没有对应改进措施的问题", 3))
        out.append(Table(["单位", "问题类别", "问题"],
                         Rows(lambda: ([u.label, CATEGORY_LABELS.get(u.category, u.category), ";".join(u.problems)]
                                       for u in agg.iter_unaddressed()), agg.unaddressed_count)))
    else:
        out.append(Para("各单位列出的问题均有同类别的改进措施。"))
    return out


def _years(agg: Aggregate) -> list[Block]:
    if len(agg.per_year) < 2:
        return []
    years = list(agg.per_year)
    keys = list(next(iter(agg.per_year.values())))
    rows = [[k, *[total(agg.per_year[y][k]) for y in years]] for k in keys]
    return [Heading("八、分年度比较"), Table(["指标", *years], rows,
                                         note="各年度参与汇总的单位不一定相同, 比较时请注意口径。")]
