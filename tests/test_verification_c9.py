"""C9: the figures the text states against the tables, on the labelled reports."""

from __future__ import annotations

from service.checks.model import Status
from service.extraction import extract_narrative
from service.reading import read_document
from service.reading.document import SourceDocument
from service.sections import find_sections
from service.tables import parse_tables
from service.verification import c9_findings, verify_narrative
from tests._corpus import EVAL


def _c9(path_or_doc: object) -> dict[str, tuple[Status, object, object]]:
    doc = path_or_doc if isinstance(path_or_doc, SourceDocument) else read_document(EVAL / "corpus" / str(path_or_doc))
    sections = find_sections(doc)
    tables = parse_tables(doc, sections).tables
    narrative = verify_narrative(doc, sections, extract_narrative(doc, sections, "rules")).narrative
    found = c9_findings(doc, sections, tables, narrative)
    assert all(f.rule == "C9" and f.lines for f in found)
    return {f.name: (f.status, f.actual, f.expected) for f in found}


def test_seed_000_applications_and_parts_agree() -> None:
    got = _c9("seeds/000_b08e00100893f003.txt")
    assert got["applications_received"] == (Status.PASS, 2, 2)
    assert got["normative_documents_issued"] == (Status.PASS, 1, 1)
    assert got["disclosure_parts"] == (Status.PASS, 589, 589)


def test_seed_004_lost_lawsuit_matches_table4() -> None:
    got = _c9("seeds/004_3233181e384595fa.txt")
    assert got["litigation_corrected"] == (Status.PASS, 1, 1)  # 败诉: 结果纠正, not the total
    assert "litigation_cases" not in got
    assert got["disclosure_parts"][0] == Status.PASS


def test_hongze_2024_text_contradicts_table3() -> None:
    """Gold notes: the text says 17 applications, 表三 一 总计 is 95."""
    got = _c9("dev/hongze-district-2024.pdf")
    assert got["applications_received"] == (Status.FAIL, 17, 95)


def test_huaian_review_and_litigation_agree() -> None:
    got = _c9("dev/huaian-city-2024.pdf")
    assert got["applications_received"] == (Status.PASS, 3119, 3119)
    assert got["review_cases"] == (Status.PASS, 351, 351)
    assert got["litigation_cases"] == (Status.PASS, 46, 46)
    assert got["regulations_issued"] == (Status.PASS, 1, 1)
    assert "normative_documents_issued" not in got  # 政策性文件 is another category


def test_seed_001_no_review_or_lawsuit_stated_as_zero() -> None:
    got = _c9("seeds/001_70d6925fef033874.txt")
    assert got["review_cases"] == (Status.PASS, 0, 0) and got["litigation_cases"] == (Status.PASS, 0, 0)


def test_parts_not_adding_up_warn_and_missing_table_is_uncertain() -> None:
    text = ("某县2024年政府信息公开工作年度报告\n一、总体情况\n（一）主动公开情况。全年主动公开信息100条，其中，门户网站发布60条，"
            "微信公众号发布30条。\n（二）依申请公开情况。全年受理政府信息公开申请5件。\n五、存在的主要问题及改进情况\n一是解读不够。\n")
    got = _c9(SourceDocument(text=text))
    assert got["disclosure_parts"] == (Status.WARN, 90, 100)
    assert got["applications_received"][0] == Status.UNCERTAIN
