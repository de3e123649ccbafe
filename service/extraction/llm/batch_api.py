"""LLM extraction at provider scale through an OpenAI-compatible batch API (``/v1/files`` + ``/v1/batches``).

``govreport batch … --backend llm --via batch-api``:

1. **Requests.** One per report whose answer is not already cached: exactly the body the real-time path
   would send (captured from the same client: prompt, instructor's schema instructions, mode, extras),
   ``custom_id`` = report hash + prompt hash + model. Reports with the same text share one request.
2. **Upload, submit, poll.** The JSONL is uploaded (purpose ``batch``) and submitted (window 24h), at most
   :data:`MAX_REQUESTS` a batch. ``<out>/llm-batch/state.json`` is written after every step (file id,
   batch id, status), so an interrupted run — or one that stopped waiting (``--batch-wait``) — resumes
   the same batch instead of paying for a new one.
3. **Download and validate.** Output and error files are saved beside the state. Each answer then goes
   through the real-time path itself (same response model, same clean-up, then the same grounding in
   verification): an answer that fails validation is re-asked in real time, and a request the batch did
   not answer (failed, expired, cancelled) is asked in real time.
4. **Tokens and cost** per report in ``extraction.batch`` / ``usage`` / ``cost``; totals in the state file.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import openai
from openai.types.chat import ChatCompletion
from pydantic import ValidationError

from service.batch.state import write_atomic
from service.errors import BatchAPIError, BatchPendingError, InputError
from service.extraction.excerpt import build_excerpt
from service.extraction.llm.cache import ResponseCache, cache_key
from service.extraction.llm.client import LLMClient
from service.extraction.model import BatchUse, Usage
from service.extraction.prompt import load_prompt, messages
from service.extraction.settings import Settings

BATCH_DIR = "llm-batch"
STATE = "state.json"
ENDPOINT: Literal["/v1/chat/completions"] = "/v1/chat/completions"
#: Statuses after which a batch changes no more.
TERMINAL = frozenset({"completed", "failed", "expired", "cancelled"})
#: Requests per batch (the OpenAI limit is 50,000 per file).
MAX_REQUESTS = 50_000


@dataclass(frozen=True, slots=True)
class Request:
    custom_id: str
    body: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Outcome:
    """What the batch API gave for one request: an answer to validate, or why there is none."""

    custom_id: str
    batch_id: str | None
    completion: ChatCompletion | None
    reason: str | None = None


def custom_id(report_sha256: str, prompt_hash: str, model: str) -> str:
    """report hash + prompt hash + model: the same request always gets the same id."""
    return f"{report_sha256[:16]}-{prompt_hash}-{model}"


def request_body(settings: Settings, msgs: list[dict[str, str]]) -> dict[str, Any]:
    """The JSON body the real-time client sends for ``msgs``, captured from that client (nothing sent)."""
    seen: list[dict[str, Any]] = []

    def record(*_args: Any, **kwargs: Any) -> ChatCompletion:
        seen.append(kwargs)
        message: dict[str, Any] = {"role": "assistant", "content": "{}"}
        if kwargs.get("tools"):
            name = kwargs["tools"][0]["function"]["name"]
            message = {"role": "assistant", "content": None,
                       "tool_calls": [{"id": "capture", "type": "function", "function": {"name": name, "arguments": "{}"}}]}
        return ChatCompletion.model_validate({"id": "capture", "object": "chat.completion", "created": 0,
                                              "model": settings.model or "", "choices": [
                                                  {"index": 0, "finish_reason": "stop", "message": message}]})

    LLMClient(settings.with_(transport_retries=0, reasks=0), create=record).complete(msgs)
    kwargs = dict(seen[0])
    body = {k: v for k, v in kwargs.items() if k not in ("extra_body", "extra_headers", "timeout")
            and not isinstance(v, (openai.NotGiven, openai.Omit))}
    body.update(kwargs.get("extra_body") or {})
    return json.loads(json.dumps(body, ensure_ascii=False, default=str))


def build_requests(paths: Sequence[str], settings: Settings) -> dict[str, Request]:
    """The requests for the reports at ``paths`` that need one (readable, a report, not cached), by custom_id."""
    from service.reading import read_document
    from service.sections import find_sections
    from service.tables import parse_tables

    prompt = load_prompt()
    model = settings.model or ""
    cache = ResponseCache(settings.cache_dir) if settings.cache_dir else None
    out: dict[str, Request] = {}
    for path in paths:
        try:
            doc = read_document(path)
        except InputError:
            continue  # the pipeline records why
        sections = find_sections(doc)
        if parse_tables(doc, sections).format == "not_annual_report":
            continue
        cid = custom_id(doc.sha256, prompt.hash, model)
        if cid in out:
            continue
        text = build_excerpt(doc, sections).text
        if cache and cache.get(cache_key(text, prompt.version, prompt.hash, model, settings.mode, settings.preset)):
            continue  # the real-time path answers it from the cache
        out[cid] = Request(cid, request_body(settings, messages(prompt, text)))
    return out


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class BatchAPI:
    """Submits, polls and downloads batches for one output folder; every step is saved in its state."""

    def __init__(
        self,
        settings: Settings,
        out: Path,
        *,
        client: openai.OpenAI | None = None,
        wait: float | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        log: Callable[[str], None] | None = None,
    ) -> None:
        self.settings = settings
        self.dir = Path(out) / BATCH_DIR
        self.client = client or openai.OpenAI(base_url=settings.base_url, api_key=settings.api_key,
                                              timeout=settings.timeout, max_retries=settings.transport_retries)
        self.wait = wait
        self._sleep = sleep
        self._clock = clock
        self._log = log or (lambda _msg: None)
        self.state: dict[str, Any] = self._load()

    # --- state ---------------------------------------------------------------------------------

    @property
    def state_path(self) -> Path:
        return self.dir / STATE

    def _load(self) -> dict[str, Any]:
        try:
            state = json.loads(self.state_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {"batches": []}
        return state if isinstance(state, dict) and isinstance(state.get("batches"), list) else {"batches": []}

    def save(self) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        write_atomic(self.state_path, json.dumps(self.state, ensure_ascii=False, indent=1))

    def _batches_for(self, ids: set[str]) -> list[dict[str, Any]]:
        return [b for b in self.state["batches"] if ids & set(b["custom_ids"]) and b.get("endpoint") == self._endpoint]

    @property
    def _endpoint(self) -> str:
        return f"{self.settings.base_url}|{self.settings.model}"

    # --- the run -------------------------------------------------------------------------------

    def run(self, requests: dict[str, Request]) -> dict[str, Outcome]:
        """Outcomes for every request: earlier batches of this folder are resumed, the rest submitted."""
        if not requests:
            return {}
        ids = set(requests)
        covered = {c for b in self._batches_for(ids) for c in b["custom_ids"]} & ids
        missing = [requests[c] for c in requests if c not in covered]
        for i in range(0, len(missing), MAX_REQUESTS):
            self._new_batch(missing[i : i + MAX_REQUESTS])
        batches = self._batches_for(ids)
        for b in batches:
            self._submit(b)
        self._poll(batches)
        for b in batches:
            self._download(b)
        return self._outcomes(batches, ids)

    def _new_batch(self, requests: list[Request]) -> None:
        n = len(self.state["batches"]) + 1
        name = f"requests-{n:03d}.jsonl"
        self.dir.mkdir(parents=True, exist_ok=True)
        lines = (json.dumps({"custom_id": r.custom_id, "method": "POST", "url": ENDPOINT, "body": r.body},
                            ensure_ascii=False) for r in requests)
        write_atomic(self.dir / name, "\n".join(lines) + "\n")
        self.state["batches"].append({"n": n, "requests": name, "endpoint": self._endpoint,
                                      "custom_ids": [r.custom_id for r in requests], "input_file_id": None,
                                      "id": None, "status": "new", "created": _now()})
        self.save()

    def _submit(self, b: dict[str, Any]) -> None:
        """Upload the batch's JSONL and create it, each step saved (a crash in between resumes there)."""
        try:
            if b["input_file_id"] is None:
                with (self.dir / b["requests"]).open("rb") as fh:
                    f = self.client.files.create(file=(b["requests"], fh), purpose="batch")
                b["input_file_id"] = f.id
                self.save()
            if b["id"] is None:
                job = self.client.batches.create(input_file_id=b["input_file_id"], endpoint=ENDPOINT,
                                                 completion_window="24h", metadata={"tool": "govreport"})
                self._update(b, job)
                self._log(f"批处理 {job.id}: 已提交 {len(b['custom_ids'])} 个请求")
        except openai.OpenAIError as exc:
            raise BatchAPIError(f"批处理接口 {self.settings.base_url} 拒绝了"
                                f"{'请求文件的上传' if b['input_file_id'] is None else '批处理的创建'}: {_why(exc)}") from exc

    def _update(self, b: dict[str, Any], job: Any) -> None:
        counts = getattr(job, "request_counts", None)
        b.update(id=job.id, status=job.status, output_file_id=job.output_file_id, error_file_id=job.error_file_id,
                 counts=counts.model_dump() if counts is not None else None)
        errors = getattr(job, "errors", None)
        if errors is not None and getattr(errors, "data", None):
            b["errors"] = [f"{e.code}: {e.message}" for e in errors.data]
        self.save()

    def _poll(self, batches: list[dict[str, Any]]) -> None:
        start = self._clock()
        while True:
            running = [b for b in batches if b["status"] not in TERMINAL]
            for b in running:
                try:
                    self._update(b, self.client.batches.retrieve(b["id"]))
                except openai.OpenAIError as exc:
                    raise BatchAPIError(f"查询批处理 {b['id']} 的进度失败: {_why(exc)}") from exc
                c = b.get("counts") or {}
                self._log(f"批处理 {b['id']}: {_STATUS_ZH.get(b['status'], b['status'])}（完成 {c.get('completed', 0)}/{c.get('total', 0)}, "
                          f"失败 {c.get('failed', 0)}）")
            running = [b for b in batches if b["status"] not in TERMINAL]
            if not running:
                return
            if self.wait is not None and self._clock() - start >= self.wait:
                ids = [b["id"] for b in running]
                raise BatchPendingError(
                    f"批处理 {', '.join(ids)} 仍{_STATUS_ZH.get(running[0]['status'], '在进行')}; 编号已保存在 {self.state_path}, "
                    f"稍后再运行同一命令即可接着处理", batch_ids=ids)
            self._sleep(self.settings.batch_poll)

    def cancel(self) -> list[str]:
        """Ask the provider to cancel every unfinished batch of this folder; returns their ids."""
        ids = []
        for b in self.state["batches"]:
            if b.get("id") and b["status"] not in TERMINAL:
                try:
                    self._update(b, self.client.batches.cancel(b["id"]))
                except openai.OpenAIError as exc:
                    raise BatchAPIError(f"取消批处理 {b['id']} 失败: {_why(exc)}") from exc
                ids.append(b["id"])
        return ids

    def _download(self, b: dict[str, Any]) -> None:
        for kind in ("output", "error"):
            file_id = b.get(f"{kind}_file_id")
            target = self.dir / f"{b['id']}.{kind}.jsonl"
            if not file_id or target.exists():
                continue
            try:
                text = self.client.files.content(file_id).text
            except openai.OpenAIError as exc:
                raise BatchAPIError(f"下载批处理 {b['id']} 的{'结果' if kind == 'output' else '错误'}文件失败: "
                                    f"{_why(exc)}") from exc
            write_atomic(target, text)

    def _outcomes(self, batches: list[dict[str, Any]], ids: set[str]) -> dict[str, Outcome]:
        out: dict[str, Outcome] = {}
        for b in batches:
            for kind in ("output", "error"):
                path = self.dir / f"{b['id']}.{kind}.jsonl"
                if path.exists():
                    for line in path.read_text(encoding="utf-8").splitlines():
                        o = _parse_line(line, b["id"])
                        if o is not None and o.custom_id in ids and (o.completion or o.custom_id not in out):
                            out[o.custom_id] = o
            why = f"批处理{_STATUS_ZH.get(b['status'], ' ' + b['status'])}" + (
                f"（{'; '.join(b['errors'])}）" if b.get("errors") else "")
            for c in b["custom_ids"]:
                if c in ids and c not in out:
                    out[c] = Outcome(c, b["id"], None, why + ": 这个请求没有得到回答")
        return out


#: A batch's status (the provider's word, kept in the state file) as a person reads it.
_STATUS_ZH = {"validating": "校验中", "in_progress": "进行中", "finalizing": "收尾中", "completed": "已完成",
              "failed": "失败", "expired": "已过期", "cancelling": "取消中", "cancelled": "已取消"}


def _why(exc: openai.OpenAIError) -> str:
    if isinstance(exc, openai.APIStatusError):
        return f"HTTP {exc.status_code}: {exc.message}"
    return f"{type(exc).__name__}: {exc}"


def _parse_line(line: str, batch_id: str) -> Outcome | None:
    """One line of an output or error file (``{custom_id, response: {status_code, body}, error}``)."""
    try:
        row = json.loads(line)
    except ValueError:
        return None
    if not isinstance(row, dict) or not isinstance(row.get("custom_id"), str):
        return None
    cid = row["custom_id"]
    response = row.get("response") or {}
    error = row.get("error")
    status = response.get("status_code")
    if status == 200 and not error:
        try:
            return Outcome(cid, batch_id, ChatCompletion.model_validate(response.get("body")))
        except ValidationError:
            return Outcome(cid, batch_id, None, "批处理的回答不是对话补全(chat completion)的格式")
    if isinstance(error, dict):
        return Outcome(cid, batch_id, None, f"批处理出错 {error.get('code')}: {error.get('message')}")
    body = response.get("body") or {}
    msg = (body.get("error") or {}).get("message") if isinstance(body, dict) else None
    return Outcome(cid, batch_id, None, f"批处理的回答为 HTTP {status}" + (f": {msg}" if msg else ""))


# --- the session the real-time path consults -------------------------------------------------------

@dataclass
class Session:
    """Batch outcomes by custom_id, and what the reports that used them cost (thread-safe).

    Reports with the same text share one request: each is counted, and the request's batch tokens and
    cost are counted once, by whichever report records it first (the totals do not depend on the order).
    """

    outcomes: dict[str, Outcome]
    counts: dict[str, int] = field(default_factory=lambda: {"answered": 0, "reasked": 0, "realtime": 0})
    batch_usage: Usage = field(default_factory=Usage)
    realtime_usage: Usage = field(default_factory=Usage)
    cost: float | None = None
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _billed: set[str] = field(default_factory=set, repr=False)

    def get(self, cid: str) -> Outcome | None:
        return self.outcomes.get(cid)

    def record(self, use: BatchUse, total: Usage, realtime_cost: float | None, batch_cost: float | None) -> None:
        """One report served through the batch: ``total`` is all its tokens, ``use.usage`` the batch's part."""
        with self.lock:
            self.counts[use.outcome] += 1
            first = use.custom_id not in self._billed
            self._billed.add(use.custom_id)
            for k in ("prompt_tokens", "completion_tokens", "total_tokens"):
                b = getattr(use.usage, k)
                if first:
                    setattr(self.batch_usage, k, getattr(self.batch_usage, k) + b)
                setattr(self.realtime_usage, k, getattr(self.realtime_usage, k) + getattr(total, k) - b)
            for c in (realtime_cost, batch_cost if first else None):
                if c is not None:
                    self.cost = (self.cost or 0.0) + c

    def summary(self) -> dict[str, Any]:
        return {"requests": len(self.outcomes), **self.counts, "batch_tokens": asdict(self.batch_usage),
                "realtime_tokens": asdict(self.realtime_usage),
                "cost": round(self.cost, 6) if self.cost is not None else None}


_ACTIVE: Session | None = None
_ACTIVE_LOCK = threading.Lock()


def active() -> Session | None:
    """The batch session in force in this process, if any (consulted by ``extract_llm``)."""
    return _ACTIVE


@contextmanager
def installed(session: Session) -> Iterator[Session]:
    global _ACTIVE
    with _ACTIVE_LOCK:
        if _ACTIVE is not None:
            raise BatchAPIError("本进程中已有一个批处理接口会话在运行")
        _ACTIVE = session
    try:
        yield session
    finally:
        with _ACTIVE_LOCK:
            _ACTIVE = None


def use_of(outcome: Outcome, realtime_calls: int, prepared_usage: dict[str, int] | None) -> BatchUse:
    """How the batch served one report, given the real-time calls its extraction still needed."""
    kind: Literal["answered", "reasked", "realtime"]
    if outcome.completion is None:
        kind, reason = "realtime", outcome.reason
    elif realtime_calls:
        kind, reason = "reasked", "批处理的回答未通过校验, 已实时重新询问"
    else:
        kind, reason = "answered", None
    return BatchUse(batch_id=outcome.batch_id, custom_id=outcome.custom_id, outcome=kind, reason=reason,
                    usage=Usage(**(prepared_usage or {})))


@contextmanager
def prepared(
    paths: Sequence[str],
    out: Path,
    notes: list[str],
    *,
    settings: Settings | None = None,
    wait: float | None = None,
    cancel: bool = False,
    client: openai.OpenAI | None = None,
    sleep: Callable[[float], None] = time.sleep,
    log: Callable[[str], None] | None = None,
) -> Iterator[Session]:
    """Answer the reports at ``paths`` through the batch API, then let the real-time path use the answers.

    Raises BatchPendingError when the batch is not finished within ``wait`` seconds (None: wait until it
    is). ``cancel`` cancels this folder's unfinished batches first (what they answered is still used).
    """
    settings = settings or Settings.from_env()
    api = BatchAPI(settings, out, client=client, wait=wait, sleep=sleep, log=log)
    if cancel:
        cancelled = api.cancel()
        if cancelled:
            notes.append(f"批处理接口: 已请求取消 {', '.join(cancelled)}")
    outcomes = api.run(build_requests(paths, settings))
    session = Session(outcomes)
    with installed(session):
        yield session
    summary = session.summary()
    api.state["last_run"] = {"finished": _now(), **summary}
    api.save()
    if outcomes:
        notes.append(
            f"批处理接口: {summary['requests']} 个请求; 批处理回答 {summary['answered']} 个, "
            f"重新询问 {summary['reasked']} 个, 实时询问 {summary['realtime']} 个; 令牌: 批处理 "
            f"{summary['batch_tokens']['total_tokens']}, 实时 {summary['realtime_tokens']['total_tokens']}"
            + (f"; 费用 {summary['cost']:.4f}" if summary["cost"] is not None else ""))

