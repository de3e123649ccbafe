"""Shared fixtures: an isolated environment for every test, the VCR configuration for cassettes."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

#: Variables that would point a test at a real endpoint or a real cache.
_LLM_ENV_PREFIXES = ("GOVREPORT_",)
_LLM_KEY_VARS = (
    "OPENAI_API_KEY", "DEEPSEEK_API_KEY", "DASHSCOPE_API_KEY", "ZHIPUAI_API_KEY", "ZHIPU_API_KEY",
    "MOONSHOT_API_KEY", "VLLM_API_KEY", "OPENAI_BASE_URL",
)
#: Headers never written to a cassette (requests) or kept from a provider's answer (responses).
SECRET_HEADERS = ("authorization", "api-key", "x-api-key", "cookie", "openai-organization", "openai-project")
_RESPONSE_HEADERS_DROPPED = ("set-cookie", "openai-organization", "openai-project", "x-request-id", "req-arrive-time",
                             "req-cost-time", "x-ds-trace-id", "eagleeye-traceid", "x-dashscope-call-gateway")


def _recording(config: pytest.Config) -> bool:
    try:
        mode = config.getoption("--record-mode")
    except ValueError:
        return False
    return mode not in (None, "none")


@pytest.fixture(autouse=True)
def _isolated_env(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
                  monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Config and cache dirs in a tmpdir; no endpoint or key leaks in from the developer's shell.

    When re-recording cassettes (``--record-mode`` other than none) the GOVREPORT_LLM_* variables and
    provider keys are kept, so the recording test can reach the real provider.
    """
    home = tmp_path_factory.mktemp("home")
    if not _recording(request.config):
        for name in list(os.environ):
            if name.startswith(_LLM_ENV_PREFIXES) or name in _LLM_KEY_VARS:
                monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("GOVREPORT_CACHE_DIR", str(home / "cache"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "xdg-cache"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "xdg-config"))
    yield


def _scrub_response(response: dict[str, Any]) -> dict[str, Any]:
    headers = response.get("headers") or {}
    for name in list(headers):
        if name.lower() in _RESPONSE_HEADERS_DROPPED:
            del headers[name]
    return response


@pytest.fixture(scope="module")
def vcr_config() -> dict[str, Any]:
    """Secrets never reach a cassette; requests match on method and URL (bodies are asserted in tests)."""
    return {
        "filter_headers": [(h, "REDACTED") for h in SECRET_HEADERS],
        "filter_query_parameters": [("key", "REDACTED"), ("api_key", "REDACTED")],
        "before_record_response": _scrub_response,
        "decode_compressed_response": True,
        "match_on": ["method", "scheme", "host", "port", "path", "query"],
    }


class FakeModel:
    """A stand-in for ``chat.completions.create`` driven by a queue (HAND-WRITTEN answers, no HTTP).

    Each queued item is a ChatCompletion-shaped dict (returned) or an exception (raised).
    ``calls`` keeps the keyword arguments of every call.
    """

    def __init__(self, *items: Any) -> None:
        from collections import deque

        self.queue = deque(items)
        self.calls: list[dict[str, Any]] = []

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        from openai.types.chat import ChatCompletion

        self.calls.append(kwargs)
        if not self.queue:
            raise AssertionError("FakeModel: no answer queued for this call")
        item = self.queue.popleft()
        if isinstance(item, BaseException):
            raise item
        return ChatCompletion.model_validate(item)


@pytest.fixture
def fake_model() -> type[FakeModel]:
    """The FakeModel class: ``fake_model(answer1, exc, ...)``."""
    return FakeModel


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "recordable: an LLM cassette that may be re-recorded against a real provider (README, LLM backend)"
    )
