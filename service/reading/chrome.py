"""Page chrome in a text dump of a PDF: page-number lines and running headers or footers.

A PDF-to-text tool leaves ``- 4 -`` or ``第 4 页 共 9 页`` between the lines of a paragraph, and often the
report's title or the unit's name on every page. Readers that join wrapped lines skip them.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from service.lazy_re import lazy_compile
from service.reading.document import SourceDocument

PAGE_NUMBER_RE = lazy_compile(
    r"^\s*(?:[-—–－]\s*\d{1,3}\s*[-—–－]|第\s*\d{1,3}\s*页(?:\s*[/／,，]?\s*共\s*\d{1,3}\s*页)?|\d{1,3}\s*/\s*\d{1,3}|\d{1,3})\s*$"
)
_PAGE_NUMBER_FIRST = frozenset("-—–－第")
#: A running header or footer: a line of at most this many characters met next to a page-number line
#: at least twice.
RUNNING_MAX = 60
_CACHE: OrderedDict[str, frozenset[str]] = OrderedDict()
_CACHE_SIZE = 256
_LOCK = threading.Lock()


def is_page_number(line: str) -> bool:
    """Whether a (non-empty) line is only a page number."""
    c = line[0]
    # Only a line starting with a space, a digit, a dash or 第 can be a page number.
    return (c.isspace() or c.isdecimal() or c in _PAGE_NUMBER_FIRST) and PAGE_NUMBER_RE.match(line) is not None


def running_lines(doc: SourceDocument) -> frozenset[str]:
    """The document's running headers and footers (stripped lines), memoised by text hash."""
    with _LOCK:
        hit = _CACHE.get(doc.sha256)
    if hit is not None:
        return hit
    found: frozenset[str] = frozenset()
    if "\n" in doc.text:
        lines = [ln for ln in (raw.strip() for raw in doc.text.split("\n")) if ln]
        page = [is_page_number(ln) for ln in lines]
        if sum(page) >= 2:
            near: dict[str, int] = {}
            last = len(lines) - 1
            for i, ln in enumerate(lines):
                if not page[i] and len(ln) <= RUNNING_MAX and ((i > 0 and page[i - 1]) or (i < last and page[i + 1])):
                    near[ln] = near.get(ln, 0) + 1
            found = frozenset(ln for ln, k in near.items() if k >= 2)
    with _LOCK:
        _CACHE[doc.sha256] = found
        if len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return found


def is_chrome(line: str, running: frozenset[str]) -> bool:
    """Whether a non-blank line is page chrome: a page number or one of the document's running lines."""
    return is_page_number(line) or (bool(running) and line.strip() in running)
