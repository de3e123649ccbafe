"""Builders for the unseen-narrative stress set: the gold problems, measures and channels of the ten
labelled reports re-rendered in narrative styles real reports use and the labelled ones do not show.

Item texts are kept verbatim (a measure's heading separator may become "：", and the truth with it),
so the truth of every variant is known by construction. Everything is deterministic.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from tests._corpus import GOLD_DIR

CN = "一二三四五六七八九十"
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩"


@dataclass(frozen=True)
class Truth:
    """One labelled report's narrative truth."""

    stem: str
    problems: tuple[str, ...]
    measures: tuple[str, ...]
    problem_categories: tuple[str, ...]
    measure_categories: tuple[str, ...]
    channels: tuple[dict, ...]
    disclosure_total: int | None
    applications_received: int | None
    fee: bool | None


def load_truths() -> list[Truth]:
    out = []
    for path in sorted(GOLD_DIR.glob("*.json")):
        nar = json.loads(path.read_text(encoding="utf-8"))["narrative"]
        # Gold texts of PDF reports may carry a paragraph break from the page; a reader sees one text.
        clean = [re.sub(r"\s*\n\s*", "", p["text"]) for p in nar["problems"]]
        mclean = [re.sub(r"\s*\n\s*", "", m["text"]) for m in nar["measures"]]
        out.append(Truth(
            stem=path.stem,
            problems=tuple(clean),
            measures=tuple(mclean),
            problem_categories=tuple(p["category"] for p in nar["problems"]),
            measure_categories=tuple(m["category"] for m in nar["measures"]),
            channels=tuple(nar["channels"]),
            disclosure_total=nar["disclosure_total"],
            applications_received=nar["applications_received"],
            fee=nar["processing_fee_collected"],
        ))
    return out


# --------------------------------------------------------------------------------------------------
# Problems: how a list of problems is printed. Each renderer returns the text of the problem part
# (without its sub-heading), or None where the style cannot carry these items unambiguously.

def _period(t: str) -> str:
    return t if t.endswith(("。", "；", "！")) else t + "。"


def _bare(t: str) -> str:
    return t.rstrip("。；;")


ProblemStyle = Callable[[tuple[str, ...]], str | None]


def _enum(marker: Callable[[int], str], inline: bool, sep: str = "；") -> ProblemStyle:
    def render(items: tuple[str, ...]) -> str | None:
        if inline:
            body = sep.join(marker(i) + _bare(t) for i, t in enumerate(items)) + "。"
            return "经自查，本年度工作中还存在一些问题：" + body
        return "\n".join(marker(i) + _period(_bare(t)) for i, t in enumerate(items))
    return render


def _run_together(lead: str, sep: str, tail: str) -> ProblemStyle:
    def render(items: tuple[str, ...]) -> str | None:
        seps = {"；": "；;", "，": "，,", "、": "、"}[sep]
        if len(items) < 2 or any(c in t for t in items for c in seps + "；;。"):
            return None
        if sep == "、" and any(c in t for t in items for c in "，,、"):
            return None
        return lead + sep.join(_bare(t) for t in items) + tail
    return render


def _paragraphs(lead: str) -> ProblemStyle:
    def render(items: tuple[str, ...]) -> str | None:
        return (lead + "\n" if lead else "") + "\n".join(_period(_bare(t)) for t in items)
    return render


PROBLEM_STYLES: dict[str, ProblemStyle] = {
    "p_num_dot_lines": _enum(lambda i: f"{i + 1}.", inline=False),
    "p_num_dot_inline": _enum(lambda i: f"{i + 1}.", inline=True),
    "p_num_dun_lines": _enum(lambda i: f"{i + 1}、", inline=False),
    "p_paren_num_lines": _enum(lambda i: f"（{i + 1}）", inline=False),
    "p_paren_num_inline": _enum(lambda i: f"（{i + 1}）", inline=True),
    "p_circled_inline": _enum(lambda i: CIRCLED[i], inline=True),
    "p_circled_lines": _enum(lambda i: CIRCLED[i], inline=False),
    "p_di_inline": _enum(lambda i: f"第{CN[i]}，", inline=True),
    "p_di_lines": _enum(lambda i: f"第{CN[i]}，", inline=False),
    "p_shi_inline": _enum(lambda i: f"{CN[i]}是", inline=True),
    "p_shi_lines": _enum(lambda i: f"{CN[i]}是", inline=False),
    "p_shi_period_inline": _enum(lambda i: f"{CN[i]}是", inline=True, sep="。"),
    "p_bold_shi_lines": _enum(lambda i: f"**{CN[i]}是**", inline=False),
    "p_bold_num_lines": _enum(lambda i: f"**{i + 1}.**", inline=False),
    "p_plain_paragraphs": _paragraphs(""),
    "p_plain_paragraphs_lead": _paragraphs("主要存在以下几方面问题："),
    "p_run_semicolon_biaoxian": _run_together("工作中仍有不足，主要表现在：", "；", "等。"),
    "p_run_semicolon_ruxia": _run_together("存在的问题具体如下：", "；", "。"),
    "p_run_comma_buzu": _run_together("对照要求，仍存在以下不足：", "，", "等问题。"),
    "p_run_dun_deng": _run_together("但也存在", "、", "等问题。"),
}


# --------------------------------------------------------------------------------------------------
# Measures: a point is "heading。body" (or a body alone). The heading separator may be "：".

MeasureStyle = Callable[[tuple[str, ...]], tuple[str, tuple[str, ...]]]  # (text, truth texts)


def _heading_split(t: str) -> tuple[str, str] | None:
    k = t.find("。")
    if 2 <= k <= 20 and k < len(t) - 1:
        return t[:k], t[k + 1 :]
    return None


def _colon(t: str) -> str:
    hb = _heading_split(t)
    return f"{hb[0]}：{hb[1]}" if hb else t


def _menum(marker: Callable[[int], str], inline: bool, colon: bool = False, lead: str = "",
           bold: bool = False) -> MeasureStyle:
    def render(items: tuple[str, ...]) -> tuple[str, tuple[str, ...]]:
        truth = tuple(_colon(t) if colon else t for t in items)
        parts = []
        for i, t in enumerate(truth):
            if bold and (hb := _heading_split(t) or (_colon_split(t) if colon else None)):
                sep = "：" if colon else "。"
                parts.append(f"**{marker(i)}{hb[0]}{sep}**{hb[1]}")
            else:
                parts.append(marker(i) + _period(t))
        text = ("" if inline else "\n").join(parts)
        return (lead + text if inline else (lead + "\n" if lead else "") + text), truth
    return render


def _colon_split(t: str) -> tuple[str, str] | None:
    k = t.find("：")
    return (t[:k], t[k + 1 :]) if 2 <= k <= 20 else None


def _mparagraphs(lead: str) -> MeasureStyle:
    def render(items: tuple[str, ...]) -> tuple[str, tuple[str, ...]]:
        return (lead + "\n" if lead else "") + "\n".join(_period(t) for t in items), items
    return render


MEASURE_STYLES: dict[str, MeasureStyle] = {
    "m_cn_dun_lines": _menum(lambda i: f"{CN[i]}、", inline=False),
    "m_num_dot_lines": _menum(lambda i: f"{i + 1}.", inline=False),
    "m_num_dot_colon": _menum(lambda i: f"{i + 1}.", inline=False, colon=True),
    "m_num_dun_lines": _menum(lambda i: f"{i + 1}、", inline=False),
    "m_paren_num_lines": _menum(lambda i: f"（{i + 1}）", inline=False),
    "m_paren_cn_colon": _menum(lambda i: f"（{CN[i]}）", inline=False, colon=True),
    "m_circled_inline": _menum(lambda i: CIRCLED[i], inline=True, lead="下一步，我们将："),
    "m_di_inline": _menum(lambda i: f"第{CN[i]}，", inline=True, lead="下一步，将重点做好以下工作："),
    "m_shi_inline": _menum(lambda i: f"{CN[i]}是", inline=True, lead="针对上述问题，下一步，我们将从以下方面改进："),
    "m_shi_lines": _menum(lambda i: f"{CN[i]}是", inline=False),
    "m_shi_colon_inline": _menum(lambda i: f"{CN[i]}是", inline=True, colon=True, lead="下一步，我局将："),
    "m_bold_paren_cn": _menum(lambda i: f"（{CN[i]}）", inline=False, bold=True),
    "m_bold_num_colon": _menum(lambda i: f"{i + 1}.", inline=False, colon=True, bold=True),
    "m_plain_paragraphs": _mparagraphs(""),
    "m_plain_paragraphs_lead": _mparagraphs("下一步，我们将重点做好以下工作："),
}


# --------------------------------------------------------------------------------------------------
# Section 五: how the problem part and the measure part are laid out, and the section's title.

@dataclass(frozen=True)
class Layout:
    title: str
    problem_head: str | None  # a line of its own before the problems (None: unheaded)
    measure_head: str | None  # a line of its own before the measures (None: same block, lead-in)
    measure_lead: str = ""  # an unheaded measure part starts with this


LAYOUTS: dict[str, Layout] = {
    "l_headed": Layout("五、存在的主要问题及改进情况", "（一）存在的主要问题", "（二）改进情况"),
    "l_headed_cn_dun": Layout("五、存在的主要问题及改进情况", "一、存在的问题", "二、改进措施"),
    "l_unheaded": Layout("五、存在的主要问题及改进情况", None, None, "针对上述问题，下一步，我们将："),
    "l_unheaded_no_lead": Layout("五、存在的主要问题及改进情况", None, None, "2025年，我们将从以下方面改进："),
    "l_bare_words": Layout("五、存在的主要问题及改进情况", "问题", "措施"),
    "l_bare_plans": Layout("五、存在的主要问题及改进情况", "存在问题：", "下一步工作打算："),
    "l_title_buzu": Layout("五、存在的不足和改进措施", "（一）存在的不足", "（二）改进措施"),
    "l_title_dasuan": Layout("五、政府信息公开工作存在的主要问题及下一步工作打算", None, None,
                             "下一步工作打算："),
}


def section5(problems: str, measures: str, layout: Layout) -> str:
    parts = []
    if layout.problem_head:
        parts.append(layout.problem_head)
    parts.append(problems)
    if measures:
        if layout.measure_head:
            parts.append(layout.measure_head)
            parts.append(measures)
        elif layout.measure_lead and not measures.startswith(("针对", "下一步", "2025")):
            parts.append(layout.measure_lead + ("\n" if "\n" in measures else "") + measures)
        else:
            parts.append(measures)
    return layout.title + "\n" + "\n".join(parts)


# --------------------------------------------------------------------------------------------------
# Channels, figures and the fee sentence.

CHANNEL_NAMES = {"website": "政府门户网站", "wechat": "“某某发布”微信公众号", "weibo": "政务微博",
                 "video": "抖音号", "app": "“某某”客户端"}


def _wan(n: int) -> str:
    return f"{n / 10000:g}万" if n >= 10000 and n % 1000 == 0 else str(n)


ChannelStyle = Callable[[str, dict], str]

CHANNEL_STYLES: dict[str, ChannelStyle] = {
    "c_tongguo": lambda name, c: f"通过{name}发布信息{c['posts']}{c['unit']}"
    + (f"，关注人数{c['followers']}人" if c["followers"] else ""),
    "c_spaced": lambda name, c: f"{name}发布 {c['posts']} {c['unit']}"
    + (f"、粉丝 {c['followers']} 人" if c["followers"] else ""),
    "c_push": lambda name, c: f"{name}推送信息{c['posts']}{c['unit']}"
    + (f"，累计关注用户{_wan(c['followers'])}人" if c["followers"] else ""),
    "c_leiji": lambda name, c: f"{name}累计发布各类信息{c['posts']}{c['unit']}"
    + (f"，粉丝数达{c['followers']}人" if c["followers"] else ""),
    "c_followers_first": lambda name, c: (f"{name}关注人数{c['followers']}人，发布信息{c['posts']}{c['unit']}"
                                          if c["followers"] else f"{name}发布信息{c['posts']}{c['unit']}"),
    "c_zai": lambda name, c: f"在{name}主动公开政府信息{c['posts']}{c['unit']}"
    + (f"，关注量{c['followers']}" if c["followers"] else ""),
}


def channel_sentence(channels: tuple[dict, ...], style: str, rename: bool, sep: str = "；") -> str:
    render = CHANNEL_STYLES[style]
    parts = []
    for c in channels:
        name = CHANNEL_NAMES.get(c["kind"], c["channel"]) if rename else c["channel"]
        parts.append(render(name, c))
    return sep.join(parts) + "。" if parts else ""


TOTAL_STYLES = {
    "t_plain": "全年主动公开政府信息{n}条。",
    "t_spaced": "本年度累计主动公开各类信息 {n} 条。",
    "t_gongji": "主动公开政府信息共计{n}条。",
}
APPS_STYLES = {
    "a_shoudao": ("全年共收到政府信息公开申请{n}件，均在法定期限内答复。", "本年度未收到政府信息公开申请。"),
    "a_xinshou": ("本年度新收政府信息公开申请 {n} 件。", "本年度未收到政府信息公开申请。"),
    "a_shouli": ("全年受理依申请公开{n}件。", "本年度无依申请公开事项，未收到政府信息公开申请。"),
}
FEE_STYLES = {
    "f_weishou": ("本年度共收取信息处理费{amount}元。", "本年度未收取信息处理费。"),
    "f_zero": ("本年度收取信息处理费 {amount} 元。", "本年度收取信息处理费0元。"),
    "f_shoufei": ("本机关按规定收取信息处理费，共计{amount}元。", "本机关未发生收费情况。"),
}


@dataclass
class Variant:
    """One rendered report and its truth."""

    text: str
    problems: tuple[str, ...]
    measures: tuple[str, ...]
    channels: tuple[dict, ...] = ()
    disclosure_total: int | None = None
    applications_received: int | None = None
    fee: bool | None = None
    problem_categories: tuple[str, ...] = field(default=())
    measure_categories: tuple[str, ...] = field(default=())


def render(
    truth: Truth,
    problem_style: str = "p_shi_inline",
    measure_style: str = "m_shi_lines",
    layout: str = "l_headed",
    channel_style: str = "c_tongguo",
    rename_channels: bool = False,
    total_style: str = "t_plain",
    apps_style: str = "a_shoudao",
    fee_style: str = "f_weishou",
    planted: str | None = None,
    planted_at: str = "line",
    channels_in_total: bool = False,
) -> Variant | None:
    """The whole report text of one variant, or None where the style cannot carry the items."""
    ptext = PROBLEM_STYLES[problem_style](truth.problems)
    if ptext is None:
        return None
    mtext, mtruth = MEASURE_STYLES[measure_style](truth.measures) if truth.measures else ("", ())
    lay = LAYOUTS[layout]
    if planted and planted_at == "line":  # a paragraph of its own between the problems and the measures
        ptext = ptext + "\n" + planted
    elif planted and planted_at == "inline":  # a sentence at the end of the problems' paragraph
        ptext = ptext + planted
    elif planted and planted_at == "measure" and mtext:  # a sentence at the end of the first measure
        first = mtruth[0] if mtruth[0].endswith("。") else mtruth[0] + "。"
        mtext = mtext.replace(first, first + planted, 1)
    elif planted and planted_at == "measure":
        ptext = ptext + "\n" + planted
    five = section5(ptext, mtext, lay)
    total = TOTAL_STYLES[total_style].format(n=truth.disclosure_total) if truth.disclosure_total is not None \
        else "本年度按要求做好主动公开工作。"
    if truth.applications_received is None:
        apps = "依申请公开工作有序开展。"
    elif truth.applications_received == 0:
        apps = APPS_STYLES[apps_style][1]
    else:
        apps = APPS_STYLES[apps_style][0].format(n=truth.applications_received)
    platforms = channel_sentence(truth.channels, channel_style, rename_channels)
    if channels_in_total and truth.disclosure_total is not None and truth.channels:
        # The channels as the parts of the stated total: "…589条，其中，通过…161条，…。"
        total = total.rstrip("。") + "，其中，" + channel_sentence(truth.channels, channel_style, rename_channels, "，")
        platforms = "本年度持续加强政务新媒体管理。"
    fee_yes, fee_no = FEE_STYLES[fee_style]
    amount = 3940 if truth.stem.startswith("huaian") else 400
    fee = fee_yes.format(amount=amount) if truth.fee else fee_no if truth.fee is False else "无其他需要报告的事项。"
    text = (
        "某某县某某局2024年政府信息公开工作年度报告\n"
        "一、总体情况\n"
        f"（一）主动公开\n{total}\n"
        f"（二）依申请公开\n{apps}\n"
        "（三）政府信息管理\n本年度持续规范信息发布审核流程。\n"
        f"（四）平台建设\n{platforms}\n"
        "（五）监督保障\n本年度组织业务培训2次。\n"
        "二、主动公开政府信息情况\n（表略）\n"
        "三、收到和处理政府信息公开申请情况\n（表略）\n"
        "四、政府信息公开行政复议、行政诉讼情况\n（表略）\n"
        f"{five}\n"
        f"六、其他需要报告的事项\n{fee}\n"
    )
    return Variant(text=text, problems=truth.problems, measures=mtruth, channels=truth.channels,
                   disclosure_total=truth.disclosure_total, applications_received=truth.applications_received,
                   fee=truth.fee, problem_categories=truth.problem_categories,
                   measure_categories=truth.measure_categories)
