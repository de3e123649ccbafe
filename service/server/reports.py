"""Reports in the database: store an upload once, (re-)analyse with the corrections, and the views the API
and the page show (the effective document, the parsed values beside the corrected ones, reviews)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from service.batch.crossyear import normalise_org
from service.server.analysis import CellFix, analyze, read, with_fingerprints
from service.server.db import Correction, Database, FindingRow, Report, Review, Unit, now
from service.server.files import DataDir

REVIEW_STATES = ("pending", "confirmed", "dismissed")


@dataclass
class Stored:
    report: Report
    created: bool


def _apply(report: Report, document: dict[str, Any], effective: dict[str, Any]) -> None:
    meta = effective.get("meta") or {}
    summary = effective.get("summary") or {}
    report.document = document
    report.effective = effective
    report.organization = meta.get("organization")
    report.year = meta.get("year")
    report.format = effective.get("format")
    report.status = summary.get("status") or "UNCERTAIN"
    report.failed_rules = list(summary.get("failed_rules") or [])
    report.analyzed_at = now()


def _sync_findings(s: Session, report: Report) -> None:
    s.execute(delete(FindingRow).where(FindingRow.report_id == report.id))
    s.add_all(FindingRow(report_id=report.id, fingerprint=f["fingerprint"], rule=f["rule"], status=f["status"],
                         category=f.get("category", "report"))
              for f in report.effective.get("findings") or [])


def match_unit(s: Session, organization: str | None) -> int | None:
    """The registered unit whose name or alias is the organisation's (after normalisation), or whose name
    the organisation ends with (淮安市洪泽区人民政府 → 洪泽区人民政府)."""
    if not organization:
        return None
    org = normalise_org(organization)
    best: tuple[int, int] | None = None
    for unit in s.scalars(select(Unit)):
        for name in [unit.name, *(unit.aliases or [])]:
            n = normalise_org(name)
            if n == org:
                return unit.id
            if len(n) >= 4 and org.endswith(n) and (best is None or len(n) > best[0]):
                best = (len(n), unit.id)
    return best[1] if best else None


def store_upload(db: Database, data_dir: DataDir, data: bytes, filename: str, user: str,
                 batch_id: int | None = None, document: dict[str, Any] | None = None) -> Stored:
    """Analyse and store an uploaded report once per content (same sha256 → the existing report).
    ``document``: the report JSON if already analysed (a batch). Raises InputError for unreadable input
    (nothing is stored then)."""
    sha = hashlib.sha256(data).hexdigest()
    with db.session() as s:
        existing = s.scalar(select(Report).where(Report.sha256 == sha))
        if existing is not None:
            return Stored(existing, False)
    if document is None:
        document = analyze(read(data, filename))
    else:
        document = {**document, "findings": with_fingerprints(document.get("findings") or [])}
    data_dir.store(data)
    try:
        with db.session() as s:
            report = Report(sha256=sha, filename=filename, size=len(data), uploaded_by=user, batch_id=batch_id)
            _apply(report, document, document)
            report.unit_id = match_unit(s, report.organization)
            s.add(report)
            s.flush()
            _sync_findings(s, report)
        return Stored(report, True)
    except IntegrityError:  # the same file, uploaded at the same moment by someone else
        with db.session() as s:
            same = s.scalar(select(Report).where(Report.sha256 == sha))
            if same is None:
                raise
            return Stored(same, False)


def corrections_of(s: Session, report_id: int) -> list[Correction]:
    return list(s.scalars(select(Correction).where(Correction.report_id == report_id).order_by(Correction.id)))


def reanalyze(s: Session, data_dir: DataDir, report: Report, parse_again: bool = False) -> None:
    """Run the checks again on the corrected tables (and the whole pipeline again when ``parse_again``);
    reviews and corrections are kept: they are keyed by fingerprint and by cell."""
    with open(data_dir.file_path(report.sha256), "rb") as fh:
        doc = read(fh.read(), report.filename)
    document = analyze(doc) if parse_again else report.document
    fixes = [CellFix(c.table_key, c.row_key, c.column, c.value) for c in corrections_of(s, report.id)]
    effective = analyze(doc, fixes) if fixes else document
    _apply(report, document, effective)
    _sync_findings(s, report)


def reviews_of(s: Session, report_id: int) -> dict[str, Review]:
    return {r.fingerprint: r for r in s.scalars(select(Review).where(Review.report_id == report_id))}


def iso_time(t: datetime | None) -> str | None:
    """ISO time in UTC (SQLite gives the stored UTC times back without their zone)."""
    if t is None:
        return None
    return (t if t.tzinfo else t.replace(tzinfo=UTC)).isoformat()


def review_json(r: Review | None, carried: bool = False) -> dict[str, Any]:
    if r is None:
        return {"state": "pending", "comment": "", "reviewer": None, "time": None}
    body = {"state": r.state, "comment": r.comment, "reviewer": r.reviewer, "time": iso_time(r.updated_at)}
    return {**body, "carried_from": r.fingerprint} if carried else body


def correction_json(c: Correction) -> dict[str, Any]:
    return {"table": c.table_key, "row": c.row_key, "column": c.column, "value": c.value,
            "parsed": c.parsed, "reason": c.reason, "reviewer": c.reviewer, "time": iso_time(c.updated_at)}


def findings_json(s: Session, report: Report) -> list[dict[str, Any]]:
    """The findings with their reviews: by fingerprint, else a review of a finding no longer there with
    the same rule and subject (``carried_from`` names the fingerprint it was made on)."""
    findings = report.effective.get("findings") or []
    reviews = reviews_of(s, report.id)
    current = {f["fingerprint"] for f in findings}
    orphans = {(r.rule, r.subject): r for r in sorted(reviews.values(), key=lambda r: r.updated_at)
               if r.fingerprint not in current}
    out = []
    for f in findings:
        review = reviews.get(f["fingerprint"])
        if review is not None:
            out.append({**f, "review": review_json(review)})
        else:
            orphan = orphans.pop((f["rule"], f["subject"]), None)
            out.append({**f, "review": review_json(orphan, carried=orphan is not None)})
    return out


def summary_json(report: Report) -> dict[str, Any]:
    return {"id": report.id, "filename": report.filename, "sha256": report.sha256, "size": report.size,
            "unit_id": report.unit_id, "organization": report.organization, "year": report.year,
            "format": report.format, "status": report.status, "failed_rules": report.failed_rules,
            "uploaded_by": report.uploaded_by, "batch_id": report.batch_id,
            "created_at": iso_time(report.created_at), "analyzed_at": iso_time(report.analyzed_at)}


def report_json(s: Session, report: Report) -> dict[str, Any]:
    """The report as the API gives it: the summary, the effective report document (corrected values in its
    tables and findings), the corrections with the parsed cells they replace, and the reviews."""
    corrections = corrections_of(s, report.id)
    return {**summary_json(report), "report": {**report.effective, "findings": findings_json(s, report)},
            "corrections": [correction_json(c) for c in corrections],
            "parsed_summary": (report.document.get("summary") if corrections else None)}
