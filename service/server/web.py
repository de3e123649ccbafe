"""The web page (Chinese, server-rendered, everything served locally): reports and units, a report with its
tables, findings and source text, batches. Pages need the login cookie; without it they answer 401 with
the login form."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy import func, select

from service.server.analysis import source_text
from service.server.api_units import unit_years
from service.server.app import Context, Ctx, context, token_of
from service.server.auth import COOKIE, Principal
from service.server.db import Batch, Report, Unit
from service.server.jobs import batch_json
from service.server.reports import report_json
from service.server.rows import Missing, get_or_404
from service.server.view import REVIEW_LABELS, STATUS_LABELS, segments, source_lines, spans_of, tables_view

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
templates.env.globals.update(STATUS=STATUS_LABELS, REVIEW=REVIEW_LABELS)


def _user(request: Request, ctx: Context) -> Principal | None:
    return ctx.auth.check(token_of(request))


def missing_page(request: Request, exc: Missing) -> Response:
    """A page asked for a row that is not there (the API answers the same Missing with JSON)."""
    return templates.TemplateResponse(request, "missing.html", {"user": _user(request, context(request)),
                                                               "what": exc.what}, status_code=404)


def _login(request: Request, message: str = "", status: int = 401) -> Response:
    return templates.TemplateResponse(request, "login.html", {"message": message, "user": None}, status_code=status)


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request) -> Response:
    return _login(request, status=200)


@router.post("/login")
def login(request: Request, ctx: Ctx, token: str = Form("")) -> Response:
    user = ctx.auth.check(token.strip())
    if user is None:
        return _login(request, "令牌无效")
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(COOKIE, token.strip(), httponly=True, samesite="strict", max_age=30 * 24 * 3600)
    return response


@router.post("/logout")
def logout() -> Response:
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE)
    return response


@router.get("/", response_class=HTMLResponse)
def index(request: Request, ctx: Ctx, year: int | None = None) -> Response:
    user = _user(request, ctx)
    if user is None:
        return _login(request)
    from service.server.api_units import coverage
    with ctx.db.session() as s:
        reports = list(s.scalars(select(Report).order_by(Report.id.desc()).limit(500)))
        units = list(s.scalars(select(Unit).order_by(Unit.id)))
        counts = {uid: n for uid, n in s.execute(select(Report.unit_id, func.count()).group_by(Report.unit_id))}
        latest: dict[int, Report] = {}
        for r in sorted(reports, key=lambda r: (r.year or 0, r.id)):
            if r.unit_id is not None:
                latest[r.unit_id] = r
        batches = list(s.scalars(select(Batch).order_by(Batch.id.desc()).limit(20)))
    names = {u.id: u.name for u in units}
    years = sorted({r.year for r in reports if r.year}, reverse=True)
    shown = year or (years[0] if years else None)
    cov = coverage(shown, ctx) if shown and units else None
    return templates.TemplateResponse(request, "index.html", {
        "user": user, "reports": reports, "units": units, "counts": counts, "latest": latest, "names": names,
        "batches": batches, "years": years, "year": shown, "coverage": cov})


@router.get("/reports/{report_id}", response_class=HTMLResponse)
def report_page(report_id: int, request: Request, ctx: Ctx) -> Response:
    user = _user(request, ctx)
    if user is None:
        return _login(request)
    with ctx.db.session() as s:
        report = get_or_404(s, Report, report_id)
        body = report_json(s, report)
        unit = s.get(Unit, report.unit_id) if report.unit_id else None
        history = unit_years(s, unit) if unit else None
        units = list(s.scalars(select(Unit).order_by(Unit.name)))
    document: dict[str, Any] = body["report"]
    text = source_text(str(ctx.data.file_path(report.sha256)), report.filename)
    findings = [{**f, "source": source_lines(text, f.get("lines") or sorted({c["line"] for c in f.get("cells") or []
                                                                          if c.get("line")}))}
                for f in document.get("findings") or []]
    shown = [f for f in findings if f["status"] != "PASS"]
    return templates.TemplateResponse(request, "report.html", {
        "user": user, "r": body, "doc": document, "unit": unit, "units": units,
        "tables": tables_view(document, body["corrections"]), "findings": shown,
        "passed": len(findings) - len(shown), "segments": segments(text, spans_of(document)), "history": history})


@router.get("/batches/{batch_id}", response_class=HTMLResponse)
def batch_page(batch_id: int, request: Request, ctx: Ctx) -> Response:
    user = _user(request, ctx)
    if user is None:
        return _login(request)
    with ctx.db.session() as s:
        b = get_or_404(s, Batch, batch_id)
        body = batch_json(ctx, b)
    return templates.TemplateResponse(request, "batch.html", {"user": user, "b": body})
