"""Meta: organisation and year right on every labelled report; the signature date when printed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from service.meta import read_meta
from service.reading import read_document
from service.reading.document import SourceDocument
from service.sections import find_sections
from tests._corpus import EVAL, GOLD_DIR


@pytest.mark.parametrize("gold_path", sorted(GOLD_DIR.glob("*.json")), ids=lambda p: p.stem)
def test_meta_matches_gold(gold_path: Path) -> None:
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    doc = read_document(EVAL / gold["report"])
    meta = read_meta(doc, find_sections(doc))
    assert (meta.organization, meta.year, meta.report_date) == (
        gold["meta"]["organization"], gold["meta"]["year"], gold["meta"]["report_date"])


def test_untitled_report_uses_signature_and_statistics_period() -> None:
    text = ("本报告所列数据统计期限为2023年1月1日至2023年12月31日。\n一、总体情况\n略。\n"
            "六、其他需要报告的事项\n无。\n某某县交通运输局\n2024年1月20日\n")
    doc = SourceDocument(text=text)
    meta = read_meta(doc, find_sections(doc))
    assert (meta.organization, meta.year, meta.report_date) == ("某某县交通运输局", 2023, "2024-01-20")


def test_a_date_inside_a_sentence_is_not_the_signature() -> None:
    doc = SourceDocument(text="某局2024年政府信息公开工作年度报告\n六、其他需要报告的事项\n请于2025年1月20日前反馈。\n")
    assert read_meta(doc, find_sections(doc)).report_date is None
