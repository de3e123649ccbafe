"""One exception hierarchy for the whole package; converted to exit codes or HTTP errors only at the edge."""

from __future__ import annotations

from typing import Any


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
