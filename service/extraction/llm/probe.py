"""``govreport llm test``: one tiny request to the configured endpoint, in the configured mode.

Says whether the endpoint answers, how long it took, and whether the answer came back in the form the
mode needs (a JSON object for json/md_json, a tool call for tools) — what extraction depends on.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

import openai

from service.extraction.llm.transport import strip_reasoning
from service.extraction.settings import Settings

_MESSAGES = [
    {"role": "system", "content": "你是连通性测试。只回复 JSON。"},
    {"role": "user", "content": '请只回复 {"ok": true}'},
]
_TOOL = {"type": "function", "function": {"name": "ok", "description": "连通性测试",
                                          "parameters": {"type": "object", "properties": {"ok": {"type": "boolean"}},
                                                         "required": ["ok"]}}}


@dataclass(slots=True)
class ProbeResult:
    ok: bool
    seconds: float
    mode: str
    model: str | None
    base_url: str | None
    answer: str = ""
    tokens: int = 0
    error: str | None = None


def probe(settings: Settings, http_client: Any = None) -> ProbeResult:
    """Send the one request (no retries) and judge the answer; never raises for a failed endpoint."""
    client = openai.OpenAI(base_url=settings.base_url, api_key=settings.api_key, timeout=settings.timeout,
                           max_retries=0, http_client=http_client)
    kwargs: dict[str, Any] = {"model": settings.model, "messages": _MESSAGES, "temperature": 0, "max_tokens": 32}
    if settings.mode == "json":
        kwargs["response_format"] = {"type": "json_object"}
    elif settings.mode == "tools":
        kwargs["tools"] = [_TOOL]
        kwargs["tool_choice"] = {"type": "function", "function": {"name": "ok"}}
    if settings.extra_body:
        kwargs["extra_body"] = dict(settings.extra_body)
    result = ProbeResult(ok=False, seconds=0.0, mode=settings.mode, model=settings.model, base_url=settings.base_url)
    start = time.perf_counter()
    try:
        response = client.chat.completions.create(**kwargs)
    except openai.APIStatusError as exc:
        result.error = f"HTTP {exc.status_code}: {_short(exc.message)}"
    except openai.APIError as exc:
        result.error = f"{type(exc).__name__}: {_short(str(exc))}"
    result.seconds = time.perf_counter() - start
    if result.error is not None:
        return result
    choice = response.choices[0] if response.choices else None
    if response.usage is not None:
        result.tokens = response.usage.total_tokens
    if choice is None:
        result.error = "回答中没有内容(no choices)"
        return result
    if settings.mode == "tools":
        calls = choice.message.tool_calls or []
        text = calls[0].function.arguments if calls and hasattr(calls[0], "function") else ""
    else:
        text = strip_reasoning(choice.message.content) or ""
    result.answer = _short(text)
    try:
        result.ok = isinstance(json.loads(text), dict)
    except ValueError:
        result.error = "回答不是 JSON 对象: 此模式下抽取会失败(可试 GOVREPORT_LLM_MODE=md_json)"
    return result


def _short(text: str, limit: int = 200) -> str:
    return " ".join(text.split())[:limit]
