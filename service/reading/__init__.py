"""Reading: bytes of any supported format in, a SourceDocument out (text with offsets, structured tables)."""

from __future__ import annotations

import os
from pathlib import Path

from service.errors import ConfigError, InputError, UnsupportedFormatError
from service.reading.document import GridCell, GridTable, SourceDocument
from service.reading.files import read_report_bytes
from service.reading.sniff import sniff
from service.reading.text import control_notes, decode_text

__all__ = ["GridCell", "GridTable", "SourceDocument", "read_bytes", "read_document"]

#: Default limit on input size; reports are a few hundred KB, scanned PDFs a few MB.
DEFAULT_MAX_BYTES = 20 * 1024 * 1024


def max_bytes_from_env() -> int:
    """The input size limit: GOVREPORT_MAX_BYTES, else DEFAULT_MAX_BYTES."""
    raw = os.environ.get("GOVREPORT_MAX_BYTES", "").strip()
    if not raw:
        return DEFAULT_MAX_BYTES
    if not raw.isdigit() or int(raw) < 1:
        raise ConfigError(f"GOVREPORT_MAX_BYTES must be a positive number of bytes, not {raw[:40]!r}")
    return int(raw)


def read_document(path: str | os.PathLike[str], max_bytes: int | None = None) -> SourceDocument:
    """Read a report file of any supported format. Raises InputError with a one-line reason
    (also for a FIFO, a device, a symbolic link loop: see service.reading.files)."""
    limit = max_bytes if max_bytes is not None else max_bytes_from_env()
    return read_bytes(read_report_bytes(path, limit), str(Path(path)))


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
    if kind.startswith("image:"):
        raise UnsupportedFormatError(f"a {kind[6:]}, not a text report; it needs OCR first", name)
    if kind == "archive":
        raise InputError("a ZIP archive, not a report; unpack it and pass the files inside", name)
    text, encoding, dropped = decode_text(data, name)
    return SourceDocument(text=text, path=name, kind=kind, encoding=encoding, warnings=control_notes(dropped))
