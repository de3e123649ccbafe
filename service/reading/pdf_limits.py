"""Bounds on reading a PDF: how much its compressed streams may inflate to, how many pages it may have.

A PDF bomb — a few hundred KB of FlateDecode stream that inflates to gigabytes — would take pdfminer
minutes and all the memory. pdfminer inflates with ``zlib.decompress`` (and ``zlib.decompressobj`` for
damaged streams) from its ``pdftypes`` module; within ``inflate_budget`` those calls go through a
counter that refuses the document once it has inflated more than MAX_INFLATED bytes. The counter is
per context (a batch's threads each have their own), and outside ``inflate_budget`` nothing is bounded.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from service.errors import InputError

#: Bytes all the streams of one PDF may inflate to: the reports seen inflate to 1–2 MB.
MAX_INFLATED = 128_000_000
#: Pages a PDF may have: a report has a few dozen; the bound keeps a document of blank pages cheap.
MAX_PAGES = 1000


@dataclass
class _Budget:
    name: str
    left: int


_BUDGET: ContextVar[_Budget | None] = ContextVar("govreport_pdf_inflate_budget", default=None)


def _charge(n: int) -> None:
    budget = _BUDGET.get()
    if budget is None:
        return
    budget.left -= n
    if budget.left < 0:
        raise _too_much(budget.name)


def _too_much(name: str) -> InputError:
    return InputError(f"the PDF's compressed streams inflate to more than {MAX_INFLATED / 1e6:.0f} MB, "
                      "more than any report (a PDF bomb?)", name)


class _BoundedInflater:
    """zlib.decompressobj() whose output is charged to the budget."""

    def __init__(self, *args: Any) -> None:
        self._d = zlib.decompressobj(*args)

    def decompress(self, data: bytes, max_length: int = 0) -> bytes:
        budget = _BUDGET.get()
        if budget is not None and (max_length == 0 or max_length > budget.left + 1):
            max_length = max(budget.left + 1, 1)
        out = self._d.decompress(data, max_length)
        _charge(len(out))
        return out

    def __getattr__(self, name: str) -> Any:
        return getattr(self._d, name)


class _BoundedZlib:
    """Stands for the zlib module inside pdfminer.pdftypes: decompress and decompressobj bounded."""

    error = zlib.error

    @staticmethod
    def decompress(data: bytes, wbits: int = zlib.MAX_WBITS, bufsize: int = zlib.DEF_BUF_SIZE) -> bytes:
        if _BUDGET.get() is None:
            return zlib.decompress(data, wbits, bufsize)
        d = _BoundedInflater(wbits)
        out = d.decompress(data)
        if not d.eof:
            raise zlib.error("Error -5 while decompressing data: incomplete or truncated stream")
        return out

    @staticmethod
    def decompressobj(*args: Any) -> _BoundedInflater:
        return _BoundedInflater(*args)

    def __getattr__(self, name: str) -> Any:
        return getattr(zlib, name)


@contextmanager
def inflate_budget(name: str) -> Iterator[None]:
    """Within this block, pdfminer may inflate at most MAX_INFLATED bytes; more raises InputError."""
    import pdfminer.pdftypes as pdftypes

    if not isinstance(pdftypes.zlib, _BoundedZlib):
        setattr(pdftypes, "zlib", _BoundedZlib())  # noqa: B010 - a module global, not an attribute of ours
    budget = _Budget(name, MAX_INFLATED)
    token = _BUDGET.set(budget)
    try:
        yield
    except Exception as exc:
        if budget.left < 0:  # pdfminer or pdfplumber may have wrapped the refusal in an error of its own
            raise _too_much(name) from exc
        raise
    finally:
        _BUDGET.reset(token)


def check_pages(count: int, name: str) -> None:
    """Refuse a PDF with more pages than any report before its pages are read."""
    if count > MAX_PAGES:
        raise InputError(f"the PDF has {count:,} pages, more than any report (at most {MAX_PAGES:,} are read)", name)
