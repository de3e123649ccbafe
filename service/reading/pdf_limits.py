"""Bounds on reading a PDF: how much its streams may decode to, how large its pictures may be, how many
pages it may have.

A PDF bomb — a few hundred KB of compressed stream that decodes to gigabytes, or a picture that declares
a billion pixels — would take PDFium or pdfminer all the memory. Before either sees the file, every stream
is decoded once here through its filter chain, without keeping what the last filter gives, until the
document's total passes MAX_DECODED (the reports seen decode to 1–2 MB in all, which takes milliseconds):

- FlateDecode: inflated 16 KB of input at a time; LZWDecode: only the lengths of its codes are followed
  (the output is never made); RunLengthDecode: its run lengths are added up; ASCIIHexDecode and
  ASCII85Decode shrink or grow at most fourfold and are decoded. Filters before the last are decoded
  within the same budget (ASCIIHex then Flate, as some generators write).
- Pictures (DCTDecode, JPXDecode, JBIG2Decode, CCITTFaxDecode, or any stream with /Width and /Height):
  more than MAX_PICTURE_PIXELS declared pixels is refused, and so is a JPEG whose own header says so.
- An encrypted PDF (``/Encrypt``) is decrypted with the empty password, as readers open it, and its streams
  are checked the same way; one that needs a password is refused (it cannot be read anyway).
A stream that does not decode (damaged, or a filter not listed) is left to the readers, which stop at it.
"""

from __future__ import annotations

import binascii
import itertools
import re
import zlib
from collections.abc import Iterable, Iterator
from typing import TypeVar

from service.errors import InputError

#: Bytes all the streams of one PDF may decode to.
MAX_DECODED = 128_000_000
#: Pixels one picture in a PDF may declare: an A4 page scanned at 1200 dpi is 140 MP.
MAX_PICTURE_PIXELS = 150_000_000
#: Pages a PDF may have: a report has a few dozen; the bound keeps a document of blank pages cheap.
MAX_PAGES = 1000

T = TypeVar("T")
_STREAM_RE = re.compile(rb"(?<!end)stream\r?\n")
_OBJ_RE = re.compile(rb"\d+\s+\d+\s+obj\b")
_FILTER_RE = re.compile(rb"/Filter\s*(\[[^\]]*\]|/[A-Za-z0-9]+)")
_NAME_RE = re.compile(rb"/([A-Za-z0-9]+)")
_INT_RE = {k: re.compile(rb"/" + k + rb"\s+(\d+)(?!\s+\d+\s+R)") for k in (b"Width", b"Height", b"Length")}
#: Input fed to zlib at a time: Deflate inflates at most 1032-fold, so one call yields at most 17 MB.
_IN = 1 << 14
_PICTURES = {b"DCTDecode", b"DCT", b"JPXDecode", b"JBIG2Decode", b"CCITTFaxDecode", b"CCF"}
_ALIASES = {b"Fl": b"FlateDecode", b"AHx": b"ASCIIHexDecode", b"A85": b"ASCII85Decode", b"LZW": b"LZWDecode",
            b"RL": b"RunLengthDecode"}


class _Budget:
    def __init__(self, name: str) -> None:
        self.left = MAX_DECODED
        self.name = name

    def spend(self, n: int) -> None:
        self.left -= n
        if self.left < 0:
            raise InputError(f"PDF 的压缩数据流解码后超过 {MAX_DECODED / 1e6:.0f} MB, 超过任何报告(疑为 PDF 炸弹)",
                             self.name)


def check_inflation(data: bytes, name: str) -> None:
    """Refuse a PDF whose streams decode to more than MAX_DECODED bytes in all, or that holds a picture of
    more than MAX_PICTURE_PIXELS pixels."""
    budget = _Budget(name)
    if re.search(rb"/Encrypt\s*(\d+\s+\d+\s+R|<<)", data):
        streams: Iterable[tuple[bytes, bytes]] = _decrypted_streams(data, name)
    else:
        streams = _streams(data)
    for head, body in streams:
        _check_stream(head, body, budget)


def _streams(data: bytes) -> Iterator[tuple[bytes, bytes]]:
    """(dictionary text, raw bytes) of each stream, found in the file's bytes."""
    for m in _STREAM_RE.finditer(data):
        start = max(0, m.start() - 4096)
        objs = list(_OBJ_RE.finditer(data, start, m.start()))
        head = data[objs[-1].end() if objs else start : m.start()]
        length = _int(head, b"Length")
        end = m.end() + length if length is not None and m.end() + length <= len(data) else data.find(b"endstream", m.end())
        yield head, data[m.end() : end if end >= 0 else len(data)]


def _decrypted_streams(data: bytes, name: str) -> Iterator[tuple[bytes, bytes]]:
    """The streams of an encrypted PDF, decrypted with the empty password (by pdfminer's security handler)."""
    import io

    from pdfminer.pdfdocument import PDFDocument, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFParser
    from pdfminer.pdftypes import PDFStream

    try:
        doc = PDFDocument(PDFParser(io.BytesIO(data)), password="")
    except PDFPasswordIncorrect as exc:
        raise InputError("PDF 已加密, 需要密码才能打开; 请提供未加密的文件", name) from exc
    except Exception:
        return
    for xref in doc.xrefs:
        for objid in xref.get_objids():
            try:
                strmid, _, _ = xref.get_pos(objid)
                if strmid is not None:
                    continue  # inside an object stream: not a stream (streams are never stored there)
                obj = doc.getobj(objid)
            except Exception:
                continue
            if isinstance(obj, PDFStream):
                raw = obj.rawdata or b""
                if obj.decipher is not None:
                    raw = obj.decipher(obj.objid or 0, obj.genno or 0, raw, obj.attrs)
                yield _head_of(obj.attrs), raw


def _head_of(attrs: dict[str, object]) -> bytes:
    """A stream dictionary from pdfminer written back as the text _check_stream reads."""
    from pdfminer.pdftypes import resolve1

    parts = []
    for key in ("Filter", "Width", "Height"):
        v = resolve1(attrs.get(key))
        if v is None:
            continue
        items = v if isinstance(v, list) else [v]
        words = [f"/{x.name}" if hasattr(x, "name") else str(resolve1(x)) for x in items]
        parts.append(f"/{key} " + (f"[{' '.join(words)}]" if isinstance(v, list) else words[0]))
    return " ".join(parts).encode("latin-1", "replace")


def _int(head: bytes, key: bytes) -> int | None:
    m = _INT_RE[key].search(head)
    return int(m.group(1)) if m else None


def _check_stream(head: bytes, body: bytes, budget: _Budget) -> None:
    m = _FILTER_RE.search(head)
    filters = [_ALIASES.get(f, f) for f in _NAME_RE.findall(m.group(1))] if m else []
    width, height = _int(head, b"Width"), _int(head, b"Height")
    if width is not None and height is not None:
        _picture(width, height, budget.name)
    try:
        for i, f in enumerate(filters):
            last = i == len(filters) - 1
            if f in _PICTURES:
                if f in (b"DCTDecode", b"DCT"):
                    size = _jpeg_size(body)
                    if size:
                        _picture(*size, budget.name)
                return
            body = _decode(f, body, budget, keep=not last)
    except (zlib.error, ValueError, binascii.Error):
        return  # damaged: left to the readers


def _picture(width: int, height: int, name: str) -> None:
    if width * height > MAX_PICTURE_PIXELS:
        raise InputError(f"PDF 中的图片为 {width}×{height} 像素, 超过 {MAX_PICTURE_PIXELS / 1e6:.0f} MP 的上限"
                         f"(疑为 PDF 炸弹)", name)


def _decode(f: bytes, body: bytes, budget: _Budget, keep: bool) -> bytes:
    """What filter ``f`` makes of ``body``, its size charged to ``budget``; kept only if ``keep``."""
    if f == b"FlateDecode":
        return _inflate(body, budget, keep)
    if f == b"LZWDecode":
        return _lzw(body, budget, keep)
    if f == b"RunLengthDecode":
        return _run_length(body, budget, keep)
    if f == b"ASCIIHexDecode":
        text = re.sub(rb"\s+", b"", body.split(b">", 1)[0])
        out = binascii.unhexlify(text + b"0" * (len(text) % 2))
    elif f == b"ASCII85Decode":
        text = re.sub(rb"\s+", b"", body.split(b"~>", 1)[0])
        budget.spend(text.count(b"z") * 4)  # 'z' is four zero bytes: charged before they are made
        out = _a85(text) if text else b""
    else:
        return b""  # not a filter that can grow the data without bound (or not one known here)
    budget.spend(len(out))
    return out if keep else b""


def _a85(text: bytes) -> bytes:
    import base64

    return base64.a85decode(text.removeprefix(b"<~"), adobe=False)


def _inflate(body: bytes, budget: _Budget, keep: bool) -> bytes:
    d = zlib.decompressobj()
    view = memoryview(body)
    out: list[bytes] = []
    pos = 0
    while not d.eof and pos < len(body):
        chunk = d.decompress(view[pos : pos + _IN])
        budget.spend(len(chunk))
        if keep:
            out.append(chunk)
        pos += _IN
    return b"".join(out)


def _run_length(body: bytes, budget: _Budget, keep: bool) -> bytes:
    out: list[bytes] = []
    i, total = 0, 0
    while i < len(body):
        n = body[i]
        if n == 128:
            break
        if n < 128:
            piece, i = body[i + 1 : i + 2 + n], i + 2 + n
        else:
            piece, i = body[i + 1 : i + 2] * (257 - n), i + 2
        total += len(piece)
        if keep:
            out.append(piece)
        if total > budget.left:
            break
    budget.spend(total)
    return b"".join(out)


def _lzw(body: bytes, budget: _Budget, keep: bool) -> bytes:
    """LZWDecode as pdfminer decodes it (a clear code first, 9 to 12-bit codes, early change), the output's
    size charged to ``budget``. Without ``keep`` only the lengths of the table's strings are followed, so
    the output is never made."""
    out: list[bytes] = []
    lengths: list[int] = []  # of the table's strings from code 258 on
    strings: list[bytes] = []  # the strings themselves, when kept
    prev_len, prev, started = 0, b"", False
    width, acc, nacc = 9, 0, 0
    for byte in body:
        acc, nacc = (acc << 8) | byte, nacc + 8
        while nacc >= width:
            nacc -= width
            code = (acc >> nacc) & ((1 << width) - 1)
            acc &= (1 << nacc) - 1
            if code == 256:
                lengths, strings, prev_len, prev, width, started = [], [], 0, b"", 9, True
                continue
            if code == 257:
                continue
            if not started:
                return b"".join(out)  # no clear code first: pdfminer stops here too
            i = code - 258
            if code < 256:
                n, cur = 1, bytes((code,)) if keep else b""
            elif i < len(lengths):
                n, cur = lengths[i], strings[i] if keep else b""
            elif i == len(lengths) and prev_len:
                n, cur = prev_len + 1, prev + prev[:1]
            else:
                return b"".join(out)  # damaged: the readers stop here
            if prev_len:
                if len(lengths) < 4096 - 258:  # codes never reach past 4095
                    lengths.append(prev_len + 1)
                    if keep:
                        strings.append(prev + cur[:1])
                if 258 + len(lengths) in (511, 1023, 2047):
                    width += 1
            budget.spend(n)
            if keep:
                out.append(cur)
            prev_len, prev = n, cur
    return b"".join(out)


def _jpeg_size(body: bytes) -> tuple[int, int] | None:
    """(width, height) from a JPEG's SOF marker, or None."""
    i = 2 if body[:2] == b"\xff\xd8" else -1
    while 0 <= i < len(body) - 9:
        if body[i] != 0xFF:
            return None
        marker = body[i + 1]
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            i += 2
            continue
        seg = int.from_bytes(body[i + 2 : i + 4], "big")
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            return int.from_bytes(body[i + 7 : i + 9], "big"), int.from_bytes(body[i + 5 : i + 7], "big")
        i += 2 + seg
    return None


def bounded_pages(pages: Iterable[T], name: str) -> list[T]:
    """The pages, refused (InputError) once there are more than any report has: no more than
    MAX_PAGES + 1 are taken from ``pages``, so a document of blank pages is not read to its end."""
    taken = list(itertools.islice(pages, MAX_PAGES + 1))
    if len(taken) > MAX_PAGES:
        raise InputError(f"PDF 超过 {MAX_PAGES:,} 页, 超过任何报告", name)
    return taken
