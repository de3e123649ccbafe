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


def _with_overview_sentence(sentence: str) -> SourceDocument:
    src = EVAL / "corpus" / "seeds" / "002_3d6f9c5b0d566f35.txt"
    text = src.read_text(encoding="utf-8")
    at = text.index("二、主动公开政府信息情况")
    return SourceDocument(text=text[:at] + sentence + "\n" + text[at:], path="x.txt", kind="text", encoding="utf-8")


def test_carry_over_and_carry_forward_stated_in_the_text() -> None:
    """Seed 002's 表三 二 and 四 总计 are 0: a text saying so passes, a text saying otherwise FAILs."""
    agree = _c9(_with_overview_sentence("全年答复申请（含上年度结转申请0件，另有0件顺延到下年度答复）。"))
    assert agree["carried_over_stated"][0] is Status.PASS and agree["carried_forward_stated"][0] is Status.PASS
    wrong = _c9(_with_overview_sentence("全年答复申请（含上年度结转申请3件，另有2件顺延到下年度答复）。"))
    assert wrong["carried_over_stated"] == (Status.FAIL, 3, 0) and wrong["carried_forward_stated"] == (Status.FAIL, 2, 0)


def test_a_carry_over_summed_with_new_requests_is_not_compared() -> None:
    found = _c9(_with_overview_sentence("全年共收到新申请和上年度结转申请共5件，新申请及上年度结转申请5件。"))
    assert "carried_over_stated" not in found
