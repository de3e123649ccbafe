"""What the LLM is sent (service.extraction.excerpt): at most 30% of a report's characters, one call,
and nothing the model is asked for left out.

"Nothing left out" is checked against known truth, never against a model: the gold labels of the
bundled reports and the unseen-narrative variants (tests/unseen_narrative.py), whose truth is known
by construction. Every problem and measure must stand verbatim in what is sent, every channel's
numbers on a line with a platform name, the stated figures on a line that says them.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from service.evaluation.similarity import normalize
from service.extraction.excerpt import build_excerpt
from service.extraction.llm import extract_llm
from service.extraction.llm.client import LLMClient
from service.extraction.rules.channels import KEYWORD_RE
from service.extraction.settings import Settings
from service.reading import read_document
from service.reading.document import SourceDocument
from service.sections import find_sections
from tests._corpus import GOLD_DIR, REPO
from tests.unseen_narrative import APPS_STYLES, CHANNEL_STYLES, FEE_STYLES, TOTAL_STYLES, load_truths, render

GOLD = sorted(GOLD_DIR.glob("*.json"))
TRUTHS = load_truths()


def _lines(text: str) -> list[str]:
    return [normalize(x) for x in text.split("\n") if x.strip()]


def _missing(text: str, problems: Any, measures: Any, channels: Any, total: int | None, apps: int | None,
             fee: bool | None) -> list[str]:
    """What of the truth cannot be read from the text sent."""
    flat = normalize(text)
    lines = _lines(text)
    out = [f"item {t!r}" for t in (*problems, *measures) if normalize(t) not in flat]
    for c in channels:
        # Each figure as printed: digits, or in 万 ("1.2万").
        nums = [{str(n), f"{n / 10000:g}万"} for n in (c["posts"], c["followers"]) if n is not None]
        if not any(KEYWORD_RE.search(ln) and all(any(f in ln for f in forms) for forms in nums) for ln in lines):
            out.append(f"channel {c['channel']} {nums}")
    if total is not None and not any(str(total) in ln and ("公开" in ln or "发布" in ln) for ln in lines):
        out.append(f"disclosure total {total}")
    if apps is not None and not any("申请" in ln and (str(apps) in ln or "未收到" in ln or "无" in ln) for ln in lines):
        out.append(f"applications {apps}")
    if fee is not None and not any(re.search("费|收费|收取", ln) for ln in lines):
        out.append("fee")
    return out


@pytest.mark.parametrize("gold", GOLD, ids=[g.stem for g in GOLD])
def test_gold_reports_lose_nothing_and_send_at_most_30_percent(gold: Any) -> None:
    label = json.loads(gold.read_text(encoding="utf-8"))
    doc = read_document(REPO / "eval" / label["report"])
    sections = find_sections(doc)
    ex = build_excerpt(doc, sections)
    n = label["narrative"]
    assert _missing(ex.text, [p["text"] for p in n["problems"]], [m["text"] for m in n["measures"]], n["channels"],
                    n["disclosure_total"], n["applications_received"], n["processing_fee_collected"]) == []
    assert ex.sent_chars <= len(ex.text) and ex.source_chars == len(doc.text)
    assert ex.share <= 0.30, f"{ex.share:.0%} of the report sent"
    # Never the tables.
    assert "本年新收政府信息公开申请数量" not in ex.text and "结果维持" not in ex.text.replace("其中结果维持", "")


@pytest.mark.parametrize(("channel_style", "total_style", "apps_style", "fee_style", "in_total"), [
    (c, t, a, f, i) for c in sorted(CHANNEL_STYLES) for t, a, f, i in zip(
        sorted(TOTAL_STYLES), sorted(APPS_STYLES), sorted(FEE_STYLES), (False, True, False), strict=True)
])
def test_unseen_phrasings_lose_nothing(channel_style: str, total_style: str, apps_style: str, fee_style: str,
                                        in_total: bool) -> None:
    fails = []
    for truth in TRUTHS:
        v = render(truth, channel_style=channel_style, total_style=total_style, apps_style=apps_style,
                   fee_style=fee_style, channels_in_total=in_total)
        if v is None:
            continue
        doc = SourceDocument(text=v.text)
        ex = build_excerpt(doc, find_sections(doc))
        fails += [f"{truth.stem}: {m}" for m in _missing(ex.text, v.problems, v.measures, v.channels,
                                                           v.disclosure_total, v.applications_received, v.fee)]
    assert not fails, "\n".join(fails)


def test_no_section_five_sends_the_whole_text() -> None:
    doc = SourceDocument(text="某局2024年政府信息公开工作年度报告\n本年度工作平稳。存在问题是人员不足。\n")
    ex = build_excerpt(doc, find_sections(doc))
    assert "人员不足" in ex.text and ex.share > 0.9


def test_sent_characters_and_tokens_are_recorded(fake_model: Any) -> None:
    """HAND-WRITTEN FIXTURE answer (plumbing only): extraction records what it sent and the tokens used."""
    doc = read_document(REPO / "eval" / "corpus" / "seeds" / "001_70d6925fef033874.txt")
    sections = find_sections(doc)
    answer = {"id": "x", "object": "chat.completion", "created": 0, "model": "m",
              "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": "{}"}}],
              "usage": {"prompt_tokens": 812, "completion_tokens": 3, "total_tokens": 815}}
    fake = fake_model(answer)
    s = Settings(preset="custom", base_url="http://127.0.0.1:9/v1", api_key="k", model="m")
    result = extract_llm(doc, sections, s, client=LLMClient(s, create=fake))
    user = next(m["content"] for m in fake.calls[0]["messages"] if m["role"] == "user")
    ex = build_excerpt(doc, sections)
    assert ex.text in user and len(fake.calls) == 1
    info = result.info
    assert info.sent_chars == ex.sent_chars and 0 < info.sent_share <= 0.30
    assert info.sent_share == round(ex.sent_chars / len(doc.text), 4)
    assert info.usage.prompt_tokens == 812 and info.prompt_version == "extract_v2"
