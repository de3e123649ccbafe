"""The LLM client: openai (no retries of its own) + instructor (validation re-asks) + our transport retries.

One client per settings is shared across threads; ``max_in_flight`` bounds concurrent requests.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import instructor
import openai
from instructor.core import InstructorRetryException
from openai.types.chat import ChatCompletion
from pydantic import ValidationError

from service.errors import ExtractionError, RetryExhaustedError
from service.extraction.llm.schema import LLMExtraction
from service.extraction.llm.transport import CallStats, RefusalError, with_transport_retries
from service.extraction.settings import Settings

MODES = {"json": instructor.Mode.JSON, "json_schema": instructor.Mode.JSON, "md_json": instructor.Mode.MD_JSON,
         "tools": instructor.Mode.TOOLS}


def strict_schema() -> dict[str, Any]:
    """The response model's JSON schema with every property required (defaults become explicit nulls or
    empty lists): a server that turns the schema into a grammar then makes the model write every key."""
    schema = LLMExtraction.model_json_schema()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("properties"), dict):
                node["required"] = list(node["properties"])
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(schema)
    return schema


class LLMClient:
    """Sends one report's messages and returns the validated answer with what it cost."""

    def __init__(
        self,
        settings: Settings,
        *,
        http_client: Any = None,
        create: Callable[..., Any] | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.settings = settings
        self.mode = MODES[settings.mode]
        self._sleep = sleep
        self._slots = threading.BoundedSemaphore(settings.max_in_flight)
        if create is None:
            self.openai = openai.OpenAI(
                base_url=settings.base_url,
                api_key=settings.api_key,
                timeout=settings.timeout,
                max_retries=0,  # transport retries are ours (tenacity), counted and bounded
                http_client=http_client,
            )
            create = self.openai.chat.completions.create
        self._create = create

    def complete(
        self, messages: list[dict[str, str]], prepared: ChatCompletion | None = None
    ) -> tuple[LLMExtraction, CallStats]:
        """One extraction: transport retries inside, validation re-asks outside; raises RetryExhaustedError.

        ``prepared`` is an answer already obtained for these messages (from a batch API): it is validated
        exactly like a live answer, and only a re-ask goes to the endpoint. It is not counted in
        ``stats.calls``; its tokens are in ``stats.prepared_usage`` (and in the totals)."""
        s = self.settings
        stats = CallStats()
        create = self._create if prepared is None else _prepared_first(prepared, self._create, stats)
        patched = instructor.patch(create=with_transport_retries(create, s, stats, self._sleep), mode=self.mode)
        kwargs: dict[str, Any] = {"model": s.model, "messages": messages, "temperature": 0, "max_tokens": s.max_tokens}
        extra = dict(s.extra_body)
        if s.mode == "json_schema":  # instructor's JSON mode, with the schema in response_format
            extra["response_format"] = {"type": "json_object", "schema": strict_schema()}
        if extra:
            kwargs["extra_body"] = extra
        with self._slots:
            try:
                answer = patched(response_model=LLMExtraction, max_retries=s.reasks, strict=False, **kwargs)
            except InstructorRetryException as exc:
                raise self._exhausted(exc, stats) from exc
            except (openai.OpenAIError, ValidationError, ExtractionError) as exc:
                raise self._exhausted(exc, stats) from exc
        if stats.prepared_usage is not None:
            stats.calls -= 1  # the prepared answer was no request of ours
        if not isinstance(answer, LLMExtraction):
            raise RetryExhaustedError("the model's answer is not an extraction", attempts=stats.calls,
                                      usage=stats.usage(), last_output=stats.last_output)
        return answer, stats

    def _exhausted(self, exc: BaseException, stats: CallStats) -> RetryExhaustedError:
        cause = exc.__cause__ if isinstance(exc, InstructorRetryException) and exc.__cause__ else exc
        if isinstance(cause, RefusalError):
            reason = str(cause)
        elif isinstance(cause, openai.APIStatusError):
            reason = f"HTTP {cause.status_code} after {stats.transport_retries + 1} attempts"
        elif isinstance(cause, openai.APITimeoutError):
            reason = f"timeout after {stats.transport_retries + 1} attempts"
        elif isinstance(cause, openai.APIConnectionError):
            under = f" ({type(cause.__cause__).__name__}: {cause.__cause__})" if cause.__cause__ else ""
            reason = f"connection error after {stats.transport_retries + 1} attempts{under}"
        else:
            reason = f"invalid answer after {stats.answers} answer(s): {type(cause).__name__}"
        return RetryExhaustedError(
            f"LLM extraction failed ({self.settings.preset}/{self.settings.model}): {reason}",
            attempts=stats.calls, usage=stats.usage(), last_output=stats.last_output, last_error=cause,
        )


def _prepared_first(prepared: ChatCompletion, create: Callable[..., Any], stats: CallStats) -> Callable[..., Any]:
    """``create`` that answers the first call with ``prepared`` and sends any later one (a re-ask)."""

    def first(*args: Any, **kwargs: Any) -> Any:
        if stats.prepared_usage is None:
            u = prepared.usage
            stats.prepared_usage = {"prompt_tokens": u.prompt_tokens if u else 0,
                                    "completion_tokens": u.completion_tokens if u else 0,
                                    "total_tokens": u.total_tokens if u else 0}
            return prepared.model_copy(deep=True)
        return create(*args, **kwargs)

    return first


_CLIENTS: dict[str, LLMClient] = {}
_CLIENTS_LOCK = threading.Lock()


def shared_client(settings: Settings) -> LLMClient:
    """The process-wide client for these settings (thread-safe)."""
    with _CLIENTS_LOCK:
        key = repr(settings)
        client = _CLIENTS.get(key)
        if client is None:
            client = _CLIENTS[key] = LLMClient(settings)
        return client
