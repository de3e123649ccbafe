"""Chinese names for what users read: rule codes, statuses. The codes themselves stay as stable identifiers in JSON."""

from __future__ import annotations

from service.checks.model import Status

#: Rule code → short Chinese name (shown beside the code: "C5 表四总计关系").
RULE_NAMES: dict[str, str] = {
    "C1": "表三 一+二=(七)+四",
    "C2": "办理结果互斥",
    "C3": "表三 (七)总计=各项之和",
    "C4": "表三 总计列=各列之和",
    "C5": "表四 总计=维持+纠正+其他+尚未审结",
    "C6": "跨年 结转衔接",
    "C7": "跨年 现行有效件数衔接",
    "C8": "数值为非负整数、收费以万元计",
    "C9": "正文数字与表格一致",
    "C10": "信息处理费说明",
    "S5": "第五部分问题与改进",
    "FORMAT": "报告格式",
    "SECTIONS": "六个部分齐全",
    "READ": "读取情况(本系统)",
    "OCR": "疑似识别错误的数字(本系统)",
    "BLANK": "应填数字处留空",
    "LOCATE": "定位出错单元格",
}

#: Status → Chinese verdict.
STATUS_NAMES: dict[Status, str] = {
    Status.FAIL: "不通过",
    Status.WARN: "提示",
    Status.UNCERTAIN: "无法确认",
    Status.INFO: "说明",
    Status.PASS: "通过",
}


def rule_label(code: str) -> str:
    """'C5 表四 总计=维持+纠正+其他+尚未审结'; an unknown code as it is."""
    name = RULE_NAMES.get(code)
    return f"{code} {name}" if name else code


def status_label(status: Status | str) -> str:
    """'不通过' for FAIL, and so on."""
    try:
        return STATUS_NAMES[Status(status)]
    except ValueError:
        return str(status)
