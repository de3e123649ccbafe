"""/api/reports: upload, list, the report document, findings and their review, cell corrections."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Query, UploadFile
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from service.server.analysis import TABLE_KEYS, parsed_cell, source_text
from service.server.app import Context, Ctx, User
from service.server.db import Correction, FindingRow, Report, Review, Unit, now
from service.server.files import check_upload
from service.server.reports import (
    REVIEW_STATES,
    correction_json,
    findings_json,
    reanalyze,
    report_json,
    review_json,
    store_upload,
    summary_json,
)
from service.server.rows import get_or_404

router = APIRouter(tags=["reports"])


def read_upload(file: UploadFile, limit: int) -> tuple[bytes, str]:
    name = (file.filename or "upload").replace("\\", "/").rsplit("/", 1)[-1] or "upload"
    data = file.file.read(limit + 1)
    check_upload(data, name, limit)
    return data, name


def get_report(ctx: Context, report_id: int) -> Report:
    with ctx.db.session() as s:
        return get_or_404(s, Report, report_id)


@router.post("/reports", status_code=201)
def upload_report(file: UploadFile, ctx: Ctx, user: User) -> JSONResponse:
    """Upload one report file (any format govreport reads). 201 with the analysis; the same file again
    (same sha256) → 200 with the existing report; unreadable → 422 with the CLI's one-line reason."""
    data, name = read_upload(file, ctx.settings.max_upload)
    stored = store_upload(ctx.db, ctx.data, data, name, user.name)
    with ctx.db.session() as s:
        body = report_json(s, s.get(Report, stored.report.id) or stored.report)
    return JSONResponse({**body, "created": stored.created}, 201 if stored.created else 200)


@router.get("/reports")
def list_reports(ctx: Ctx, unit: str | None = None, year: int | None = None, status: str | None = None, rule: str | None = None, limit: int = Query(500, ge=1, le=5000), offset: int = Query(0, ge=0)) -> list[dict[str, Any]]:
    """Reports, newest first. ``unit``: a unit id or (part of) the organisation's name; ``status``: PASS,
    FAIL, UNCERTAIN; ``rule``: reports with a failing finding of that rule (C1, C3 …)."""
    q = select(Report).order_by(Report.id.desc())
    if unit:
        q = q.where(Report.unit_id == int(unit)) if unit.isdigit() else q.where(Report.organization.contains(unit))
    if year is not None:
        q = q.where(Report.year == year)
    if status:
        q = q.where(Report.status == status.upper())
    if rule:
        q = q.where(Report.id.in_(select(FindingRow.report_id).where(
            FindingRow.rule == rule.upper(), FindingRow.status == "FAIL")))
    with ctx.db.session() as s:
        return [summary_json(r) for r in s.scalars(q.limit(limit).offset(offset))]


@router.get("/reports/{report_id}")
def show_report(report_id: int, ctx: Ctx) -> dict[str, Any]:
    """The report JSON document (with corrections applied), the corrections beside the parsed cells,
    the reviews of its findings."""
    with ctx.db.session() as s:
        report = get_or_404(s, Report, report_id)
        return report_json(s, report)


@router.get("/reports/{report_id}/findings")
def list_findings(report_id: int, ctx: Ctx) -> list[dict[str, Any]]:
    with ctx.db.session() as s:
        report = get_or_404(s, Report, report_id)
        return findings_json(s, report)


@router.get("/reports/{report_id}/file")
def download_file(report_id: int, ctx: Ctx) -> Response:
    """The uploaded file as it was, as a download (never rendered: application/octet-stream, nosniff)."""
    report = get_report(ctx, report_id)
    data = ctx.data.file_path(report.sha256).read_bytes()
    safe = "".join(ch for ch in report.filename if ch.isascii() and (ch.isalnum() or ch in "._-")) or "report"
    return Response(data, media_type="application/octet-stream",
                    headers={"Content-Disposition": f'attachment; filename="{safe}"'})


@router.get("/reports/{report_id}/text", response_class=PlainTextResponse)
def report_text(report_id: int, ctx: Ctx) -> PlainTextResponse:
    """The text the spans and line numbers refer to (text/plain)."""
    report = get_report(ctx, report_id)
    return PlainTextResponse(source_text(str(ctx.data.file_path(report.sha256)), report.filename))


@router.post("/reports/{report_id}/reanalyze")
def reanalyze_report(report_id: int, ctx: Ctx) -> dict[str, Any]:
    """Run the whole pipeline again on the stored file; reviews and corrections are kept."""
    with ctx.db.session() as s:
        report = get_or_404(s, Report, report_id)
        reanalyze(s, ctx.data, report, parse_again=True)
        s.flush()
        return report_json(s, report)


class ReportPatch(BaseModel):
    unit_id: int | None = None


@router.patch("/reports/{report_id}")
def attach_unit(report_id: int, body: ReportPatch, ctx: Ctx) -> dict[str, Any]:
    """Attach the report to a registered unit (``unit_id``; null detaches it)."""
    with ctx.db.session() as s:
        report = get_or_404(s, Report, report_id)
        if body.unit_id is not None and s.get(Unit, body.unit_id) is None:
            raise HTTPException(422, f"没有单位 {body.unit_id}")
        report.unit_id = body.unit_id
        return summary_json(report)


class ReviewPatch(BaseModel):
    review: str = Field(description="confirmed | dismissed | pending")
    comment: str = Field("", max_length=5000)


@router.patch("/reports/{report_id}/findings/{fp}")
def review_finding(report_id: int, fp: str, body: ReviewPatch, ctx: Ctx, user: User) -> dict[str, Any]:
    """Set a finding's review; the reviewer is the authenticated user, the time is now."""
    if body.review not in REVIEW_STATES:
        raise HTTPException(422, f"review 须为 {'、'.join(REVIEW_STATES)} 之一, 而不是 {body.review!r}")
    with ctx.db.session() as s:
        report = get_or_404(s, Report, report_id)
        finding = next((f for f in report.effective.get("findings") or [] if f["fingerprint"] == fp), None)
        if finding is None:
            raise HTTPException(404, f"报告 {report_id} 没有审核发现 {fp}")
        review = s.scalar(select(Review).where(Review.report_id == report_id, Review.fingerprint == fp))
        if review is None:
            review = Review(report_id=report_id, fingerprint=fp, rule=finding["rule"], subject=finding["subject"],
                            state=body.review, reviewer=user.name)
            s.add(review)
        review.state, review.comment, review.reviewer, review.updated_at = body.review, body.comment, user.name, now()
        s.flush()
        return {**finding, "review": review_json(review)}


class CellPatch(BaseModel):
    table: str = Field(description="table2 | table3 | table4")
    row: str = Field(description="row key, e.g. new_received, total_processed, review")
    column: int | str = Field(description="column index (0-based) or column label, e.g. 总计")
    value: int | float | None = Field(description="the correct value; null removes the correction")
    reason: str = Field("", max_length=5000)


@router.patch("/reports/{report_id}/cells")
def correct_cell(report_id: int, body: CellPatch, ctx: Ctx, user: User) -> dict[str, Any]:
    """Correct one cell. The correction is stored beside the parsed value (which stays in the report's
    parsed document), the checks re-run on the corrected tables, and the report comes back."""
    if body.table not in TABLE_KEYS:
        raise HTTPException(422, f"table 须为 {'、'.join(TABLE_KEYS)} 之一")
    with ctx.db.session() as s:
        report = get_or_404(s, Report, report_id)
        column = _column_index(report.document, body.table, body.row, body.column)
        parsed = parsed_cell(report.document, body.table, body.row, column)
        if parsed is None:
            raise HTTPException(422, f"{body.table} 没有行 {body.row!r} 的第 {body.column!r} 列")
        existing = s.scalar(select(Correction).where(
            Correction.report_id == report_id, Correction.table_key == body.table,
            Correction.row_key == body.row, Correction.column == column))
        if body.value is None:
            if existing is not None:
                s.delete(existing)
        else:
            if isinstance(body.value, float) and body.value.is_integer() and body.table != "table2":
                body.value = int(body.value)
            if existing is None:
                existing = Correction(report_id=report_id, table_key=body.table, row_key=body.row, column=column,
                                      parsed=parsed, value=body.value, reviewer=user.name)
                s.add(existing)
            existing.value, existing.reason, existing.reviewer, existing.updated_at = (
                body.value, body.reason, user.name, now())
        s.flush()
        reanalyze(s, ctx.data, report)
        try:
            s.flush()
        except IntegrityError as exc:  # two reviewers correcting the same cell at once
            raise HTTPException(409, "他人同时更正了这个单元格, 请重试") from exc
        return report_json(s, report)


def _column_index(document: dict[str, Any], table: str, row: str, column: int | str) -> int:
    if isinstance(column, int):
        return column
    if column.isdigit():
        return int(column)
    from service.server.analysis import column_labels

    labels = column_labels(document, table, row)
    if column in labels:
        return labels.index(column)
    raise HTTPException(422, f"{table} 的行 {row!r} 没有列 {column!r}(各列: {'、'.join(labels)})")


__all__ = ["correction_json", "router"]
