"""LLM backend settings from the environment, with provider presets. Pure data: imports no provider code.

Variables: GOVREPORT_LLM_PRESET, GOVREPORT_LLM_BASE_URL, GOVREPORT_LLM_API_KEY (or the preset's usual
variable, e.g. DEEPSEEK_API_KEY), GOVREPORT_LLM_MODEL, GOVREPORT_LLM_MODE, GOVREPORT_LLM_TIMEOUT,
GOVREPORT_LLM_RETRIES, GOVREPORT_LLM_REASKS, GOVREPORT_LLM_MAX_IN_FLIGHT, GOVREPORT_LLM_MAX_TOKENS, GOVREPORT_CACHE_DIR,
GOVREPORT_LLM_CACHE (0 disables the cache); for costs and the batch API: GOVREPORT_LLM_PRICE_INPUT,
GOVREPORT_LLM_PRICE_OUTPUT (per million tokens), GOVREPORT_LLM_BATCH_PRICE_FACTOR (0.5),
GOVREPORT_LLM_BATCH_POLL (seconds between polls, 30).
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from service.errors import ConfigError


@dataclass(frozen=True)
class Preset:
    """How to talk to one provider's OpenAI-compatible endpoint."""

    name: str
    base_url: str
    model: str | None
    key_vars: tuple[str, ...] = ()
    needs_key: bool = True
    mode: str = "json"  # json | json_schema | md_json | tools (what works on this provider)
    extra_body: Mapping[str, Any] = field(default_factory=dict)


PRESETS: dict[str, Preset] = {
    "deepseek": Preset("deepseek", "https://api.deepseek.com/v1", "deepseek-chat", ("DEEPSEEK_API_KEY",)),
    # DashScope compatible mode; JSON output needs thinking off on Qwen3 models.
    "qwen": Preset(
        "qwen", "https://dashscope.aliyuncs.com/compatible-mode/v1", "qwen-plus", ("DASHSCOPE_API_KEY",),
        extra_body={"enable_thinking": False},
    ),
    # Zhipu GLM: forced tool_choice is not supported, JSON mode is.
    "glm": Preset(
        "glm", "https://open.bigmodel.cn/api/paas/v4", "glm-4-plus", ("ZHIPUAI_API_KEY", "ZHIPU_API_KEY"),
    ),
    # Moonshot Kimi: tool_choice "required"/forced breaks with thinking models; JSON mode works.
    "moonshot": Preset("moonshot", "https://api.moonshot.cn/v1", "moonshot-v1-32k", ("MOONSHOT_API_KEY",)),
    "openai": Preset("openai", "https://api.openai.com/v1", "gpt-4o-mini", ("OPENAI_API_KEY",), mode="tools"),
    "vllm": Preset("vllm", "http://localhost:8000/v1", None, ("VLLM_API_KEY",), needs_key=False),
    "ollama": Preset("ollama", "http://localhost:11434/v1", "qwen2.5:7b", (), needs_key=False),
    # llama.cpp's server constrains the answer to the response model's JSON schema (a grammar).
    "llamacpp": Preset("llamacpp", "http://localhost:8080/v1", "default", (), needs_key=False, mode="json_schema"),
}
#: json: response_format json_object; json_schema: json_object plus the response model's schema, every key
#: required (llama.cpp's server, Together, Anyscale: the answer is constrained to it); md_json: a fenced
#: block; tools: forced tool calling.
MODES = ("json", "json_schema", "md_json", "tools")


def default_cache_dir(env: Mapping[str, str]) -> Path:
    """GOVREPORT_CACHE_DIR, else $XDG_CACHE_HOME/govreport, else ~/.cache/govreport."""
    if env.get("GOVREPORT_CACHE_DIR"):
        return Path(env["GOVREPORT_CACHE_DIR"])
    base = env.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "govreport"


@dataclass(frozen=True)
class Settings:
    """Everything the LLM backend needs. ``configured`` is False when no endpoint is set up."""

    preset: str = "custom"
    base_url: str | None = None
    api_key: str | None = field(default=None, repr=False)  # never in a repr, a log or an error message
    model: str | None = None
    mode: str = "json"
    extra_body: Mapping[str, Any] = field(default_factory=dict)
    timeout: float = 60.0
    transport_retries: int = 3  # attempts after the first, on 429, 5xx, timeouts and connection errors
    reasks: int = 1  # validation re-asks after the first answer
    max_in_flight: int = 4
    max_tokens: int = 4096
    cache_dir: Path | None = None
    backoff_base: float = 1.0
    backoff_max: float = 30.0
    price_input: float | None = None  # per million prompt tokens, in the provider's currency
    price_output: float | None = None  # per million completion tokens
    batch_price_factor: float = 0.5  # batch-API tokens cost this share of the real-time price
    batch_poll: float = 30.0  # seconds between polls of a batch

    def cost(self, prompt_tokens: int, completion_tokens: int, batch: bool = False) -> float | None:
        """What these tokens cost at the configured prices (None when no price is set)."""
        if self.price_input is None and self.price_output is None:
            return None
        c = (prompt_tokens * (self.price_input or 0.0) + completion_tokens * (self.price_output or 0.0)) / 1e6
        return c * self.batch_price_factor if batch else c

    @property
    def configured(self) -> bool:
        return bool(self.base_url and self.model and self.api_key)

    @property
    def missing(self) -> list[str]:
        return [n for n, v in (("base URL", self.base_url), ("model", self.model), ("API key", self.api_key)) if not v]

    def with_(self, **changes: Any) -> Settings:
        return replace(self, **changes)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read settings from the environment (``os.environ`` by default)."""
        env = os.environ if env is None else env
        name = (env.get("GOVREPORT_LLM_PRESET") or "").strip().lower()
        if name and name not in PRESETS:
            raise ConfigError(f"unknown GOVREPORT_LLM_PRESET {name!r}; known: {', '.join(PRESETS)}")
        preset = PRESETS.get(name)
        base_url = env.get("GOVREPORT_LLM_BASE_URL") or (preset.base_url if preset else None)
        key = env.get("GOVREPORT_LLM_API_KEY")
        if not key and preset:
            key = next((env[v] for v in preset.key_vars if env.get(v)), None)
            if not key and not preset.needs_key:
                key = "not-needed"
        if not key and not preset and base_url and env.get("OPENAI_API_KEY"):
            key = env["OPENAI_API_KEY"]
        mode = (env.get("GOVREPORT_LLM_MODE") or (preset.mode if preset else "json")).strip().lower()
        if mode not in MODES:
            raise ConfigError(f"unknown GOVREPORT_LLM_MODE {mode!r}; known: {', '.join(MODES)}")
        cache_on = env.get("GOVREPORT_LLM_CACHE", "1").strip() not in ("0", "false", "no", "off")
        return cls(
            preset=preset.name if preset else "custom",
            base_url=base_url,
            api_key=key,
            model=env.get("GOVREPORT_LLM_MODEL") or (preset.model if preset else None),
            mode=mode,
            extra_body=dict(preset.extra_body) if preset else {},
            timeout=_num(env, "GOVREPORT_LLM_TIMEOUT", 60.0),
            transport_retries=int(_num(env, "GOVREPORT_LLM_RETRIES", 3)),
            reasks=int(_num(env, "GOVREPORT_LLM_REASKS", 1)),
            max_in_flight=max(1, int(_num(env, "GOVREPORT_LLM_MAX_IN_FLIGHT", 4))),
            max_tokens=max(1, int(_num(env, "GOVREPORT_LLM_MAX_TOKENS", 4096))),
            cache_dir=default_cache_dir(env) if cache_on else None,
            price_input=_price(env, "GOVREPORT_LLM_PRICE_INPUT"),
            price_output=_price(env, "GOVREPORT_LLM_PRICE_OUTPUT"),
            batch_price_factor=_num(env, "GOVREPORT_LLM_BATCH_PRICE_FACTOR", 0.5),
            batch_poll=max(0.0, _num(env, "GOVREPORT_LLM_BATCH_POLL", 30.0)),
        )


def _num(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return float(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a number, got {raw!r}") from exc


def _price(env: Mapping[str, str], name: str) -> float | None:
    return _num(env, name, -1.0) if env.get(name, "").strip() else None


def endpoint_configured(env: Mapping[str, str] | None = None) -> bool:
    """True when the environment names an endpoint (a preset or a base URL) with what it needs."""
    env = os.environ if env is None else env
    if not (env.get("GOVREPORT_LLM_PRESET") or env.get("GOVREPORT_LLM_BASE_URL")):
        return False
    try:
        return Settings.from_env(env).configured
    except ConfigError:
        return False


def key_variables() -> list[str]:
    """Every environment variable an API key may come from."""
    names = ["GOVREPORT_LLM_API_KEY", "OPENAI_API_KEY"]
    for preset in PRESETS.values():
        names += [v for v in preset.key_vars if v not in names]
    return names


def redact(text: str, env: Mapping[str, str] | None = None, extra: str | None = None) -> str:
    """``text`` with every API key of the environment (and ``extra``) replaced by ***: for messages that
    quote what an endpoint or a library said, which may echo the key."""
    env = os.environ if env is None else env
    keys = {env.get(v) for v in key_variables()} | {extra}
    for key in sorted((k for k in keys if k and len(k) >= 8), key=len, reverse=True):
        text = text.replace(key, "***")
    return text


def llm_problem(env: Mapping[str, str] | None = None) -> str | None:
    """Why the LLM the environment asks for (a preset or a base URL is set) cannot be used, in Chinese;
    None if it can or if none is asked for. Callers make this loud: asking for the LLM and not getting it
    is never silent."""
    env = os.environ if env is None else env
    if not (env.get("GOVREPORT_LLM_PRESET") or env.get("GOVREPORT_LLM_BASE_URL")):
        return None
    name = (env.get("GOVREPORT_LLM_PRESET") or "").strip().lower()
    if name and name not in PRESETS:
        close = difflib.get_close_matches(name, PRESETS, n=1)
        return (f"未知的 GOVREPORT_LLM_PRESET={name!r}" + (f", 是否想写 {close[0]!r}?" if close else "")
                + f"(可用: {', '.join(PRESETS)})")
    mode = (env.get("GOVREPORT_LLM_MODE") or "").strip().lower()
    if mode and mode not in MODES:
        return f"未知的 GOVREPORT_LLM_MODE={mode!r}(可用: {', '.join(MODES)})"
    try:
        s = Settings.from_env(env)
    except ConfigError as exc:
        return f"LLM 配置有误: {exc}"
    if s.configured:
        return None
    preset = PRESETS.get(s.preset)
    what = []
    if not s.api_key:
        what.append("API 密钥(" + " 或 ".join(("GOVREPORT_LLM_API_KEY", *(preset.key_vars if preset else ()))) + ")")
    if not s.model:
        what.append("模型名(GOVREPORT_LLM_MODEL)")
    if not s.base_url:
        what.append("端点地址(GOVREPORT_LLM_BASE_URL)")
    return f"LLM 预设 {s.preset!r} 缺少" + "、".join(what)
