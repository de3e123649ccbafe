"""Split table text into units: a label and the values that follow it.

Works on the folded text (widths unified) with offsets into the original. A text line is split on
tabs, pipes and spaces; a unit is a line's trailing run of value tokens plus the label before it.
Rows of a structured table (HTML, DOCX) keep their cells, so blank cells stay distinct.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from service.reading.document import GridTable, SourceDocument
from service.reading.normalize import fold
from service.tables.model import CellKind

_NUMBER_RE = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_SLASH = frozenset({"/", "\\", "／"})
_DASH = frozenset({"-", "--", "—", "——", "–", "―", "－", "一一"})
_TOKEN_RE = re.compile(r"[^\s|]+")
_GLUED_RE = re.compile(r"^(.*[\u4e00-\u9fff)\]\"'])(\d{1,64}(?:\.\d+)?)$")
_MD_RULE_RE = re.compile(r"^:?-{3,}:?$")
# A number with a unit glued on ("3001件", "96171.6万元"); the unit stays in the printed text.
_UNIT_RE = re.compile(r"^([+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)(件|条|个|项|次|份|人次|人|家|万元|元)$")
#: Words printed in a cell instead of a number; they keep the cell's position.
NONE_WORDS = frozenset({"无"})
#: A cell printed as one character that looks like a zero: the letter O (OCR, or typed), the numeral 〇, a
#: circle. Read as 0; the cell keeps the character as printed and the checks say it was read so
#: (service.checks.values.reading_findings).
ZERO_LOOKALIKES = frozenset({"O", "o", "〇", "○", "◯"})
_DIGIT_GAP_RE = re.compile(r"(?<=\d)\s+(?=\d)")
_TABLE_GAP_RE = re.compile(r"[ ]*[\t|]|[ ]{2,}")
_PAGE_NUMBER_RE = re.compile(
    r"[ \t]*(?:[-—–]\s*\d{1,4}\s*[-—–]|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?|\d{1,4}\s*/\s*\d{1,4})[ \t]*$"
)
_NONSPACE_RE = re.compile(r"\S")
_PLAIN_ROW_RE = re.compile(r"(.*?[^\d\s|*`_])((?:[\t| ]+\d+)+)[\t| ]*$")
_DIGITS_RE = re.compile(r"\d+")
_VALUE_CHAR_RE = re.compile(r"[0-9/\\\-—–―]")
#: A zero's look-alike standing alone (ZERO_LOOKALIKES): a value too, in a line without any other.
_LOOKALIKE_RE = re.compile(r"(?<![^\s|])[" + "".join(sorted(ZERO_LOOKALIKES)) + r"](?![^\s|])")
_SEP_RE = re.compile(r"[\s|*`_]+")
_STRIP = "*`_"


_NUMBER, _TEXT, _BLANK = CellKind.NUMBER, CellKind.TEXT, CellKind.BLANK  # (enum look-ups cost in hot loops)
_DASH_KIND = CellKind.DASH


@dataclass(slots=True)
class Token:
    text: str
    start: int
    end: int
    kind: CellKind
    value: int | float | None = None


@dataclass(slots=True)
class Unit:
    """A label followed by values, from one text line or one structured row."""

    line: int
    label: str
    values: list[Token]
    gap_before: str = ""  # label-only text between the previous unit and this one
    gap_after: str = ""
    notes: list[str] = field(default_factory=list)
    last_line: int = 0  # the last line holding its values (continuation lines included)
    headless: bool = False  # its line had no label text of its own
    block: bool = False  # part of a run of label-less value lines that is more than one row


#: A printed number with more digits before its decimal point (a trillion and more) is no count or amount
#: any report holds: it is kept as a printed NUMBER without a value, and C8 fails it (see absurd_reason).
MAX_DIGITS = 12
_SCIENTIFIC_RE = re.compile(r"^[+-]?\d+(?:\.\d+)?[eE][+-]?\d+$")


def _number(t: str) -> int | float | None:
    """The value of a plain printed number ("1,234", "0.5", "-3"); None when it is absurdly long."""
    t = t.replace(",", "")
    if len(t.lstrip("+-").split(".", 1)[0]) > MAX_DIGITS:
        return None
    return float(t) if "." in t else int(t)


def _digits(raw: str) -> int | None:
    """The value of a run of decimal digits (ASCII, or others ``int`` reads: a plain row's label may end in
    one); None when it is absurdly long."""
    v = _SMALL_INTS.get(raw)
    if v is not None:
        return v
    return int(raw) if len(raw) <= MAX_DIGITS else None


#: The values of "0" … "999", the counts most cells print: a look-up costs a fifth of ``int()`` on a str
#: (which first copies the text to ASCII). "00", "+1" and the like are not in it and go to ``int()``.
_SMALL_INTS = {str(i): i for i in range(1000)}


def absurd_reason(printed: str) -> str | None:
    """Why a printed number has no value (C8 fails it), or None: scientific notation ("1e30", an
    inexact display) or more than MAX_DIGITS digits. Python's int() is never asked to convert those."""
    t = printed.strip().strip(_STRIP)
    m = _UNIT_RE.match(t)
    core = (m.group(1) if m else t).replace(",", "")
    if _SCIENTIFIC_RE.match(core):
        return "以科学计数法印出，不是确切的数值"
    whole = core.lstrip("+-").split(".", 1)[0]
    if whole.isdigit() and len(whole) > MAX_DIGITS:
        return f"有 {len(whole)} 位整数，超出任何报告可能的数值"
    return None


def classify(text: str) -> tuple[CellKind, int | float | None]:
    t = text.strip().strip(_STRIP)
    if not t:
        return _BLANK, None
    c = t[0]
    if not (c.isdecimal() or c == "+" or c == "-"):
        # A number (with a unit, or in scientific notation) starts with a sign or a digit (``\d`` is
        # exactly ``str.isdecimal``): only "/", a dash or a zero's look-alike can be anything but text.
        if t in ZERO_LOOKALIKES:
            return CellKind.NUMBER, 0
        if t in _SLASH:
            return CellKind.SLASH, None
        if t in _DASH:
            return CellKind.DASH, None
        return _TEXT, None
    if _NUMBER_RE.match(t):
        return CellKind.NUMBER, _number(t)
    if t in _SLASH:
        return CellKind.SLASH, None
    if t in _DASH:
        return CellKind.DASH, None
    m = _UNIT_RE.match(t)
    if m:
        return CellKind.NUMBER, _number(m.group(1))
    if _SCIENTIFIC_RE.match(t):
        return CellKind.NUMBER, None
    return CellKind.TEXT, None


def line_tokens(folded: str, start: int, end: int) -> list[Token]:
    """Tokens of one text line (offsets absolute)."""
    out: list[Token] = []
    for m in _TOKEN_RE.finditer(folded, start, end):
        raw = m.group()
        s, e = m.start(), m.end()
        if raw.isdigit() and raw.isascii():
            out.append(Token(raw, s, e, _NUMBER, _digits(raw)))
            continue
        if "\u4e00" <= raw[0] <= "\u9fff" and "\u4e00" <= raw[-1] <= "\u9fff":
            # Starts and ends with a CJK character (a header word): text, or the dash "一一"; nothing to strip,
            # no number glued on (what ``classify`` and the glued-number test below find for it).
            out.append(Token(raw, s, e, _DASH_KIND if raw in _DASH else _TEXT))
            continue
        lead = len(raw) - len(raw.lstrip(_STRIP))
        trail = len(raw) - len(raw.rstrip(_STRIP))
        if lead or trail:
            raw = raw[lead : len(raw) - trail] if trail else raw[lead:]
            s, e = s + lead, e - trail
            if not raw:
                continue
        kind, value = classify(raw)
        if kind is CellKind.TEXT:
            g = _GLUED_RE.match(raw) if raw[-1].isdecimal() else None  # (a token holds no line break)
            if g and not _is_enumerator_only(g.group(1)):
                cut = s + len(g.group(1))
                out.append(Token(g.group(1), s, cut, CellKind.TEXT))
                k2, v2 = classify(g.group(2))
                out.append(Token(g.group(2), cut, e, k2, v2))
                continue
        out.append(Token(raw, s, e, kind, value))
    return out


_VALUE_KINDS = (CellKind.NUMBER, CellKind.SLASH, CellKind.DASH)


_ROW_TAIL = "\t| 0123456789"


def _plain_row(folded: str, start: int, end: int) -> tuple[int, int] | None:
    """Where a line that is a label and then plain whole numbers (``_PLAIN_ROW_RE``) has its label end
    and its numbers end, or None for any other line. Found from the line's end with ``rstrip``: the
    label ends at the last character that is no blank, pipe or digit, and that character must be one a
    label may end with. The regular expression decides only when that character is a digit other
    than 0–9 (which ``\\d`` counts as a digit) or the text holds a line break (``.`` and ``$``)."""
    line = folded[start:end]
    label_end = len(line.rstrip(_ROW_TAIL))
    if (label_end and line[label_end - 1].isdecimal()) or "\n" in line:
        fast = _PLAIN_ROW_RE.match(folded, start, end)
        return (fast.end(1), fast.end(2)) if fast else None
    values_end = len(line.rstrip("\t| "))
    if not label_end or values_end == label_end or line[label_end] not in "\t| ":
        return None  # no label, no number, or a number glued to the label
    last = line[label_end - 1]
    if last.isspace() or last in "*`_":
        return None  # not a character a label ends with
    return start + label_end, start + values_end


#: The last characters of the units ``_UNIT_RE`` reads ("3001件", "96171.6万元", "5人次").
_UNIT_ENDS = frozenset("件条个项次份人家元")


def _is_text(piece: str) -> bool:
    """``classify(piece)[0] is TEXT`` for a token (no blanks, not empty). A token that ends with a CJK
    character that ends no unit and not with the dash "一一" is text: no number, slash or dash ends so
    (this spares a label such as "1.属于国家秘密", starting with a digit, the number patterns)."""
    last = piece[-1]
    if "\u4e00" <= last <= "\u9fff" and last not in _UNIT_ENDS and not piece.endswith("一一"):
        return True
    return classify(piece)[0] is _TEXT


_new = object.__new__


def _digit_tokens(folded: str, start: int, end: int) -> list[Token]:
    """The numbers of ``folded[start:end]``, which holds only runs of decimal digits and the tabs, pipes and
    spaces between them (a plain row's values, see ``_plain_row``): ``Token(raw, s, e, NUMBER, _digits(raw))``
    each, built without the dataclass's ``__init__`` (the most frequent tokens; tests/test_tables_model.py
    checks them against the constructor and the regular expression)."""
    out: list[Token] = []
    pos = start
    small = _SMALL_INTS.get
    for raw in folded[start:end].replace("|", " ").replace("\t", " ").split(" "):
        if raw:
            tok = _new(Token)
            tok.text = raw
            tok.start = pos
            pos += len(raw)
            tok.end = pos
            tok.kind = _NUMBER
            v = small(raw)
            tok.value = v if v is not None else _digits(raw)  # (``_digits``, its table looked up first)
            out.append(tok)
        pos += 1  # the separator after it
    return out


def split_line(folded: str, start: int, end: int) -> tuple[list[str], list[Token]]:
    """(label pieces, trailing value tokens) of one text line; only the values become Tokens.

    One stray token of one or two characters after the values (a footnote mark, a character of a
    vertical label) is moved into the label pieces.
    """
    fast = _plain_row(folded, start, end)
    if fast:
        # The common case: a label, then plain whole numbers separated by tabs, pipes or spaces.
        label = _TOKEN_RE.findall(folded, start, fast[0])
        if label and label[-1] not in NONE_WORDS and _is_text(label[-1]):
            return label, _digit_tokens(folded, *fast)
    ms = list(_TOKEN_RE.finditer(folded, start, end))
    vals: list[Token] = []
    i = len(ms)
    label_tail: str | None = None
    stray: str | None = None
    if i >= 2:
        last = ms[-1].group()
        prev = ms[-2].group()
        before = ms[-3].group() if i >= 3 else ""
        if len(last) <= 2 and not any(ch.isdigit() for ch in last) and classify(last)[0] is CellKind.TEXT \
                and last not in NONE_WORDS and classify(prev)[0] in _VALUE_KINDS and classify(before)[0] in _VALUE_KINDS:
            stray = last
            i -= 1
    while i > 0:
        m = ms[i - 1]
        raw = m.group()
        s, e = m.start(), m.end()
        if raw.isdigit() and raw.isascii():
            vals.append(Token(raw, s, e, CellKind.NUMBER, _digits(raw)))
            i -= 1
            continue
        core = raw.strip(_STRIP)
        kind, value = classify(core) if core else (CellKind.TEXT, None)
        if kind in _VALUE_KINDS or core in NONE_WORDS:
            lead = len(raw) - len(raw.lstrip(_STRIP))
            vals.append(Token(core, s + lead, s + lead + len(core), kind, value))
            i -= 1
            continue
        g = _GLUED_RE.match(core) if core and core[-1].isdecimal() else None
        if g and not _is_enumerator_only(g.group(1)):
            lead = len(raw) - len(raw.lstrip(_STRIP))
            cut = s + lead + len(g.group(1))
            k2, v2 = classify(g.group(2))
            vals.append(Token(g.group(2), cut, cut + len(g.group(2)), k2, v2))
            label_tail = g.group(1)
            i -= 1
        break
    vals.reverse()
    if not vals and stray is None:
        return _leading_values(ms, folded, start, end)
    label = [m.group() for m in ms[:i]]
    if label_tail is not None:
        label.append(label_tail)
    if stray is not None:
        label.append(stray)
    return label, vals


def _leading_values(ms: list[re.Match[str]], folded: str, start: int, end: int) -> tuple[list[str], list[Token]]:
    """A line that prints its values before its label ('1 0 11 规章'): the leading run is the values."""
    vals: list[Token] = []
    for m in ms:
        core = m.group().strip(_STRIP)
        kind, value = classify(core)
        if kind not in _VALUE_KINDS and core not in NONE_WORDS:
            break
        vals.append(Token(core, m.start(), m.start() + len(core), kind, value))
    rest = [m.group() for m in ms[len(vals):]]
    if not vals or not rest or not any(v.kind is CellKind.NUMBER for v in vals) or _is_enumerator_only(rest[0]):
        return [m.group() for m in ms], []
    # Only a table-like gap (tab, pipe or two spaces) separates values from a label; "2024 年…" is prose.
    if not _TABLE_GAP_RE.match(folded, vals[-1].end):
        return [m.group() for m in ms], []
    return rest, vals


def _field_of(doc: SourceDocument, pos: int) -> int | None:
    """Column of a position in a tab- or pipe-separated line (the separators before it); None otherwise."""
    ln = doc.line_of(pos)
    start, end = doc.line_span(ln)
    line = doc.folded[start:end]
    if "\t" not in line and "|" not in line:
        return None
    seg = doc.folded[start:pos]
    return seg.count("\t") + seg.count("|")


def _is_enumerator_only(text: str) -> bool:
    return bool(re.fullmatch(r"[(（]?[一二三四五六七八九十\d]+[)）]?[、.]?", text))


def split_trailing(tokens: list[Token]) -> tuple[list[Token], list[Token]]:
    """Split tokens into (label tokens, trailing value tokens)."""
    i = len(tokens)
    while i > 0 and (tokens[i - 1].kind in (CellKind.NUMBER, CellKind.SLASH, CellKind.DASH, CellKind.BLANK)
                     or tokens[i - 1].text in NONE_WORDS):
        i -= 1
    return tokens[:i], tokens[i:]


def text_units(
    doc: SourceDocument,
    first_line: int,
    last_line: int,
    max_values: int = 7,
    row_ok: Callable[[list[Token]], bool] | None = None,
    label_rows: Callable[[str], list[str]] | None = None,
    keep_apart: bool = False,
) -> list[Unit]:
    """Units of the text lines [first_line, last_line] (1-based, inclusive), with gap text attached.

    A line of values with no label right after a unit continues it: digits under one of its values
    (same column) are that value wrapped inside its cell and are joined to it; otherwise the values
    are the rest of the row, wrapped onto the next line, when together they make at most
    ``max_values`` (a row printed one cell per line is the same case). A run of label-less lines that
    holds more numbers than a row is not read as rows, except a first complete row that ``row_ok``
    accepts (e.g. its parts add up to its total). With ``label_rows`` (the row labels in a block of
    label text), a run of label-less rows after a block of labels is read by ``_labels_apart``;
    ``keep_apart`` keeps the rows of a run whose count differs from its labels' (bare, for the table
    to place by position and relations: see ``headless``) instead of leaving them out.
    """
    units: list[Unit] = []
    gap: list[str] = []
    folded = doc.folded
    last_content = 0  # last line with any text (blank lines do not break a row printed cell by cell)
    for ln in range(first_line, last_line + 1):
        for s, e in _row_spans(folded, *doc.line_span(ln)):
            if _PAGE_NUMBER_RE.match(folded, s, e):
                continue  # a page number ("- 3 -", "第3页") between rows is neither label nor value
            if not _VALUE_CHAR_RE.search(folded, s, e) and not _LOOKALIKE_RE.search(folded, s, e):
                if not _NONSPACE_RE.search(folded, s, e):
                    continue
                previous_content, last_content = last_content, ln
                # No digit, "/" or dash: label or header text only.
                text = _SEP_RE.sub("", folded[s:e])
                if text:
                    gap.append(text)
                continue
            previous_content, last_content = last_content, ln  # (a value character is no blank)
            pieces, vals = split_line(folded, s, e)
            if not vals and (not pieces or all(_MD_RULE_RE.match(p) for p in pieces)):
                continue
            label = "".join(pieces)
            if not (vals and pieces) and not any(v.kind is CellKind.NUMBER for v in vals):
                gap.append(label + "".join(v.text for v in vals))
                continue
            if not vals:
                gap.append(label)
                continue
            if not pieces and not gap and units and units[-1].last_line == previous_content \
                    and _continue(units[-1], vals, folded, s, e, doc, max_values, adjacent=units[-1].last_line == ln - 1):
                units[-1].last_line = ln
                continue
            unit = Unit(ln, label, vals, "".join(gap), "", [], ln, not pieces)  # (positional: a cheaper call)
            if units:
                units[-1].gap_after = unit.gap_before
                if unit.headless and not gap and len(vals) < max_values:
                    # A short label-less line straight after a row: more numbers than one row with no label
                    # to say whose (a table dumped column by column, cell by cell). Not read as rows.
                    unit.block = True
                    prev = units[-1]
                    if prev.headless and not (row_ok is not None and len(prev.values) == max_values and row_ok(prev.values)):
                        prev.block = True
            units.append(unit)
            gap = []
    if units and gap:
        units[-1].gap_after = "".join(gap)
    orphan = _labels_apart(units, label_rows, doc.line_of, keep_apart) if label_rows is not None else []
    kept = [u for u in units if not u.block]
    if kept and orphan:
        kept[0].notes.extend(orphan)
    return kept


#: Where a row starts inside a line that holds several rows run together: a row's enumerator (一、 (一)
#: or the single digit of 1.–8.) right after the digits of the row before, blanks or none between
#: (``…政府信息2200003252.没有现成…``: the row's digits end before the enumerator's 2).
_ROW_START_RE = re.compile(r"(?<=\d)[ \t|]*(?=(?:[一二三四五六七八九十]、|\([一二三四五六七八九十]\)|\d[.、])[\u4e00-\u9fff])")
#: ``_ROW_START_RE`` with its digit matched, not looked behind at: a line holds a match of one exactly
#: when it holds a match of the other (a line's first character has no digit before it in the line).
_ROW_START_HINT_RE = re.compile(r"\d[ \t|]*(?:[一二三四五六七八九十]、|\([一二三四五六七八九十]\)|\d[.、])[\u4e00-\u9fff]")
_CJK_RE = re.compile(r"[\u4e00-\u9fff]")
_LAST_CJK_RE = re.compile(r"(?s:.*)[\u4e00-\u9fff]")
#: Lines shorter than this are one row (a label and seven numbers at most) and are not searched.
_MULTI_ROW_LINE = 16


def _row_spans(folded: str, start: int, end: int) -> list[tuple[int, int]]:
    """The line [start, end) cut where a new row starts after a row's values (see ``_ROW_START_RE``),
    when the text before holds a label too; one span for a line of one row."""
    if end - start < _MULTI_ROW_LINE:
        return [(start, end)]
    # Every CJK character is before ``stop`` (what follows it is blanks, pipes and ASCII digits), and so is
    # every row start: one search up to there tells the lines without one (most), skipping a row's numbers.
    stop = start + len(folded[start:end].rstrip(_ROW_TAIL))
    if not _ROW_START_HINT_RE.search(folded, start, stop):
        return [(start, end)]
    digit = _DIGITS_RE.search(folded, start, end)
    last = _LAST_CJK_RE.match(folded, digit.end(), end) if digit else None
    if last is None:
        return [(start, end)]  # no label text after a digit: one row
    out: list[tuple[int, int]] = []
    a = start
    # A row start is followed by label text: none is after the line's last CJK character.
    for m in _ROW_START_RE.finditer(folded, start, last.end()):
        b = m.end()
        if _CJK_RE.search(folded, a, m.start()):
            out.append((a, m.start()))
            a = b
    out.append((a, end))
    return out


def _labels_apart(units: list[Unit], label_rows: Callable[[str], list[str]], line_of: Callable[[int], int],
                  keep: bool = False) -> list[str]:
    """Label-less rows beside a block of row labels (a ruled table's text: labels, then the rows).

    A run of label-less units with no text between them takes the row labels of the block before it
    (or, in a table whose blocks follow their rows — more runs of several units have as many labels in
    the block after them as units than in the block before —, of the block after it) by order when there are as many labels as rows —
    as units, or as lines when short rows were joined as one row wrapped over lines. When the block
    holds several labels and the counts differ, no unit of the run is read: which number belongs
    under which label is not known (returns the notes saying so) — or, with ``keep``, the units stay
    bare rows for the table to place (see ``headless``). A single label-less row (a row printed one
    cell per line included), or a block of one label (the row under its label, the others' labels
    printed elsewhere), is left to ``text_units``' own rules and the matcher's order-preserving
    assignment.
    """
    runs: list[tuple[int, int]] = []
    i = 0
    while i < len(units):
        if not units[i].headless:
            i += 1
            continue
        j = i + 1
        while j < len(units) and units[j].headless and not units[j].gap_before:
            j += 1
        runs.append((i, j))
        i = j

    def several(i: int, j: int) -> bool:
        return j - i > 1 or units[i].last_line > units[i].line

    def agrees(i: int, j: int, gap: str) -> bool:
        return j - i > 1 and bool(gap) and len(label_rows(gap)) == j - i

    shown = [(i, j) for i, j in runs if several(i, j)]
    # Runs of lines too short for a row (a table dumped column by column) have no say in the side,
    # nor take the labels after them.
    rows = [(i, j) for i, j in shown if not any(u.block for u in units[i:j])]
    votes_after = sum(agrees(i, j, units[j - 1].gap_after) for i, j in rows)
    votes_before = sum(agrees(i, j, units[i].gap_before) for i, j in rows)
    after = votes_after > votes_before
    if after:
        shown = rows
    orphan: list[str] = []
    if votes_before and votes_after == votes_before:
        # As many runs agree with the blocks before them as with those after (a row or a label lost at
        # one end): the labels may be read one block off without breaking a relation. None is read.
        for i, j in shown:
            for unit in units[i:j]:
                unit.block = unit.block or not keep
            _consume(units, i, j, after=True)
            _consume(units, i, j, after=False)
        where = "、".join(f"第 {units[i].line}–{units[j - 1].last_line or units[j - 1].line} 行" for i, j in shown[:3])
        return [f"{where}等处的数值未印行标签，其上方和下方的行标签块都与之数目相符，无法确定对应关系，"
                "这些单元格按未知处理" if not keep else
                f"{where}等处的数值未印行标签，其上方和下方的行标签块都与之数目相符，只按位置和勾稽关系对应"]
    shift = 0
    for i0, j0 in shown:
        i, j = i0 + shift, j0 + shift
        gap = units[j - 1].gap_after if after else units[i].gap_before
        labels = label_rows(gap) if gap else []
        if len(labels) <= 1:
            continue
        run = units[i:j]
        where = f"第 {run[0].line}–{run[-1].last_line or run[-1].line} 行"
        by_line: dict[int, list[Token]] = {}
        for unit in run:
            for t in unit.values:
                by_line.setdefault(line_of(t.start), []).append(t)
        if len(labels) != len(run) and len(by_line) == len(labels):
            edge = (run[0].gap_before, run[-1].gap_after)
            run = [Unit(line=ln, label="", values=vals, last_line=ln, headless=True) for ln, vals in by_line.items()]
            run[0].gap_before, run[-1].gap_after = edge
            units[i:j] = run
            shift += len(run) - (j - i)
            j = i + len(run)
        where_labels = "下方" if after else "上方"
        if len(labels) == len(run):
            for unit, label in zip(run, labels, strict=True):
                unit.label, unit.headless, unit.block = label, False, False
            _consume(units, i, j, after)
            run[0].notes.append(f"{where}的 {len(run)} 行数值未印行标签，按顺序对应其{where_labels}的 {len(labels)} 个行标签")
        elif len(run) > 1 and not keep:
            for unit in run:
                unit.block = True
            _consume(units, i, j, after)  # the block's labels belong to the run, not to the row beside it
            orphan.append(f"{where}的 {len(run)} 行数值未印行标签，其{where_labels}有 {len(labels)} 个行标签，"
                          "数目不符，无法确定对应关系，这些单元格按未知处理")
    return orphan


def _consume(units: list[Unit], i: int, j: int, after: bool) -> None:
    """The label block beside units[i:j] read as theirs: no other row takes it as its context."""
    if after:
        units[j - 1].gap_after = ""
        if j < len(units):
            units[j].gap_before = ""
    else:
        units[i].gap_before = ""
        if i > 0:
            units[i - 1].gap_after = ""


def _continue(
    unit: Unit, vals: list[Token], folded: str, s: int, e: int, doc: SourceDocument, max_values: int, adjacent: bool
) -> bool:
    """Merge a label-less line of values into the unit before it, if it continues it (see text_units).

    Digits are joined to a value only on the very next line, for one or two values (a full row under a
    row is a row), and never onto a printed 0 ("0" + "10" is no number anyone prints)."""
    indented = s < e and folded[s] in " \t|"
    if unit.label and indented and adjacent and len(vals) <= 2 and len(vals) < max(2, len(unit.values)) \
            and all(v.kind is CellKind.NUMBER for v in vals):
        by_field = {f: t for t in unit.values if (f := _field_of(doc, t.start)) is not None}
        prev_start = doc.line_starts[unit.last_line - 1]
        targets: list[Token] = []
        for v in vals:
            f = _field_of(doc, v.start)
            if f is not None and f in by_field:
                targets.append(by_field[f])
                continue
            # Space-aligned text: a value under a value (overlapping character columns).
            col = (v.start - s, v.end - s)
            hit = [t for t in unit.values if t.start - prev_start < col[1] and col[0] < t.end - prev_start]
            if len(hit) != 1:
                targets = []
                break
            targets.append(hit[0])
        if targets and len({id(t) for t in targets}) == len(targets) \
                and all(t.kind is CellKind.NUMBER and not t.text.startswith("0") for t in targets):
            for t, v in zip(targets, vals, strict=True):
                joined = t.text + v.text
                kind, value = classify(joined)
                unit.notes.append(f"第 {doc.line_of(t.start)} 行：“{t.text}”在下一行续写为“{v.text}”，读作 {joined}")
                t.text, t.end, t.kind, t.value = joined, v.end, kind, value
            return True
    room = max_values - len(unit.values)
    if len(vals) <= room and (not unit.label or len(vals) == room) and (len(vals) > 1 or not unit.label):
        unit.values.extend(vals)
        return True
    return False


def grid_units(doc: SourceDocument, grid: GridTable, max_values: int) -> list[Unit]:
    """Units of a structured table: each row's trailing value cells (blanks kept) and its label cells."""
    units: list[Unit] = []
    gap: list[str] = []
    for r_idx, row in enumerate(grid.rows):
        toks: list[Token] = []
        for cell in row:
            text = fold(cell.text).strip()
            if text and text[0].isdigit():
                text = _DIGIT_GAP_RE.sub("", text)  # one cell holds one value: "3985 758" was wrapped
            kind, value = classify(text)
            start = cell.start if cell.start is not None else -1
            end = cell.end if cell.end is not None else -1
            toks.append(Token(text, start, end, kind, value))
        label_toks, vals = split_trailing(toks)
        if len(vals) > max_values:
            label_toks = label_toks + [t for t in vals[: len(vals) - max_values] if t.kind is not CellKind.BLANK]
            vals = vals[len(vals) - max_values :]
        label = "".join(t.text for t in label_toks)
        line = doc.line_of(toks[0].start) if toks and toks[0].start >= 0 else r_idx + 1
        if not any(v.kind is CellKind.NUMBER for v in vals) and not any(
            v.kind in (CellKind.SLASH, CellKind.DASH) for v in vals
        ):
            gap.append(label)
            continue
        unit = Unit(line=line, label=label, values=vals, gap_before="".join(gap))
        if units:
            units[-1].gap_after = unit.gap_before
        units.append(unit)
        gap = []
    if units and gap:
        units[-1].gap_after = "".join(gap)
    return units
