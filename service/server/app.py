"""The FastAPI application: settings, the database, auth, upload limits, error mapping and the routers."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.errors import GovreportError, InputError
from service.server.auth import COOKIE, Authenticator, Principal
from service.server.db import Database, migrate, sqlite_url
from service.server.files import DEFAULT_MAX_BATCH, DEFAULT_MAX_UPLOAD, DataDir, UploadRejected
from service.server.rows import Missing

STATIC = Path(__file__).parent / "static"


@dataclass
class Settings:
    data: Path
    db_url: str | None = None
    token: str | None = field(default_factory=lambda: os.environ.get("GOVREPORT_TOKEN") or None)
    token_user: str = field(default_factory=lambda: os.environ.get("GOVREPORT_USER", "admin"))
    max_upload: int = DEFAULT_MAX_UPLOAD
    max_batch: int = DEFAULT_MAX_BATCH
    run_jobs: bool = True  # start the batch job runner (and resume unfinished jobs)


class Context:
    """What every route needs: settings, the data folder, the database, the authenticator, the jobs."""

    def __init__(self, settings: Settings) -> None:
        from service.server.jobs import JobRunner

        self.settings = settings
        self.data = DataDir(settings.data)
        self.db = Database(settings.db_url or sqlite_url(self.data.root))
        migrate(self.db.engine)
        self.auth = Authenticator(self.db, settings.token, settings.token_user)
        self.jobs = JobRunner(self)


def context(request: Request) -> Context:
    ctx: Context = request.app.state.ctx
    return ctx


def token_of(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return request.cookies.get(COOKIE)


def principal(request: Request, ctx: Annotated[Context, Depends(context)]) -> Principal:
    """The authenticated user, or 401."""
    user = ctx.auth.check(token_of(request))
    if user is None:
        raise HTTPException(401, "需要令牌: 请发送 Authorization: Bearer <令牌>, 或先在 /login 登录",
                            headers={"WWW-Authenticate": "Bearer"})
    return user


Ctx = Annotated[Context, Depends(context)]
User = Annotated[Principal, Depends(principal)]


class BodyLimit:
    """Refuse a request body over the limit before it is read or spooled (413 with the reason)."""

    def __init__(self, app: ASGIApp, limits: Callable[[str], int]) -> None:
        self.app = app
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        limit = self.limits(scope["path"])
        for name, value in scope.get("headers", []):
            if name == b"content-length" and value.isdigit() and int(value) > limit:
                await _too_large(send, limit)
                return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise _TooLarge(limit)
            return message

        try:
            await self.app(scope, counted, send)
        except _TooLarge:
            await _too_large(send, limit)


class _TooLarge(HTTPException):
    """Raised while the body is read; FastAPI passes HTTPExceptions of body parsing through."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"请求内容超过 {limit / 1e6:.0f} MB 的上限")


async def _too_large(send: Send, limit: int) -> None:
    body = JSONResponse({"detail": f"请求内容超过 {limit / 1e6:.0f} MB 的上限"}, 413)
    await send({"type": "http.response.start", "status": 413, "headers": body.raw_headers})
    await send({"type": "http.response.body", "body": body.body})


def create_app(settings: Settings) -> FastAPI:
    ctx = Context(settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if settings.run_jobs:
            ctx.jobs.start()
        try:
            yield
        finally:
            ctx.jobs.stop()

    app = FastAPI(title="govreport review service", version="1", lifespan=lifespan, docs_url=None,
                  redoc_url=None, openapi_url=None,
                  description="Upload 政府信息公开工作年度报告, review findings, correct cells, run batches.")
    app.state.ctx = ctx

    overhead = 64 * 1024  # multipart framing

    def limits(path: str) -> int:
        if path.startswith("/api/batches") or path.startswith("/api/units/import"):
            return settings.max_batch + overhead
        return settings.max_upload + overhead

    app.add_middleware(BodyLimit, limits=limits)

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Callable[[Request], Awaitable[Any]]) -> Any:
        response = await call_next(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        if not request.url.path.startswith("/docs"):  # Swagger UI's page has an inline script
            response.headers.setdefault(
                "Content-Security-Policy",
                "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        return response

    @app.exception_handler(Missing)
    async def missing(request: Request, exc: Missing) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": exc.detail}, 404)
        from service.server.web import missing_page

        return missing_page(request, exc)

    @app.exception_handler(InputError)
    async def input_error(_request: Request, exc: InputError) -> JSONResponse:
        return JSONResponse({"detail": f"无法读取 {exc}"}, 422)

    @app.exception_handler(UploadRejected)
    async def rejected(_request: Request, exc: UploadRejected) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, exc.status)

    @app.exception_handler(GovreportError)
    async def govreport_error(_request: Request, exc: GovreportError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, 400)

    @app.get("/api/health", tags=["health"])
    def health() -> dict[str, str]:
        return {"status": "ok"}

    from service.server import api_batches, api_reports, api_units, web

    for module in (api_reports, api_units, api_batches):
        app.include_router(module.router, prefix="/api", dependencies=[Depends(principal)])
    app.include_router(web.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    _docs(app)
    return app


def _docs(app: FastAPI) -> None:
    """OpenAPI at /openapi.json and Swagger UI at /docs, behind the token, its assets served locally."""
    from fastapi.openapi.docs import get_swagger_ui_html
    from swagger_ui_bundle import swagger_ui_path

    app.mount("/docs/assets", StaticFiles(directory=swagger_ui_path), name="swagger")

    @app.get("/openapi.json", include_in_schema=False, dependencies=[Depends(principal)])
    def openapi() -> JSONResponse:
        return JSONResponse(app.openapi())

    @app.get("/docs", include_in_schema=False, dependencies=[Depends(principal)])
    def docs() -> Any:
        return get_swagger_ui_html(openapi_url="/openapi.json", title="govreport API",
                                   swagger_js_url="/docs/assets/swagger-ui-bundle.js",
                                   swagger_css_url="/docs/assets/swagger-ui.css",
                                   swagger_favicon_url="/docs/assets/favicon-32x32.png")
