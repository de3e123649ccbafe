"""A local OpenAI-compatible test server: /v1/chat/completions answers a fixed, valid extraction after a fixed delay,
and the batch API (/v1/files, /v1/batches) runs the uploaded requests through the same answers.

    .venv/bin/python bench/fake_openai.py --delay 1.0 [--port 8765] [--p429 0.05] [--max-concurrent 16]

Listens on 127.0.0.1 only (asyncio, HTTP/1.1 keep-alive). Optional rate limiting: a fraction ``--p429`` of
requests, and every request beyond ``--max-concurrent`` in flight, get 429 with Retry-After at once.
Stops by itself after ``--max-seconds`` (default 900). Used in-process by bench/llm_concurrency.py and, for
the batch API, by tests/test_extraction_llm_batch_api.py. Its answers are HAND-WRITTEN (``answer``, default
:data:`ANSWER`): plumbing only, never a measure of quality.

Batch API (``BatchBehaviour``): a batch is ``validating`` on creation, ``in_progress`` on the first poll,
``completed`` after ``polls`` polls; ``expire_after`` answers that many requests, then ``expired``;
``fail`` (custom_id substrings) get an HTTP 500 line in the error file; ``invalid`` get a non-JSON answer;
``reject`` fails validation of the input file. POST /v1/batches/ID/cancel moves it to ``cancelling``,
then ``cancelled`` with ``cancel_after`` requests answered. Unanswered requests of an expired or cancelled
batch go to the error file with ``batch_expired`` / ``batch_cancelled``, as the providers do.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

#: A valid answer for the extractor's response model (LLMExtraction): nothing stated, nothing invented.
ANSWER = {"organization": None, "year": None, "report_date": None, "disclosure_total": None,
          "applications_received": None, "processing_fee_collected": None, "channels": [], "problems": [],
          "measures": []}


@dataclass
class Stats:
    requests: int = 0
    answered: int = 0
    rate_limited: int = 0
    in_flight: int = 0
    max_in_flight: int = 0
    uploads: int = 0
    batches_created: int = 0
    polls: int = 0
    cancels: int = 0


@dataclass
class BatchBehaviour:
    """How the fake batch API runs a batch (see the module docstring)."""

    polls: int = 2
    expire_after: int | None = None
    cancel_after: int = 0
    fail: tuple[str, ...] = ()
    invalid: tuple[str, ...] = ()
    reject: bool = False


@dataclass
class _Batch:
    id: str
    input_file_id: str
    lines: list[dict[str, object]]
    created_at: int
    status: str = "validating"
    polls: int = 0
    output_file_id: str | None = None
    error_file_id: str | None = None
    errors: list[dict[str, object]] = field(default_factory=list)
    completed: int = 0
    failed: int = 0


class FakeOpenAI:
    def __init__(self, delay: float, *, port: int = 0, p429: float = 0.0, max_concurrent: int | None = None,
                 retry_after: float = 0.5, seed: int = 0, answer: Callable[[dict[str, object]], str] | None = None,
                 batch: BatchBehaviour | None = None) -> None:
        self.answer = answer or (lambda _body: json.dumps(ANSWER))
        self.batch = batch or BatchBehaviour()
        self.files: dict[str, bytes] = {}
        self.batches: dict[str, _Batch] = {}
        self.chat_bodies: list[dict[str, object]] = []
        self.delay = delay
        self.port = port
        self.p429 = p429
        self.max_concurrent = max_concurrent
        self.retry_after = retry_after
        self.random = random.Random(seed)
        self.stats = Stats()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.Server | None = None
        self._thread: threading.Thread | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._client, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    def start_in_thread(self) -> FakeOpenAI:
        """Serve from a daemon thread; returns once listening."""
        ready = threading.Event()

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            loop.run_until_complete(self.start())
            ready.set()
            loop.run_forever()
            loop.close()

        self._thread = threading.Thread(target=run, name="fake-openai", daemon=True)
        self._thread.start()
        ready.wait(10)
        return self

    def stop(self) -> None:
        """Close the listener and every open connection, then end the serving thread."""
        if self._loop is not None and self._loop.is_running():
            asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop).result(10)
            self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            self._thread.join(10)

    async def _shutdown(self) -> None:
        if self._server is not None:
            self._server.close()
        for writer in list(self._writers):
            writer.close()
        tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        await asyncio.wait(tasks, timeout=2) if tasks else None

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.add(writer)
        try:
            while True:
                request = await reader.readline()
                if not request:
                    break
                method, path, _ = request.decode("latin-1").split(" ", 2)
                headers: dict[str, str] = {}
                while True:
                    line = (await reader.readline()).decode("latin-1").strip()
                    if not line:
                        break
                    name, _, value = line.partition(":")
                    headers[name.strip().lower()] = value.strip()
                if headers.get("transfer-encoding", "").lower() == "chunked":
                    body = b""
                    while True:
                        size = int((await reader.readline()).strip() or b"0", 16)
                        chunk = await reader.readexactly(size + 2)
                        if size == 0:
                            break
                        body += chunk[:-2]
                else:
                    body = await reader.readexactly(int(headers.get("content-length", "0") or 0))
                status, payload, extra = await self._route(method, path.split("?")[0], body,
                                                           headers.get("content-type", ""))
                raw = isinstance(payload, bytes)
                data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
                head = [f"HTTP/1.1 {status} {'OK' if status == 200 else 'Error'}",
                        f"Content-Type: {'application/octet-stream' if raw else 'application/json'}",
                        f"Content-Length: {len(data)}", *extra]
                writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + data)
                await writer.drain()
                if headers.get("connection", "").lower() == "close":
                    break
        except (ConnectionError, asyncio.IncompleteReadError, ValueError):
            pass
        finally:
            self._writers.discard(writer)
            writer.close()

    async def _route(self, method: str, path: str, body: bytes,
                     content_type: str = "") -> tuple[int, dict[str, object] | bytes, list[str]]:
        if method == "GET" and path.endswith("/models"):
            return 200, {"object": "list", "data": [{"id": "fake-model", "object": "model"}]}, []
        if "/files" in path or "/batches" in path:
            return self._batch_route(method, path, body, content_type)
        if method != "POST" or not path.endswith("/chat/completions"):
            return 404, {"error": {"message": f"no route {method} {path}"}}, []
        s = self.stats
        s.requests += 1
        s.in_flight += 1
        s.max_in_flight = max(s.max_in_flight, s.in_flight)
        try:
            over = self.max_concurrent is not None and s.in_flight > self.max_concurrent
            if over or (self.p429 and self.random.random() < self.p429):
                s.rate_limited += 1
                return 429, {"error": {"message": "rate limited (fake)", "type": "rate_limit_error"}}, [
                    f"Retry-After: {self.retry_after:g}"]
            await asyncio.sleep(self.delay)
            request = json.loads(body or b"{}")
            self.chat_bodies.append(request)
            s.answered += 1
            return 200, self._completion(request, f"chatcmpl-fake-{s.requests}", self.answer(request)), []
        finally:
            s.in_flight -= 1

    @staticmethod
    def _completion(request: dict[str, object], cid: str, content: str) -> dict[str, object]:
        return {
            "id": cid, "object": "chat.completion", "created": int(time.time()),
            "model": request.get("model", "fake-model"),
            "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": content}}],
            "usage": {"prompt_tokens": 1000, "completion_tokens": 60, "total_tokens": 1060},
        }

    # --- the batch API -----------------------------------------------------------------------------

    def _batch_route(self, method: str, path: str, body: bytes,
                     content_type: str) -> tuple[int, dict[str, object] | bytes, list[str]]:
        parts = path.rstrip("/").split("/")  # ['', 'v1', 'files' | 'batches', id?, action?]
        kind, rest = parts[2], parts[3:]
        if kind == "files" and method == "POST" and not rest:
            fields = _multipart(body, content_type)
            if "file" not in fields or fields.get("purpose") != b"batch":
                return 400, {"error": {"message": "file and purpose=batch required"}}, []
            self.stats.uploads += 1
            return 200, self._store_file(fields["file"], "batch"), []
        if kind == "files" and method == "GET" and len(rest) == 2 and rest[1] == "content":
            data = self.files.get(rest[0])
            return (200, data, []) if data is not None else (404, {"error": {"message": "no such file"}}, [])
        if kind == "batches" and method == "POST" and not rest:
            req = json.loads(body or b"{}")
            data = self.files.get(str(req.get("input_file_id")))
            if data is None:
                return 404, {"error": {"message": "no such input file"}}, []
            self.stats.batches_created += 1
            b = _Batch(f"batch_fake_{len(self.batches) + 1}", str(req["input_file_id"]),
                       [json.loads(x) for x in data.decode().splitlines() if x.strip()], int(time.time()))
            self.batches[b.id] = b
            return 200, self._batch_json(b), []
        if kind == "batches" and rest and rest[0] in self.batches:
            b = self.batches[rest[0]]
            if method == "POST" and rest[1:] == ["cancel"]:
                self.stats.cancels += 1
                if b.status in ("validating", "in_progress"):
                    b.status = "cancelling"
                return 200, self._batch_json(b), []
            if method == "GET" and len(rest) == 1:
                self.stats.polls += 1
                self._advance(b)
                return 200, self._batch_json(b), []
        return 404, {"error": {"message": f"no route {method} {path}"}}, []

    def _store_file(self, data: bytes, purpose: str) -> dict[str, object]:
        fid = f"file-fake-{len(self.files) + 1}"
        self.files[fid] = data
        return {"id": fid, "object": "file", "bytes": len(data), "created_at": int(time.time()),
                "filename": f"{fid}.jsonl", "purpose": purpose, "status": "processed"}

    def _advance(self, b: _Batch) -> None:
        """One poll's progress: validating → in_progress → (after ``polls`` polls) a terminal status."""
        beh = self.batch
        b.polls += 1
        if b.status == "validating":
            errors = _validate(b.lines)
            if beh.reject or errors:
                b.status, b.errors = "failed", errors or [{"code": "invalid_request", "message": "rejected (fake)"}]
            else:
                b.status = "in_progress"
        elif b.status == "cancelling":
            self._finish(b, "cancelled", beh.cancel_after)
        elif b.status == "in_progress" and b.polls >= beh.polls:
            if beh.expire_after is not None:
                self._finish(b, "expired", beh.expire_after)
            else:
                self._finish(b, "completed", len(b.lines))

    def _finish(self, b: _Batch, status: str, answered: int) -> None:
        out, err = [], []
        for i, line in enumerate(b.lines):
            cid = str(line["custom_id"])
            rid = f"batch_req_{b.id}_{i}"
            if i >= answered:
                code = "batch_expired" if status == "expired" else "batch_cancelled"
                err.append({"id": rid, "custom_id": cid, "response": None,
                            "error": {"code": code, "message": f"not run before the batch was {status} (fake)"}})
            elif any(f in cid for f in self.batch.fail):
                err.append({"id": rid, "custom_id": cid, "error": None, "response": {
                    "status_code": 500, "request_id": rid,
                    "body": {"error": {"message": "server error (fake)", "type": "server_error"}}}})
            else:
                body = line["body"]
                assert isinstance(body, dict)
                content = "I cannot answer in JSON." if any(f in cid for f in self.batch.invalid) else self.answer(body)
                out.append({"id": rid, "custom_id": cid, "error": None, "response": {
                    "status_code": 200, "request_id": rid, "body": self._completion(body, f"chatcmpl-{rid}", content)}})
        b.completed, b.failed = len(out), len(err)
        if out:
            b.output_file_id = str(self._store_file("".join(json.dumps(x) + "\n" for x in out).encode(),
                                                    "batch_output")["id"])
        if err:
            b.error_file_id = str(self._store_file("".join(json.dumps(x) + "\n" for x in err).encode(),
                                                   "batch_output")["id"])
        b.status = status

    @staticmethod
    def _batch_json(b: _Batch) -> dict[str, object]:
        return {"id": b.id, "object": "batch", "endpoint": "/v1/chat/completions", "input_file_id": b.input_file_id,
                "completion_window": "24h", "status": b.status, "created_at": b.created_at,
                "output_file_id": b.output_file_id, "error_file_id": b.error_file_id,
                "errors": {"object": "list", "data": b.errors} if b.errors else None,
                "request_counts": {"total": len(b.lines), "completed": b.completed, "failed": b.failed},
                "metadata": None}


def _validate(lines: list[dict[str, object]]) -> list[dict[str, object]]:
    """What a provider checks before running a batch: the line format and unique custom_ids."""
    errors: list[dict[str, object]] = []
    seen: set[object] = set()
    for n, line in enumerate(lines, 1):
        body = line.get("body")
        if line.get("method") != "POST" or line.get("url") != "/v1/chat/completions" or not isinstance(body, dict) \
                or "messages" not in body or "model" not in body:
            errors.append({"code": "invalid_request", "message": "bad request line (fake)", "line": n})
        if line.get("custom_id") in seen:
            errors.append({"code": "duplicate_custom_id", "message": "custom_id not unique (fake)", "line": n})
        seen.add(line.get("custom_id"))
    return errors


def _multipart(body: bytes, content_type: str) -> dict[str, bytes]:
    """The fields of a multipart/form-data body (enough for the openai client's file upload)."""
    boundary = content_type.partition("boundary=")[2].strip().strip('"').encode()
    fields: dict[str, bytes] = {}
    if not boundary:
        return fields
    for part in body.split(b"--" + boundary):
        head, sep, data = part.partition(b"\r\n\r\n")
        if not sep:
            continue
        name = head.partition(b'name="')[2].partition(b'"')[0].decode()
        if name:
            fields[name] = data[:-2] if data.endswith(b"\r\n") else data
    return fields


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--port", type=int, default=8765, help="0 picks a free port (printed)")
    ap.add_argument("--delay", type=float, default=1.0, help="seconds before each answer")
    ap.add_argument("--p429", type=float, default=0.0, help="fraction of requests answered 429")
    ap.add_argument("--max-concurrent", type=int, default=None, help="429 for requests beyond this many in flight")
    ap.add_argument("--retry-after", type=float, default=0.5)
    ap.add_argument("--max-seconds", type=float, default=900.0, help="stop after this long")
    args = ap.parse_args()
    server = FakeOpenAI(args.delay, port=args.port, p429=args.p429, max_concurrent=args.max_concurrent,
                        retry_after=args.retry_after).start_in_thread()
    print(f"fake OpenAI server on {server.base_url} (delay {args.delay}s); stops after {args.max_seconds:.0f}s",
          flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        time.sleep(args.max_seconds)
    server.stop()
    s = server.stats
    print(f"requests {s.requests}, answered {s.answered}, 429 {s.rate_limited}, max in flight {s.max_in_flight}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
