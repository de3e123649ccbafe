"""Platform statistics stated in the text: 在政府门户网站公开信息161条, 微信公众号累计关注量5833 ….

A channel is a platform keyword (its name extended leftwards to the account name), the first
count in its own clause (posts) and a follower count in its own or the next clause. Clauses stop
at ，。；： and at the next platform keyword, so a list "政府网站69条、政务微博174条" yields two.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from service.extraction.model import Alignment, Channel, ChannelKind
from service.extraction.view import TextView
from service.lazy_re import lazy_compile

# The platform keywords of each kind. Where one keyword begins another the longer comes first: at a
# position the first keyword (in this order) that matches wins.
KEYWORDS: dict[ChannelKind, tuple[str, ...]] = {
    "wechat": ("微信公众号", "微信公众平台", "微信服务号", "微信订阅号", "公众号", "微信号", "服务号", "订阅号", "微信"),
    "weibo": ("微博",),
    "video": ("视频号", "抖音号", "抖音", "快手号", "快手", "哔哩哔哩", "B站"),
    "app": ("客户端", "APP", "App", "app", "小程序"),
    "website": ("门户网站", "网站平台", "政府网站", "网站", "门户网", "政府网", "政务网", "政务服务网", "官网"),
    "other": ("公报", "头条号", "今日头条", "学习强国", "百家号", "政务新媒体", "政务号", "人民号", "澎湃号", "网易号",
              "小红书", "公开平台", "信息平台", "政务平台", "服务平台", "发布平台", "党务平台", "公开栏", "公示栏"),
}
KEYWORD_KIND: dict[str, ChannelKind] = {kw: kind for kind, kws in KEYWORDS.items() for kw in kws}
#: Keywords that only say "an account": another platform's keyword before them in the channel's name
#: (抖音政务号, 在抖音开设政务号) names the kind (see :func:`name_kind`).
WEAK_KEYWORDS = frozenset({"政务号"})
# One alternation of plain literals: the regex engine skips to the positions where a keyword's first
# character stands. The kind of a match is ``KEYWORD_KIND[m.group()]``.
KEYWORD_RE = lazy_compile("|".join(re.escape(kw) for kws in KEYWORDS.values() for kw in kws))
# A comma inside a number ("13,528") does not end a clause.
_CLAUSE_STOP_RE = lazy_compile("[，。；;：:\n]|(?<!\\d),|,(?!\\d{3}(?![\\d.]))")
_NAME_STOP = "，,。；;：:、\n（）() "
_NAME_RUN_RE = lazy_compile("[^" + re.escape(_NAME_STOP) + "]*\\Z")
_NOT_NUMBER_RE = lazy_compile(r"[^\d.]")
_DIGIT_RE = lazy_compile(r"\d")
_NAME_PREFIX_STOP_RE = lazy_compile(r".*(?:在|通过|依托|利用|借助|其中|经|于|并)")
# A count: digits (full-width ones are folded), thousands separated by commas ("13,528"), a decimal with
# 万 or 亿 ("1.35万"), then 余/多 and a unit.
NUMBER_RE = lazy_compile(
    r"(?<![\d.])(?=\d)(?P<n>\d{1,3}(?:,\d{3})+(?![\d.])|\d+(?:\.\d+)?)\s*(?P<mult>万|亿)?\s*(?:余|多)?"
    r"\s*(?P<unit>条|篇|期|则|幅|件|次|个|人|户|名)?"
)
_MULTIPLIER = {"万": 10_000, "亿": 100_000_000}
# A clause that opens by saying what was posted: "年内推送232条", "共发布各类信息1.2万条".
_POST_VERB_RE = lazy_compile(r"[^\d，,。；;、]{0,6}?(?:发布|推送|更新|公开|刊发|发送|编发)[^\d，,。；;、]{0,12}\d")
_FOLLOWERS_RE = lazy_compile(r"关注|粉丝|订阅(?!号)|用户数")  # 订阅号 is a kind of account, not its subscribers
_EXCLUDED_RE = lazy_compile(r"浏览|阅读|访问|点击|留言|评论|点赞|访客|群组|个数|转发量")
# Accounts: their number ("开通账号12个") is no figure of a channel, but an account's posts are
# ("小红书账号发布120篇"): words on accounts stop a count only without a unit of posts.
_ACCOUNTS_RE = lazy_compile(r"账号")
_POST_UNITS = frozenset("条篇期则幅件次")
_MAX_GAP = 40
_GAP_RE = lazy_compile(r"(?:[ \t\u3000]*[^ \t\u3000]){0," + str(_MAX_GAP) + "}")
KINDS: dict[str, ChannelKind] = {
    "website": "website", "wechat": "wechat", "weibo": "weibo", "video": "video", "app": "app", "other": "other",
}


@dataclass(slots=True)
class _Stat:
    kind: str
    name: tuple[int, int]
    posts: tuple[int, int, str] | None = None  # (view start, view end, unit) of the number
    followers: tuple[int, int] | None = None


def find_channels(view: TextView) -> list[Channel]:
    """Every platform statistic in the view, merged by (kind, posts)."""
    text, folded = view.text, view.folded
    hits = list(KEYWORD_RE.finditer(folded))
    stats: list[_Stat] = []
    for idx, m in enumerate(hits):
        name_end = m.end()
        while name_end < len(folded) and folded[name_end] in '>"':
            name_end += 1
        nxt = hits[idx + 1].start() if idx + 1 < len(hits) else len(folded)
        clause_end = _clause_end(folded, name_end, nxt)
        if not _DIGIT_RE.search(folded, name_end, clause_end):
            # No number in its own clause: the next clause counts only if it says what was posted
            # ("…微信公众号持续运营，年内推送232条").
            if clause_end >= nxt or folded[clause_end] not in "，,":
                continue
            after = _clause_end(folded, clause_end + 1, nxt)
            if not _POST_VERB_RE.match(folded, clause_end + 1, after):
                continue
            clause_end = after
        name_at = _name_start(folded, m.start())
        stat = _Stat(name_kind(folded[name_at:name_end]) or KEYWORD_KIND[m.group()], (name_at, name_end))
        _read_clause(folded, name_end, clause_end, stat, allow_posts=True)
        # The next clause may carry the other figure ("关注量5833条,公开信息232条").
        found = stat.followers is not None or stat.posts is not None
        if found and clause_end < nxt and folded[clause_end] in "，,":
            nxt_end = _clause_end(folded, clause_end + 1, nxt)
            _read_clause(folded, clause_end + 1, nxt_end, stat, allow_posts=stat.followers is not None)
        if stat.posts is not None or stat.followers is not None:
            stats.append(stat)
    return _merge(view, text, stats)


def name_kind(folded_name: str) -> ChannelKind | None:
    """The kind the platform keywords in a (folded) channel name imply, or None without one: the last
    keyword's ("微信公众号和微博" weibo), except that a weak keyword (政务号) takes the kind of any keyword before it
    ("抖音政务号" and "抖音开设政务号" are video, "政务号" alone other). The extractor names a channel's
    kind by it and verification checks every extracted channel's kind (an LLM's too) against it."""
    kind: ChannelKind | None = None
    for m in KEYWORD_RE.finditer(folded_name):
        if kind is None or m.group() not in WEAK_KEYWORDS:
            kind = KEYWORD_KIND[m.group()]
    return kind


def _name_start(folded: str, kw_start: int) -> int:
    """Extend a keyword leftwards over the account name (stop at punctuation and 在/通过 …)."""
    # The longest run of up to 20 characters without a stop that ends at the keyword.
    m0 = _NAME_RUN_RE.search(folded, max(0, kw_start - 20), kw_start)
    a = m0.start() if m0 else kw_start
    prefix = folded[a:kw_start]
    m = _NAME_PREFIX_STOP_RE.match(prefix)
    if m:
        a += m.end()
    k = folded.find("<", a, kw_start)
    if k != -1:
        a = k
    # Drop a leading verb-like run that is not part of a name ("制作<…公报>": handled above).
    return a


def _clause_end(folded: str, a: int, limit: int) -> int:
    """Where the clause from ``a`` ends: a stop, ``limit``, or _MAX_GAP characters on (blanks, which a
    layout dump pads lines with, not counted)."""
    end = min(limit, len(folded))
    near = folded[a : min(end, a + _MAX_GAP)]
    if a <= end and " " not in near and "\t" not in near and "\u3000" not in near:
        end = a + len(near)  # no blank to pass over: what _GAP_RE takes
    else:
        span = _GAP_RE.match(folded, a, end)
        end = span.end() if span else end
    m = _CLAUSE_STOP_RE.search(folded, a, end)
    return m.start() if m else end


def _read_clause(folded: str, a: int, b: int, stat: _Stat, allow_posts: bool) -> None:
    """The posts and followers of one clause; a second figure joined by 、 ("发布45条、粉丝6789人") is read
    with the words since the first one as its context."""
    ctx = a  # where the words describing the next number start
    for m in NUMBER_RE.finditer(folded, a, b):
        after = folded[m.end() : m.end() + 1]
        unit = m.group("unit")
        if after == "年" or (unit is None and after in "年月日%"):
            continue
        if _EXCLUDED_RE.search(folded, ctx, m.start()) or (
                unit not in _POST_UNITS and _ACCOUNTS_RE.search(folded, ctx, m.start())):
            return
        if _FOLLOWERS_RE.search(folded, ctx, m.start()):
            if stat.followers is not None:
                return
            stat.followers = (m.start("n"), m.end("mult") if m.group("mult") else m.end("n"))
        else:
            if not (allow_posts and stat.posts is None and unit in _POST_UNITS):
                return
            stat.posts = (m.start("n"), m.end("mult") if m.group("mult") else m.end("n"), unit)
        if folded.find("、", m.end(), b) == -1:
            return
        ctx = m.end()


def number_value(text: str) -> int:
    """The count a (folded) number stands for: "13,528" 13528, "1.35万" 13500, "12" 12."""
    mult = _MULTIPLIER.get(text[-1:], 1)
    num = float(_NOT_NUMBER_RE.sub("", text))
    return round(num * mult)


def _merge(view: TextView, text: str, stats: list[_Stat]) -> list[Channel]:
    out: list[Channel] = []
    folded = view.folded  # "１．３５万" read as 1.35万
    for s in stats:
        posts = number_value(folded[s.posts[0] : s.posts[1]]) if s.posts else None
        followers = number_value(folded[s.followers[0] : s.followers[1]]) if s.followers else None
        same = next((c for c in out if c.kind == s.kind and posts is not None and c.posts == posts), None)
        if same is None and posts is None:
            same = next((c for c in out if c.kind == s.kind and c.followers is None), None)
        if same is not None:
            if same.followers is None and followers is not None:
                same.followers = followers
            continue
        end = max(x for x in (s.name[1], s.posts[1] if s.posts else 0, s.followers[1] if s.followers else 0))
        kind = KINDS.get(s.kind, "other")
        out.append(
            Channel(
                channel=text[s.name[0] : s.name[1]].strip(),
                kind=kind,
                posts=posts,
                followers=followers,
                unit=s.posts[2] if s.posts else None,
                span=view.span(s.name[0], end),
                alignment=Alignment.EXACT,
            )
        )
    return [c for c in out if c.posts is not None or c.followers is not None]
