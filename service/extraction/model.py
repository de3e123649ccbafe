"""The narrative the extractors produce (gold format), with spans into the source and alignment status.

Slotted keyword-only dataclasses, built without validation; see service/report.py. (What an LLM returns is
validated by its own pydantic models in service/extraction/llm/schema.py before it is turned into these.)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

ChannelKind = Literal["website", "wechat", "weibo", "video", "app", "other"]


class Alignment(StrEnum):
    EXACT = "exact"
    FUZZY = "fuzzy"
    NONE = "none"


@dataclass(slots=True, kw_only=True)
class Item:
    """A problem or a measure, quoted from the report, with the span it came from."""

    text: str
    category: str = "other"
    span: tuple[int, int] | None = None
    alignment: Alignment = Alignment.NONE
    similarity: float | None = None


@dataclass(slots=True, kw_only=True)
class Channel:
    """A platform statistic stated in the text."""

    channel: str
    kind: ChannelKind = "other"
    posts: int | None = None
    followers: int | None = None
    unit: str | None = None
    span: tuple[int, int] | None = None
    alignment: Alignment = Alignment.NONE


@dataclass(slots=True, kw_only=True)
class Narrative:
    """What the free text says, in the gold format's keys."""

    disclosure_total: int | None = None
    channels: list[Channel] = field(default_factory=list)
    applications_received: int | None = None
    problems: list[Item] = field(default_factory=list)
    measures: list[Item] = field(default_factory=list)
    processing_fee_collected: bool | None = None


@dataclass(slots=True, kw_only=True)
class Usage:
    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0


@dataclass(slots=True, kw_only=True)
class BatchUse:
    """How a report's answer came through a provider's batch API (``govreport batch --via batch-api``)."""

    batch_id: str | None = None
    custom_id: str
    #: answered: the batch answer passed validation; reasked: it did not and was re-asked in real time;
    #: realtime: the batch had no answer for it (failed, expired, cancelled), so it was asked in real time.
    outcome: Literal["answered", "reasked", "realtime"]
    reason: str | None = None
    usage: Usage = field(default_factory=Usage)  # tokens of the batch answer (billed at the batch price)


@dataclass(slots=True, kw_only=True)
class ExtractionInfo:
    """Which backend produced the narrative, what it cost, and what verification dropped."""

    backend: Literal["rules", "llm"]
    fallback: bool = False
    fallback_reason: str | None = None
    provider: str | None = None
    model: str | None = None
    prompt_version: str | None = None
    prompt_hash: str | None = None
    calls: int = 0
    cached: bool = False
    usage: Usage = field(default_factory=Usage)
    #: Characters of the report sent to the model (0 when nothing was sent) and their share of the report's
    #: characters; the tokens they cost are ``usage.prompt_tokens`` (prompt and instructions included).
    sent_chars: int = 0
    sent_share: float = 0.0
    #: What the tokens cost at GOVREPORT_LLM_PRICE_INPUT/_OUTPUT (per million tokens; batch tokens at
    #: GOVREPORT_LLM_BATCH_PRICE_FACTOR of that); None when no price is set.
    cost: float | None = None
    batch: BatchUse | None = None
    dropped: dict[str, int] = field(default_factory=dict)
