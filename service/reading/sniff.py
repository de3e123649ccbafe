"""Tell file types apart by their bytes, not their names (a PDF renamed .txt is still a PDF)."""

from __future__ import annotations

from io import BytesIO

_IMAGE_MAGIC = {
    b"\x89PNG": "PNG",
    b"\xff\xd8\xff": "JPEG",
    b"GIF8": "GIF",
    b"II*\x00": "TIFF",
    b"MM\x00*": "TIFF",
}


def sniff(data: bytes, name: str = "") -> str:
    """Return one of: pdf, docx, doc, html, text, image:<what>, archive, ofd."""
    head = data[:8]
    if data.lstrip()[:5] == b"%PDF-" or head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "doc"
    for magic, what in _IMAGE_MAGIC.items():
        if head.startswith(magic):
            return f"image:{what}"
    if head.startswith(b"PK\x03\x04"):
        import zipfile  # here: with shutil and the compression modules it is ~3 ms a text report never needs

        try:
            with zipfile.ZipFile(BytesIO(data)) as zf:
                names = set(zf.namelist())
        except zipfile.BadZipFile:
            return "docx" if name.lower().endswith(".docx") else "archive"  # a damaged .docx says so
        if "word/document.xml" in names:
            return "docx"
        if "OFD.xml" in names:
            return "ofd"
        return "archive"
    lower_name = name.lower()
    probe = data[:4096].lower()
    if lower_name.endswith((".html", ".htm", ".shtml", ".xhtml")):
        return "html"
    stripped = probe.lstrip(b"\xef\xbb\xbf \r\n\t")
    if stripped.startswith((b"<!doctype html", b"<html", b"<?xml")) and b"<html" in probe:
        return "html"
    if b"<html" in probe and (b"<body" in probe or b"<head" in probe):
        return "html"
    if lower_name.endswith((".md", ".markdown")):
        return "markdown"
    return "text"
