"""Defects found in a review of the deterministic core: each test reproduces one, on a small synthetic report."""

from __future__ import annotations

from service.checks.model import Finding, Status
from service.pipeline import analyze_document
from service.reading import read_bytes
from service.report import Report
from service.tables.layout import T3_KEYS_2021

_LABELS = {
    "new_received": "一、本年新收政府信息公开申请数量", "carried_over": "二、上年结转政府信息公开申请数量",
    "granted": "（一）予以公开", "partially_granted": "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    "denied_state_secret": "1.属于国家秘密", "denied_law_prohibited": "2.其他法律行政法规禁止公开",
    "denied_three_safety_one_stability": "3.危及“三安全一稳定”", "denied_third_party_rights": "4.保护第三方合法权益",
    "denied_internal_affairs": "5.属于三类内部事务信息", "denied_process_info": "6.属于四类过程性信息",
    "denied_enforcement_case_file": "7.属于行政执法案卷", "denied_administrative_inquiry": "8.属于行政查询事项",
    "unable_not_held": "1.本机关不掌握相关政府信息", "unable_needs_creation": "2.没有现成信息需要另行制作",
    "unable_unclear_after_correction": "3.补正后申请内容仍不明确", "not_processed_petition": "1.信访举报投诉类申请",
    "not_processed_duplicate": "2.重复申请", "not_processed_publication": "3.要求提供公开出版物",
    "not_processed_excessive": "4.无正当理由大量反复申请",
    "not_processed_confirmation": "5.要求行政机关确认或重新出具已获取信息",
    "other_no_correction": "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "other_no_fee": "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "other_other": "3.其他", "total_processed": "（七）总计", "carried_forward": "四、结转下年度继续办理",
}
_GROUPS = {"granted": "三、本年度办理结果", "denied_state_secret": "（三）不予公开", "unable_not_held": "（四）无法提供",
           "not_processed_petition": "（五）不予处理", "other_no_correction": "（六）其他处理"}
_T4_ZEROS = "\t".join(["0"] * 15)


def table3(**rows: list[int]) -> dict[str, list[int]]:
    """A consistent 表三 (13 received, 1 carried over, 8 granted, 4 not held, 2 carried forward), rows overridden."""
    t = {k: [0] * 7 for k in T3_KEYS_2021}
    t.update(new_received=[10, 2, 0, 0, 1, 0, 13], carried_over=[1, 0, 0, 0, 0, 0, 1], granted=[6, 1, 0, 0, 1, 0, 8],
             unable_not_held=[3, 1, 0, 0, 0, 0, 4], total_processed=[9, 2, 0, 0, 1, 0, 12],
             carried_forward=[2, 0, 0, 0, 0, 0, 2])
    t.update(rows)
    return t


def report_text(t3: dict[str, list[int]], printed: dict[str, str] | None = None, t4: str = _T4_ZEROS,
                six: str = "本年度未收取信息处理费。") -> str:
    """A whole report around 表三; ``printed`` replaces a row's values as printed (tab-separated)."""
    lines = ["某某区人民政府办公室2023年政府信息公开工作年度报告", "", "一、总体情况", "本年度主动公开政府信息120条。", "",
             "二、主动公开政府信息情况", "第二十条第（一）项", "信息内容\t本年制发件数\t本年废止件数\t现行有效件数",
             "规章\t0\t0\t0", "行政规范性文件\t3\t1\t20", "第二十条第（五）项", "信息内容\t本年处理决定数量", "行政许可\t120",
             "第二十条第（六）项", "信息内容\t本年处理决定数量", "行政处罚\t15", "行政强制\t2", "第二十条第（八）项",
             "信息内容\t本年收费金额（单位：万元）", "行政事业性收费\t0", "",
             "三、收到和处理政府信息公开申请情况", "", "\t申请人情况", "\t自然人\t法人或其他组织\t\t\t\t\t总计",
             "\t\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他"]
    for key in T3_KEYS_2021:
        if key in _GROUPS:
            lines.append(_GROUPS[key])
        values = (printed or {}).get(key, "\t".join(str(v) for v in t3[key]))
        if values is not None:
            lines.append(f"{_LABELS[key]}\t{values}")
    lines += ["", "四、政府信息公开行政复议、行政诉讼情况", "行政复议\t\t\t\t\t行政诉讼",
              "结果维持\t结果纠正\t其他结果\t尚未审结\t总计\t未经复议直接起诉\t复议后起诉", t4, "",
              "五、存在的主要问题及改进情况", "（一）存在的问题。一是公开内容不够全面。", "（二）改进措施。一是加强培训。", "",
              "六、其他需要报告的事项", six, ""]
    return "\n".join(lines)


def analyse(text: str) -> Report:
    return analyze_document(read_bytes(text.encode("utf-8"), "synthetic.txt"), narrative=False)


def fails(report: Report) -> list[Finding]:
    return [f for f in report.findings if f.status is Status.FAIL]


def without(values: list[int], i: int) -> str:
    return "\t".join(str(v) for j, v in enumerate(values) if j != i)


def test_synthetic_report_reads_clean() -> None:
    report = analyse(report_text(table3()))
    assert report.summary is not None and report.summary.status is Status.PASS
    assert report.applications == table3()


def test_unprinted_cell_that_two_relations_set_differently_stays_unknown() -> None:
    """'/' in 予以公开·总计: its row (C4) says 9, its column (C3) says 8. No value fits both, so none is
    presented as determined; the clash itself is a FAIL of the report."""
    t = table3(granted=[7, 1, 0, 0, 1, 0, 8])
    report = analyse(report_text(t, {"granted": "7\t1\t0\t0\t1\t0\t/"}))
    cell = report.tables.table3.rows["granted"].cells[6]
    assert cell.value is None and cell.inferred_from is None
    c3_total = next(f for f in report.findings if f.rule == "C3" and f.subject.endswith("总计"))
    assert c3_total.status is Status.UNCERTAIN
    assert {f.rule for f in fails(report)} >= {"C3", "C4"}
    assert all(f.category == "report" for f in fails(report))


def test_lost_cells_are_not_blamed_for_an_error_elsewhere() -> None:
    """Five rows each lost a cell (too many placements to enumerate) and an unrelated row is wrong: only
    that row FAILs; the five rows are unknown, not 'conflicts'."""
    t = table3(granted=[6, 1, 2, 3, 1, 4, 17], unable_not_held=[3, 1, 1, 1, 0, 1, 7],
               total_processed=[9, 2, 3, 4, 1, 5, 24], new_received=[10, 2, 3, 4, 1, 5, 25])
    printed = {"granted": without(t["granted"], 2), "unable_not_held": without(t["unable_not_held"], 3),
               "new_received": without(t["new_received"], 1), "total_processed": without(t["total_processed"], 4),
               "carried_over": without(t["carried_over"], 0), "not_processed_duplicate": "0\t0\t0\t0\t0\t0\t1"}
    report = analyse(report_text(t, printed))
    assert [f.subject for f in fails(report)] == ["表三 row (五)不予处理 2.重复申请"]


def test_lost_cell_with_ambiguous_place_not_blamed_for_an_error_elsewhere() -> None:
    """One row lost a cell whose place the relations cannot single out; a wrong total elsewhere is
    the report's only FAIL."""
    t = table3()
    lines = {"granted": "6\t1\t0\t1\t0\t8", "denied_state_secret": None,
             "not_processed_duplicate": "0\t0\t0\t0\t0\t0\t1"}
    report = analyse(report_text(t, lines))
    assert all("无论缺失" not in f.message for f in fails(report))


def test_build_rows_blames_a_lost_cell_only_for_violations_it_causes() -> None:
    """Row a printed two values for three cells (a0 + a1 = a2), any placement fits; row b is wrong on its
    own. Row a is undetermined, not a conflict."""
    from service.reading.document import SourceDocument
    from service.tables.build import RowInput, build_rows
    from service.tables.model import CellKind
    from service.tables.solver import Equation
    from service.tables.tokens import Token, Unit

    doc = SourceDocument("a 1 1\nb 1 2\n")

    def unit(line: int, values: list[int]) -> Unit:
        return Unit(line=line, label="ab"[line - 1], values=[Token(str(v), 0, 0, CellKind.NUMBER, v) for v in values])

    eqs = [Equation("C4 a", ((("a", 0), 1), (("a", 1), 1), (("a", 2), -1))), Equation("C4 b", ((("b", 0), 1), (("b", 1), -1)))]
    result = build_rows([RowInput("a", "a", 3, unit(1, [1, 1])), RowInput("b", "b", 2, unit(2, [1, 2]))], eqs, doc.line_of)
    assert result.conflicts == []
    assert result.violations == 1
    assert [c.value for c in result.rows["a"].cells] == [None, None, None]


def test_damaged_encodings_are_input_errors_or_text_never_a_crash() -> None:
    """A UTF-16 file cut at an odd byte, or bad bytes after a UTF-8 BOM: decoded as far as it goes
    (bad bytes replaced), or refused as an InputError (exit 2), never a UnicodeDecodeError (exit 3)."""
    import codecs

    import pytest

    from service.errors import InputError
    from service.reading.text import decode_bytes

    body = "某某区2023年政府信息公开工作年度报告\n一、总体情况\n" * 20
    for data in (codecs.BOM_UTF16_LE + body.encode("utf-16-le") + b"A",
                 body.encode("utf-16-le")[:-1],
                 codecs.BOM_UTF8 + body.encode("utf-8") + b"\xe4\xb8"):
        text, _ = decode_bytes(data, "x.txt")
        assert text.startswith("某某区2023年")
    for data in (b"\xff\xfe\x41", codecs.BOM_UTF8 + b"\xe4\xb8\xff\xfe" * 100):
        with pytest.raises(InputError):
            decode_bytes(data, "x.txt")


def test_section_six_title_variants() -> None:
    """'其它' for '其他', '需' for '需要', '说明' for '报告': still section 六 (else it is reported missing and
    section 五 runs on into it)."""
    from service.sections import classify_heading

    for line in ("六、其它需要报告的事项", "六、其他需报告的事项", "六、其他需要说明的事项", "六、其它事项"):
        assert classify_heading(line) == ("other", True), line


def test_c10_without_section_six_is_not_blamed_on_the_report() -> None:
    """(六)2 > 0 and no section 六 found: the fee may be spoken of anywhere; if the report mentions
    信息处理费 it passes, else C10 is UNCERTAIN (the missing section is its own WARN), never a FAIL."""
    t = table3(new_received=[11, 2, 0, 0, 1, 0, 14], other_no_fee=[1, 0, 0, 0, 0, 0, 1],
               total_processed=[10, 2, 0, 0, 1, 0, 13])
    early = report_text(t, six="")
    early = early.replace("六、其他需要报告的事项\n", "").replace(
        "本年度主动公开政府信息120条。", "本年度主动公开政府信息120条。本年度依规收取信息处理费共计100元。" + "工作情况。" * 400)
    report = analyse(early)
    c10 = next(f for f in report.findings if f.rule == "C10")
    assert c10.status is Status.PASS, c10.message
    silent = report_text(t, six="").replace("六、其他需要报告的事项\n", "")
    c10 = next(f for f in analyse(silent).findings if f.rule == "C10")
    assert c10.status is Status.UNCERTAIN, c10.message
