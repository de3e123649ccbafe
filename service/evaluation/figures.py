"""The figures an evaluation reports, each with the direction that is better and what it means."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["rate", "count", "cost", "info"]


@dataclass(frozen=True)
class Figure:
    name: str
    kind: Kind  # rate: higher is better (0–1); count and cost: lower is better; info: not gated
    label: str  # what it means, in Chinese (the scorecard's 含义 column)


_FIGS = [
    Figure("reports.scored", "info", "评估的报告数"),
    Figure("reports.errors", "count", "无法分析的报告数"),
    Figure("format.accuracy", "rate", "表格格式(2021/2019)判断正确"),
    Figure("tables.cell_accuracy", "rate", "表格单元格正确(表二+表三+表四)"),
    Figure("tables.t2.accuracy", "rate", "表二单元格正确"),
    Figure("tables.t3.accuracy", "rate", "表三单元格正确"),
    Figure("tables.t4.accuracy", "rate", "表四单元格正确"),
    Figure("tables.wrong_cells", "count", "数字与标注不同的单元格数"),
    Figure("tables.unknown_cells", "count", "标注有数字而未能读出的单元格数"),
    Figure("checks.agreement", "rate", "校验结论与标注推出的结论一致"),
    Figure("checks.false_fails", "count", "标注无误而判为不通过(误报)"),
    Figure("checks.missed_fails", "count", "标注有误而未判为不通过(漏报)"),
    Figure("meta.organization", "rate", "单位名称正确"),
    Figure("meta.year", "rate", "年度正确"),
    Figure("meta.report_date", "rate", "落款日期正确"),
    Figure("channels.precision", "rate", "渠道统计精确率(类型与发布数一致)"),
    Figure("channels.recall", "rate", "渠道统计召回率"),
    Figure("channels.f1", "rate", "渠道统计 F1"),
    Figure("narrative.disclosure_total", "rate", "正文所述主动公开总数正确"),
    Figure("narrative.applications_received", "rate", "正文所述收到申请数正确"),
    Figure("narrative.processing_fee_collected", "rate", "是否收取信息处理费判断正确"),
]
_ZH = {"problems": "问题", "measures": "改进措施"}
for _what in ("problems", "measures"):
    _FIGS += [
        Figure(f"{_what}.precision", "rate", f"{_ZH[_what]}精确率(一对一匹配, 相似度 ≥ 0.6)"),
        Figure(f"{_what}.recall", "rate", f"{_ZH[_what]}召回率"),
        Figure(f"{_what}.f1", "rate", f"{_ZH[_what]} F1"),
        Figure(f"{_what}.mean_similarity", "rate", f"{_ZH[_what]}: 匹配项的平均相似度"),
        Figure(f"{_what}.category_accuracy", "rate", f"{_ZH[_what]}: 匹配项的分类正确率"),
        Figure(f"{_what}.grounding_rate", "rate", f"{_ZH[_what]}: 抽取项能在原文中找到的比例"),
    ]
_FIGS += [
    Figure("extraction.fallbacks", "count", "正文抽取未由所选后端完成的报告数"),
    Figure("cost.llm_calls_per_report", "cost", "每份报告的 LLM 调用次数"),
    Figure("cost.prompt_tokens_per_report", "cost", "每份报告的提示令牌数"),
    Figure("cost.completion_tokens_per_report", "cost", "每份报告的输出令牌数"),
    Figure("cost.total_tokens_per_report", "cost", "每份报告的令牌总数"),
    # The planted-errors run.
    Figure("planted.variants", "info", "分析的植入错误变体数"),
    Figure("planted.errors", "count", "无法分析的变体数"),
    Figure("planted.value_recall", "rate", "改动的数值被对应规则发现并指明单元格和行"),
    Figure("planted.single_cell_recall", "rate", "单个单元格的改动被对应规则发现并指明单元格和行"),
    Figure("planted.instance_recall", "rate", "应不成立的关系在植入的单元格上判为不通过"),
    Figure("planted.false_alarms", "count", "无误报告和无害变体上的不通过(误报)"),
    Figure("planted.extra_fails", "count", "有误变体上未指明植入单元格的不通过"),
    Figure("planted.wrong_numbers", "count", "无害变体中数字与标注不同的单元格数"),
    Figure("planted.silent_unknowns", "count", "有未读出单元格却没有“无法确认”结论的无害变体数"),
    Figure("planted.format_2019", "rate", "2019 格式变体被识别为 2019 格式"),
    Figure("planted.injection_leaks", "count", "改变了输出的植入指令数"),
]

FIGURES: dict[str, Figure] = {f.name: f for f in _FIGS}


def kind_of(name: str) -> Kind:
    f = FIGURES.get(name)
    return f.kind if f else "info"
