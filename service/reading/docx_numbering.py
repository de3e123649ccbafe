"""Word automatic numbering: the "一、" or "（一）" that Word draws before a list paragraph.

The text of a numbered heading does not hold its number; it lives in numbering.xml. Counting the
paragraphs of each list gives the label a reader sees.
"""

from __future__ import annotations

from typing import Any

from docx.oxml.ns import qn

_CN_DIGITS = "〇一二三四五六七八九"
_CN_LEGAL = "零壹贰叁肆伍陆柒捌玖"
_TIANGAN = "甲乙丙丁戊己庚辛壬癸"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_ROMAN = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"),
          (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))

Level = tuple[str, str, int]  # (numFmt, lvlText, start)


def _val(el: Any, tag: str) -> str | None:
    child = el.find(qn(tag)) if el is not None else None
    return child.get(qn("w:val")) if child is not None else None


def _int(text: str | None, default: int) -> int:
    try:
        return int(text) if text is not None else default
    except ValueError:
        return default


def chinese_number(n: int, digits: str = _CN_DIGITS, ten: str = "十") -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 105 → 一百零五 (counting style)."""
    if n <= 0:
        return str(n)
    if n < 10:
        return digits[n]
    if n < 20:
        return ten + (digits[n % 10] if n % 10 else "")
    if n < 100:
        return digits[n // 10] + ten + (digits[n % 10] if n % 10 else "")
    if n < 1000:
        head, rest = digits[n // 100] + "百", n % 100
        if not rest:
            return head
        if rest < 10:
            return head + "零" + digits[rest]
        return head + digits[rest // 10] + ten + (digits[rest % 10] if rest % 10 else "")
    return str(n)


def _roman(n: int) -> str:
    out = ""
    for value, sym in _ROMAN:
        while n >= value:
            out += sym
            n -= value
    return out


def format_number(n: int, fmt: str) -> str:
    """A counter in one of Word's number formats."""
    if fmt in ("chineseCounting", "chineseCountingThousand", "japaneseCounting", "taiwaneseCounting",
               "ideographDigital"):
        return chinese_number(n)
    if fmt == "chineseLegalSimplified":
        return chinese_number(n, _CN_LEGAL, "拾")
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese") and 1 <= n <= len(_CIRCLED):
        return _CIRCLED[n - 1]
    if fmt == "ideographTraditional" and 1 <= n <= len(_TIANGAN):
        return _TIANGAN[n - 1]
    if fmt in ("upperLetter", "lowerLetter") and n >= 1:
        s = chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1)
        return s if fmt == "upperLetter" else s.lower()
    if fmt in ("upperRoman", "lowerRoman") and n >= 1:
        return _roman(n) if fmt == "upperRoman" else _roman(n).lower()
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt in ("decimalFullWidth", "decimalFullWidth2"):
        return "".join(chr(ord(c) + 0xFEE0) for c in str(n))
    if fmt in ("bullet", "none"):
        return ""
    return str(n)


class Numbering:
    """Counters of the document's lists; ``label(p)`` gives a paragraph's number text, or ''."""

    def __init__(self, numbering: Any, styles: Any) -> None:
        self._abstract: dict[str, dict[int, Level]] = {}
        self._nums: dict[str, tuple[str, dict[int, int]]] = {}
        self._style_num: dict[str, tuple[str, int]] = {}
        self._counters: dict[str, list[int | None]] = {}
        if numbering is not None:
            self._load_numbering(numbering)
        if styles is not None:
            self._load_styles(styles)

    def _load_numbering(self, numbering: Any) -> None:
        for an in numbering.iterchildren(qn("w:abstractNum")):
            levels: dict[int, Level] = {}
            for lvl in an.iterchildren(qn("w:lvl")):
                ilvl = _int(lvl.get(qn("w:ilvl")), 0)
                levels[ilvl] = (_val(lvl, "w:numFmt") or "decimal", _val(lvl, "w:lvlText") or "",
                                _int(_val(lvl, "w:start"), 1))
            self._abstract[an.get(qn("w:abstractNumId")) or ""] = levels
        for num in numbering.iterchildren(qn("w:num")):
            overrides: dict[int, int] = {}
            for ov in num.iterchildren(qn("w:lvlOverride")):
                start = _val(ov, "w:startOverride")
                if start is not None:
                    overrides[_int(ov.get(qn("w:ilvl")), 0)] = _int(start, 1)
            self._nums[num.get(qn("w:numId")) or ""] = (_val(num, "w:abstractNumId") or "", overrides)

    def _load_styles(self, styles: Any) -> None:
        direct: dict[str, tuple[str, int]] = {}
        based: dict[str, str] = {}
        for st in styles.iterchildren(qn("w:style")):
            sid = st.get(qn("w:styleId")) or ""
            parent = _val(st, "w:basedOn")
            if parent:
                based[sid] = parent
            ppr = st.find(qn("w:pPr"))
            numpr = ppr.find(qn("w:numPr")) if ppr is not None else None
            if numpr is not None:
                direct[sid] = (_val(numpr, "w:numId") or "", _int(_val(numpr, "w:ilvl"), 0))
        for sid in set(direct) | set(based):
            seen: set[str] = set()
            cur: str | None = sid
            while cur and cur not in direct and cur not in seen:
                seen.add(cur)
                cur = based.get(cur)
            if cur in direct:
                self._style_num[sid] = direct[cur]

    def label(self, p: Any) -> str:
        """The number Word shows before paragraph ``p`` (advancing the list's counter), or ''."""
        ppr = p.find(qn("w:pPr"))
        num_id: str | None = None
        ilvl = 0
        numpr = ppr.find(qn("w:numPr")) if ppr is not None else None
        if numpr is not None:
            num_id = _val(numpr, "w:numId")
            ilvl = _int(_val(numpr, "w:ilvl"), 0)
        style = _val(ppr, "w:pStyle") if ppr is not None else None
        if num_id is None and style in self._style_num:
            num_id, ilvl = self._style_num[style]
        if not num_id or num_id == "0" or num_id not in self._nums:
            return ""
        abs_id, overrides = self._nums[num_id]
        levels = self._abstract.get(abs_id, {})
        if ilvl not in levels:
            return ""
        # Word counts every w:num of one abstract list as one list (a paragraph numbered through
        # another w:num of the same definition continues the count); a w:num that overrides a start
        # value is a restarted list of its own.
        key = f"num:{num_id}" if overrides else f"abs:{abs_id}"
        counters = self._counters.setdefault(key, [None] * 10)
        ilvl = min(max(ilvl, 0), 8)
        current = counters[ilvl]
        start = overrides.get(ilvl, levels[ilvl][2])
        counters[ilvl] = start if current is None else current + 1
        for deeper in range(ilvl + 1, 10):
            counters[deeper] = None
        text = levels[ilvl][1]
        for k in range(9, 0, -1):
            placeholder = f"%{k}"
            if placeholder in text:
                lvl = k - 1
                value = counters[lvl]
                if value is None:
                    value = overrides.get(lvl, levels.get(lvl, ("decimal", "", 1))[2])
                fmt = levels.get(lvl, ("decimal", "", 1))[0]
                text = text.replace(placeholder, format_number(value, fmt))
        return text if levels[ilvl][0] != "bullet" else ""
