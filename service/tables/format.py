"""Tell the 2021 format, the 2019 format and "not an annual report" apart, with the evidence."""

from __future__ import annotations

import re
from typing import Literal

from service.reading.document import SourceDocument
from service.reading.normalize import compact

ReportFormat = Literal["2021", "2019", "unknown", "not_annual_report"]

_M2019 = ("本年新制作数量", "本年新公开数量", "对外公开总数量", "上一年项目数量", "本年增减", "第二十条第九项",
          "政府集中采购", "采购总金额", "其他对外管理服务事项", "201960号")
_M2021 = ("本年制发件数", "本年废止件数", "现行有效件数", "本年处理决定数量", "本年收费金额", "202130号",
          "逾期不补正", "逾期未按收费通知")
_REPORT_WORDS = ("政府信息公开", "年度报告", "依申请公开", "主动公开")
_DOC_WIDE_2021 = ("202130号", "逾期不补正", "逾期未按收费通知")


def _in_doc(marker: str, whole: str) -> bool:
    """Marker search in whitespace-free folded text; document numbers also with their brackets (〔2021〕30号)."""
    if marker[:4].isdigit():
        return bool(re.search(rf"{marker[:4]}\W?{marker[4:]}", whole))
    return marker in whole


def detect_format(doc: SourceDocument, t2_text: str, tables_found: int) -> tuple[ReportFormat, list[str]]:
    """Return (format, evidence). ``t2_text`` is the text around 表二, where the formats differ most."""
    # Without whitespace and pipes: str.split() splits on exactly the characters ``\s`` matches.
    whole = "".join(doc.folded[:400_000].split()).replace("|", "")
    scope = compact(t2_text) if t2_text else compact(whole)
    ev2019 = [m for m in _M2019 if m in scope or (m == "201960号" and _in_doc(m, whole))]
    ev2021 = [m for m in _M2021 if m in scope or (m in _DOC_WIDE_2021 and _in_doc(m, whole))]
    report_words = [w for w in _REPORT_WORDS if w in whole]
    if tables_found == 0 and len(report_words) < 2:
        return "not_annual_report", ["未找到公开情况表格, 也没有年度报告的用语"]
    if tables_found == 0 and "年度报告" not in whole:
        return "not_annual_report", ["未找到公开情况表格, 正文也未自称年度报告"]
    if len(ev2019) > len(ev2021):
        return "2019", [f"2019 年格式标志: {m}" for m in ev2019]
    if ev2021:
        return "2021", [f"2021 年格式标志: {m}" for m in ev2021]
    return "unknown", ["未找到任一表格格式的标志"]
