"""Charts for the summary (matplotlib, Agg): outcome distribution and problem/measure categories.

Chinese labels need a CJK font. The font shipped by the ``mplfonts`` package (a dependency: Noto Sans
CJK SC) is used first, then any installed CJK font; every label is checked against the font's glyphs,
and if no font covers them the charts fall back to ASCII labels (keys), never to tofu boxes.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from service.batch.aggregate import Aggregate

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties

CATEGORY_LABELS = {
    "channels_and_forms": "公开渠道与形式",
    "policy_interpretation": "政策解读",
    "timeliness": "更新时效",
    "content_quality_and_review": "内容质量与审核",
    "depth_and_breadth": "公开深度与广度",
    "application_handling": "依申请公开办理",
    "platforms_and_interaction": "平台建设与互动",
    "staff_capability": "队伍能力",
    "management_and_mechanisms": "制度机制与管理",
    "other": "其他",
}

CHANNEL_LABELS = {"website": "政府网站", "wechat": "微信公众号", "weibo": "微博", "video": "视频号/短视频",
                  "app": "移动应用", "other": "其他"}

_FONT_NAMES = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN", "WenQuanYi Micro Hei",
               "WenQuanYi Zen Hei", "SimHei", "Microsoft YaHei", "PingFang SC", "Noto Sans CJK JP")


@dataclass(frozen=True, slots=True)
class Chart:
    key: str
    path: Path  # relative to the output folder
    caption: str


@lru_cache(maxsize=1)
def cjk_font() -> Path | None:
    """A font file with Chinese glyphs: mplfonts' Noto Sans CJK SC, else an installed CJK font, else None."""
    spec = importlib.util.find_spec("mplfonts")
    if spec is not None and spec.submodule_search_locations:
        for loc in spec.submodule_search_locations:
            for name in ("NotoSansCJKsc-Regular.otf", "SimHei.ttf"):
                candidate = Path(loc) / "fonts" / name
                if candidate.exists() and _covers(candidate, "予以公开率问题措施"):
                    return candidate
    from matplotlib import font_manager

    for entry in font_manager.fontManager.ttflist:
        if entry.name in _FONT_NAMES and _covers(Path(entry.fname), "予以公开率问题措施"):
            return Path(entry.fname)
    return None


@lru_cache(maxsize=16)
def _covers(font: Path, text: str) -> bool:
    """Whether ``font`` has a glyph for every non-ASCII character of ``text`` (remembered: a CJK font's
    character map takes ~20 ms to read, for the same labels in every chart)."""
    try:
        from matplotlib.ft2font import FT2Font

        charmap = FT2Font(str(font)).get_charmap()
    except Exception:
        return False
    return all(ord(ch) in charmap for ch in set(text) if not ch.isascii())


def render_charts(agg: Aggregate, out: Path, folder: str = "charts") -> list[Chart]:
    """Write the charts as PNG under ``out/folder``; returns what was drawn (a chart with no data is skipped)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt
    from matplotlib.font_manager import FontProperties

    (out / folder).mkdir(parents=True, exist_ok=True)
    font = cjk_font()
    chinese = font is not None and _covers(font, "".join(lab for _, lab, _ in agg.outcomes)
                                           + "".join(CATEGORY_LABELS.values()) + "本年度办理结果件条数问题措施未知")
    prop = FontProperties(fname=str(font)) if chinese and font is not None else FontProperties()
    charts: list[Chart] = []

    values = [float(t.value) for _, _, t in agg.outcomes]
    if sum(values) > 0:
        labels = [lab if chinese else key for key, lab, _ in agg.outcomes]
        fig, ax = plt.subplots(figsize=(7.5, 3.6), dpi=150)
        bars = ax.barh(labels[::-1], values[::-1], color="#3a6ea5")
        total = sum(values)
        for bar, v in zip(bars, values[::-1], strict=True):
            ax.text(bar.get_width(), bar.get_y() + bar.get_height() / 2, f" {v:g} ({v / total:.0%})",
                    va="center", fontsize=8)
        ax.set_title("本年度办理结果(总计列, 件)" if chinese else "Outcomes of applications (total column)",
                     fontproperties=prop)
        _style(ax, prop, max(values))
        charts.append(_save(fig, out, folder, "outcomes", "办理结果分布"))
        plt.close(fig)

    cats = sorted(set(agg.problem_categories) | set(agg.measure_categories),
                  key=lambda c: (-agg.problem_categories[c], -agg.measure_categories[c], c))
    if cats:
        labels = [CATEGORY_LABELS.get(c, c) if chinese else c for c in cats]
        probs = [agg.problem_categories[c] for c in cats]
        meas = [agg.measure_categories[c] for c in cats]
        fig, ax = plt.subplots(figsize=(7.5, 0.45 * len(cats) + 1.4), dpi=150)
        ys = range(len(cats))
        ax.barh([y - 0.2 for y in ys], probs, height=0.4, color="#c0504d", label="问题" if chinese else "problems")
        ax.barh([y + 0.2 for y in ys], meas, height=0.4, color="#4f81bd", label="措施" if chinese else "measures")
        ax.set_yticks(list(ys))
        ax.set_yticklabels(labels)
        ax.invert_yaxis()
        ax.legend(prop=prop, fontsize=8)
        ax.set_title("问题与措施按类别(条数)" if chinese else "Problems and measures by category (items)",
                     fontproperties=prop)
        _style(ax, prop, max(probs + meas))
        charts.append(_save(fig, out, folder, "categories", "问题与措施类别分布"))
        plt.close(fig)
    return charts


def _style(ax: Axes, prop: FontProperties, top: float) -> None:
    for label in ax.get_yticklabels():
        label.set_fontproperties(prop)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_xlim(0, top * 1.25 if top > 0 else 1)
    ax.tick_params(labelsize=8)


def _save(fig: Figure, out: Path, folder: str, key: str, caption: str) -> Chart:
    rel = Path(folder) / f"{key}.png"
    fig.tight_layout()
    tmp = out / folder / f".{key}.png.tmp"
    fig.savefig(tmp, format="png")
    tmp.replace(out / rel)
    return Chart(key=key, path=rel, caption=caption)
