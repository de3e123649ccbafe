"""/api/batches: several report files or a zip → a batch job (the CLI's batch engine), progress, summaries."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException, UploadFile
from fastapi.responses import FileResponse, JSONResponse
from sqlalchemy import select

from service.server.app import Ctx, User
from service.server.db import Batch
from service.server.files import UploadRejected, safe_name, unpack_zip
from service.server.jobs import batch_json
from service.server.rows import get_or_404

router = APIRouter(tags=["batches"])
MEDIA = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
         "md": "text/markdown; charset=utf-8"}


@router.post("/batches", status_code=202)
def create_batch(files: list[UploadFile], ctx: Ctx, user: User) -> JSONResponse:
    """Start a batch from several report files, or from zips of them (paths leaving the archive, links and
    zip bombs are refused). 202 with the job; poll ``GET /api/batches/{id}``."""
    if not files:
        raise UploadRejected("没有文件: 请在 files 字段上传一个或多个报告文件或 zip 压缩包")
    with ctx.db.session() as s:
        b = Batch(status="receiving", created_by=user.name)
        s.add(b)
        s.flush()
        batch_id = b.id
    folder = ctx.data.batch_dir(batch_id)
    inbox = folder / "in"
    try:
        count = _receive(files, inbox, ctx.settings.max_batch, ctx.data.tmp)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        with ctx.db.session() as s:
            s.delete(s.get(Batch, batch_id))
        raise
    with ctx.db.session() as s:
        b2 = s.get(Batch, batch_id)
        assert b2 is not None
        b2.status, b2.files = "queued", count
        body = batch_json(ctx, b2)
    ctx.jobs.submit(batch_id)
    return JSONResponse(body, 202)


def _receive(files: list[UploadFile], inbox: Path, limit: int, tmp: Path) -> int:
    inbox.mkdir(parents=True, exist_ok=True)
    total = 0
    count = 0
    for n, f in enumerate(files):
        raw = (f.filename or f"file{n}").replace("\\", "/").rsplit("/", 1)[-1]
        name = safe_name(raw) or f"file{n}"
        if name.startswith("."):
            name = f"file{n}{name}"
        data = f.file.read(limit + 1)
        total += len(data)
        if total > limit:
            raise UploadRejected(f"批次文件合计超过 {limit / 1e6:.0f} MB 的上限", 413)
        if not data:
            raise UploadRejected(f"{name}: 文件为空")
        if data[:4] == b"PK\x03\x04" and name.lower().endswith(".zip"):
            path = tmp / f"upload-{inbox.parent.name}-{n}.zip"
            path.write_bytes(data)
            try:
                count += len(unpack_zip(path, inbox / f"{n:03d}-{Path(name).stem}", limit))
            finally:
                path.unlink(missing_ok=True)
            continue
        target = inbox / name
        if target.exists():
            target = inbox / f"{n:03d}-{name}"
        target.write_bytes(data)
        count += 1
    return count


@router.get("/batches")
def list_batches(ctx: Ctx) -> list[dict[str, Any]]:
    with ctx.db.session() as s:
        return [batch_json(ctx, b) for b in s.scalars(select(Batch).order_by(Batch.id.desc()).limit(200))]


@router.get("/batches/{batch_id}")
def show_batch(batch_id: int, ctx: Ctx) -> dict[str, Any]:
    with ctx.db.session() as s:
        b = get_or_404(s, Batch, batch_id)
        return batch_json(ctx, b)


@router.get("/batches/{batch_id}/summary.{ext}")
def download_summary(batch_id: int, ext: str, ctx: Ctx) -> FileResponse:
    """summary.xlsx, summary.md or summary.docx of a finished batch (as downloads)."""
    if ext not in MEDIA:
        raise HTTPException(404, "汇总只有 xlsx、md 和 docx")
    path = ctx.data.batch_dir(batch_id) / "out" / f"summary.{ext}"
    if not path.exists():
        raise HTTPException(404, f"批次 {batch_id} (尚)没有 summary.{ext}")
    return FileResponse(path, media_type=MEDIA[ext], filename=f"batch-{batch_id}-summary.{ext}")
