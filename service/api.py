"""The Python API: one report in, the verified Report out (what ``govreport parse --json`` prints).

    from service import analyze
    report = analyze("report.pdf")                 # a path, or bytes, or "-" for standard input
    report.summary.status, report.applications["new_received"], [f.rule for f in report.findings]
"""

from __future__ import annotations

import os

from service.report import Report


def analyze(source: str | os.PathLike[str] | bytes, *, name: str = "<bytes>", backend: str | None = None,
            narrative: bool = True) -> Report:
    """Read and verify one report. ``source`` is a file path, the file's bytes (``name`` hints the format),
    or "-" for standard input. ``backend``: "rules", "llm" or None (llm when an endpoint is configured).
    Raises ``service.errors.InputError`` (with a one-line Chinese reason) for what cannot be read."""
    from service.pipeline import analyze_document
    from service.reading import read_bytes, read_document

    doc = read_bytes(source, name) if isinstance(source, bytes) else read_document(source)
    return analyze_document(doc, backend=backend, narrative=narrative)
