"""Extraction of the free text: problems, measures, platform statistics (rules offline, LLM optional).

``extract_narrative`` is the one entry point. The ``llm`` subpackage (openai, instructor) is imported
only when the LLM backend runs, so the rules backend never touches provider code.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import fields
from typing import Any

from service.errors import ConfigError, ExtractionError, RetryExhaustedError
from service.extraction.base import ExtractionResult
from service.extraction.excerpt import build_excerpt
from service.extraction.model import ExtractionInfo, Usage
from service.extraction.rules import extract_rules
from service.extraction.settings import Settings, endpoint_configured, redact
from service.reading.document import SourceDocument
from service.sections import SectionMap

USAGE_FIELDS = {f.name for f in fields(Usage)}

__all__ = ["BACKENDS", "ExtractionResult", "Settings", "extract_many", "extract_narrative", "fallback_result"]

BACKENDS = ("rules", "llm")


def extract_narrative(
    doc: SourceDocument,
    sections: SectionMap,
    backend: str | None = None,
    settings: Settings | None = None,
    *,
    client: Any = None,
) -> ExtractionResult:
    """Extract the narrative. ``backend`` None means ``llm`` if an endpoint is configured, else ``rules``.

    The LLM backend never makes a report fail: any failure (configuration, transport, validation)
    falls back to ``rules`` with ``info.fallback`` set and the reason given. ``client`` (an
    ``LLMClient``) replaces the process-wide one, e.g. in tests.
    """
    if backend not in (None, *BACKENDS):
        raise ConfigError(f"unknown extraction backend {backend!r}; use one of {', '.join(BACKENDS)}")
    if backend is None:
        backend = "llm" if (settings.configured if settings is not None else endpoint_configured()) else "rules"
    if backend == "rules":
        return extract_rules(doc, sections)
    try:
        settings = settings if settings is not None else Settings.from_env()
    except ConfigError as exc:
        return fallback_result(doc, sections, f"LLM configuration: {exc}")
    if not settings.configured:
        return fallback_result(
            doc, sections, "no LLM endpoint configured (missing " + ", ".join(settings.missing) + ")", settings
        )
    from service.extraction.llm import extract_llm

    try:
        return extract_llm(doc, sections, settings, client=client)
    except RetryExhaustedError as exc:
        return fallback_result(doc, sections, str(exc), settings, calls=exc.attempts, usage=exc.usage)
    except ExtractionError as exc:
        return fallback_result(doc, sections, str(exc), settings)


def fallback_result(
    doc: SourceDocument,
    sections: SectionMap,
    reason: str,
    settings: Settings | None = None,
    calls: int = 0,
    usage: dict[str, int] | None = None,
) -> ExtractionResult:
    """The rules result, flagged as a fallback from the LLM backend, with what the failed attempts cost
    (when requests were made, the characters they sent)."""
    result = extract_rules(doc, sections)
    sent = build_excerpt(doc, sections) if calls else None
    result.info = ExtractionInfo(
        backend="rules",
        fallback=True,
        fallback_reason=redact(reason, extra=settings.api_key if settings else None),
        provider=settings.preset if settings else None,
        model=settings.model if settings else None,
        calls=calls,
        usage=Usage(**{k: v for k, v in (usage or {}).items() if k in USAGE_FIELDS}),
        sent_chars=sent.sent_chars if sent else 0,
        sent_share=round(sent.share, 4) if sent else 0.0,
    )
    return result


def extract_many(
    items: Iterable[tuple[SourceDocument, SectionMap]],
    backend: str | None = None,
    settings: Settings | None = None,
    max_workers: int | None = None,
) -> list[ExtractionResult]:
    """Extract many reports in threads, results in input order. Requests in flight are bounded by
    ``settings.max_in_flight`` (GOVREPORT_LLM_MAX_IN_FLIGHT) whatever ``max_workers`` is."""
    pairs = list(items)
    if backend == "rules" or (backend is None and not (settings.configured if settings else endpoint_configured())):
        return [extract_rules(doc, sections) for doc, sections in pairs]
    from concurrent.futures import ThreadPoolExecutor  # (and logging): only for the LLM backend

    workers = max_workers or (settings.max_in_flight if settings is not None else 4)
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        return list(pool.map(lambda p: extract_narrative(p[0], p[1], "llm", settings), pairs))
