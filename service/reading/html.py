"""Read a saved HTML page: find the report inside the page chrome, keep its tables as grids.

The report is the part of the page that holds the report's own wording (section titles, table
labels); navigation, scripts, footers and metadata boxes around it are dropped. Inline runs
(``<span>``, ``<font>``) are joined without spaces; block elements end a line; every ``<table>``
without nested tables becomes a GridTable with its rowspan/colspan.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

import lxml.html
from lxml import etree

from service.errors import InputError
from service.reading.document import SourceDocument
from service.reading.layout import RawCell, RawTable, TextBuilder, is_cjk, join_pieces
from service.reading.normalize import compact, strip_invisible

_SKIP_TAGS = frozenset({
    "head", "script", "style", "noscript", "template", "iframe", "frame", "frameset", "object", "embed",
    "svg", "canvas", "math", "button", "input", "select", "option", "textarea", "nav", "title", "meta",
    "link", "base", "map", "audio", "video", "source", "img",
})
_BLOCK_TAGS = frozenset({
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "section",
    "article", "main", "header", "footer", "aside", "blockquote", "pre", "address", "center", "form",
    "hr", "figure", "figcaption", "fieldset", "legend", "details", "summary", "caption", "body", "html",
})
#: Words that occur in the report's own headings and table labels, not in site chrome.
_MARKERS = (
    "总体情况", "主动公开政府信息情况", "收到和处理政府信息公开申请", "行政复议", "行政诉讼", "存在的主要问题",
    "改进情况", "其他需要报告", "本年新收", "第二十条", "结转下年度", "予以公开", "信息处理费",
)
_HIDDEN_STYLE_RE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_META_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_DECL_RE = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.I)
_XML_DECL_STR_RE = re.compile(r"^\s*<\?xml[^>]*\?>")
_ATTACHMENT_RE = re.compile(r"\.(?:pdf|docx?|wps|ofd|xlsx?|zip|rar)(?:[?#].*)?$", re.I)
_MAX_CELL_CHARS = 300  # a report table's longest cell (a (六) row label) is under 50 characters
_ANY_WS_RE = re.compile(r"\s+")
_WS_RUN_RE = re.compile(r"[ \t\n\r\f\v\u00a0]+")
_MSO_LIST_IGNORE_RE = re.compile(r"mso-list\s*:\s*ignore", re.I)
_LINK_BLOCK_TAGS = frozenset({"ul", "ol", "dl", "div", "p", "li"})
_PREV_NEXT_RE = re.compile(r"^\s*(?:上一篇|下一篇|上一条|下一条|上篇|下篇)\s*[:：]?")
_NOT_WORDS_RE = re.compile(r"[\s\d\W_]+")
_GB_FAMILY = frozenset({"gb2312", "gbk", "gb18030", "hz", "cp936", "ms936", "x-gbk", "euc-cn", "gb-2312", "gb_2312-80"})


def read_html(data: bytes, name: str) -> SourceDocument:
    """Read an HTML page's report: text, tables (as grids), <title>, encoding."""
    text, encoding = decode_html(data)
    text = _XML_DECL_STR_RE.sub("", text, count=1)
    if not text.strip():
        raise InputError("HTML 页面是空的", name)
    try:
        root = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError) as exc:
        raise InputError(f"无法解析 HTML 页面: {exc}", name) from exc
    title = _page_title(root)
    body = root.find("body")
    start = body if body is not None else root
    measures: dict[etree._Element, _Measure] = {}
    _measure(start, False, measures)
    container = _find_container(start, measures)
    builder = TextBuilder()
    warnings: list[str] = []
    heading = _title_heading(start, container)
    renderer = _Renderer(builder)
    renderer.walk(container)
    renderer.flush()
    first = next((b for b in renderer.blocks if isinstance(b, str)), None)
    if heading and (first is None or compact(first) != compact(heading)):
        builder.line(heading)  # unless the content box repeats the title as its first line
    renderer.emit()
    if not builder.text.strip():
        raise InputError("HTML 页面中没有文字", name)
    if not measures.get(container, _Measure()).markers:
        warnings.append("no report headings or table labels found in the page; its main block of text was read")
    if len(builder.tables) < 3:
        warnings.extend(_missing_table_hints(container, start))
    return SourceDocument(
        text=builder.text, path=name, kind="html", encoding=encoding, title=title, tables=builder.tables,
        warnings=warnings,
    )


# ---------------------------------------------------------------- decoding


def decode_html(data: bytes) -> tuple[str, str]:
    """Decode page bytes: BOM, then the declared charset, else detect (UTF-8, GB18030, charset-normalizer)."""
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace"), "utf-16"
    head = data[:8192]
    m = _XML_DECL_RE.match(head) or _META_CHARSET_RE.search(head)
    declared = _codec(m.group(1).decode("ascii", "ignore")) if m else None
    if declared:
        if declared == "gb18030" and not data.isascii():
            # A page saved as UTF-8 but still declaring GBK: valid UTF-8 Chinese is never GBK by chance.
            try:
                return data.decode("utf-8"), "utf-8"
            except UnicodeDecodeError:
                pass
        text = _decode_mostly(data, declared)
        if text is not None:
            return text, declared
    for enc in ("utf-8", "gb18030"):
        text = _decode_mostly(data, enc)
        if text is not None:
            return text, enc
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data[:200_000]).best()
    except Exception:  # pragma: no cover - detector failure falls back to lossy UTF-8
        best = None
    if best is not None and best.encoding:
        return data.decode(best.encoding, errors="replace"), best.encoding
    return data.decode("utf-8", errors="replace"), "utf-8"


def _decode_mostly(data: bytes, encoding: str) -> str | None:
    """Decode when the bytes are in ``encoding``, tolerating a few broken bytes (a cut multibyte character)."""
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        pass
    except LookupError:
        return None
    text = data.decode(encoding, errors="replace")
    broken = text.count("\ufffd")
    return text if broken <= max(3, len(text) // 2000) else None


def _codec(label: str) -> str | None:
    """Python codec for a declared charset; the GB family is read as GB18030 (their superset)."""
    label = label.strip().lower()
    if label in _GB_FAMILY:
        return "gb18030"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


# ---------------------------------------------------------------- finding the report in the page


@dataclass(slots=True)
class _Measure:
    mass: int = 0  # characters of text outside links (no spaces or punctuation)
    markers: frozenset[str] = field(default_factory=frozenset)


def _tag(el: etree._Element) -> str | None:
    tag = el.tag
    if not isinstance(tag, str):
        return None  # comment or processing instruction
    return tag.rsplit("}", 1)[-1].lower()


def _skipped(el: etree._Element, tag: str | None) -> bool:
    if tag is None or tag in _SKIP_TAGS:
        return True
    if el.get("hidden") is not None or (el.get("aria-hidden") == "true" and not len(el)):
        return True
    style = el.get("style")
    return bool(style and _HIDDEN_STYLE_RE.search(style))


def _measure(el: etree._Element, in_link: bool, out: dict[etree._Element, _Measure]) -> str:
    """Record each element's non-link text mass and report markers; return its non-link text."""
    tag = _tag(el)
    link = in_link or tag == "a"
    parts: list[str] = []
    if el.text and not link:
        parts.append(el.text)
    for child in el:
        ctag = _tag(child)
        if not _skipped(child, ctag):
            parts.append(_measure(child, link, out))
        if child.tail and not link:
            parts.append(child.tail)
    text = "".join(parts)
    key = _ANY_WS_RE.sub("", text)
    out[el] = _Measure(len(key), frozenset(m for m in _MARKERS if m in key) if len(key) >= 4 else frozenset())
    return text


def _find_container(start: etree._Element, measures: dict[etree._Element, _Measure]) -> etree._Element:
    """Descend from <body> while one child holds the report: all of its markers and most of its text."""
    node = start
    while True:
        if _tag(node) == "table" and _is_grid(node):
            return node
        here = measures.get(node, _Measure())
        kids = [c for c in node if c in measures]
        if not kids:
            return node
        best = max(kids, key=lambda c: measures[c].mass)
        m = measures[best]
        if here.markers:
            ok = m.markers == here.markers and m.mass >= 0.5 * here.mass
        else:
            ok = m.mass >= 0.8 * here.mass
        if not ok or m.mass == 0:
            return node
        node = best


def _title_heading(start: etree._Element, container: etree._Element) -> str | None:
    """The report's own title when it stands just outside the content box (an <h1> naming a 报告)."""
    if container is start:
        return None
    found: str | None = None
    for el in start.iter("h1", "h2", "h3"):
        if el is container or _is_ancestor(container, el):
            break
        if _is_ancestor(el, container):
            continue
        text = _inline_text(el)
        if "报告" in text and len(text) <= 80:
            found = text
    return found


def _is_ancestor(anc: etree._Element, el: etree._Element) -> bool:
    return any(p is anc for p in el.iterancestors())


def _page_title(root: etree._Element) -> str | None:
    head = root.find("head")
    el = head.find("title") if head is not None else None
    if el is None:
        el = root.find(".//title")
    if el is None:
        return None
    text = _WS_RUN_RE.sub(" ", strip_invisible(_all_text(el))).strip()
    return text or None


def _all_text(el: etree._Element) -> str:
    return "".join(t for t in el.itertext() if isinstance(t, str))


def _inline_text(el: etree._Element) -> str:
    r = _Renderer(TextBuilder())
    r.walk(el)
    r.flush()
    return join_pieces([b for b in r.blocks if isinstance(b, str)])


def _missing_table_hints(container: etree._Element, start: etree._Element) -> list[str]:
    """Why tables may be missing: shown as images, or the report is an attached file."""
    hints: list[str] = []
    images = sum(1 for _ in container.iter("img"))
    if images:
        hints.append(f"the report body shows {images} image(s) and has fewer than three tables; "
                     "tables published as images need OCR")
    files = []
    for a in start.iter("a"):
        href = (a.get("href") or "").strip()
        if _ATTACHMENT_RE.search(href):
            files.append(href.rsplit("/", 1)[-1])
    if files:
        hints.append(f"the page links to attached file(s) {', '.join(files[:5])}; the report may be in them")
    return hints


# ---------------------------------------------------------------- rendering


def _is_link_list(el: etree._Element) -> bool:
    """A block of links only (a "related reports" list, 上一篇/下一篇): site navigation, not report text.

    Dates, numbers and punctuation between the links do not count as text of their own.
    """
    links = [a for a in el.iter("a") if a.get("href")]  # not <a name> anchors wrapping text
    if not links:
        return False
    text = _all_text(el)
    if _PREV_NEXT_RE.match(text) and len(links) <= 2:
        return True
    if len(links) < 2 or any(True for _ in el.iter("table")):
        return False
    link_text = "".join(_all_text(a) for a in links)
    other = len(_NOT_WORDS_RE.sub("", text)) - len(_NOT_WORDS_RE.sub("", link_text))
    return len(_NOT_WORDS_RE.sub("", link_text)) >= 8 and other <= 4


def _is_grid(table: etree._Element) -> bool:
    """A data table: no nested tables, a row with two cells or more, no cell holding running text.

    Tables used for page layout (one column, or a cell holding the whole article) are read as blocks.
    """
    if any(True for _ in table.iterdescendants("table")):
        return False
    wide = False
    for tr in _own_rows(table):
        cells = [c for c in tr if _tag(c) in ("td", "th")]
        wide = wide or len(cells) > 1
        for cell in cells:
            if len(_ANY_WS_RE.sub("", _all_text(cell))) > _MAX_CELL_CHARS:
                return False
    return wide


def _own_rows(table: etree._Element) -> list[etree._Element]:
    rows: list[etree._Element] = []
    for child in table:
        tag = _tag(child)
        if tag == "tr":
            rows.append(child)
        elif tag in ("thead", "tbody", "tfoot"):
            rows.extend(c for c in child if _tag(c) == "tr")
    return rows


def _span(el: etree._Element, attr: str) -> int:
    m = re.match(r"\s*(\d+)", el.get(attr) or "")
    n = int(m.group(1)) if m else 1
    return min(max(n, 1), 1000)


def clean_inline(text: str) -> str:
    """Collapse HTML whitespace: source line breaks next to CJK vanish, other runs become one space."""
    text = strip_invisible(text)

    def repl(m: re.Match[str]) -> str:
        run = m.group()
        s, e = m.start(), m.end()
        if "\n" in run or "\r" in run:
            before = text[s - 1] if s else ""
            after = text[e] if e < len(text) else ""
            if (before and is_cjk(before)) or (after and is_cjk(after)):
                return ""
        return " "

    return _WS_RUN_RE.sub(repl, text).strip(" \u3000")


class _Renderer:
    """Walk elements into blocks: a string per paragraph, a RawTable per data table."""

    def __init__(self, builder: TextBuilder) -> None:
        self.builder = builder
        self.blocks: list[str | RawTable] = []
        self.buf: list[str] = []

    def render(self, el: etree._Element) -> None:
        self.walk(el)
        self.flush()
        self.emit()

    def emit(self) -> None:
        for block in self.blocks:
            if isinstance(block, str):
                self.builder.line(block)
            else:
                self.builder.table(block)

    def flush(self) -> None:
        if self.buf:
            text = clean_inline("".join(self.buf))
            self.buf.clear()
            if text:
                self.blocks.append(text)

    def walk(self, el: etree._Element) -> None:
        tag = _tag(el)
        if _skipped(el, tag):
            return
        if tag == "br":
            self.flush()
            return
        if tag == "table":
            self.flush()
            self._table(el)
            return
        style = el.get("style")
        if style and _MSO_LIST_IGNORE_RE.search(style):
            # Word's "Save as HTML" list number ("一、") and the spaces that stand for its tab
            self.buf.append(_WS_RUN_RE.sub(" ", _all_text(el)).rstrip(" \u3000"))
            return
        block = tag in _BLOCK_TAGS or tag in ("td", "th", "tr")
        if block:
            self.flush()
            if tag in _LINK_BLOCK_TAGS and _is_link_list(el):
                return
        if el.text:
            self.buf.append(el.text)
        for child in el:
            self.walk(child)
            if child.tail:
                self.buf.append(child.tail)
        if block:
            self.flush()

    def _table(self, table: etree._Element) -> None:
        caption = next((c for c in table if _tag(c) == "caption"), None)
        if caption is not None:
            self.walk(caption)
        if not _is_grid(table):
            for row in _own_rows(table):
                for cell in row:
                    if _tag(cell) in ("td", "th"):
                        self.walk(cell)
            return
        rows: RawTable = []
        for tr in _own_rows(table):
            if _skipped(tr, "tr"):
                continue
            cells = [RawCell(self._cell_text(td), _span(td, "rowspan"), _span(td, "colspan"))
                     for td in tr if _tag(td) in ("td", "th")]
            if cells:
                rows.append(cells)
        while rows and not any(c.text for c in rows[-1]):
            rows.pop()  # trailing empty rows (Word's column-width row, spacer rows)
        if rows:
            self.blocks.append(rows)

    def _cell_text(self, td: etree._Element) -> str:
        sub = _Renderer(self.builder)
        if td.text:
            sub.buf.append(td.text)
        for child in td:
            sub.walk(child)
            if child.tail:
                sub.buf.append(child.tail)
        sub.flush()
        return join_pieces([b for b in sub.blocks if isinstance(b, str)])
