"""PDF bombs beyond Flate (issue 14's limits): streams behind other filters (ASCIIHex, ASCII85, LZW,
RunLength), pictures that declare more pixels than any scan (JBIG2, DCT), and encrypted streams. Each
file is small; each would decode to hundreds of MB or allocate gigabytes. The check must refuse every one
before PDFium or pdfminer sees it, and pass the PDFs that are reports."""

from __future__ import annotations

import base64
import binascii
import hashlib
import random
import zlib
from collections.abc import Callable
from functools import partial
from pathlib import Path

import pytest

from service.errors import InputError
from service.reading import pdf_limits
from service.reading.pdf_limits import MAX_DECODED, check_inflation
from tests._corpus import REPO
from tests.test_bad_input import assert_clean, pdf_bytes, run_cli

SPACES = 200 * (1 << 20)  # what each stream bomb decodes to: 200 MB


def flate_bomb() -> bytes:
    z = zlib.compressobj(9)
    block = b" " * (1 << 20)
    return b"".join(z.compress(block) for _ in range(SPACES >> 20)) + z.flush()


# ---- LZW, written here from the PDF specification (pdfminer's decoder is the reference) ----------

def lzw_pack(codes: list[int]) -> bytes:
    """LZW codes packed MSB first, 9 to 12 bits, the width growing one code early (EarlyChange 1)."""
    tlen, width, first, acc, n = 258, 9, True, 0, 0
    out = bytearray()
    for c in codes:
        acc, n = (acc << width) | c, n + width
        while n >= 8:
            n -= 8
            out.append((acc >> n) & 0xFF)
            acc &= (1 << n) - 1
        if c == 256:
            tlen, width, first = 258, 9, True
        elif c == 257:
            pass
        elif first:
            first = False  # the first code after a clear adds nothing to the table
        else:
            tlen += 1
            width += tlen in (511, 1023, 2047)
    if n:
        out.append((acc << (8 - n)) & 0xFF)
    return bytes(out)


def lzw_encode(data: bytes) -> bytes:
    table = {bytes([i]): i for i in range(256)}
    codes, w, nxt = [256], b"", 258
    for c in data:
        wc = w + bytes([c])
        if wc in table:
            w = wc
            continue
        codes.append(table[w])
        if nxt < 4096:
            table[wc], nxt = nxt, nxt + 1
        w = bytes([c])
    return lzw_pack([*codes, table[w], 257] if w else [*codes, 257])


def lzw_bomb() -> bytes:
    """A run of one byte: each code one byte longer than the last up to 3,839, then the longest again."""
    return lzw_pack([256, 32, *range(258, 4096), *[4095] * 60_000])


# ---- PDF files --------------------------------------------------------------------------------------

def stream(head: str, data: bytes) -> bytes:
    return f"<< /Length {len(data)} {head} >>\nstream\n".encode() + data + b"\nendstream"


def one_page(contents: bytes, picture: bytes | None = None) -> list[bytes]:
    """Catalog, pages, a page drawing stream 4 (and picture 5 as /Im1 when given)."""
    res = b" /Resources << /XObject << /Im1 5 0 R >> >>" if picture else b""
    return [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R" + res + b" >>",
            contents, *([picture] if picture else [])]


TEXT_PAGE = b"BT /F1 12 Tf 72 720 Td (hello) Tj ET"


def picture(head: str, data: bytes) -> bytes:
    return stream(f"/Type /XObject /Subtype /Image /ColorSpace /DeviceGray /BitsPerComponent 8 {head}", data)


def jpeg_header(width: int, height: int) -> bytes:
    """A JPEG's start and frame header (SOF0) saying ``width`` × ``height``; no image data follows."""
    sof = b"\x08" + height.to_bytes(2, "big") + width.to_bytes(2, "big") + b"\x01\x01\x11\x00"
    return b"\xff\xd8" + b"\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\xff\xc0" + \
        (len(sof) + 2).to_bytes(2, "big") + sof + b"\xff\xd9"


# ---- RC4 encryption with the standard security handler (revision 2, 40 bits) -------------------

PAD = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")


def rc4(key: bytes, data: bytes) -> bytes:
    s, j = list(range(256)), 0
    for i in range(256):
        j = (j + s[i] + key[i % len(key)]) % 256
        s[i], s[j] = s[j], s[i]
    i = j = 0
    out = bytearray(len(data))
    for k, b in enumerate(data):
        i = (i + 1) % 256
        j = (j + s[i]) % 256
        s[i], s[j] = s[j], s[i]
        out[k] = b ^ s[(s[i] + s[j]) % 256]
    return bytes(out)


def encrypted_pdf(objects: list[tuple[str, bytes] | bytes], password: bytes = b"") -> bytes:
    """A PDF whose streams (given as (dictionary, data)) are RC4-encrypted for user ``password``."""
    owner, file_id, perms = bytes(range(32)), hashlib.md5(b"govreport").digest(), -4
    key = hashlib.md5((password + PAD)[:32] + owner + perms.to_bytes(4, "little", signed=True) + file_id).digest()[:5]
    objs: list[bytes] = []
    for n, obj in enumerate(objects, 1):
        if isinstance(obj, tuple):
            k = hashlib.md5(key + n.to_bytes(3, "little") + b"\0\0").digest()[:10]
            obj = stream(obj[0], rc4(k, obj[1]))
        objs.append(obj)
    objs.append(f"<< /Filter /Standard /V 1 /R 2 /O <{owner.hex()}> /U <{rc4(key, PAD).hex()}> /P {perms} >>".encode())
    trailer = f"/Encrypt {len(objs)} 0 R /ID [<{file_id.hex()}> <{file_id.hex()}>] ".encode()
    return pdf_bytes(objs, trailer)


def _pages3() -> list[bytes]:
    return one_page(b"")[:3]


BOMBS = {
    "asciihex-then-flate": lambda: pdf_bytes(one_page(stream("/Filter [/ASCIIHexDecode /FlateDecode]",
                                                             binascii.hexlify(flate_bomb()) + b">"))),
    "ascii85-then-flate": lambda: pdf_bytes(one_page(stream("/Filter [/A85 /Fl]", base64.a85encode(flate_bomb()) + b"~>"))),
    "lzw": lambda: pdf_bytes(one_page(stream("/Filter /LZWDecode", lzw_bomb()))),
    "runlength": lambda: pdf_bytes(one_page(stream("/Filter /RunLengthDecode", b"\x81 " * (SPACES // 128) + b"\x80"))),
    "jbig2-picture": lambda: pdf_bytes(one_page(stream("", TEXT_PAGE), picture(
        "/Width 200000 /Height 200000 /BitsPerComponent 1 /Filter /JBIG2Decode", b"\0" * 64))),
    "dct-picture-lies": lambda: pdf_bytes(one_page(stream("", TEXT_PAGE), picture(
        "/Width 100 /Height 100 /Filter /DCTDecode", jpeg_header(60000, 60000)))),
    "encrypted-flate": lambda: encrypted_pdf([*_pages3(), ("/Filter /FlateDecode", flate_bomb())]),
}


@pytest.mark.parametrize("kind", list(BOMBS))
def test_bombs_are_refused_before_the_readers(kind: str, tmp_path: Path) -> None:
    path = tmp_path / f"{kind}.pdf"
    path.write_bytes(BOMBS[kind]())
    assert path.stat().st_size < 5_000_000
    proc = run_cli("parse", str(path), "--no-narrative", timeout=60)
    assert_clean(proc, kind)
    lines = proc.stderr.strip().splitlines()
    assert proc.returncode == 2 and len(lines) == 1, proc.stderr[-1500:]
    assert "PDF 炸弹" in lines[0], lines[0]


def test_the_lzw_decoder_agrees_with_pdfminer() -> None:
    from pdfminer.lzw import lzwdecode

    rng = random.Random(7)
    for data in (bytes(rng.choice(b"ab c") for _ in range(300_000)), rng.randbytes(50_000), b"x" * 100_000):
        packed = lzw_encode(data)
        assert lzwdecode(packed) == data  # the encoder here is right
        budget = pdf_limits._Budget("x")
        assert pdf_limits._lzw(packed, budget, keep=True) == data
        counted = pdf_limits._Budget("x")
        pdf_limits._lzw(packed, counted, keep=False)
        assert MAX_DECODED - counted.left == len(data) == MAX_DECODED - budget.left
    small = lzw_pack([256, 32, *range(258, 3000)])
    counted = pdf_limits._Budget("x")
    pdf_limits._lzw(small, counted, keep=False)
    assert MAX_DECODED - counted.left == len(lzwdecode(small))


def test_encrypted_pdfs_are_checked_after_decryption() -> None:
    # A harmless encrypted PDF passes, and pdfminer reads its text: the check decrypts as readers do.
    harmless = encrypted_pdf([*_pages3(), ("/Filter /FlateDecode", zlib.compress(TEXT_PAGE))])
    check_inflation(harmless, "ok.pdf")
    from io import BytesIO

    from pdfminer.high_level import extract_text
    assert extract_text(BytesIO(harmless)) is not None
    with pytest.raises(InputError, match="需要密码"):
        check_inflation(encrypted_pdf([*_pages3(), ("", TEXT_PAGE)], password=b"secret"), "locked.pdf")


def _cpu_seconds(work: Callable[[], object], rounds: int = 3) -> float:
    """The least CPU time of ``rounds`` runs of ``work`` (the least is the one the machine's load hit least)."""
    import time

    best = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        work()
        best = min(best, time.process_time() - start)
    return best


def test_report_pdfs_pass_and_the_check_is_cheap() -> None:
    """The check of a real report costs about what compressing its bytes once does (1.3–1.4 × here): a bound
    of 10 × that, measured in the same run, holds on a loaded or slow machine and still fails when the check
    decodes the streams many times over or does work that grows faster than the file."""
    pdfs = sorted((REPO / "eval" / "corpus").rglob("*.pdf"))
    assert pdfs
    for p in pdfs:
        data = p.read_bytes()
        check = _cpu_seconds(partial(check_inflation, data, p.name))
        baseline = _cpu_seconds(partial(zlib.compress, data, 6))
        assert check < 10 * baseline + 0.005, (p.name, check, baseline)
