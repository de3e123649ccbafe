"""The narrative the extractors produce (gold format), with spans into the source and alignment status."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, Field

ChannelKind = Literal["website", "wechat", "weibo", "video", "app", "other"]


class Alignment(StrEnum):
    EXACT = "exact"
    FUZZY = "fuzzy"
    NONE = "none"


class Item(BaseModel):
    """A problem or a measure, quoted from the report, with the span it came from."""

    text: str
    category: str = "other"
    span: tuple[int, int] | None = None
    alignment: Alignment = Alignment.NONE
    similarity: float | None = None


class Channel(BaseModel):
    """A platform statistic stated in the text."""

    channel: str
    kind: ChannelKind = "other"
    posts: int | None = None
    followers: int | None = None
    unit: str | None = None
    span: tuple[int, int] | None = None
    alignment: Alignment = Alignment.NONE


class Narrative(BaseModel):
    """What the free text says, in the gold format's keys."""

    disclosure_total: int | None = None
    channels: list[Channel] = Field(default_factory=list)
    applications_received: int | None = None
    problems: list[Item] = Field(default_factory=list)
    measures: list[Item] = Field(default_factory=list)
    processing_fee_collected: bool | None = None


class Usage(BaseModel):
    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0


class BatchUse(BaseModel):
    """How a report's answer came through a provider's batch API (``govreport batch --via batch-api``)."""

    batch_id: str | None = None
    custom_id: str
    #: answered: the batch answer passed validation; reasked: it did not and was re-asked in real time;
    #: realtime: the batch had no answer for it (failed, expired, cancelled), so it was asked in real time.
    outcome: Literal["answered", "reasked", "realtime"]
    reason: str | None = None
    usage: Usage = Field(default_factory=Usage)  # tokens of the batch answer (billed at the batch price)


class ExtractionInfo(BaseModel):
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
    usage: Usage = Field(default_factory=Usage)
    #: Characters of the report sent to the model (0 when nothing was sent) and their share of the report's
    #: characters; the tokens they cost are ``usage.prompt_tokens`` (prompt and instructions included).
    sent_chars: int = 0
    sent_share: float = 0.0
    #: What the tokens cost at GOVREPORT_LLM_PRICE_INPUT/_OUTPUT (per million tokens; batch tokens at
    #: GOVREPORT_LLM_BATCH_PRICE_FACTOR of that); None when no price is set.
    cost: float | None = None
    batch: BatchUse | None = None
    dropped: dict[str, int] = Field(default_factory=dict)
