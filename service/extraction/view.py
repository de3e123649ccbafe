"""A reader's view of a stretch of the source, with every character mapped back to ``doc.text``.

PDF text layers wrap lines mid-sentence ("一\\n是扎实推进"), carry page numbers ("- 4 -") and
markdown copies carry markup ("**一是**"). Rules and verification both work on what a reader
sees: wrapped lines joined, page-number lines and markup dropped, paragraph breaks kept as "\\n".
Positions in the view map back to source offsets, so every item keeps a span into ``doc.text``.
"""

from __future__ import annotations

import bisect
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass

from service.reading.document import SourceDocument
from service.reading.normalize import fold

_PAGE_NUMBER_RE = re.compile(
    r"^\s*(?:[-—–－]\s*\d{1,3}\s*[-—–－]|第\s*\d{1,3}\s*页(?:\s*[/／,，]?\s*共\s*\d{1,3}\s*页)?|\d{1,3}\s*/\s*\d{1,3}|\d{1,3})\s*$"
)
_LINE_MARKUP_RE = re.compile(r"^[ \t\u3000]*(?:[-*+>][ \t]+|#{1,6}[ \t]+)?")
_TERMINAL = frozenset("。！？!?：:；;")
_HEADING_START_RE = re.compile(
    r"^\s*(?:[(（][一二三四五六七八九十\d]{1,3}[)）]|[一二三四五六七八九十]{1,3}[、.．]|\d{1,2}[、.．](?!\d)|第[一二三四五六七八九十]+部分|[①②③④⑤⑥⑦⑧⑨⑩])"
)


@dataclass(frozen=True, slots=True)
class TextView:
    """Reader-visible text of ``doc.text[start:end]``; ``folded`` has the same length, for matching."""

    text: str
    folded: str
    starts: tuple[int, ...]  # view offset where each piece starts
    sources: tuple[int, ...]  # doc offset of the same piece
    end_offset: int  # doc offset just after the region

    def to_doc(self, i: int) -> int:
        """Doc offset of view position ``i`` (``len(text)`` maps to the end of the last character)."""
        if not self.starts:
            return self.end_offset
        if i >= len(self.text):
            last = len(self.text) - 1
            return self.to_doc(last) + 1 if last >= 0 else self.end_offset
        k = bisect.bisect_right(self.starts, i) - 1
        return self.sources[k] + (i - self.starts[k])

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Doc span ``[a, b)`` of the view range ``[start, end)`` (non-empty)."""
        if end <= start:
            a = self.to_doc(start)
            return a, a
        return self.to_doc(start), self.to_doc(end - 1) + 1


_CACHE: OrderedDict[tuple[str, int, int], TextView] = OrderedDict()
_CACHE_SIZE = 256
_CACHE_LOCK = threading.Lock()


def build_view(doc: SourceDocument, start: int = 0, end: int | None = None) -> TextView:
    """Join wrapped lines, drop page-number lines and markdown markup in ``doc.text[start:end]``.

    Views are memoised by (text hash, range): extraction, verification and C9 share them.
    """
    end = len(doc.text) if end is None else end
    key = (doc.sha256, start, end)
    with _CACHE_LOCK:
        hit = _CACHE.get(key)
        if hit is not None:
            _CACHE.move_to_end(key)
            return hit
    view = _build(doc, start, end)
    with _CACHE_LOCK:
        _CACHE[key] = view
        if len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return view


def _build(doc: SourceDocument, start: int, end: int) -> TextView:
    lines: list[tuple[int, int]] = []  # (doc start, doc end) of kept, non-blank lines, markup stripped
    pos = start
    while pos < end:
        nl = doc.text.find("\n", pos, end)
        line_end = end if nl == -1 else nl
        raw = doc.text[pos:line_end]
        stripped = raw.strip()
        if stripped and not _PAGE_NUMBER_RE.match(raw):
            m = _LINE_MARKUP_RE.match(raw)
            a = pos + (m.end() if m else 0)
            b = line_end
            while b > a and doc.text[b - 1] in " \t\r\u3000":
                b -= 1
            lines.append((a, b))
        pos = line_end + 1
    width = max((b - a for a, b in lines), default=0)
    parts: list[str] = []
    starts: list[int] = []
    sources: list[int] = []
    vpos = 0
    for idx, (a, b) in enumerate(lines):
        if idx:
            pa, pb = lines[idx - 1]
            prev = doc.text[pa:pb]
            wrapped = (
                prev[-1:] not in _TERMINAL
                and not _HEADING_START_RE.match(doc.text[a:b])
                and (pb - pa) >= 0.8 * width
            )
            if not wrapped:
                nl_at = doc.text.find("\n", pb)
                starts.append(vpos)
                sources.append(nl_at if nl_at != -1 else pb)
                parts.append("\n")
                vpos += 1
        vpos = _add_line(doc.text, a, b, parts, starts, sources, vpos)
    text = "".join(parts)
    return TextView(text=text, folded=fold(text), starts=tuple(starts), sources=tuple(sources), end_offset=end)


def _add_line(src: str, a: int, b: int, parts: list[str], starts: list[int], sources: list[int], vpos: int) -> int:
    """Append one line to the view, dropping markdown emphasis markers (``**``)."""
    i = a
    while i < b:
        j = src.find("**", i, b)
        if j == -1:
            j = b
        if j > i:
            starts.append(vpos)
            sources.append(i)
            parts.append(src[i:j])
            vpos += j - i
        i = j + 2
    return vpos
