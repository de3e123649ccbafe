"""A gate for rate-limited calls (LLM requests): at most ``limit`` in flight, and a 429 pauses everyone.

    gate = RateGate(16)
    result = gate.call(lambda: client.chat.completions.create(...), retry_after=openai_retry_after)

``retry_after(exc)`` tells a rate-limit error from any other: it returns the seconds to wait (the
server's Retry-After, if it sent one, else 0 for "back off exponentially") or None to re-raise.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

R = TypeVar("R")


class RateLimitedError(RuntimeError):
    """Still rate-limited after every retry."""


class RateGate:
    def __init__(self, limit: int, retries: int = 8, base_delay: float = 0.5, max_delay: float = 30.0) -> None:
        self.limit = max(1, limit)
        self.retries = retries
        self.base_delay = base_delay
        self.max_delay = max_delay
        self._slots = threading.BoundedSemaphore(self.limit)
        self._lock = threading.Lock()
        self._resume_at = 0.0
        self.in_flight = 0
        self.max_in_flight = 0
        self.rate_limited = 0

    @contextmanager
    def slot(self) -> Iterator[None]:
        """Hold one of the ``limit`` slots, after any back-off in force has passed."""
        with self._slots:
            self._wait_backoff()
            with self._lock:
                self.in_flight += 1
                self.max_in_flight = max(self.max_in_flight, self.in_flight)
            try:
                yield
            finally:
                with self._lock:
                    self.in_flight -= 1

    def backoff(self, seconds: float) -> None:
        """Pause every caller for ``seconds`` from now (the longest pause requested wins)."""
        with self._lock:
            self._resume_at = max(self._resume_at, time.monotonic() + seconds)
            self.rate_limited += 1

    def call(self, fn: Callable[[], R], retry_after: Callable[[BaseException], float | None]) -> R:
        """Run ``fn`` in a slot; on a rate-limit error back off (Retry-After, else exponential with jitter) and retry."""
        for attempt in range(self.retries + 1):
            with self.slot():
                try:
                    return fn()
                except Exception as exc:
                    wait = retry_after(exc)
                    if wait is None:
                        raise
                    if attempt == self.retries:
                        raise RateLimitedError(f"still rate-limited after {self.retries + 1} attempts") from exc
            delay = wait if wait > 0 else min(self.max_delay, self.base_delay * 2**attempt)
            self.backoff(delay * (1 + 0.1 * random.random()))
        raise AssertionError("unreachable")

    def _wait_backoff(self) -> None:
        while True:
            with self._lock:
                delay = self._resume_at - time.monotonic()
            if delay <= 0:
                return
            time.sleep(delay)
