"""A reader's view of a stretch of the source, with every character mapped back to ``doc.text``.

PDF text layers wrap lines mid-sentence ("一\\n是扎实推进"), carry page numbers ("- 4 -") and
markdown copies carry markup ("**一是**"). Rules and verification both work on what a reader
sees: wrapped lines joined, page-number lines, running headers and markup dropped, paragraph breaks kept
as "\\n".
Positions in the view map back to source offsets, so every item keeps a span into ``doc.text``.
"""

from __future__ import annotations

import bisect
import threading
from collections import OrderedDict
from dataclasses import dataclass

from service.lazy_re import lazy_compile
from service.reading.chrome import is_chrome, running_lines
from service.reading.document import SourceDocument
from service.reading.normalize import fold

_LINE_MARKUP_RE = lazy_compile(r"^[ \t\u3000]*(?:[-*+>][ \t]+|#{1,6}[ \t]+)?")
_MARKUP_FIRST = frozenset(" \t\u3000-*+>#")
_TERMINAL = frozenset("。！？!?：:；;")
_HEADING_AT = (
    r"\s*(?:[(（][一二三四五六七八九十\d]{1,3}[)）]|[一二三四五六七八九十]{1,3}[、.．]|\d{1,2}[、.．](?!\d)|第[一二三四五六七八九十]+部分|[①②③④⑤⑥⑦⑧⑨⑩])"
)
# Letter-spaced text: three or more single characters, each one blank apart (``政 府 网 站``); the blanks
# are dropped from the view where the run holds two CJK characters at least.
_SPACED_RE = lazy_compile(r"(?:[^\s][ \u3000]){2,}[^\s]")
_CJK_RE = lazy_compile(r"[\u4e00-\u9fff]")
# A line starting a heading or a point: _HEADING_AT_RE.match(text, a, b) (no ^: it would not match at a > 0).
_HEADING_AT_RE = lazy_compile(_HEADING_AT)


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
        starts = self.starts
        if starts and end <= len(self.text):  # both ends inside the text: to_doc inlined
            k = bisect.bisect_right(starts, start) - 1
            j = bisect.bisect_right(starts, end - 1) - 1
            return self.sources[k] + (start - starts[k]), self.sources[j] + (end - 1 - starts[j]) + 1
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


def display_width(line: str) -> int:
    """Columns a line's characters take, blanks not counted (a layout dump pads justified lines with
    them): a CJK or full-width character two, ASCII one ((UTF-8 bytes + characters) / 2)."""
    if " " in line or "\t" in line:
        line = line.replace(" ", "").replace("\t", "")
    return (len(line.encode("utf-8")) + len(line)) // 2


def wrap_width(widths: list[int]) -> int:
    """The width lines were wrapped at: the widest but for a tenth of the lines (a spaced-out address line
    or a paragraph the tool did not wrap must not set it)."""
    if not widths:
        return 0
    ranked = sorted(widths, reverse=True)
    return ranked[len(ranked) // 10]


def _dropped(src: str, a: int, b: int, stars: bool) -> list[tuple[int, int]]:
    """What a reader does not see in the line ``src[a:b]``, in order: markdown emphasis markers (``**``)
    and the blanks of letter-spaced text (``政 府 网 站``: a justified line's character spacing); last the
    empty range ``(b, b)``, which closes the line."""
    out: list[tuple[int, int]] = []
    if stars:
        j = src.find("**", a, b)
        while j != -1:
            out.append((j, j + 2))
            j = src.find("**", j + 2, b)
    if src.find(" ", a, b) != -1 or src.find("\u3000", a, b) != -1:
        for m in _SPACED_RE.finditer(src, a, b):
            if len(_CJK_RE.findall(m.group())) >= 2:
                out += [(k, k + 1) for k in range(m.start() + 1, m.end(), 2)]
        out.sort()
    out.append((b, b))
    return out


def _build(doc: SourceDocument, start: int, end: int) -> TextView:
    src = doc.text
    fsrc = doc.folded if len(doc.folded) == len(src) else fold(src)  # same offsets as the text
    # (doc start, doc end, line end, after a zero-width break) of kept, non-blank lines, markup stripped
    lines: list[tuple[int, int, int, bool]] = []
    running = running_lines(doc)
    for seg, cut in doc.spans_within(start, end):  # a zero-width line start (doc.breaks) starts a line too
        piece = src[seg:cut]
        if piece and not piece.isspace() and not is_chrome(piece, running):
            m = _LINE_MARKUP_RE.match(piece) if piece[0] in _MARKUP_FIRST else None
            a = seg + m.end() if m else seg
            forced = seg > start and src[seg - 1] != "\n"
            lines.append((a, max(a, seg + len(piece.rstrip(" \t\r\u3000"))), cut, forced))
    wide = 0.8 * wrap_width([display_width(src[a:b]) for a, b, _, _ in lines])  # a line this wide may wrap
    stars = "**" in src[start:end]
    tparts: list[str] = []
    fparts: list[str] = []
    starts: list[int] = []
    sources: list[int] = []
    vpos = 0
    pa = pb = pend = -1
    for a, b, line_end, forced in lines:
        if pend != -1 and (forced or not (
            (src[pb - 1] if pb > pa else "") not in _TERMINAL
            and not _HEADING_AT_RE.match(src, a, b)
            and display_width(src[pa:pb]) >= wide
        )):
            # Not a wrapped line: keep the newline that ends the previous one (only stripped blanks between);
            # a zero-width line start is never a wrap (the text ran on there), its "\n" maps to that start.
            starts.append(vpos)
            sources.append(pend)
            tparts.append("\n")
            fparts.append("\n")
            vpos += 1
        pa, pb, pend = a, b, line_end
        i = a
        for da, db in _dropped(src, a, b, stars):  # the line's visible pieces, between what is dropped
            if da > i:
                starts.append(vpos)
                sources.append(i)
                tparts.append(src[i:da])
                fparts.append(fsrc[i:da])
                vpos += da - i
            i = db
    return TextView(text="".join(tparts), folded="".join(fparts), starts=tuple(starts), sources=tuple(sources),
                    end_offset=end)
