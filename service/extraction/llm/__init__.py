"""The LLM backend (openai + instructor + tenacity). Imported only when the LLM backend runs."""

from __future__ import annotations

from service.extraction.base import ExtractionResult, MetaHint
from service.extraction.excerpt import build_excerpt
from service.extraction.llm import batch_api
from service.extraction.llm.cache import ResponseCache, cache_key
from service.extraction.llm.client import LLMClient, shared_client
from service.extraction.llm.schema import LLMExtraction
from service.extraction.model import Channel, ExtractionInfo, Item, Narrative, Usage
from service.extraction.prompt import load_prompt, messages
from service.extraction.settings import Settings
from service.reading.document import SourceDocument
from service.sections import SectionMap

__all__ = ["LLMClient", "extract_llm"]


def extract_llm(
    doc: SourceDocument, sections: SectionMap, settings: Settings, client: LLMClient | None = None
) -> ExtractionResult:
    """One LLM call per report (none on a cache hit). Unverified: run ``verify_narrative`` on the result."""
    prompt = load_prompt()
    excerpt = build_excerpt(doc, sections)
    text = excerpt.text
    model = settings.model or ""
    key = cache_key(text, prompt.version, prompt.hash, model, settings.mode, settings.preset)
    cache = ResponseCache(settings.cache_dir) if settings.cache_dir else None
    # govreport batch --via batch-api: the batch's answer, validated here. A request in this run's batch was
    # not cached when the batch was built, so its outcome comes before the cache: a report with the same
    # text, answered by another thread a moment earlier, must not make this one's record depend on timing.
    session = batch_api.active()
    outcome = session.get(batch_api.custom_id(doc.sha256, prompt.hash, model)) if session else None
    hit = cache.get(key) if cache and outcome is None else None
    info = ExtractionInfo(backend="llm", provider=settings.preset, model=model, prompt_version=prompt.version,
                          prompt_hash=prompt.hash, sent_chars=excerpt.sent_chars,
                          sent_share=round(excerpt.share, 4))
    if hit is not None:
        answer = LLMExtraction.model_validate(hit["response"])
        info.cached = True
    else:
        llm = client or shared_client(settings)
        if outcome is not None and outcome.completion is not None:
            answer, stats = llm.complete(messages(prompt, text), prepared=outcome.completion)
        else:
            answer, stats = llm.complete(messages(prompt, text))
        info.calls = stats.calls  # HTTP requests, transport retries and re-asks included
        info.usage = Usage(**stats.usage())
        batch = stats.prepared_usage or {}
        info.cost = settings.cost(info.usage.prompt_tokens - batch.get("prompt_tokens", 0),
                                  info.usage.completion_tokens - batch.get("completion_tokens", 0))
        if outcome is not None and session is not None:
            info.batch = batch_api.use_of(outcome, stats.calls, stats.prepared_usage)
            batch_cost = settings.cost(info.batch.usage.prompt_tokens, info.batch.usage.completion_tokens, batch=True)
            session.record(info.batch, info.usage, info.cost, batch_cost)
            if batch_cost is not None:
                info.cost = (info.cost or 0.0) + batch_cost
        if cache:
            cache.put(key, {"response": answer.model_dump(mode="json"), "usage": stats.usage(),
                            "model": model, "prompt": prompt.version})
    return ExtractionResult(narrative=to_narrative(answer), info=info,
                            meta=MetaHint(answer.organization, answer.year, answer.report_date))


def to_narrative(answer: LLMExtraction) -> Narrative:
    """The model's answer in the narrative's shape (no spans yet: verification aligns them)."""
    return Narrative(
        disclosure_total=answer.disclosure_total,
        applications_received=answer.applications_received,
        processing_fee_collected=answer.processing_fee_collected,
        channels=[Channel(channel=c.channel, kind=c.kind, posts=c.posts, followers=c.followers, unit=c.unit)
                  for c in answer.channels],
        problems=[Item(text=i.text, category=i.category) for i in answer.problems],
        measures=[Item(text=i.text, category=i.category) for i in answer.measures],
    )
