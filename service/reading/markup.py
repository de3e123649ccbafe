"""HTML inside a text file: a report page saved as text, or the page's HTML held in a JavaScript
string literal (``var content = "<table class=\\"…\\">…"``, ``&nbsp;`` for empty cells).

A text input whose content is mostly table markup is read by the HTML reader, so its tables come out
as grids (rowspan/colspan kept) instead of as tag soup; offsets then refer to the rendered text, as for
any HTML page. Plain text around the markup keeps its line breaks.
"""

from __future__ import annotations

import re

_CELL_RE = re.compile(r"<t[dh][\s>]", re.I)
_TABLE_RE = re.compile(r"<table[\s>]", re.I)
_BLOCK_RE = re.compile(r"<(?:p|div|br|tr|li|h[1-6])[\s/>]", re.I)
#: Where a JavaScript string literal of markup opens: ``= "<``, ``("<``, ``: '<``, ``+ `<``.
_JS_OPEN_RE = re.compile(r"""[=(:+,]\s*(["'`])(?=(?:\s|\\[nrt])*<)""")
_JS_BODY_RE = {q: re.compile(r"[^\\" + q + r"]*(?:\\.[^\\" + q + r"]*)*", re.S) for q in "\"'`"}
_JS_ESCAPE_RE = re.compile(r"\\(u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|.)", re.S)
_JS_SIMPLE = {"n": "\n", "r": "\n", "t": "\t", "b": "", "f": "", "v": "", "0": ""}
#: At least this many cells: a report's tables, not a stray tag quoted in prose.
MIN_CELLS = 12


def markup_in_text(text: str) -> str | None:
    """The HTML to read when a text input holds a report's tables as markup, else None."""
    if "<t" not in text and "<T" not in text:
        return None
    if len(_CELL_RE.findall(text, 0, 2_000_000)) < MIN_CELLS or not _TABLE_RE.search(text):
        return None
    if '\\"' in text or "\\'" in text or "\\/" in text:
        literals = []
        for m in _JS_OPEN_RE.finditer(text):
            body = _JS_BODY_RE[m.group(1)].match(text, m.end())
            if body is not None and len(_CELL_RE.findall(_unescape(body.group()))) >= MIN_CELLS:
                literals.append(body.group())
        if literals:
            return _as_page("\n".join(_unescape(lit) for lit in literals))
    return _as_page(text)


def _unescape(body: str) -> str:
    def one(m: re.Match[str]) -> str:
        e = m.group(1)
        if e[0] == "u" and len(e) == 5:
            return chr(int(e[1:], 16))
        if e[0] == "x" and len(e) == 3:
            return chr(int(e[1:], 16))
        return _JS_SIMPLE.get(e, e)
    return _JS_ESCAPE_RE.sub(one, body)


_TABLE_SPAN_RE = re.compile(r"<table[\s>].*?</table\s*>", re.I | re.S)


def _as_page(markup: str) -> str:
    """A page to parse. Plain text between the tables (a page saved as text keeps its paragraphs as
    lines, not tags) keeps its line breaks as <br>."""
    outside = _TABLE_SPAN_RE.sub("", markup)
    if not _BLOCK_RE.search(outside):
        pieces, last = [], 0
        for m in _TABLE_SPAN_RE.finditer(markup):
            pieces += [markup[last : m.start()].replace("\n", "<br>\n"), m.group()]
            last = m.end()
        markup = "".join([*pieces, markup[last:].replace("\n", "<br>\n")])
    if "<body" not in markup.lower():
        markup = f"<html><head><meta charset='utf-8'></head><body>{markup}</body></html>"
    return markup
