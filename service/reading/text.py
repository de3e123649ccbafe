"""Decode bytes of a text or Markdown report: UTF-8 (with or without BOM), UTF-16, GB18030/GBK."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from service.errors import InputError
from service.lazy_re import lazy_compile
from service.reading.normalize import FOLDED_CHARS, INVISIBLE_RE, strip_invisible

_CONTROL_OK = {"\n", "\r", "\t", "\f"}
_BAD_CHARS_RE = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f\ufffd]")
_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")
#: Anything ``_finish`` changes or counts: an invisible character, a carriage return, a control character
#: or U+FFFD. A text without any (most texts) is returned as it is, after one search.
_TO_CLEAN_RE = re.compile("[\r" + INVISIBLE_RE.pattern[1:-1] + _BAD_CHARS_RE.pattern[1:-1] + "]")
#: What ``_finish`` cleans and what ``fold`` changes, looked for in one pass (see ``decode_text_exact``).
_SCAN_RE = lazy_compile("[" + _TO_CLEAN_RE.pattern[1:-1] + "".join(re.escape(c) for c in sorted(FOLDED_CHARS)) + "]")
_CONTROL_NAMES = {"\x00": "NUL", "\x1a": "SUB", "\x1b": "ESC", "\x7f": "DEL", "\x08": "BS", "\x0b": "VT"}


#: (text, encoding name, control characters dropped with their counts)
Decoded = tuple[str, str, dict[str, int]]


def decode_bytes(data: bytes, path: str | None = None) -> tuple[str, str]:
    """Return (text, encoding name). Raises InputError when the bytes are not text."""
    text, encoding, _ = decode_text(data, path)
    return text, encoding


@dataclass(frozen=True, slots=True)
class DecodedText:
    """``decode_text``'s result, and what the search for characters to clean found on the way."""

    text: str
    encoding: str
    dropped: dict[str, int]  # control characters dropped, with their counts
    #: The text's UTF-8 bytes when they are the input's own (UTF-8 that needed no cleaning: the text's
    #: hash is taken of them, without encoding the text again), else None.
    utf8: bytes | None = None
    #: The distinct characters of the text that ``fold`` changes, when the text needed no cleaning
    #: (one search looked for both), else None.
    to_fold: frozenset[str] | None = None


def decode_text(data: bytes, path: str | None = None) -> Decoded:
    """Return (text, encoding name, control characters dropped). Raises InputError when the bytes are not text."""
    d = decode_text_exact(data, path)
    return d.text, d.encoding, d.dropped


def decode_text_exact(data: bytes, path: str | None = None) -> DecodedText:
    """``decode_text`` with what was found on the way (see DecodedText)."""
    if not data or data.isspace():
        raise InputError("文件是空的", path)
    # A declared or clear encoding is kept even if some bytes are bad (a file cut short): they become
    # U+FFFD, which _finish refuses when there are many; an odd trailing byte of UTF-16 is dropped.
    if data.startswith(codecs.BOM_UTF8):
        body = data[3:]
        return _finish(body.decode("utf-8", errors="replace"), "utf-8-sig", path, body)
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        return _finish(_even(data).decode("utf-16", errors="replace"), "utf-16", path)
    # UTF-16 without a BOM has zero bytes (ASCII-heavy text one a character): without any in the first
    # 4 KiB neither test below can succeed.
    if b"\x00" in data[:4096]:
        guessed = _guess_utf16_without_bom(data)
        if guessed:
            return _finish(_even(data).decode(guessed, errors="replace"), guessed, path)
        for enc in ("utf-16-le", "utf-16-be"):
            try:
                candidate = _even(data).decode(enc)
            except UnicodeDecodeError:
                continue
            if _looks_like_text(candidate):
                return _finish(candidate, enc, path)
        # Not UTF-16: a NUL is a control character like any other (see _finish), wherever it stands.
    try:
        return _finish(data.decode("utf-8"), "utf-8", path, data)
    except UnicodeDecodeError:
        pass
    try:
        return _finish(data.decode("gb18030"), "gb18030", path)
    except UnicodeDecodeError:
        pass
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data[:200_000]).best()
    except Exception:  # pragma: no cover - detector failure is treated as undecodable
        best = None
    if best is not None and best.encoding:
        return _finish(data.decode(best.encoding, errors="replace"), best.encoding, path)
    raise InputError("二进制数据或未知编码: 无法按 UTF-8、UTF-16 或 GB18030 解码为文字", path)


def _even(data: bytes) -> bytes:
    """UTF-16 bytes without a dangling last byte."""
    return data[: len(data) - len(data) % 2]


def _guess_utf16_without_bom(data: bytes) -> str | None:
    sample = data[:4000]
    if len(sample) < 4:
        return None
    even_zero = sample[0::2].count(0)
    odd_zero = sample[1::2].count(0)
    half = len(sample) / 2
    # ASCII-heavy UTF-16 has one zero byte per character; CJK-heavy text does not, so also try a strict decode.
    if odd_zero > 0.3 * half and even_zero < 0.05 * half:
        return "utf-16-le"
    if even_zero > 0.3 * half and odd_zero < 0.05 * half:
        return "utf-16-be"
    return None


def _looks_like_text(text: str) -> bool:
    sample = text[:4000]
    if not sample:
        return False
    good = sum(1 for ch in sample if ch.isprintable() or ch in _CONTROL_OK)
    cjk = sum(1 for ch in sample if "\u4e00" <= ch <= "\u9fff")
    return good / len(sample) > 0.97 and (cjk > 0 or sample.isascii())


def control_notes(dropped: dict[str, int]) -> list[str]:
    """The reading note for control characters dropped from a text (empty when none were)."""
    if not dropped:
        return []
    what = "、".join(f"{_CONTROL_NAMES.get(ch, f'U+{ord(ch):04X}')} × {n}" for ch, n in sorted(dropped.items()))
    return [f"文本中的 {sum(dropped.values())} 个控制字符已删除（{what}）"]


def drop_controls(text: str, path: str | None) -> tuple[str, dict[str, int]]:
    """The one rule for control characters (NUL and the other C0 controls but tab, newline, carriage
    return and form feed) and U+FFFD (bytes that did not decode), wherever they stand in the text: more than
    one in fifty characters (and more than eight) is binary data and refused; fewer, the control characters
    are dropped and counted (U+FFFD stays, it marks where bytes were lost)."""
    bad = _BAD_CHARS_RE.findall(text)
    if len(bad) > max(8, len(text) // 50):
        raise InputError(f"二进制数据而不是文字报告({len(bad)} 个控制字符或无法解码的字符)", path)
    dropped: dict[str, int] = {}
    for ch in bad:
        if ch != "\ufffd":
            dropped[ch] = dropped.get(ch, 0) + 1
    if dropped:
        text = _CONTROL_RE.sub("", text)
    return text, dropped


def _finish(text: str, encoding: str, path: str | None, utf8: bytes | None = None) -> DecodedText:
    """The text cleaned (see ``drop_controls``); ``utf8``, the bytes it was decoded from as UTF-8, is
    passed on when the text is left as it is."""
    # One search for both what is cleaned here and what fold changes later: most texts have nothing to
    # clean, and then the characters to fold are known.
    found = set(_SCAN_RE.findall(text))
    if found <= FOLDED_CHARS:  # _SCAN_RE's other characters, _TO_CLEAN_RE's, are none of them
        if not text.strip():
            raise InputError("文件中没有文字", path)
        return DecodedText(text, encoding, {}, utf8, frozenset(found))
    text = strip_invisible(text).replace("\r\n", "\n").replace("\r", "\n")
    dropped: dict[str, int] = {}
    if text.strip():  # else it has no text (rather than being binary), whatever controls it holds
        text, dropped = drop_controls(text, path)
    if not text.strip():
        raise InputError("文件中没有文字", path)
    return DecodedText(text, encoding, dropped)
