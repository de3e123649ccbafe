"""Render an evaluation: a terminal scorecard, Markdown and JSON, per report and pooled."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from service.evaluation.figures import FIGURES
from service.evaluation.run import EvalRun, ReportResult
from service.evaluation.score_planted import PlantedRun, VariantResult
from service.evaluation.thresholds import Bound, Shortfall, fmt
from service.outputs.labels import STATUS_NAMES

MAX_LISTED = 12


@dataclass
class Verdict:
    """The gate's outcome: shortfalls against thresholds and baseline, and what was not scored."""

    bounds: list[Bound] = field(default_factory=list)
    shortfalls: list[Shortfall] = field(default_factory=list)
    not_scored: list[str] = field(default_factory=list)
    baseline_note: str | None = None

    @property
    def passed(self) -> bool:
        return not self.shortfalls

    def line(self) -> str:
        if self.passed:
            return "通过：每项指标均达到阈值" + ("" if self.baseline_note else "和基线")
        return "未通过：" + "；".join(str(s) for s in self.shortfalls)

    def to_json(self) -> dict[str, Any]:
        return {"passed": self.passed, "shortfalls": [str(s) for s in self.shortfalls],
                "not_scored": self.not_scored, "baseline_note": self.baseline_note}


def _bound_text(name: str, bounds: list[Bound]) -> str:
    parts = []
    for b in bounds:
        if b.figure == name:
            if b.min is not None:
                parts.append(f"≥ {fmt(b.min)}")
            if b.max is not None:
                parts.append(f"≤ {fmt(b.max)}")
    return ", ".join(parts)


def _figure_rows(figures: dict[str, float | None], verdict: Verdict) -> list[tuple[str, str, str, str, str]]:
    short = {s.figure: s for s in verdict.shortfalls}
    rows = []
    for name, value in figures.items():
        label = FIGURES[name].label if name in FIGURES else name
        bound = _bound_text(name, verdict.bounds)
        mark = "未达到" if name in short else ("达到" if bound and value is not None else "")
        rows.append((name, fmt(value), bound, mark, label))
    return rows


def _f(v: float | None) -> str:
    return "–" if v is None else f"{v:.2f}"


# ---------------------------------------------------------------- gold runs


def _report_row(r: ReportResult) -> list[str]:
    cells = sum(t.right for t in r.tables.values())
    total = sum(t.total for t in r.tables.values())
    meta = "".join("✓" if r.meta[f][2] else "✗" for f in ("organization", "year", "report_date"))
    nar = r.narrative
    return [
        r.name, "出错" if r.error else _STATUS_ZH.get(r.status or "", r.status or ""), f"{r.format_got or '–'}", meta,
        f"{cells}/{total}",
        f"{r.checks.agree}/{r.checks.total}",
        _f(nar.channels.f1) if nar else "–", _f(nar.problems.prf.f1) if nar else "–",
        _f(nar.measures.prf.f1) if nar else "–", str(r.llm_calls), str(r.tokens["total"]), f"{r.seconds * 1000:.0f}",
    ]


_REPORT_HEAD = ["报告", "结论", "格式", "单位/年度/日期", "单元格", "校验", "渠道 F1", "问题 F1", "措施 F1", "LLM 调用",
                "令牌", "毫秒"]
_FIGURE_HEAD = ["指标", "数值", "阈值", "", "含义"]
_STATUS_ZH = {s.value: name for s, name in STATUS_NAMES.items()}
_META_ZH = {"organization": "单位名称", "year": "年度", "report_date": "落款日期"}
_CELL_ZH = {"wrong": "错误", "unknown": "未读出"}
_KIND_ZH = {"number": "数字", "blank": "空白", "slash": "“/”", "dash": "“-”", "text": "文字", "lost": "提取中丢失",
            "absent": "未找到"}
_INSTANCE_RE = re.compile(r"^(column|row|group) |^all$")
_INSTANCE_ZH = {"column": "列", "row": "行", "group": "组", "all": "全部"}


def _instance(text: str) -> str:
    """A relation instance for a person: "row granted" → "行 `granted`", "column 自然人" → "列 自然人"."""
    m = _INSTANCE_RE.match(text)
    if not m:
        return text
    if m.group(1) is None:
        return _INSTANCE_ZH["all"]
    rest = text[m.end():]
    return f"{_INSTANCE_ZH[m.group(1)]} {rest if re.search(r'[^a-z_]', rest) else f'`{rest}`'}"


def _details(r: ReportResult, limit: int | None) -> list[str]:
    out: list[str] = []
    if r.error:
        out.append(f"出错: {r.error}")
    if r.narrative_error:
        out.append(f"正文抽取: {r.narrative_error}")
    if r.fallback:
        out.append(f"正文由 {r.backend} 抽取, 不是所选后端: {r.fallback}")
    for f in ("organization", "year", "report_date"):
        g, o, ok = r.meta[f]
        if not ok:
            out.append(f"{_META_ZH[f]}: 标注 {g!r}, 读出 {o!r}")
    diffs = [d for t in r.tables.values() for d in t.diffs]
    for d in diffs[:limit]:
        where = f"第 {d.line} 行" if d.line else "无行号"
        how = (f"{_KIND_ZH.get(d.kind or '', d.kind or '?')}{', 推算' if d.inferred_from else ''}"
               f"{f', 印为 {d.printed!r}' if d.printed else ''}")
        out.append(f"单元格{_CELL_ZH.get(d.status, d.status)} {d.table} `{d.row}` · {d.column}: 标注 {d.gold}, "
                   f"读出 {d.got}（{how}, {where}）")
    if limit is not None and len(diffs) > limit:
        out.append(f"… 另有 {len(diffs) - limit} 个单元格（见 Markdown 或 JSON）")
    for dis in r.checks.disagreements[:limit]:
        out.append(f"校验 {dis.rule} {_instance(dis.instance)}: 按标注应为 {_STATUS_ZH.get(dis.gold, dis.gold)}, "
                   f"本系统为 {_STATUS_ZH.get(dis.ours, dis.ours)}")
    for of in r.checks.other_fails[:limit]:
        out.append(f"标注未涉及的不通过（请人工复核）: {of}")
    nar = r.narrative
    if nar is not None:
        out += [f"正文数字 {d}" for d in nar.scalar_diffs]
        out += [f"漏掉的渠道: {c}" for c in nar.channel_misses[:limit]]
        out += [f"多出的渠道: {c}" for c in nar.channel_spurious[:limit]]
        for what, item in (("问题", nar.problems), ("措施", nar.measures)):
            out += [f"漏掉的{what}: {t[:60]}" for t in item.missed[:limit]]
            out += [f"多出的{what}: {t[:60]}" for t in item.spurious[:limit]]
            out += [f"{what}分类: {t}" for t in item.wrong_category[:limit]]
    return out


def gold_text(run: EvalRun, verdict: Verdict) -> str:
    lines = [f"govreport eval — 标注 {run.gold_dir}（{len(run.reports)} 份报告）, 后端 {run.backend}"
             f"{'' if run.narrative else ', 只评表格'}, {run.seconds:.1f} 秒", ""]
    lines += _columns([list(_REPORT_HEAD)] + [_report_row(r) for r in run.reports])
    lines.append("")
    lines.append("汇总指标:")
    lines += _columns([list(_FIGURE_HEAD)] + [list(r) for r in _figure_rows(run.figures(), verdict)])
    problems = [(r.name, _details(r, 4)) for r in run.reports]
    if any(d for _, d in problems):
        lines += ["", "不对的地方:"]
        for name, det in problems:
            lines += [f"  {name}: {d}" for d in det]
    if verdict.not_scored:
        lines += ["", "本次未评的指标: " + ", ".join(verdict.not_scored)]
    if verdict.baseline_note:
        lines.append(f"基线: {verdict.baseline_note}")
    lines += ["", verdict.line()]
    return "\n".join(lines)


def gold_markdown(run: EvalRun, verdict: Verdict) -> str:
    out = ["# govreport 评估", "",
           f"标注集 `{run.gold_dir}`（{len(run.reports)} 份报告, 摘要 `{run.gold_digest}`）, 后端 "
           f"`{run.backend}`{'' if run.narrative else ', 只评表格'}。", "", f"**{verdict.line()}**", "",
           "## 汇总指标", ""]
    out += _md_table(list(_FIGURE_HEAD), [list(r) for r in _figure_rows(run.figures(), verdict)])
    out += ["", "## 各份报告", ""]
    out += _md_table(list(_REPORT_HEAD), [_report_row(r) for r in run.reports])
    for r in run.reports:
        det = _details(r, None)
        out += ["", f"### {r.name}", "", f"`{r.path}`", ""]
        out += [f"- {d}" for d in det] if det else ["- 全部正确"]
    if verdict.not_scored:
        out += ["", "本次未评的指标: " + ", ".join(verdict.not_scored)]
    if verdict.baseline_note:
        out += ["", f"基线: {verdict.baseline_note}"]
    return "\n".join(out) + "\n"


def gold_json(run: EvalRun, verdict: Verdict) -> dict[str, Any]:
    def report(r: ReportResult) -> dict[str, Any]:
        nar = r.narrative
        return {
            "name": r.name, "path": r.path, "error": r.error, "narrative_error": r.narrative_error,
            "seconds": round(r.seconds, 4), "status": r.status, "failed_rules": r.failed_rules,
            "format": {"gold": r.format_gold, "got": r.format_got},
            "meta": {f: {"gold": g, "got": o, "right": ok} for f, (g, o, ok) in r.meta.items()},
            "tables": {name: {"right": t.right, "total": t.total, "unknown": t.unknown, "wrong": t.wrong,
                              "accuracy": t.accuracy, "cells": [asdict(d) for d in t.diffs]}
                       for name, t in r.tables.items()},
            "checks": {"agree": r.checks.agree, "total": r.checks.total, "false_fail": r.checks.false_fail,
                       "missed_fail": r.checks.missed_fail, "uncertain": r.checks.uncertain,
                       "per_rule": r.checks.per_rule, "disagreements": [asdict(d) for d in r.checks.disagreements],
                       "other_fails": r.checks.other_fails},
            "narrative": None if nar is None else {
                "channels": {"tp": nar.channels.tp, "pred": nar.channels.n_pred, "gold": nar.channels.n_gold,
                             "missed": nar.channel_misses, "spurious": nar.channel_spurious},
                "scalars": nar.scalars, "scalar_diffs": nar.scalar_diffs,
                **{what: {"tp": item.prf.tp, "pred": item.prf.n_pred, "gold": item.prf.n_gold,
                          "mean_similarity": item.mean_similarity, "category_right": item.category_right,
                          "grounded": item.grounded, "missed": item.missed, "spurious": item.spurious,
                          "wrong_category": item.wrong_category}
                   for what, item in (("problems", nar.problems), ("measures", nar.measures))},
            },
            "cost": {"backend": r.backend, "fallback": r.fallback, "llm_calls": r.llm_calls, "tokens": r.tokens},
            "figures": r.figures(),
        }

    return {"kind": "gold", "gold_dir": run.gold_dir, "gold_digest": run.gold_digest, "backend": run.backend,
            "narrative": run.narrative, "seconds": round(run.seconds, 3), "figures": run.figures(),
            "verdict": verdict.to_json(), "reports": [report(r) for r in run.reports]}


# ---------------------------------------------------------------- planted runs


def _defect_rows(run: PlantedRun) -> list[list[str]]:
    groups: dict[str, list[VariantResult]] = {}
    for r in run.results:
        groups.setdefault(re.sub(r"-[ab]$", "", r.defect), []).append(r)
    rows = []
    for defect, rs in groups.items():
        value = rs[0].kind == "value" and any(r.expected for r in rs)
        rows.append([defect, rs[0].kind, str(len(rs)),
                     f"{sum(1 for r in rs if r.detected)}/{len(rs)}" if value else "–",
                     str(sum(len(r.extra_fails) for r in rs)), str(sum(len(r.wrong_numbers) for r in rs)),
                     str(sum(r.unknown_cells for r in rs)), str(sum(1 for r in rs if r.error))])
    return rows


_DEFECT_HEAD = ["植入的错误", "类别", "变体数", "发现", "未指明单元格的不通过/误报", "错误数字", "未读出的单元格", "出错"]


def _variant_problems(r: VariantResult) -> list[str]:
    out = []
    if r.error:
        out.append(f"出错: {r.error}")
    out += [f"漏报 {m}（判为不通过的: {', '.join(r.fails) or '无'}）" for m in r.missed]
    out += [f"{'多出的不通过' if r.kind == 'value' else '误报'}: {x}" for x in r.extra_fails]
    out += [f"错误数字: {w}" for w in r.wrong_numbers]
    if r.silent_unknowns:
        out.append(f"{r.unknown_cells} 个单元格未读出, 却没有“无法确认”的结论")
    if not r.format_ok and not r.error:
        out.append(f"格式读为 {r.format_got}")
    out += [f"植入指令改变了输出: {x}" for x in r.leaks]
    return out


def planted_text(run: PlantedRun, verdict: Verdict) -> str:
    lines = [f"govreport eval --planted — {run.gold_dir} 中文本报告的 {len(run.results)} 个变体"
             f"（种子 {run.seed}）, {run.seconds:.1f} 秒"]
    if run.skipped:
        lines.append(f"不是文本, 不生成变体: {', '.join(run.skipped)}")
    lines.append("")
    lines += _columns([list(_DEFECT_HEAD), *_defect_rows(run)])
    lines += ["", "指标:"]
    lines += _columns([list(_FIGURE_HEAD)] + [list(r) for r in _figure_rows(run.figures(), verdict)])
    bad = [(r, _variant_problems(r)) for r in run.results]
    bad = [(r, p) for r, p in bad if p]
    if bad:
        lines += ["", "与预期不符的变体:"]
        for r, probs in bad:
            lines.append(f"  {r.id} ({r.description})")
            lines += [f"    {p}" for p in probs[:MAX_LISTED]]
    lines += ["", verdict.line()]
    return "\n".join(lines)


def planted_markdown(run: PlantedRun, verdict: Verdict) -> str:
    out = ["# govreport 植入错误评估", "",
           f"`{run.gold_dir}` 中文本报告的 {len(run.results)} 个变体（种子 {run.seed}）。", "",
           f"**{verdict.line()}**", "", "## 指标", ""]
    out += _md_table(list(_FIGURE_HEAD), [list(r) for r in _figure_rows(run.figures(), verdict)])
    out += ["", "## 按错误类别", ""]
    out += _md_table(list(_DEFECT_HEAD), _defect_rows(run))
    out += ["", "## 各变体", ""]
    out += _md_table(["变体", "植入", "应不通过的规则", "发现", "问题"],
                     [[r.id, r.description, ", ".join(r.expected) or "无", "是" if r.detected else "否",
                       "; ".join(_variant_problems(r)) or ""] for r in run.results])
    return "\n".join(out) + "\n"


def planted_json(run: PlantedRun, verdict: Verdict) -> dict[str, Any]:
    return {"kind": "planted", "gold_dir": run.gold_dir, "seed": run.seed, "seconds": round(run.seconds, 3),
            "skipped": run.skipped, "figures": run.figures(), "verdict": verdict.to_json(),
            "variants": [{**asdict(r), "detected": r.detected} for r in run.results]}


# ---------------------------------------------------------------- layout helpers


def _columns(rows: list[list[str]]) -> list[str]:
    widths = [max(_width(r[i]) for r in rows if i < len(r)) for i in range(max(len(r) for r in rows))]
    out = []
    for r in rows:
        out.append("  " + "  ".join(c + " " * (widths[i] - _width(c)) for i, c in enumerate(r)).rstrip())
    return out


def _width(s: str) -> int:
    return sum(2 if "\u2e80" <= ch <= "\uffef" else 1 for ch in s)


def _md_table(head: list[str], rows: list[list[str]]) -> list[str]:
    def esc(s: str) -> str:
        return s.replace("|", "\\|").replace("\n", " ")

    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(esc(c) for c in r) + " |" for r in rows]
    return out
