"""The response model instructor validates the model's JSON against (a failed validation is re-asked)."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, Field, field_validator

CategoryKey = Literal[
    "channels_and_forms", "policy_interpretation", "timeliness", "content_quality_and_review", "depth_and_breadth",
    "application_handling", "platforms_and_interaction", "staff_capability", "management_and_mechanisms", "other",
]
KindKey = Literal["website", "wechat", "weibo", "video", "app", "other"]


class LLMItem(BaseModel):
    """A problem or measure quoted verbatim from section 五."""

    text: str = Field(min_length=2, description="verbatim quote from the report, without the enumerator")
    category: CategoryKey = "other"


class LLMChannel(BaseModel):
    """A platform statistic as the text states it."""

    channel: str = Field(min_length=1)
    kind: KindKey = "other"
    posts: int | None = Field(default=None, ge=0)
    followers: int | None = Field(default=None, ge=0)
    unit: str | None = None


class LLMExtraction(BaseModel):
    """Everything the model is asked for; numbers are checked against the source afterwards."""

    organization: str | None = None
    year: int | None = Field(default=None, ge=2000, le=2100)
    report_date: str | None = None
    disclosure_total: int | None = Field(default=None, ge=0)
    applications_received: int | None = Field(default=None, ge=0)
    processing_fee_collected: bool | None = None
    channels: list[LLMChannel] = Field(default_factory=list)
    problems: list[LLMItem] = Field(default_factory=list)
    measures: list[LLMItem] = Field(default_factory=list)

    @field_validator("report_date")
    @classmethod
    def _iso_date(cls, v: str | None) -> str | None:
        if v is None or v == "":
            return None
        # A date-time names its date unambiguously ("2024-03-18T15:09:00Z", as small models write it).
        m = re.fullmatch(r"(\d{4}-\d{2}-\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?", v)
        if not m:
            raise ValueError("report_date must be YYYY-MM-DD or null")
        return m.group(1)
