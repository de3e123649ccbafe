"""The fast paths of the rules backend give what the plain versions give.

Each test keeps the straightforward version (as the code read before it was optimised) as a
reference and compares on random text built from the fragments that matter, with a fixed seed.
"""

from __future__ import annotations

import random
import re

from service.extraction.rules import categories, channels, enumerations
from service.extraction.rules.measures import measure_ranges
from service.extraction.rules.problems import _split
from service.extraction.view import TextView, _build
from service.reading.chrome import running_lines
from service.reading.document import SourceDocument
from service.reading.normalize import fold
from tests._corpus import SEEDS

# ---------------------------------------------------------------- references

_KEYWORD_GROUPS_RE = re.compile(
    r"(?P<wechat>微信公众号|微信公众平台|微信服务号|微信订阅号|公众号|微信号|服务号|订阅号|微信)"
    r"|(?P<weibo>微博)"
    r"|(?P<video>视频号|抖音号?|快手号?|哔哩哔哩|B站)"
    r"|(?P<app>客户端|APP|App|app|小程序)"
    r"|(?P<website>门户网站|网站平台|政府网站|网站|门户网|政府网|政务网|政务服务网|官网)"
    r"|(?P<other>公报|头条号|今日头条|学习强国|百家号|政务新媒体|政务号|人民号|澎湃号|网易号|小红书"
    r"|(?:公开|信息|政务|服务|发布|党务)平台|公开栏|公示栏)"
)


def _categorize_ref(text: str) -> str:
    cues = [c for v in categories.CUES.values() for c in v]
    clauses = re.split(r"([。，,；;：:])", text)  # clause, stop, clause, stop, …
    k = 0
    while (k + 1 < len(clauses) and clauses[k + 1] in "，,：:"
           and re.fullmatch(r"\s*(?:针对|对照|对此|为此|从|经|根据|按照|结合|同时|此外|另外|下一步|下步|下一阶段|今后|未来|明年"
                            r"|\d{4}\s*年|我们|我局|我单位|本单位|本机关)[^。，,；;：:]{0,14}", clauses[k])
           and not any(cue in clauses[k] for cue in cues)):
        k += 2
    lead = clauses[k] if k < len(clauses) else ""
    best, best_score = "other", 0
    for name in categories.PRIORITY:
        score = 0
        for cue in categories.CUES[name]:
            if cue in lead:
                score += 2
            elif cue in text:
                score += 1
        if score > best_score:
            best, best_score = name, score
    return best


_BEFORE = r"(?:^|(?<=[\n。；;，,：:！？!?)\s\"“”]))"
_STYLES_REF = {
    "shi": re.compile(_BEFORE + r"(?P<n>[一二三四五六七八九十])\s*是\s*[，,：:]?"),
    "paren_cn": re.compile(_BEFORE + r"\(\s*(?P<n>[一二三四五六七八九十])\s*\)\s*"),
    "paren_num": re.compile(_BEFORE + r"\(\s*(?P<n>\d{1,2})\s*\)\s*"),
    "num_dot": re.compile(r"(?:^|(?<=[\n。；;：:！？!?\s]))(?P<n>\d{1,2})\s*[.、．](?!\d)\s*"),
    "circled": re.compile(r"(?P<n>[①②③④⑤⑥⑦⑧⑨⑩])\s*"),
    "cn_dun": re.compile(r"(?:^|(?<=[\n。；;：:]))(?P<n>[一二三四五六七八九十])\s*[、.．]\s*"),
    "di": re.compile(_BEFORE + r"第(?P<n>[一二三四五六七八九十])\s*[，,、是]\s*"),
    "ordinal": re.compile(_BEFORE + r"(?P<n>首先|其次|再次|最后)\s*[，,：:]\s*"),
}


def _markers_ref(folded: str, start: int, end: int) -> tuple[str, list[tuple[int, int, int]]]:
    best: tuple[int, str, list[tuple[int, int, int]]] | None = None
    for name, pat in _STYLES_REF.items():
        found = [(start + m.start(), start + m.end(), enumerations._number(m.group("n")))
                 for m in pat.finditer(folded[start:end])]
        seq: list[tuple[int, int, int]] = []
        for f, m in zip(found, pat.finditer(folded[start:end]), strict=True):
            if m.group("n") == "最后":  # the last point of 首先…其次…最后
                if seq:
                    seq.append((f[0], f[1], len(seq) + 1))
                    break
            elif f[2] == len(seq) + 1:
                seq.append(f)
        if not seq or (len(seq) == 1 and name not in ("shi", "di")):
            continue
        if best is None or seq[0][0] < best[0]:
            best = (seq[0][0], name, seq)
    return ("", []) if best is None else (best[1], best[2])


_PAGE_RE = re.compile(
    r"^\s*(?:[-—–－]\s*\d{1,3}\s*[-—–－]|第\s*\d{1,3}\s*页(?:\s*[/／,，]?\s*共\s*\d{1,3}\s*页)?|\d{1,3}\s*/\s*\d{1,3}|\d{1,3})\s*$"
)
_MARKUP_RE = re.compile(r"^[ \t\u3000]*(?:[-*+>][ \t]+|#{1,6}[ \t]+)?")
_HEADING_RE = re.compile(
    r"^\s*(?:[(（][一二三四五六七八九十\d]{1,3}[)）]|[一二三四五六七八九十]{1,3}[、.．]|\d{1,2}[、.．](?!\d)|第[一二三四五六七八九十]+部分|[①②③④⑤⑥⑦⑧⑨⑩])"
)


def _columns(line: str) -> int:
    """Display columns of the line's non-blank characters: (UTF-8 bytes + 1) / 2 each, summed and rounded down."""
    return sum(len(c.encode("utf-8")) + 1 for c in line if c not in " \t") // 2


def _build_ref(doc: SourceDocument, start: int, end: int) -> tuple[str, str, list[int]]:
    """(text, folded, doc offset of every view position) the straightforward way."""
    src = doc.text
    lines: list[tuple[int, int]] = []
    running = running_lines(doc)  # running headers: lines met twice or more next to a page number
    pos = start
    while pos < end:
        nl = src.find("\n", pos, end)
        line_end = end if nl == -1 else nl
        raw = src[pos:line_end]
        if raw.strip() and not _PAGE_RE.match(raw) and raw.strip() not in running:
            m = _MARKUP_RE.match(raw)
            a, b = pos + (m.end() if m else 0), line_end
            while b > a and src[b - 1] in " \t\r\u3000":
                b -= 1
            lines.append((a, b))
        pos = line_end + 1
    widths = sorted((_columns(src[a:b]) for a, b in lines), reverse=True)
    width = widths[len(widths) // 10] if widths else 0
    chars: list[str] = []
    offsets: list[int] = []
    for idx, (a, b) in enumerate(lines):
        if idx:
            pa, pb = lines[idx - 1]
            wrapped = (src[pa:pb][-1:] not in "。！？!?：:；;" and not _HEADING_RE.match(src[a:b])
                       and _columns(src[pa:pb]) >= 0.8 * width)
            if not wrapped:
                chars.append("\n")
                offsets.append(src.find("\n", pb))
        dropped = _spaced_blanks(src, a, b)
        i = a
        while i < b:
            j = src.find("**", i, b)
            j = b if j == -1 else j
            kept = [k for k in range(i, j) if k not in dropped]
            chars.extend(src[k] for k in kept)
            offsets.extend(kept)
            i = j + 2
    text = "".join(chars)
    return text, fold(text), offsets


def _spaced_blanks(src: str, a: int, b: int) -> set[int]:
    """The blanks of letter-spaced runs in ``src[a:b]`` (three or more single characters one blank apart,
    two of them CJK at least), scanning left to right."""
    out: set[int] = set()
    i = a
    while i < b:
        j = i
        while not src[i].isspace() and j + 2 < b and src[j + 1] in " \u3000" and not src[j + 2].isspace():
            j += 2
        if j - i >= 4:
            if sum(1 for k in range(i, j + 1, 2) if "\u4e00" <= src[k] <= "\u9fff") >= 2:
                out.update(range(i + 1, j, 2))
            i = j + 1
        else:
            i += 1
    return out


# ---------------------------------------------------------------- tests

def test_keyword_scan_matches_one_group_per_kind() -> None:
    rng = random.Random(1)
    words = [w for kws in channels.KEYWORDS.values() for w in kws] + ["抖音", "快手号", "平台", "公开", "微", "信", "号"]
    texts = [p.read_text(encoding="utf-8") for p in SEEDS]
    texts += ["".join(rng.choice([*words, "，", "发布", "1", "条"]) for _ in range(rng.randint(0, 30))) for _ in range(3000)]
    for t in texts:
        ref = [(m.span(), m.lastgroup) for m in _KEYWORD_GROUPS_RE.finditer(t)]
        assert [(m.span(), channels.KEYWORD_KIND[m.group()]) for m in channels.KEYWORD_RE.finditer(t)] == ref


def test_categorize_matches_the_plain_scoring() -> None:
    rng = random.Random(2)
    cues = [c for v in categories.CUES.values() for c in v]
    filler = ["的", "工作", "和", "，", "。", "；", "：", "信息", "公开", "进一步加强", "针对上述问题", "下一步", "从",
              "2025年", " ", "我们将", "\n"]
    for _ in range(5000):
        t = "".join(rng.choice(cues if rng.random() < 0.5 else filler) for _ in range(rng.randint(0, 12)))
        assert categories.categorize(t) == _categorize_ref(t), t


def test_markers_match_a_full_scan_of_every_style() -> None:
    rng = random.Random(3)
    frags = ["一是", "二是", "三是", "(一)", "(二)", "(1)", "(2)", "(3)", "1.", "2.", "3.", "1、", "2、", "一、", "二、",
             "第一，", "第二，", "首先，", "其次，", "再次，", "最后，", "最后一公里", "加强", "工作", "。", "；", "，", "\n", " ", "：", "12.5", "2024年", "“", ")", "十是"]
    for _ in range(5000):
        t = "".join(rng.choice(frags) for _ in range(rng.randint(0, 25)))
        a = rng.randint(0, len(t))
        b = rng.randint(a, len(t))
        style, markers = enumerations.find_markers(t, a, b)
        assert (style, [(m.start, m.end, m.number) for m in markers]) == _markers_ref(t, a, b), t


def test_separator_splits_match_a_character_loop() -> None:
    rng = random.Random(4)
    for _ in range(3000):
        t = "".join(rng.choice(["加强培训", "；", ";", "，", "、", " ", "\n", "。"]) for _ in range(rng.randint(0, 15)))
        a = rng.randint(0, len(t))
        b = rng.randint(a, len(t))
        for seps in ("；;", "，,", "、"):
            ref: list[tuple[int, int]] = []
            i = a
            for k in range(a, b):
                if t[k] in seps:
                    ref.append(_strip_problem(t, i, k))
                    i = k + 1
            ref.append(_strip_problem(t, i, b))
            assert _split(t, a, b, seps) == [(x, y) for x, y in ref if y > x]
        measure_ranges(t, a, b)  # runs on any range


def _strip_problem(t: str, a: int, b: int) -> tuple[int, int]:
    while a < b and t[a] in "。；;，,、：: \n":
        a += 1
    while b > a and t[b - 1] in "。；;，,、：: \n":
        b -= 1
    return a, b


def test_view_matches_the_line_by_line_build() -> None:
    rng = random.Random(5)
    docs = [SourceDocument(text=p.read_text(encoding="utf-8")) for p in SEEDS]
    noise = ["- 4 -", "第 3 页 共 9 页", "**加粗**", "  ", "\r", "# 标题", "> 引用", "12", "1/3", "\u3000\u3000文本**", "٣", "（一）",
             "政 府 网 站 发 布 1 2 条", "在 政 务 新 媒 体发布", "1 2 3 4", "** 一 是 **", "微 信\u3000公 众 号",
             "- 5 -\n某某局年度报告", "某某局年度报告\n- 6 -"]
    for _ in range(150):
        lines = rng.choice(docs[:5]).text.split("\n")
        for _k in range(15):
            lines.insert(rng.randrange(len(lines)), rng.choice(noise))
        docs.append(SourceDocument(text="\n".join(lines)))
    for doc in docs:
        n = len(doc.text)
        for a, b in [(0, n)] + [tuple(sorted((rng.randint(0, n), rng.randint(0, n)))) for _ in range(4)]:
            view = _build(doc, a, b)
            text, folded, offsets = _build_ref(doc, a, b)
            assert (view.text, view.folded) == (text, folded)
            assert [view.to_doc(i) for i in range(len(text))] == offsets
            for _ in range(20):
                i, j = sorted((rng.randint(0, len(text)), rng.randint(0, len(text))))
                assert view.span(i, j) == _span_ref(view, i, j)


def _span_ref(view: TextView, start: int, end: int) -> tuple[int, int]:
    if end <= start:
        return view.to_doc(start), view.to_doc(start)
    return view.to_doc(start), view.to_doc(end - 1) + 1
