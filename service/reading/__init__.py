"""Reading: bytes of any supported format in, a SourceDocument out (text with offsets, structured tables)."""

from __future__ import annotations

import os
from pathlib import Path

from service.errors import InputError, UnsupportedFormatError
from service.reading.document import GridCell, GridTable, SourceDocument
from service.reading.sniff import sniff
from service.reading.text import decode_bytes

__all__ = ["GridCell", "GridTable", "SourceDocument", "read_bytes", "read_document"]

#: Default limit on input size; reports are a few hundred KB, scanned PDFs a few MB.
DEFAULT_MAX_BYTES = int(os.environ.get("GOVREPORT_MAX_BYTES", str(20 * 1024 * 1024)))


def read_document(path: str | os.PathLike[str], max_bytes: int = DEFAULT_MAX_BYTES) -> SourceDocument:
    """Read a report file of any supported format. Raises InputError with a one-line reason."""
    p = Path(path)
    name = str(p)
    if not p.exists():
        raise InputError("no such file", name)
    if p.is_dir():
        raise InputError("is a directory, not a report file", name)
    size = p.stat().st_size
    if size > max_bytes:
        raise InputError(
            f"file is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:.0f} MB limit (set GOVREPORT_MAX_BYTES to raise it)",
            name,
        )
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror or exc}", name) from exc
    return read_bytes(data, name)


def read_bytes(data: bytes, name: str = "<bytes>") -> SourceDocument:
    """Read report bytes, detecting the format from content (and the name as a hint)."""
    kind = sniff(data, name)
    if kind == "pdf":
        from service.reading.pdf import read_pdf

        return read_pdf(data, name)
    if kind == "docx":
        from service.reading.docx import read_docx

        return read_docx(data, name)
    if kind == "html":
        from service.reading.html import read_html

        return read_html(data, name)
    if kind == "doc":
        raise UnsupportedFormatError(
            "an old Word .doc file; convert it to .docx or PDF first (e.g. libreoffice --headless --convert-to docx)",
            name,
        )
    if kind == "ofd":
        raise UnsupportedFormatError("an OFD document; export it to PDF first", name)
    if kind in ("image:PNG image", "image:JPEG image", "image:TIFF image"):
        from service.reading.image import read_image

        return read_image(data, name)
    if kind.startswith("image:"):
        raise UnsupportedFormatError(f"a {kind[6:]}, not a text report; convert it to PNG, JPEG or TIFF for OCR", name)
    if kind == "archive":
        raise InputError("a ZIP archive, not a report; unpack it and pass the files inside", name)
    text, encoding = decode_bytes(data, name)
    return SourceDocument(text=text, path=name, kind=kind, encoding=encoding)
