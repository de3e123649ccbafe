"""A local OpenAI-compatible test server: /v1/chat/completions answers a fixed, valid extraction after a fixed delay.

    .venv/bin/python bench/fake_openai.py --delay 1.0 [--port 8765] [--p429 0.05] [--max-concurrent 16]

Listens on 127.0.0.1 only (asyncio, HTTP/1.1 keep-alive). Optional rate limiting: a fraction ``--p429`` of
requests, and every request beyond ``--max-concurrent`` in flight, get 429 with Retry-After at once.
Stops by itself after ``--max-seconds`` (default 900). Used in-process by bench/llm_concurrency.py.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import random
import threading
import time
from dataclasses import dataclass

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


class FakeOpenAI:
    def __init__(self, delay: float, *, port: int = 0, p429: float = 0.0, max_concurrent: int | None = None,
                 retry_after: float = 0.5, seed: int = 0) -> None:
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
                body = await reader.readexactly(int(headers.get("content-length", "0") or 0))
                status, payload, extra = await self._route(method, path.split("?")[0], body)
                data = json.dumps(payload).encode()
                head = [f"HTTP/1.1 {status} {'OK' if status == 200 else 'Error'}", "Content-Type: application/json",
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

    async def _route(self, method: str, path: str, body: bytes) -> tuple[int, dict[str, object], list[str]]:
        if method == "GET" and path.endswith("/models"):
            return 200, {"object": "list", "data": [{"id": "fake-model", "object": "model"}]}, []
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
            model = json.loads(body or b"{}").get("model", "fake-model")
            s.answered += 1
            return 200, {
                "id": f"chatcmpl-fake-{s.requests}", "object": "chat.completion", "created": int(time.time()),
                "model": model,
                "choices": [{"index": 0, "finish_reason": "stop",
                             "message": {"role": "assistant", "content": json.dumps(ANSWER)}}],
                "usage": {"prompt_tokens": 1000, "completion_tokens": 60, "total_tokens": 1060},
            }, []
        finally:
            s.in_flight -= 1


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
