"""govreport llm presets | test: the LLM backend's presets, and one tiny request to the configured endpoint.

Also the guard the other commands use: asking for the LLM and not getting it is never silent.
"""

from __future__ import annotations

import argparse
import os
import sys

from service.errors import ConfigError
from service.extraction.settings import PRESETS, Settings, llm_problem


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("llm", help="LLM 后端: 列出预设(presets)、用一次小请求测试当前配置(test)",
                       description="查看 LLM 后端的预设, 或向当前配置的端点发一次很小的请求, 报告耗时和模式是否可用。")
    inner = p.add_subparsers(dest="llm_command", metavar="ACTION", title="操作")
    presets = inner.add_parser("presets", help="列出预设: 端点、默认模型、密钥变量及是否已设置、模式",
                               description="列出 GOVREPORT_LLM_PRESET 可用的预设。")
    presets.set_defaults(func=run_presets)
    test = inner.add_parser("test", help="向当前配置的端点发一次小请求, 报告耗时和模式",
                            description="按 GOVREPORT_LLM_* 变量向端点发一次很小的请求(不重试), 报告是否连通、耗时、"
                                        "模式(json、md_json、tools)下回答的形式是否可用。失败时退出码为 1。")
    test.set_defaults(func=run_test)
    def usage(args: argparse.Namespace) -> int:
        p.print_help()
        return 2

    p.set_defaults(func=usage)


def run_presets(args: argparse.Namespace) -> int:
    current = (os.environ.get("GOVREPORT_LLM_PRESET") or "").strip().lower()
    print(f"{'预设':<10}{'默认模型':<18}{'模式':<8}{'密钥':<8}端点")
    for name, p in PRESETS.items():
        if not p.needs_key:
            key = "不需要"
        elif os.environ.get("GOVREPORT_LLM_API_KEY") or any(os.environ.get(v) for v in p.key_vars):
            key = "已设置"
        else:
            key = "未设置"
        mark = " ← 当前" if name == current else ""
        print(f"{name:<10}{p.model or '(须设置)':<18}{p.mode:<8}{key:<8}{p.base_url}{mark}")
    print("密钥变量: " + "; ".join(f"{n}: {' 或 '.join(('GOVREPORT_LLM_API_KEY', *p.key_vars))}"
                               for n, p in PRESETS.items() if p.needs_key))
    problem = llm_problem()
    if problem:
        print(f"注意: {problem}", file=sys.stderr)
    return 0


def run_test(args: argparse.Namespace) -> int:
    problem = llm_problem()
    if problem:
        raise ConfigError(problem)
    settings = Settings.from_env()
    if not settings.configured:
        raise ConfigError("没有配置 LLM 端点: 请设置 GOVREPORT_LLM_PRESET(或 GOVREPORT_LLM_BASE_URL)和密钥")
    from service.extraction.llm.probe import probe

    r = probe(settings)
    print(f"端点: {r.base_url} · 模型: {r.model} · 模式: {r.mode}")
    print(f"耗时: {r.seconds:.2f} 秒 · 令牌: {r.tokens}")
    if r.ok:
        print(f"结果: 可用(回答: {r.answer})")
        return 0
    print(f"结果: 不可用 — {r.error}" + (f"(回答: {r.answer})" if r.answer else ""))
    return 1


def guard(backend: str | None, narrative: bool = True) -> str | None:
    """Raise when ``--backend llm`` cannot be had; else the warning (Chinese) when the environment asks for an
    LLM that cannot be used and the rules backend will run instead; None when all is as asked."""
    if not narrative or backend == "rules":
        return None
    problem = llm_problem()
    if problem is None and backend == "llm" and not Settings.from_env().configured:
        problem = "没有配置 LLM 端点(GOVREPORT_LLM_PRESET 或 GOVREPORT_LLM_BASE_URL, 以及密钥)"
    if problem is None:
        return None
    if backend == "llm":
        raise ConfigError(f"已指定 --backend llm, 但{problem}; 请改正配置, 或用 --backend rules 使用离线规则抽取")
    return f"{problem}; 本次改用离线规则抽取(rules)"


def warn(backend: str | None, narrative: bool = True) -> None:
    """``guard``, with the warning printed on stderr."""
    message = guard(backend, narrative)
    if message:
        print(f"govreport: 警告: {message}", file=sys.stderr)
