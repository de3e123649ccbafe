"""Builders for the narrative of issue 9 class 7: the gold problems, measures and channels of the ten
labelled reports (tests/unseen_narrative.py renders them into a whole report) restyled the way
PDF-to-text dumps, crawled pages and other publishers print them:

- **pages**: the whole report as a PDF-to-text tool leaves it — every paragraph hard-wrapped at a fixed
  width (a heading such as ``（一）加强…`` continues on the next line), page numbers and a running header
  between the lines of a paragraph, form feeds; or as a crawler leaves it — the whole report on one line;
- **run-together lists**: measures and problems in one paragraph (``一是…；二是…``, ``1.…2.…`` inline,
  ``首先…其次…最后…``), a heading on a line of its own with its body below, numbering restarting in the
  measure part;
- **channel prose**: the platform figures in the words of other reports (``政务新媒体…发布信息13528条``),
  with 万 units, full-width digits, thousands separators and long descriptions between name and number.

The truth of every variant is known by construction: item texts are verbatim (a heading split from its
body becomes ``heading。body`` as a reader would quote it), channel figures are the gold figures (or the
gold figures scaled where a style states them in 万, the truth scaled with them). Deterministic.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from tests.unseen_narrative import (
    CN,
    MEASURE_STYLES,
    PROBLEM_STYLES,
    Truth,
    Variant,
    _bare,
    _heading_split,
    _period,
    channel_sentence,
    render,
)

# --------------------------------------------------------------------------------------------------
# Pages: what a PDF-to-text tool or a crawler does to a whole report.

TITLE = "某某县某某局2024年政府信息公开工作年度报告"
PAGE_MARKS: dict[str, Callable[[int, int], str]] = {
    "dash": lambda p, n: f"- {p} -",
    "emdash": lambda p, n: f"— {p} —",
    "of": lambda p, n: f"第 {p} 页 共 {n} 页",
    "bare": lambda p, n: f"{p}",
    "slash": lambda p, n: f"{p}/{n}",
}


def _width(ch: str) -> int:
    return 2 if unicodedata.east_asian_width(ch) in "WF" else 1


def wrap_line(line: str, width: int) -> list[str]:
    """A paragraph cut into lines of ``width`` columns (a CJK character is two), as a PDF lays it out."""
    out: list[str] = []
    cur: list[str] = []
    used = 0
    for ch in line:
        w = _width(ch)
        if used + w > width and cur:
            out.append("".join(cur))
            cur, used = [], 0
        cur.append(ch)
        used += w
    if cur:
        out.append("".join(cur))
    return out


def pdf_dump(text: str, width: int = 56, page_lines: int = 14, mark: str = "dash", header: bool = True,
             form_feed: bool = False, blank_between: bool = False, indent: str = "") -> str:
    """``text`` as a PDF-to-text dump: paragraphs wrapped at ``width`` columns, a page mark (and the running
    header) every ``page_lines`` lines — wherever it falls, mid-paragraph included."""
    lines: list[str] = []
    paragraphs = text.rstrip("\n").split("\n")
    for k, para in enumerate(paragraphs):
        lines += wrap_line(indent + para if k else para, width)
        if blank_between:
            lines.append("")
    pages = [lines[i : i + page_lines] for i in range(0, len(lines), page_lines)]
    out: list[str] = []
    for p, page in enumerate(pages, start=1):
        if p > 1 and header:
            out.append(TITLE)
        out += page
        out.append(PAGE_MARKS[mark](p, len(pages)))
        if form_feed and p < len(pages):
            out[-1] += "\f"
    return "\n".join(out) + "\n"


def one_line(text: str, joiner: str = "\u3000\u3000") -> str:
    """``text`` as a crawler's page text: a header block, then the whole report with its line breaks gone."""
    head = f"标题：{TITLE} 发布时间：2025-01-20 来源：某某县人民政府 "
    return head + joiner.join(p for p in text.split("\n") if p) + " 【打印本页】【关闭窗口】\n"


def letter_spaced(line: str) -> str:
    """A line as a justified PDF line with wide character spacing comes out of a text dump: every
    character one blank apart (``政 府 网 站 发 布 信 息 1 6 1 条``)."""
    return " ".join(ch for ch in line if not ch.isspace())


def spaced_lines(text: str, every: int = 3, offset: int = 1) -> str:
    """Every ``every``-th non-blank line of ``text`` letter-spaced (headings and paragraphs alike)."""
    out = []
    k = 0
    for line in text.split("\n"):
        if line.strip() and not line.startswith("- "):
            k += 1
            if k % every == offset:
                line = letter_spaced(line)
        out.append(line)
    return "\n".join(out)


PAGE_STYLES: dict[str, Callable[[str], str]] = {
    "pdf_w56_dash": lambda t: pdf_dump(t, 56, 14, "dash"),
    "pdf_w60_of_ff": lambda t: pdf_dump(t, 60, 17, "of", form_feed=True),
    "pdf_w48_bare_blank": lambda t: pdf_dump(t, 48, 12, "bare", blank_between=True),
    "pdf_w64_emdash_noheader": lambda t: pdf_dump(t, 64, 20, "emdash", header=False),
    "pdf_w52_slash_indent": lambda t: pdf_dump(t, 52, 15, "slash", indent="\u3000\u3000"),
    "pdf_w40_dash_short_pages": lambda t: pdf_dump(t, 40, 9, "dash"),
    "crawl_indent": lambda t: one_line(t, "\u3000\u3000"),
    "crawl_space": lambda t: one_line(t, " "),
    "crawl_glued": lambda t: one_line(t, ""),  # no blank at all where the paragraphs were
    "letter_spaced_paragraphs": lambda t: spaced_lines(t, 2, 0),  # every other paragraph
    "pdf_w56_letter_spaced": lambda t: spaced_lines(pdf_dump(t, 56, 14, "dash"), 3, 1),  # every third line
}


# --------------------------------------------------------------------------------------------------
# Run-together lists and headings apart from their bodies.

MeasureStyle = Callable[[tuple[str, ...]], "tuple[str, tuple[str, ...]] | None"]
ORDINALS = ("首先", "其次", "再次")


def _inline(marker: Callable[[int, int], str], lead: str, sep: str) -> MeasureStyle:
    def render_items(items: tuple[str, ...]) -> tuple[str, tuple[str, ...]] | None:
        if any("；" in t for t in items) and sep == "；":
            return None  # a ；inside an item: the reader could not tell the points apart either
        body = sep.join(marker(i, len(items)) + _bare(t) for i, t in enumerate(items)) + "。"
        return lead + body, items
    return render_items


def _ordinal(i: int, n: int) -> str:
    if i == n - 1 and n > 1:
        return "最后，"
    return ORDINALS[i] + "，" if i < len(ORDINALS) else ""


def _heading_apart(marker: Callable[[int], str]) -> MeasureStyle:
    """``（一）heading`` on a line of its own, the body on the next; items without a heading stay whole."""
    def render_items(items: tuple[str, ...]) -> tuple[str, tuple[str, ...]] | None:
        lines = []
        for i, t in enumerate(items):
            hb = _heading_split(t)
            if hb:
                lines += [marker(i) + hb[0], _period(hb[1])]
            else:
                lines.append(marker(i) + _period(t))
        return "\n".join(lines), items
    return render_items


MEASURE_RUN_STYLES: dict[str, MeasureStyle] = {
    "m_shi_semicolon": _inline(lambda i, n: f"{CN[i]}是", "下一步，我们将：", "；"),
    "m_shi_semicolon_nolead": _inline(lambda i, n: f"{CN[i]}是", "", "；"),
    "m_num_dot_inline": _inline(lambda i, n: f"{i + 1}.", "下一步，我局将重点做好以下工作：", "；"),
    "m_num_dot_inline_period": _inline(lambda i, n: f"{i + 1}.", "下一步工作中，我们将从以下方面改进：", "。"),
    "m_num_dun_inline": _inline(lambda i, n: f"{i + 1}、", "对此，我们将：", "；"),
    "m_ordinals": _inline(_ordinal, "下一步，我们将从以下几个方面加以改进：", "；"),
    "m_ordinals_period": _inline(_ordinal, "针对上述问题，", "。"),
    "m_paren_cn_heading_apart": _heading_apart(lambda i: f"（{CN[i]}）"),
    "m_cn_dun_heading_apart": _heading_apart(lambda i: f"{CN[i]}、"),
    "m_num_dot_heading_apart": _heading_apart(lambda i: f"{i + 1}."),
}

ProblemStyle = Callable[[tuple[str, ...]], "str | None"]


def _pinline(marker: Callable[[int, int], str], lead: str, sep: str) -> ProblemStyle:
    def render_items(items: tuple[str, ...]) -> str | None:
        if any(c in t for t in items for c in "；;") and sep == "；":
            return None
        return lead + sep.join(marker(i, len(items)) + _bare(t) for i, t in enumerate(items)) + "。"
    return render_items


PROBLEM_RUN_STYLES: dict[str, ProblemStyle] = {
    "p_ordinals": _pinline(_ordinal, "对照新形势新要求，我局政府信息公开工作还存在一些不足：", "；"),
    "p_num_dot_semicolon": _pinline(lambda i, n: f"{i + 1}.", "工作中也存在一些问题：", "；"),
    "p_shi_semicolon_nolead": _pinline(lambda i, n: f"{CN[i]}是", "", "；"),
    "p_num_dun_period": _pinline(lambda i, n: f"{i + 1}、", "存在的问题主要有：", "。"),
}


def restyled(truth: Truth, problem: str | None = None, measure: str | None = None, layout: str = "l_headed",
             **kw: Any) -> Variant | None:
    """The report of ``truth`` with its problems and/or measures in one of the styles above."""
    base = render(truth, layout=layout, **kw)
    if base is None:
        return None
    text, measures = base.text, base.measures
    if problem is not None:  # the default problem text (render's p_shi_inline) is replaced
        ptext = PROBLEM_RUN_STYLES[problem](truth.problems)
        if ptext is None:
            return None
        default = PROBLEM_STYLES["p_shi_inline"](truth.problems)
        assert default is not None and default in text
        text = text.replace(default, ptext, 1)
    if measure is not None and truth.measures:
        default_m, _ = MEASURE_STYLES["m_shi_lines"](truth.measures)
        got = MEASURE_RUN_STYLES[measure](truth.measures)
        if got is None:
            return None
        mtext, measures = got
        assert default_m in text
        text = text.replace(default_m, mtext, 1)
    return replace(base, text=text, measures=measures)


# --------------------------------------------------------------------------------------------------
# Channel prose: the platform figures in other reports' words.

FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def _plain(n: int) -> str:
    return str(n)


def _thousands(n: int) -> str:
    return f"{n:,}"


def _full(n: int) -> str:
    return str(n).translate(FULL_WIDTH)


ChannelProse = Callable[[str, dict, Callable[[int], str]], str]
CHANNEL_PROSE: dict[str, ChannelProse] = {
    "cp_quannian": lambda name, c, num: f"全年依托{name}发布各类政务信息{num(c['posts'])}{c['unit']}"
    + (f"，关注用户达{num(c['followers'])}人" if c["followers"] else ""),
    "cp_long_gap": lambda name, c, num: f"{name}全年累计发布政务动态、通知公告、政策解读等信息{num(c['posts'])}{c['unit']}"
    + (f"，粉丝{num(c['followers'])}人" if c["followers"] else ""),
    "cp_gengxin": lambda name, c, num: f"{name}更新信息{num(c['posts'])}{c['unit']}"
    + (f"，订阅数{num(c['followers'])}" if c["followers"] else ""),
    "cp_name_after_verb": lambda name, c, num: f"本年度在{name}上公开信息共{num(c['posts'])}{c['unit']}"
    + (f"，现有关注者{num(c['followers'])}人" if c["followers"] else ""),
    "cp_kaishe": lambda name, c, num: f"{name}持续运营，年内推送{num(c['posts'])}{c['unit']}"
    + (f"，累计关注{num(c['followers'])}人" if c["followers"] else ""),
}
NUMBER_FORMS: dict[str, Callable[[int], str]] = {"plain": _plain, "thousands": _thousands, "full": _full}
NAMES = {"website": "区政府门户网站", "wechat": "“某某政务”微信公众号", "weibo": "“某某发布”政务微博",
         "video": "“某某发布”视频号", "app": "“某某”政务客户端", "other": "政务公开平台"}


# Other names reports give the same platforms: each holds a platform keyword of the rules inside a longer
# wording (an affix, a trailing 平台/账号/矩阵, two platforms' words), and none is itself a keyword (a test
# checks it), so they test how the names are read rather than echo the keyword list.
OTHER_NAMES: tuple[dict[str, str], ...] = (
    {"website": "区人民政府门户网站", "wechat": "“某某政务”微信公众号平台", "weibo": "新浪政务微博",
     "video": "抖音短视频账号", "other": "“某某”政务头条号"},
    {"website": "县政府门户网", "wechat": "政务微信公众平台", "weibo": "官方微博账号", "video": "“某某”视频号账号",
     "other": "“某某”学习强国号"},
    {"website": "区政府信息公开网站", "wechat": "“某某”微信订阅号平台", "weibo": "“某某”政务微博矩阵", "video": "快手政务号",
     "other": "政务新媒体矩阵"},
)


def channel_prose(channels: tuple[dict, ...], style: str, number: str, sep: str = "；",
                  spaced_names: bool = False, names_by_kind: dict[str, str] | None = None) -> str:
    num = NUMBER_FORMS[number]
    names = [(names_by_kind or NAMES).get(c["kind"], c["channel"]) for c in channels]
    if spaced_names:
        names = [" " + letter_spaced(n) + " " for n in names]
    return sep.join(CHANNEL_PROSE[style](n, c, num) for n, c in zip(names, channels, strict=True)) + "。"


def new_media_total(truth: Truth) -> dict | None:
    """A 政务新媒体 figure built from the gold numbers: the new-media accounts' posts added up."""
    posts = sum(c["posts"] or 0 for c in truth.channels if c["kind"] in ("wechat", "weibo", "video", "app"))
    if not posts:
        return None
    return {"channel": "政务新媒体", "kind": "other", "posts": posts * 10, "followers": None, "unit": "条"}


def in_wan(c: dict) -> tuple[dict, str]:
    """A channel whose posts are stated in 万 (the gold posts × 100, so ``x.yy万``), and its wording."""
    posts = c["posts"] * 100
    return {**c, "posts": posts}, f"{posts / 10000:g}万"


def with_channel_prose(truth: Truth, style: str, number: str = "plain", new_media: bool = False,
                       wan: bool = False, spaced_names: bool = False,
                       names_by_kind: dict[str, str] | None = None) -> Variant | None:
    """The report of ``truth`` with its 平台建设 paragraph in the prose of ``style`` (``spaced_names``: each
    platform's name letter-spaced, ``政 府 门 户 网 站``, the rest of the sentence not)."""
    base = render(truth)
    if base is None or not truth.channels:
        return None
    old = channel_sentence(truth.channels, "c_tongguo", False)
    channels = list(truth.channels)
    if wan:
        scaled = [in_wan(c) for c in channels]
        channels = [c for c, _ in scaled]
        words = [w for _, w in scaled]
        prose = "；".join(
            f"{NAMES.get(c['kind'], c['channel'])}全年发布信息{w}{c['unit']}"
            + (f"，关注用户{c['followers']}人" if c["followers"] else "") for c, w in zip(channels, words, strict=True)
        ) + "。"
    else:
        prose = channel_prose(tuple(channels), style, number, spaced_names=spaced_names, names_by_kind=names_by_kind)
    if new_media and (nm := new_media_total(truth)):
        prose = f"全区政务新媒体矩阵全年发布信息{NUMBER_FORMS[number](nm['posts'])}条。" + prose
        channels.append(nm)
    assert old in base.text
    return replace(base, text=base.text.replace(old, prose, 1), channels=tuple(channels))
