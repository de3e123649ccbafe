"""The readable verification report printed by ``govreport check``: in Chinese, the actionable line first.

Order: a three-line header (unit, year, format, verdict), then every LOCATE finding (the one printed
cell that explains the failing relations, with the value that would satisfy them), then the other
findings, FAILs first, each with a few of its cells and source lines; detail beyond that is in --json.
"""

from __future__ import annotations

import re

from service.checks.model import CellRef, Finding, Status
from service.outputs.labels import RULE_NAMES, status_label
from service.reading.document import SourceDocument
from service.report import Report
from service.sections import SECTION_NAMES

#: Cells listed under one finding before "另有 N 个单元格".
MAX_CELLS = 6

KIND_NAMES = {"text": "纯文本", "pdf": "PDF", "html": "网页 HTML", "docx": "Word 文档 DOCX"}
ENCODING_NAMES = {"text layer": "文字层"}
#: Subjects some rules name in English, as a reader says them.
SUBJECT_NAMES = {"主动公开 total vs the parts the text lists": "正文所称主动公开总数与所列分项", "report": "报告",
                 "all tables": "全部表格"}

FORMAT_NAMES = {"2021": "2021 年格式(国办公开办函〔2021〕30号)", "2019": "2019 年旧格式(国办公开办函〔2019〕60号)"}


def render_check(report: Report, doc: SourceDocument | None = None, show_pass: bool = False, max_lines: int = 3) -> str:
    """LOCATE first, then the findings (FAILs first), each with the source lines it rests on."""
    out: list[str] = []
    m = report.meta
    out.append(f"govreport 核验 — {report.source.path or '(标准输入)'}")
    out.append(f"单位: {m.organization or '(未识别)'} · 年度: {m.year or '(未识别)'} · "
               f"格式: {FORMAT_NAMES.get(report.format, report.format)} · 文件: {KIND_NAMES.get(report.source.kind, report.source.kind)}, "
               f"{ENCODING_NAMES.get(report.source.encoding, report.source.encoding)}")
    if report.missing_sections:
        out.append(f"缺少章节: {'、'.join(SECTION_NAMES.get(k, k) for k in report.missing_sections)}")
    s = report.summary
    if s:
        counts = ", ".join(f"{status_label(k)} {v}" for k, v in s.counts.items() if v)
        out.append(f"结论: {status_label(s.status)}  ({counts})")
    out.append("")
    locate = [f for f in report.findings if f.rule == "LOCATE"]
    for f in locate:
        ref = f.cells[0] if f.cells else None
        where = f" [第 {ref.line} 行]" if ref is not None and ref.line else ""
        out.append(f"定位  {display_subject(f.subject)}：{f.message}{where}")
        out += _source_lines(f, doc, max_lines)
    if locate:
        out.append("")
    shown = [f for f in report.findings if f.rule != "LOCATE" and (show_pass or f.status is not Status.PASS)]
    if not shown and not locate:
        out.append("各项核验均通过。")
    for f in shown:
        out.append(finding_line(f))
        out += _cells(f)
        if f.status in (Status.FAIL, Status.UNCERTAIN) or (f.status is Status.WARN and f.lines):
            out += _source_lines(f, doc, max_lines)
    if not show_pass and report.summary:
        out.append("")
        out.append(f"另有 {report.summary.counts.get('PASS', 0)} 项核验通过(加 --all 列出); 完整证据见 --json。")
    return "\n".join(out)


def _cells(f: Finding) -> list[str]:
    """The cells worth reading: all of a FAIL's, the unknown or inferred ones otherwise; at most MAX_CELLS."""
    if f.status is Status.PASS and not f.cells:
        return []
    if f.status is Status.FAIL or f.status is Status.INFO:
        cells = list(f.cells)
    elif f.status in (Status.UNCERTAIN, Status.WARN):
        cells = [c for c in f.cells if c.value is None or c.inferred_from]
    else:
        cells = []
    lines = [_cell_line(c) for c in cells[:MAX_CELLS]]
    if len(cells) > MAX_CELLS:
        lines.append(f"      · 另有 {len(cells) - MAX_CELLS} 个单元格(见 --json)")
    return lines


def _cell_line(c: CellRef) -> str:
    val = "?" if c.value is None else c.value
    if c.inferred_from:
        how = f" (推定: {c.inferred_from})"
    elif c.printed not in (None, str(c.value)):
        how = f" (印为 '{c.printed}')"
    else:
        how = ""
    return f"      · {c.row} · {c.column} = {val}{how}" + (f"  [第 {c.line} 行]" if c.line else "")


def _source_lines(f: Finding, doc: SourceDocument | None, max_lines: int) -> list[str]:
    if doc is None:
        return []
    out = []
    for ln in f.lines[:max_lines]:
        if 1 <= ln <= doc.line_count:
            text = " ".join(doc.line_text(ln).split())
            out.append(f"      {ln:>5} | {text[:110]}")
    return out


_ENGLISH_PART = re.compile(r"^(?P<lead>[^A-Za-z(]*?)\s*[A-Za-z][A-Za-z ,'’-]*\((?P<inner>.+)\)$")


def display_subject(subject: str) -> str:
    """A finding's subject as a reader says it: '表三 column 自然人' → '表三 自然人列', 'report' → '报告',
    'applications received (表三 一、本年新收 总计)' → '表三 一、本年新收 总计'."""
    if subject in SUBJECT_NAMES:
        return SUBJECT_NAMES[subject]
    m = _ENGLISH_PART.match(subject)
    if m:
        subject = f"{m.group('lead')} {m.group('inner')}".strip()
    subject = re.sub(r"column (\S+)$", r"\1列", subject)
    return re.sub(r" row (.+)$", r" \1", subject)


def finding_line(f: Finding) -> str:
    """'不通过  C5 表四 总计=… · 表四 行政复议：…' with 〔读取〕 for what govreport could not read."""
    cat = "" if f.category == "report" else "〔读取问题, 非单位错误〕"
    name = RULE_NAMES.get(f.rule, "")
    return f"{status_label(f.status):<4}  {f.rule} {name} · {display_subject(f.subject)}：{f.message}{cat}"
