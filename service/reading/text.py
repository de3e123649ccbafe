"""Decode bytes of a text or Markdown report: UTF-8 (with or without BOM), UTF-16, GB18030/GBK."""

from __future__ import annotations

import codecs
import re

from service.errors import InputError
from service.reading.normalize import strip_invisible

_CONTROL_OK = {"\n", "\r", "\t", "\f"}
_BAD_CHARS_RE = re.compile("[\x00-\x08\x0b\x0e-\x1f\ufffd]")


def decode_bytes(data: bytes, path: str | None = None) -> tuple[str, str]:
    """Return (text, encoding name). Raises InputError when the bytes are not text."""
    if not data.strip():
        raise InputError("文件是空的", path)
    # A declared or clear encoding is kept even if some bytes are bad (a file cut short): they become
    # U+FFFD, which _finish refuses when there are many; an odd trailing byte of UTF-16 is dropped.
    if data.startswith(codecs.BOM_UTF8):
        return _finish(data[3:].decode("utf-8", errors="replace"), "utf-8-sig", path)
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        return _finish(_even(data).decode("utf-16", errors="replace"), "utf-16", path)
    guessed = _guess_utf16_without_bom(data)
    if guessed:
        return _finish(_even(data).decode(guessed, errors="replace"), guessed, path)
    if b"\x00" in data[:4096]:
        for enc in ("utf-16-le", "utf-16-be"):
            try:
                candidate = _even(data).decode(enc)
            except UnicodeDecodeError:
                continue
            if _looks_like_text(candidate):
                return _finish(candidate, enc, path)
        raise InputError("二进制数据而不是文字报告(含 NUL 字节)", path)
    try:
        return _finish(data.decode("utf-8"), "utf-8", path)
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
    raise InputError("无法按 UTF-8、UTF-16 或 GB18030 解码为文字", path)


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


def _finish(text: str, encoding: str, path: str | None) -> tuple[str, str]:
    text = strip_invisible(text).replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise InputError("文件中没有文字", path)
    sample = text[:20000]
    bad = len(_BAD_CHARS_RE.findall(sample))
    if bad > max(8, len(sample) // 50):
        raise InputError("二进制数据而不是文字报告(控制字符过多)", path)
    return text, encoding
