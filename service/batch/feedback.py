"""整改清单: what each unit has to correct, from its report's findings, ready to send back.

For every FAIL (and, as 请核实, every WARN) of a unit's report: the table, row and column, the printed
value, the value that would satisfy the relations (LOCATE's suggestion, or the sum of the parts), the
source line and a plain Chinese reason. One sheet in summary.xlsx lists every unit; ``feedback/<unit>.docx``
holds one unit's list in 公文 layout. Source lines are quoted from the report file when it is still there.
"""

from __future__ import annotations

import json
import os
import re
from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, fields
from datetime import date
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from pydantic import TypeAdapter

from service.batch.aggregate import Aggregate, UnitRow
from service.batch.kept import Kept
from service.batch.model import FindingDigest, Record
from service.batch.source import RecordSource
from service.checks.model import Finding, Status
from service.errors import InputError
from service.outputs.check_text import display_subject
from service.outputs.labels import RULE_NAMES

if TYPE_CHECKING:
    from service.batch.docx_template import DocumentMaker
    from service.batch.summary_docx import Writer

#: What each rule asks of the unit, in plain words.
PLAIN: dict[str, str] = {
    "C1": "本年新收加上年结转, 应等于本年办理总计加结转下年度",
    "C3": "(七)总计应等于(一)至(六)各项办理结果之和",
    "C4": "每一行的总计应等于自然人和五类法人或其他组织之和",
    "C5": "表四每一类的总计应等于维持、纠正、其他结果和尚未审结之和",
    "C6": "上一年报告的“结转下年度继续办理”应等于本年报告的“上年结转”",
    "C7": "现行有效件数应等于上年现行有效件数加本年制发减本年废止",
    "C8": "件数应为非负整数, 收费金额以万元为单位",
    "C9": "正文所述数字应与表格一致",
    "C10": "有因未缴费不再处理的申请时, 第六部分应说明信息处理费收取情况",
    "S5": "第五部分应写明存在的主要问题和改进措施",
    "BLANK": "表格中应填数字的单元格不应留空(无数据填 0)",
    "FORMAT": "应使用现行格式(国办公开办函〔2021〕30号)",
    "SECTIONS": "报告应包含规定的六个部分",
}


@dataclass(slots=True)
class FixItem:
    """One thing a unit has to correct (FAIL) or check (WARN)."""

    name: str
    label: str
    year: int | None
    rule: str
    status: Status
    table: str
    row: str
    column: str
    printed: str
    suggested: str
    line: int | None
    source: str
    reason: str

    @property
    def rule_name(self) -> str:
        return RULE_NAMES.get(self.rule, self.rule)


class FixItems:
    """Every unit's items, in the order of ``agg.units``, kept in a temporary file (a line a unit) as they are
    made and read back when the sheet 整改清单 and each unit's document are written: a batch's items (~1 KiB
    each) are never all in memory, only where each unit's line starts."""

    def __init__(self, file: IO[bytes]) -> None:
        self._file = file  # a temporary file of the caller's
        self._at = array("q")  # per unit: where its line starts, -1 when it has no item

    def add(self, rows: Sequence[FixItem]) -> None:
        """The next unit's items (none: an empty sequence)."""
        if not rows:
            self._at.append(-1)
            return
        self._at.append(self._file.seek(0, os.SEEK_END))
        # ASCII JSON: any str round-trips, a lone surrogate from a damaged text layer too
        self._file.write(json.dumps([_fields(i) for i in rows]).encode("ascii") + b"\n")

    def of(self, unit: int) -> list[FixItem]:
        """The items of the ``unit``-th unit (its FAILs first, then its WARNs)."""
        at = self._at[unit]
        if at < 0:
            return []
        self._file.seek(at)
        return [_item_of(f) for f in json.loads(self._file.readline())]

    def __iter__(self) -> Iterator[FixItem]:
        """Every item, unit by unit."""
        for unit in range(len(self._at)):
            yield from self.of(unit)

def _fields(i: FixItem) -> list[object]:
    return [getattr(i, f.name) for f in fields(FixItem)]


def _item_of(f: list[Any]) -> FixItem:
    name, label, year, rule, status, table, row, column, printed, suggested, line, source, reason = f
    return FixItem(name, label, year, rule, Status(status), table, row, column, printed, suggested, line, source, reason)


def fix_items(agg: Aggregate, records: RecordSource | Sequence[Record], out: Path, spill: IO[bytes]) -> FixItems:
    """Per unit of ``agg`` (in its order): its FAILs first, then its WARNs (report category only), kept in
    ``spill`` (a temporary file). Only the reports of units with any are read (their JSON under ``out``, for the
    cells, and their file, for the lines cited); the records are as the aggregation kept them (``agg.kept``;
    ``records`` is no longer read)."""
    cross: dict[str, list[FindingDigest]] = {}
    for c in agg.cross:
        if c.finding.status in (Status.FAIL, Status.WARN):
            cross.setdefault(c.name, []).append(c.finding)
    items = FixItems(spill)
    for i, u in enumerate(agg.units):
        flagged = bool(u.fails or u.warns)  # its own report FAILs or WARNs
        if not flagged and u.name not in cross:
            items.add(())
            continue
        at = agg.kept.find(u.name, i) if flagged else None
        kept = agg.kept.of(at) if at is not None else None
        found = _findings(kept, out) if kept is not None else []
        lines = _source_lines(kept.path, found) if kept is not None else {}
        rows = [_item(u.name, u.label, u.year, f, lines) for f in found]
        for x in cross.get(u.name, []):
            rows.append(FixItem(u.name, u.label, u.year, x.rule, x.status, "表三", "二、上年结转 / 上年 四、结转下年度",
                                "各列", "—", "—", None, x.evidence, f"{PLAIN.get(x.rule, '')}: {x.message}"))
        rows.sort(key=lambda i: (i.status is not Status.FAIL, i.rule != "LOCATE"))
        items.add(rows)
    return items


_FINDINGS = TypeAdapter(list[Finding])
_FLAGGED = (Status.FAIL, Status.WARN)


def _findings(kept: Kept, out: Path) -> list[Finding]:
    """The report's own FAILs and WARNs, with their cells, from its JSON (none when it cannot be read). Only
    its list of findings is parsed (report_findings), and only those findings are validated."""
    if kept.report is None or not any(f.category == "report" and f.status in _FLAGGED for f in kept.findings):
        return []
    try:
        raw = report_findings((out / kept.report).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    if isinstance(raw, list) and all(isinstance(f, dict) for f in raw):
        # what the filter below keeps of the validated findings: a category is "report" (its default) and a
        # status "FAIL" or "WARN" only as exactly these strings
        raw = [f for f in raw if f.get("category", "report") == "report" and f.get("status") in _FLAGGED]
    return [f for f in _FINDINGS.validate_python(raw) if f.category == "report" and f.status in _FLAGGED]


_DECODER = json.JSONDecoder()
_KEY = ',"findings":'


def report_findings(text: str) -> Any:
    """``json.loads(text).get("findings", [])`` for a report's JSON as the batch writes it (compact, "findings"
    the last key but "summary"), parsing only that list and what follows it: the last ``,"findings":`` outside
    any string (a quote inside one is escaped), whose value is followed by nothing but the rest of the outermost
    object. Any other text is parsed whole. (Parsing only the end, a damaged beginning goes unnoticed.)"""
    at = text.rfind(_KEY)
    if at >= 0:
        try:
            value, end = _DECODER.raw_decode(text, at + len(_KEY))
            rest = text[end:].rstrip()
            if rest == "}" or (rest.startswith(",") and isinstance(json.loads("{" + rest[1:]), dict)):
                return value
        except ValueError:
            pass
    return json.loads(text).get("findings", [])


def _source_lines(path: str, found: Sequence[Finding]) -> dict[int, str]:
    """The report's lines the findings cite, read again from its file ``path`` (empty when it is gone)."""
    wanted = {ln for f in found for ln in (*f.lines, *(c.line for c in f.cells if c.line))}
    if not wanted:
        return {}
    from service.reading import read_document

    try:
        doc = read_document(path)
    except (InputError, OSError):
        return {}
    return {ln: " ".join(doc.line_text(ln).split())[:160] for ln in wanted if 1 <= ln <= doc.line_count}


def _item(name: str, label: str, year: int | None, f: Finding, lines: dict[int, str]) -> FixItem:
    cell = f.cells[0] if f.rule in ("LOCATE", "C8", "C9", "C10") and f.cells else (f.cells[-1] if f.cells else None)
    if f.rule == "C9" and f.lines:  # the sentence that states the figure; the cell is under 位置
        line: int | None = f.lines[0]
    else:
        line = cell.line if cell is not None and cell.line else (f.lines[0] if f.lines else None)
    table = cell.table if cell is not None else _table_of(f.subject)
    printed = (cell.printed if cell.printed is not None else _num(cell.value)) if cell is not None else "—"
    plain = PLAIN.get(f.rule, "")
    if f.rule == "LOCATE":
        suggested = _num(f.expected)
        reason = (f"{cell.row if cell else ''} · {cell.column if cell else ''} 印为 {printed}; 改为 {suggested} 后"
                  f"表中不成立的关系均成立。请核对原始台账, 确认后更正此单元格。")
    elif f.rule in ("C1", "C3", "C4", "C5"):
        suggested = _num(f.expected)
        reason = f"{plain}。{f.message}。若各分项无误, 此处应为 {suggested}; 否则请核对各分项。"
    elif f.rule == "C9":
        suggested = f"正文称 {_num(f.actual)}"
        reason = f"{plain}: {f.message}。请核对正文与表格, 更正有误的一处。"
    else:
        suggested = "—"
        reason = f"{plain}: {f.message}" if plain else f.message
    return FixItem(name, label, year, f.rule, f.status, table, cell.row if cell else display_subject(f.subject),
                   cell.column if cell else "—", printed or "空", suggested, line, lines.get(line, "") if line else "",
                   reason)


def _table_of(subject: str) -> str:
    m = re.match(r"(表[二三四])", subject)
    return m.group(1) if m else "正文"


def _num(v: float | int | None) -> str:
    if v is None:
        return "—"
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v)


_UNSAFE = re.compile(r"[\\/:*?\"<>|\x00-\x1f]+")


def feedback_name(label: str) -> str:
    """A file name for a unit's feedback: its label without characters file systems forbid."""
    return _UNSAFE.sub("_", label).strip(" .") or "单位"


def write_feedback(agg: Aggregate, items: FixItems, folder: Path, today: date | None = None) -> list[str]:
    """feedback/<unit>.docx for every unit of ``agg``, their names returned (as strings: a unit's name is a
    tenth of a Path's memory); stale files of an earlier run removed."""
    folder.mkdir(parents=True, exist_ok=True)
    from service.batch.docx_template import DocumentMaker
    from service.batch.summary_docx import Writer, new_document

    when = (today or date.today()).isoformat()
    # One template for every unit: a python-docx Document() of its own parsed ~800 KB of styles and saving it
    # compressed them again (~17 ms a unit); each document here is only its body over the shared package,
    # its paragraphs and cells copies of the first ones of their kind (the Writer's).
    maker, writer = DocumentMaker(new_document), Writer()
    written = [_write_unit(u, items.of(i), folder / name, when, maker, writer)
               for i, (u, name) in enumerate(zip(agg.units, _file_names(agg.units), strict=True))]
    current = set(written)
    for old in folder.glob("*.docx"):
        if old.name not in current:
            old.unlink(missing_ok=True)
    return written


def _file_names(units: list[UnitRow]) -> list[str]:
    """Each unit's file name, ``feedback_name`` of its label; where two labels give one name (they differ
    only in characters a file name may not hold), the later ones get " (2)", " (3)"… so none is overwritten."""
    names: list[str] = []
    used: set[str] = set()
    for u in units:
        stem = feedback_name(u.label)
        name, k = f"{stem}.docx", 1
        while name in used:
            k += 1
            name = f"{stem} ({k}).docx"
        used.add(name)
        names.append(name)
    return names


def _write_unit(u: UnitRow, rows: list[FixItem], path: Path, when: str, maker: DocumentMaker,
                writer: Writer) -> str:
    from service.batch.summary_doc import Table

    heading, paragraph, table = writer.heading, writer.paragraph, writer.table
    fails = [i for i in rows if i.status is Status.FAIL]
    warns = [i for i in rows if i.status is Status.WARN]
    doc = maker.new()
    heading(doc, f"{u.organization or u.label}{u.year or ''}年度政府信息公开工作年度报告审核意见及整改清单", 1)
    paragraph(doc, f"{u.organization or u.label}:", indent=False)
    if fails:
        paragraph(doc, f"经对你单位报送的{u.year or ''}年度政府信息公开工作年度报告进行核验, 发现以下 {len(fails)} 处"
                       f"需要更正的问题。请逐项核对原始台账, 更正后重新报送。")
    else:
        paragraph(doc, f"经对你单位报送的{u.year or ''}年度政府信息公开工作年度报告进行核验, 表格勾稽关系和正文与表格的"
                       f"一致性未发现需要更正的错误。")
    for title, group in (("一、需要更正的问题", fails), ("二、请核实的事项", warns)):
        if not group:
            continue
        heading(doc, title if fails else title.replace("二、", "一、"), 2)
        table(doc, Table(["序号", "规则", "位置(表/行/列)", "印出", "应为", "原文", "说明"],
                         [[str(k), f"{i.rule} {i.rule_name}", f"{i.table} {i.row} · {i.column}", i.printed,
                           i.suggested, (f"第{i.line}行: " if i.line else "") + i.source, i.reason]
                          for k, i in enumerate(group, start=1)],
                         widths=[0.9, 2.2, 3.2, 1.2, 1.4, 3.4, 4.6]))
    paragraph(doc, f"本清单由 govreport 自动生成({when}), 所列数值均取自你单位报告原文; “应为”一栏是使表格各项勾稽关系"
                   f"成立的数值, 仅供核对, 以原始台账为准。", size=12)
    maker.save(doc, path)
    return path.name
