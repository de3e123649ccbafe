"""Channel statistics must be stated in the source: every number near its channel's name."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from itertools import chain, starmap

from service.extraction.model import Alignment, Channel, ChannelKind
from service.extraction.rules.channels import KEYWORD_KIND, KEYWORD_RE, NUMBER_RE, name_kind, number_value
from service.extraction.view import TextView
from service.lazy_re import lazy_compile
from service.reading.normalize import fold
from service.verification.injection import overlaps

NEAR_BEFORE = 12  # characters before the name where its number may stand
NEAR_AFTER = 80  # characters after the name
_AFTER_RE = lazy_compile(r"(?:[ \t]*[^ \t]){0," + str(NEAR_AFTER) + "}")
_NAME_STRIP_RE = lazy_compile(r"[\s\"'<>“”‘’《》「」]")
_NAME_KEEP_RE = lazy_compile(r"[^\s\"'<>“”‘’《》「」]+")


def number_near(view: TextView, a: int, b: int, value: int, forbidden: list[tuple[int, int]]) -> tuple[int, int] | None:
    """Where a number standing for ``value`` ("13528", "13,528", "1.35万") is in ``folded[a-NEAR_BEFORE :
    b+NEAR_AFTER]`` (blanks after the name, which a layout dump pads lines with, not counted), whole (not
    part of a longer number), if it is."""
    folded = view.folded
    lo, hi = max(0, a - NEAR_BEFORE), min(len(folded), b + NEAR_AFTER)
    if hi < len(folded) and " " in folded[b:hi]:
        after = _AFTER_RE.match(folded, b)
        hi = after.end() if after else hi
    for m in NUMBER_RE.finditer(folded, lo, hi):
        e = m.end("mult") if m.group("mult") else m.end("n")
        if number_value(folded[m.start() : e]) == value and not overlaps(forbidden, m.start(), e):
            return m.start(), e
    return None


def _normalized(folded: str) -> tuple[str, list[int]]:
    """``folded`` without the characters _NAME_STRIP_RE strips, and the position of each one kept."""
    runs = [m.span() for m in _NAME_KEEP_RE.finditer(folded)]
    return "".join(folded[a:b] for a, b in runs), list(chain.from_iterable(starmap(range, runs)))


def _name_hits(
    view: TextView, name: str, kind: str, forbidden: list[tuple[int, int]], src: _Source
) -> tuple[list[tuple[int, int]], bool]:
    """Occurrences of the channel's name (exact=True), else of its platform keywords (exact=False)."""
    folded_name = fold(name).strip()
    hits: list[tuple[int, int]] = []
    k = view.folded.find(folded_name) if folded_name else -1
    while k != -1:
        if not overlaps(forbidden, k, k + len(folded_name)):
            hits.append((k, k + len(folded_name)))
        k = view.folded.find(folded_name, k + 1)
    key = _NAME_STRIP_RE.sub("", folded_name)
    if key:
        # Also where the name is broken by a line break or quotes ("政\n府网站平台"): a wrapped mention may
        # be the one with the numbers, another mention standing whole.
        norm, keep = src.index
        k = norm.find(key)
        while k != -1:
            a, b = keep[k], keep[k + len(key) - 1] + 1
            if not overlaps(forbidden, a, b) and (a, b) not in hits:
                hits.append((a, b))
            k = norm.find(key, k + 1)
    if hits:
        return sorted(hits), True
    return _keyword_hits(view, kind, forbidden), False


def _keyword_hits(view: TextView, kind: str, forbidden: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Occurrences of the platform keywords of ``kind``."""
    return [(m.start(), m.end()) for m in KEYWORD_RE.finditer(view.folded)
            if KEYWORD_KIND[m.group()] == kind and not overlaps(forbidden, m.start(), m.end())]


class _Source:
    """One view to verify channels against, with its instruction spans and a lazy normalised index."""

    def __init__(self, view: TextView, forbidden: list[tuple[int, int]]) -> None:
        self.view = view
        self.forbidden = forbidden
        self._index: tuple[str, list[int]] | None = None

    @property
    def index(self) -> tuple[str, list[int]]:
        if self._index is None:
            self._index = _normalized(self.view.folded)
        return self._index


def _verify_one(src: _Source, ch: Channel, kind: ChannelKind) -> tuple[Channel | None, bool]:
    """(verified channel or None, followers dropped)."""
    view, forbidden = src.view, src.forbidden
    hits, exact = _name_hits(view, ch.channel, kind, forbidden, src)
    if not hits:
        return None, False
    posts_at = None
    if ch.posts is not None:
        posts_at = next((p for h in hits if (p := number_near(view, *h, ch.posts, forbidden))), None)
        if posts_at is None:
            return None, False
    followers = ch.followers
    blanked = followers is not None and not any(number_near(view, *h, followers, forbidden) for h in hits)
    if blanked and exact and followers is not None:
        # The follower count may be stated where the platform is named short ("…局微信公众号公开信息232条" …
        # "微信公众号累计关注量5833"): near a keyword of the same kind.
        blanked = not any(number_near(view, *h, followers, forbidden) for h in _keyword_hits(view, kind, forbidden))
    if blanked:
        followers = None
    if ch.posts is None and followers is None:
        return None, blanked
    anchor = hits[0]
    if posts_at is not None:
        anchor = min(hits, key=lambda h: abs(posts_at[0] - h[1]))
    start = min(anchor[0], posts_at[0] if posts_at else anchor[0])
    end = max(anchor[1], posts_at[1] if posts_at else anchor[1])
    verified = replace(ch, kind=kind, followers=followers, span=view.span(start, end),
                       alignment=Alignment.EXACT if exact else Alignment.FUZZY)
    return verified, blanked


def verify_channels(
    sources: list[tuple[TextView, list[tuple[int, int]]]], channels: list[Channel], dropped: Counter[str]
) -> list[Channel]:
    """Keep the channels whose posts (and followers) stand near their name in one of the views."""
    srcs = [_Source(v, f) for v, f in sources]
    out: list[Channel] = []
    for ch in channels:
        implied = name_kind(fold(ch.channel))
        kind = implied or ch.kind
        if implied and implied != ch.kind:
            dropped["channel_kind_corrected"] += 1
        best: tuple[Channel | None, bool] = (None, False)
        for src in srcs:
            best = _verify_one(src, ch, kind)
            if best[0] is not None:
                break
        if best[0] is None:
            dropped["channels"] += 1
            continue
        if best[1]:
            dropped["channel_followers"] += 1
        out.append(best[0])
    return out
