"""A whole report on one or a few lines (a crawler's page text): line breaks restored in place.

Sections, tables and narrative are read line by line. A text whose lines run to thousands of
characters has lost its line breaks; the blank before a section heading, a table row's label or a
sub-heading is turned into a line break — one character for one, so every offset still points into
the original text (only line numbers count the restored breaks). Where the page has no blank there
(``…编制本报告。一、总体情况（一）主动公开…``), the line starts are added without a character
(``zero_width_breaks``).
"""

from __future__ import annotations

from service.lazy_re import lazy_compile

#: A line this long (characters) with at least ``MIN_BREAKS`` places to break is a page's text run
#: together, not a paragraph.
LONG_LINE = 300
MIN_BREAKS = 8
#: A blank (half- or full-width) before where a new line starts: a numbered heading or row label
#: (一、 （一） 1. ① 第二十条第（一）项; after a value only a one-digit 1.–8., so that the last value of
#: a row glued to the next row's enumerator, ``0 22.其他…``, is not taken for 22.), a table's header
#: words, 表四's group names.
_BREAK_RE = lazy_compile(
    # every alternative takes a blank: the lookahead first makes the other positions cheap to pass over
    r"(?=[ \u3000])(?:"
    r"[ \u3000](?=[一二三四五六七八九十]、|[（(][一二三四五六七八九十][）)]|(?:(?<!\d[ \u3000])\d)?\d[.．、](?=[\u4e00-\u9fff])"
    r"|[①②③④⑤⑥⑦⑧⑨⑩]|第二十条|信息内容|申请人情况|自然人|行政复议|行政诉讼|总计|发布时间|来源|原文链接|字号"
    # 表二's rows have no enumerator: their names
    r"|规章|行政规范性文件|规范性文件|行政许可|其他对外管理服务事项|行政处罚|行政强制|行政事业性收费|政府集中采购)"
    # after a section title (…情况, …事项) the body starts; after a header's last word (总计), values
    r"|(?<=情况|事项|打算|措施|计划)[ \u3000]|(?<=总计)[ \u3000](?=\d)"
    # a paragraph's indentation (two ideographic spaces), a blank after a sentence's end
    r"|\u3000(?=\u3000)|(?<=[。！？])[ \u3000]"
    r")"
)


#: Where a line starts in a page run together with no blank at all: a heading or row label right after
#: a sentence's end, a digit (a table's last value) or a title's last word; 表二's bands and row names
#: after a header word or a value. No character stands there to become a line break: these are
#: line starts of their own (``SourceDocument.breaks``), the text unchanged.
_ZERO_WIDTH_RE = lazy_compile(
    # every alternative but the last looks at the next character, the last at the one before (the last
    # character of a title): that test first makes the other positions cheap to pass over
    r"(?:(?=[一二三四五六七八九十（(第信申规行其政\d])|(?<=[况项算施]))(?:"
    r"(?<=[。；！？\d）)])(?=[一二三四五六七八九十]、[\u4e00-\u9fff])"
    r"|(?:(?<=[。；！？\d])|(?<=情况|事项))(?=[（(][一二三四五六七八九十][）)][\u4e00-\u9fff])"
    r"|(?<=\S)(?=第二十条第)|(?<=项)(?=信息内容)|(?<=情况)(?=[（(]本列|申请人情况)"
    r"|(?:(?<=\d)|(?<=件数|数量)|(?<=万元[）)]))(?=规章|行政规范性文件|规范性文件|行政许可|其他对外管理服务事项|行政处罚|行政强制"
    r"|行政事业性收费|政府集中采购)"
    # 表四's values straight after its header's last word
    r"|(?:(?<=审结\s总计)|(?<=审结总计))(?=\d)"
    # a section's body straight after its title's last words
    r"|(?:(?<=总体情况)|(?<=信息情况)|(?<=申请情况)|(?<=诉讼情况)|(?<=改进情况)|(?<=工作打算)|(?<=[及和与]改进措施)|(?<=的事项))"
    r"(?=[^\s，,。；、：:）)])"
    r")"
)


_ROW_NAMES = r"(?:规章|行政规范性文件|规范性文件|行政许可|其他对外管理服务事项|行政处罚|行政强制|行政事业性收费|政府集中采购)"
_BODY_START = r"[^\s，,。；、：:）)]"
#: What every place ``_ZERO_WIDTH_RE`` finds stands in, as text to search for: a long line without any has
#: none of those places (most long lines are paragraphs), and one search that first tests a character class
#: passes over it at a third of the cost of looking for the places themselves. Each alternative is one of
#: ``_ZERO_WIDTH_RE``'s, its lookbehind and lookahead read as text from their first character on, some
#: with less context (tests/test_reflow_hint.py checks that it is found wherever a place is).
_ZERO_WIDTH_HINT_RE = lazy_compile(
    r"[。；！？\d）)情事第项件数万审总信申诉改工](?:"
    r"(?<=[。；！？\d）)])[一二三四五六七八九十]、[\u4e00-\u9fff]"
    r"|(?<=[。；！？\d])[（(][一二三四五六七八九十][）)][\u4e00-\u9fff]"
    r"|(?<=情)况(?:[（(](?:[一二三四五六七八九十][）)][\u4e00-\u9fff]|本列)|申请人情况)"
    r"|(?<=事)项[（(][一二三四五六七八九十][）)][\u4e00-\u9fff]|(?<=的事)项" + _BODY_START +
    r"|(?<=第)二十条第|(?<=项)信息内容"
    r"|(?<=\d)" + _ROW_NAMES + r"|(?<=件)数" + _ROW_NAMES + r"|(?<=数)量" + _ROW_NAMES + r"|(?<=万)元[）)]" + _ROW_NAMES +
    r"|(?<=审)结\s?总计\d"
    r"|(?<=总)体情况" + _BODY_START + r"|(?<=信)息情况" + _BODY_START + r"|(?<=申)请情况" + _BODY_START +
    r"|(?<=诉)讼情况" + _BODY_START + r"|(?<=改)进情况" + _BODY_START + r"|(?<=[及和与]改)进措施" + _BODY_START +
    r"|(?<=工)作打算" + _BODY_START +
    r")"
)


def zero_width_breaks(text: str, run_together: bool = False) -> tuple[int, ...]:
    """Line starts to add inside the lines of a page's text run together: every line of a text whose
    breaks ``restore_breaks`` restored (``run_together``), else the long lines with ``MIN_BREAKS`` such
    places at least; () when there are none."""
    parts = text.split("\n")
    if not run_together and max(map(len, parts)) < LONG_LINE:
        return ()
    out: list[int] = []
    for line_start, line in _lines(parts):
        if len(line) < (1 if run_together else LONG_LINE):
            continue
        if not run_together and not _ZERO_WIDTH_HINT_RE.search(line):
            continue
        found = [line_start + m.start() for m in _ZERO_WIDTH_RE.finditer(line)]
        if run_together or len(found) >= MIN_BREAKS:
            out += found
    return tuple(out)


def restore_breaks(text: str) -> tuple[str, int]:
    """The text with blanks before headings and rows turned into line breaks when its lines are run
    together, and how many were restored (0: the text is returned as it was)."""
    parts = text.split("\n")
    if max(map(len, parts)) < LONG_LINE:
        return text, 0
    out: list[str] | None = None
    n = 0
    for line_start, line in _lines(parts):
        # every break is a blank: a line with fewer than MIN_BREAKS blanks (most paragraphs) has too few
        if len(line) < LONG_LINE or line.count(" ") + line.count("\u3000") < MIN_BREAKS:
            continue
        breaks = [m.start() for m in _BREAK_RE.finditer(line)]
        if len(breaks) < MIN_BREAKS:
            continue
        out = out if out is not None else list(text)
        for b in breaks:
            out[line_start + b] = "\n"
        n += len(breaks)
    return ("".join(out), n) if out is not None else (text, 0)


def _lines(parts: list[str]) -> list[tuple[int, str]]:
    """The lines ``parts`` of a text split at its line breaks, each with its offset."""
    out, pos = [], 0
    for line in parts:
        out.append((pos, line))
        pos += len(line) + 1
    return out
