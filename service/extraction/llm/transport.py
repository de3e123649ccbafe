"""Transport retries around one chat-completion call, kept apart from validation re-asks.

429, 5xx, timeouts and connection errors are retried with exponential backoff (Retry-After is
honoured); anything else goes up at once. Every HTTP attempt is counted with its token usage, and
``<think>`` blocks and code fences are stripped from the answer before instructor parses it.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx2
import openai
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt

from service.errors import ExtractionError
from service.extraction.settings import Settings

_THINK_RE = re.compile(r"<think>.*?</think>", re.DOTALL | re.IGNORECASE)
_FENCE_RE = re.compile(r"^\s*```(?:json|JSON)?\s*\n?(.*?)\n?\s*```\s*$", re.DOTALL)


class RefusalError(ExtractionError):
    """The model declined to answer (no point re-asking)."""


@dataclass
class CallStats:
    """What one report's extraction cost, filled in as attempts happen."""

    calls: int = 0
    transport_retries: int = 0
    answers: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0
    last_output: str | None = None
    last_error: str | None = None
    prepared_usage: dict[str, int] | None = None  # set when a prepared (batch) answer was served
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def usage(self) -> dict[str, int]:
        return {"prompt_tokens": self.prompt_tokens, "completion_tokens": self.completion_tokens,
                "total_tokens": self.total_tokens}


def is_transient(exc: BaseException) -> bool:
    """Worth retrying: rate limits, server errors, timeouts, dropped connections."""
    if isinstance(exc, openai.APIConnectionError):  # includes APITimeoutError
        # openai wraps whatever the HTTP layer raised; only network failures are worth a retry
        # (a test's cassette miss, say, is not).
        cause = exc.__cause__
        return cause is None or isinstance(cause, (httpx2.TransportError, OSError))
    if isinstance(exc, openai.APIStatusError):
        return exc.status_code in (408, 409, 429) or exc.status_code >= 500
    return False


def strip_reasoning(content: str | None) -> str | None:
    """Drop ``<think>…</think>`` blocks (and a prelude closed by a lone ``</think>``) and code fences."""
    if content is None:
        return None
    text = _THINK_RE.sub("", content)
    if "</think>" in text.lower():
        text = text[text.lower().rfind("</think>") + len("</think>") :]
    m = _FENCE_RE.match(text)
    if m:
        text = m.group(1)
    return text.strip()


def _wait(settings: Settings) -> Callable[[RetryCallState], float]:
    def wait(state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        retry_after = None
        if isinstance(exc, openai.APIStatusError):
            raw = exc.response.headers.get("retry-after")
            try:
                retry_after = float(raw) if raw is not None else None
            except ValueError:
                retry_after = None
        backoff = settings.backoff_base * (2 ** (state.attempt_number - 1))
        return min(settings.backoff_max, retry_after if retry_after is not None else backoff)

    return wait


def with_transport_retries(
    create: Callable[..., Any], settings: Settings, stats: CallStats, sleep: Callable[[float], None] = time.sleep
) -> Callable[..., Any]:
    """Wrap ``create`` with transport retries, accounting and answer clean-up."""

    def attempt(*args: Any, **kwargs: Any) -> Any:
        with stats.lock:
            stats.calls += 1
        try:
            response = create(*args, **kwargs)
        except Exception as exc:
            stats.last_error = f"{type(exc).__name__}: {exc}"
            raise
        usage = getattr(response, "usage", None)
        with stats.lock:
            stats.answers += 1
            if usage is not None:
                stats.prompt_tokens += getattr(usage, "prompt_tokens", 0) or 0
                stats.completion_tokens += getattr(usage, "completion_tokens", 0) or 0
                stats.total_tokens += getattr(usage, "total_tokens", 0) or 0
        for choice in getattr(response, "choices", None) or []:
            message = choice.message
            refusal = getattr(message, "refusal", None)
            if refusal:
                stats.last_output = str(refusal)
                raise RefusalError(f"the model refused: {refusal}")
            message.content = strip_reasoning(message.content)
            stats.last_output = message.content
        return response

    def call(*args: Any, **kwargs: Any) -> Any:
        retrying = Retrying(
            stop=stop_after_attempt(settings.transport_retries + 1),
            wait=_wait(settings),
            retry=retry_if_exception(is_transient),
            reraise=True,
            sleep=sleep,
            before_sleep=lambda _state: _count_retry(stats),
        )
        return retrying(attempt, *args, **kwargs)

    return call


def _count_retry(stats: CallStats) -> None:
    with stats.lock:
        stats.transport_retries += 1
