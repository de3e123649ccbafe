"""One exception hierarchy for the whole package; converted to exit codes or HTTP errors only at the edge."""

from __future__ import annotations

import errno
from typing import Any

#: What an OSError means, in Chinese, for the errors a user's paths, disks and ports give. The reasons a
#: report file cannot be read are these too, a few worded more exactly (``reading.files.os_reason``).
OS_REASONS: dict[int, str] = {
    errno.EEXIST: "已存在(且不是目录)", errno.ENOTDIR: "路径中的某一级不是目录", errno.ENOENT: "没有这个文件或目录",
    errno.EACCES: "没有权限", errno.EPERM: "没有权限", errno.ENOSPC: "磁盘空间已满", errno.EROFS: "文件系统只读",
    errno.EISDIR: "是目录", errno.ENAMETOOLONG: "文件名过长", errno.EADDRINUSE: "地址已被占用",
    errno.ELOOP: "是循环的符号链接(链接层数过多)",
}


def os_error_text(exc: OSError) -> str:
    """``<path>: <why>`` in Chinese for an OSError that reached the command line (an output path, a disk)."""
    why = OS_REASONS.get(exc.errno or 0) or f"系统错误 {exc.errno}" if exc.errno else str(exc)
    return f"{exc.filename}: {why}" if exc.filename else why


class GovreportError(Exception):
    """Base class of every error govreport raises on purpose."""


class InputError(GovreportError):
    """The input cannot be read as a report (missing, empty, binary, too large, wrong type)."""

    def __init__(self, message: str, path: str | None = None) -> None:
        super().__init__(message)
        self.path = path

    def __str__(self) -> str:
        msg = super().__str__()
        return f"{self.path}: {msg}" if self.path else msg


class UnsupportedFormatError(InputError):
    """A known file type that needs something we do not have (OCR, .doc conversion)."""


class NotAReportError(InputError):
    """The text was read but is not a government information-disclosure annual report."""


class OutputError(GovreportError):
    """An output cannot be written (a folder that is not writable, a full disk); what was written stays."""


class ConfigError(GovreportError):
    """Bad configuration (environment, preset, options)."""


class ExtractionError(GovreportError):
    """The language-model backend failed."""


class RetryExhaustedError(ExtractionError):
    """Every attempt failed; carries what a caller needs to understand why."""

    def __init__(
        self,
        message: str,
        *,
        attempts: int,
        usage: dict[str, int] | None = None,
        last_output: Any = None,
        last_error: BaseException | None = None,
    ) -> None:
        super().__init__(message)
        self.attempts = attempts
        self.usage = usage or {}
        self.last_output = last_output
        self.last_error = last_error


class BatchAPIError(ExtractionError):
    """The provider's batch API refused or failed a step (upload, submit, poll, download)."""


class BatchPendingError(ExtractionError):
    """A batch submitted to the provider's batch API has not finished yet; running again resumes it."""

    def __init__(self, message: str, *, batch_ids: list[str]) -> None:
        super().__init__(message)
        self.batch_ids = batch_ids
