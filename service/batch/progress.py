"""A progress bar on stderr: redrawn in place on a terminal, a line every few seconds otherwise."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    def __init__(self, total: int, enabled: bool = True, stream: TextIO | None = None, label: str = "batch") -> None:
        self.total = total
        self.done = 0
        self.errors = 0
        self.stream = stream or sys.stderr
        self.enabled = enabled and total > 0
        self.label = label
        self.tty = self.enabled and self.stream.isatty()
        self._start = time.monotonic()
        self._last = 0.0

    def advance(self, name: str, ok: bool = True) -> None:
        self.done += 1
        self.errors += 0 if ok else 1
        if not self.enabled:
            return
        now = time.monotonic()
        final = self.done == self.total
        if self.tty and (final or now - self._last >= 0.1):
            self._last = now
            self.stream.write("\r" + self._line(name) + "\x1b[K")
            self.stream.flush()
        elif not self.tty and (final or now - self._last >= 5.0):
            self._last = now
            self.stream.write(self._line(name) + "\n")
            self.stream.flush()

    def close(self) -> None:
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()

    def _line(self, name: str) -> str:
        elapsed = max(time.monotonic() - self._start, 1e-9)
        rate = self.done / elapsed
        width = 28
        filled = int(width * self.done / self.total)
        bar = "█" * filled + "░" * (width - filled)
        eta = (self.total - self.done) / rate if rate > 0 else 0.0
        errs = f" · {self.errors} unreadable" if self.errors else ""
        short = name if len(name) <= 40 else name[:37] + "…"
        return (f"{self.label} {bar} {self.done}/{self.total} · {rate:.1f}/s · eta {eta:.0f}s{errs} · {short}")
