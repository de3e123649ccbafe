"""Bounds on reading a PDF: how much its compressed streams may inflate to, how many pages it may have.

A PDF bomb — a few hundred KB of FlateDecode stream that inflates to gigabytes — would take PDFium or
pdfminer all the memory. Before either sees the file, every zlib stream in it is inflated once here,
16 KB of input at a time and without keeping the output, until the document's total passes MAX_INFLATED
(the reports seen inflate to 1–2 MB in all, which takes milliseconds). Not covered: streams that are
encrypted or whose Flate filter follows another one (ASCIIHex, LZW) — their raw bytes are not zlib.
"""

from __future__ import annotations

import itertools
import re
import zlib
from collections.abc import Iterable
from typing import TypeVar

from service.errors import InputError

#: Bytes all the Flate streams of one PDF may inflate to.
MAX_INFLATED = 128_000_000
#: Pages a PDF may have: a report has a few dozen; the bound keeps a document of blank pages cheap.
MAX_PAGES = 1000

T = TypeVar("T")
_STREAM_RE = re.compile(rb"(?<!end)stream\r?\n")
#: Input fed to zlib at a time: Deflate inflates at most 1032-fold, so one call yields at most 17 MB.
_IN = 1 << 14


def check_inflation(data: bytes, name: str) -> None:
    """Refuse a PDF whose zlib streams inflate to more than MAX_INFLATED bytes."""
    left = MAX_INFLATED
    view = memoryview(data)
    for m in _STREAM_RE.finditer(data):
        d = zlib.decompressobj()
        pos = m.end()
        try:
            while not d.eof and pos < len(data):
                left -= len(d.decompress(view[pos : pos + _IN]))
                pos += _IN
                if left < 0:
                    raise InputError(f"PDF 的压缩数据流解压后超过 {MAX_INFLATED / 1e6:.0f} MB, 超过任何报告(疑为 PDF 炸弹)",
                                     name)
        except zlib.error:
            continue  # not a zlib stream (another filter, encrypted, or not a stream at all)


def bounded_pages(pages: Iterable[T], name: str) -> list[T]:
    """The pages, refused (InputError) once there are more than any report has: no more than
    MAX_PAGES + 1 are taken from ``pages``, so a document of blank pages is not read to its end."""
    taken = list(itertools.islice(pages, MAX_PAGES + 1))
    if len(taken) > MAX_PAGES:
        raise InputError(f"PDF 超过 {MAX_PAGES:,} 页, 超过任何报告", name)
    return taken
