"""Reading: bytes of any supported format in, a SourceDocument out (text with offsets, structured tables)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from service.errors import ConfigError, InputError, UnsupportedFormatError
from service.reading.document import GridCell, GridTable, SourceDocument
from service.reading.files import read_report_bytes
from service.reading.markup import markup_in_text
from service.reading.normalize import fold_these
from service.reading.reflow import restore_breaks, zero_width_breaks
from service.reading.sniff import sniff
from service.reading.text import control_notes, decode_text_exact

__all__ = ["STDIN", "GridCell", "GridTable", "SourceDocument", "read_bytes", "read_document", "read_stdin"]

#: The path that means "read the report from standard input".
STDIN = "-"

#: Default limit on input size; reports are a few hundred KB, scanned PDFs a few MB.
DEFAULT_MAX_BYTES = 20 * 1024 * 1024


def max_bytes_from_env() -> int:
    """The input size limit: GOVREPORT_MAX_BYTES, else DEFAULT_MAX_BYTES."""
    raw = os.environ.get("GOVREPORT_MAX_BYTES", "").strip()
    if not raw:
        return DEFAULT_MAX_BYTES
    if not raw.isdigit() or int(raw) < 1:
        raise ConfigError(f"GOVREPORT_MAX_BYTES 应为正整数(字节数), 而不是 {raw[:40]!r}")
    return int(raw)


def read_document(path: str | os.PathLike[str], max_bytes: int | None = None) -> SourceDocument:
    """Read a report file of any supported format. Raises InputError with a one-line reason
    (also for a FIFO, a device, a symbolic link loop: see service.reading.files)."""
    limit = max_bytes if max_bytes is not None else max_bytes_from_env()
    if str(path) == STDIN:
        return read_stdin(limit)
    return read_bytes(read_report_bytes(path, limit), str(Path(path)))


def read_stdin(max_bytes: int | None = None) -> SourceDocument:
    """A report piped in (``govreport check -``): any supported format, told apart by its bytes."""
    import sys

    max_bytes = max_bytes if max_bytes is not None else max_bytes_from_env()
    data = sys.stdin.buffer.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise InputError(f"标准输入超过 {max_bytes / (1 << 20):.1f} MB 上限(可设置 GOVREPORT_MAX_BYTES 放宽)", "-")
    return read_bytes(data, "<stdin>")


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
            "旧版 Word .doc 文件, 请先转换为 .docx 或 PDF(如 libreoffice --headless --convert-to docx)",
            name,
        )
    if kind == "ofd":
        raise UnsupportedFormatError("OFD 文档, 请先导出为 PDF", name)
    if kind in ("image:PNG", "image:JPEG", "image:TIFF"):
        from service.reading.image import read_image

        return read_image(data, name)
    if kind.startswith("image:"):
        raise UnsupportedFormatError(f"{kind[6:]} 图片而不是文字报告, OCR 文字识别只读 PNG、JPEG、TIFF 图片", name)
    if kind == "archive":
        raise InputError("ZIP 压缩包而不是报告, 请解压后处理其中的文件", name)
    decoded = decode_text_exact(data, name)
    text, encoding, dropped = decoded.text, decoded.encoding, decoded.dropped
    markup = markup_in_text(text)
    if markup is not None:
        from service.reading.html import read_html

        doc = read_html(markup.encode("utf-8"), name)
        doc.warnings.insert(0, "文本文件中含有 HTML 标记（保存的网页或脚本中的字符串），按 HTML 读取，表格按网格读取")
        doc.warnings[1:1] = control_notes(dropped)
        return doc
    lined, restored = restore_breaks(text)
    breaks = zero_width_breaks(lined, restored > 0)
    # The hash is of the text as read (before any line break is restored): of the input's bytes when the
    # text is their UTF-8 as it is.
    sha256 = hashlib.sha256(decoded.utf8 if decoded.utf8 is not None else text.encode("utf-8")).hexdigest()
    # Decoding found the characters to fold (restoring breaks only turns blanks into line breaks).
    folded = fold_these(lined, decoded.to_fold) if decoded.to_fold is not None else ""
    if not restored and not breaks:
        return SourceDocument(text=text, path=name, kind=kind, encoding=encoding, known_sha256=sha256, known_fold=folded,
                              warnings=control_notes(dropped))
    doc = SourceDocument(text=lined, path=name, kind=kind, encoding=encoding, breaks=breaks, known_sha256=sha256,
                         known_fold=folded, warnings=control_notes(dropped))
    if restored:
        doc.warnings.append(f"全文只有很少几行（网页抓取的文本）：{restored} 处标题、表格行之前的空格按换行读取，"
                            "位置不变，行号按恢复的换行计")
    if breaks:
        doc.warnings.append(f"全文只有很少几行且标题、表格行之前没有空格：在 {len(breaks)} 处标题、表格行之前分行读取，"
                            "原文不变，行号按分出的行计")
    return doc
