"""/api/units: the unit registry (aliases, parent, type; xlsx import/export), coverage and year-over-year."""

from __future__ import annotations

import io
from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, HTTPException, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from service.batch.crossyear import Entry, c6, c7
from service.batch.model import UnitDigest
from service.server.app import Ctx
from service.server.db import Report, Unit
from service.server.files import UploadRejected
from service.server.reports import match_unit, summary_json
from service.server.rows import get_or_404

router = APIRouter(tags=["units"])
UNIT_TYPES = ("部门", "乡镇街道", "政府", "其他")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER = ["名称", "类型", "上级", "别名"]


class UnitIn(BaseModel):
    name: str = Field(min_length=1, max_length=300)
    type: str = "部门"
    parent_id: int | None = None
    aliases: list[str] = Field(default_factory=list)


def unit_json(u: Unit) -> dict[str, Any]:
    return {"id": u.id, "name": u.name, "type": u.type, "parent_id": u.parent_id, "aliases": list(u.aliases or [])}


def _attach_unmatched(s: Session) -> None:
    """Reports not yet attached to a unit are matched again (after the registry changed)."""
    for report in s.scalars(select(Report).where(Report.unit_id.is_(None))):
        report.unit_id = match_unit(s, report.organization)


@router.get("/units")
def list_units(ctx: Ctx) -> list[dict[str, Any]]:
    with ctx.db.session() as s:
        return [unit_json(u) for u in s.scalars(select(Unit).order_by(Unit.id))]


@router.post("/units", status_code=201)
def create_unit(body: UnitIn, ctx: Ctx) -> dict[str, Any]:
    with ctx.db.session() as s:
        if s.scalar(select(Unit).where(Unit.name == body.name)) is not None:
            raise HTTPException(409, f"已有名为 {body.name!r} 的单位")
        if body.parent_id is not None and s.get(Unit, body.parent_id) is None:
            raise HTTPException(422, f"没有上级单位 {body.parent_id}")
        unit = Unit(name=body.name.strip(), type=body.type, parent_id=body.parent_id,
                    aliases=[a.strip() for a in body.aliases if a.strip()])
        s.add(unit)
        s.flush()
        _attach_unmatched(s)
        return unit_json(unit)


@router.patch("/units/{unit_id}")
def update_unit(unit_id: int, body: UnitIn, ctx: Ctx) -> dict[str, Any]:
    with ctx.db.session() as s:
        unit = get_or_404(s, Unit, unit_id)
        if body.parent_id == unit_id:
            raise HTTPException(422, "单位不能是自己的上级")
        unit.name, unit.type, unit.parent_id = body.name.strip(), body.type, body.parent_id
        unit.aliases = [a.strip() for a in body.aliases if a.strip()]
        s.flush()
        _attach_unmatched(s)
        return unit_json(unit)


@router.delete("/units/{unit_id}", status_code=204)
def delete_unit(unit_id: int, ctx: Ctx) -> Response:
    with ctx.db.session() as s:
        unit = get_or_404(s, Unit, unit_id)
        for r in s.scalars(select(Report).where(Report.unit_id == unit_id)):
            r.unit_id = None
        s.delete(unit)
    return Response(status_code=204)


@router.get("/units/export.xlsx")
def export_units(ctx: Ctx) -> Response:
    """The registry as a workbook: 名称, 类型, 上级, 别名 (separated by ；)."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "单位"
    ws.append(HEADER)
    with ctx.db.session() as s:
        units = list(s.scalars(select(Unit).order_by(Unit.id)))
        names = {u.id: u.name for u in units}
        for u in units:
            ws.append([u.name, u.type, names.get(u.parent_id or -1, ""), "；".join(u.aliases or [])])
    buf = io.BytesIO()
    wb.save(buf)
    return Response(buf.getvalue(), media_type=XLSX, headers={"Content-Disposition": 'attachment; filename="units.xlsx"'})


@router.post("/units/import")
def import_units(file: UploadFile, ctx: Ctx) -> dict[str, Any]:
    """Add or update units from a workbook with the export's columns (a parent may be named before or
    after its children). Returns how many were created and updated."""
    from openpyxl import load_workbook

    data = file.file.read()
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        raise UploadRejected(f"不是可读的 xlsx 工作簿({type(exc).__name__})") from exc
    ws = wb.active
    rows = [list(r) for r in ws.iter_rows(values_only=True)] if ws is not None else []
    if not rows or [str(c or "").strip() for c in rows[0][:1]] != ["名称"]:
        raise UploadRejected("第一行须为表头: 名称, 类型, 上级, 别名")
    items = []
    for n, r in enumerate(rows[1:], start=2):
        cells = [str(c).strip() if c is not None else "" for c in [*r, None, None, None][:4]]
        if not cells[0]:
            continue
        if cells[1] and cells[1] not in UNIT_TYPES:
            raise UploadRejected(f"第 {n} 行: 类型须为 {'、'.join(UNIT_TYPES)} 之一, 而不是 {cells[1]!r}")
        aliases = [a.strip() for a in cells[3].replace(";", "；").replace("、", "；").split("；") if a.strip()]
        items.append((cells[0], cells[1] or "部门", cells[2], aliases))
    created = updated = 0
    with ctx.db.session() as s:
        by_name = {u.name: u for u in s.scalars(select(Unit))}
        for name, kind, _parent, aliases in items:
            unit = by_name.get(name)
            if unit is None:
                unit = Unit(name=name, type=kind, aliases=aliases)
                s.add(unit)
                by_name[name] = unit
                created += 1
            else:
                unit.type, unit.aliases = kind, aliases
                updated += 1
        s.flush()
        for name, _kind, parent, _aliases in items:
            if parent:
                if parent not in by_name:
                    raise UploadRejected(f"单位 {name!r}: 上级 {parent!r} 不在单位表中")
                by_name[name].parent_id = by_name[parent].id
        s.flush()
        _attach_unmatched(s)
    return {"created": created, "updated": updated}


def _children(units: list[Unit], parent_id: int | None) -> list[Unit]:
    return [u for u in units if u.parent_id == parent_id]


@router.get("/coverage")
def coverage(year: int, ctx: Ctx, parent_id: int | None = None) -> dict[str, Any]:
    """For ``year``: per level (the units directly under ``parent_id``, default the top level, and below each
    of them), by type, which units sent a report, which did not, and each one's check status."""
    with ctx.db.session() as s:
        units = list(s.scalars(select(Unit).order_by(Unit.id)))
        reports = list(s.scalars(select(Report).where(Report.year == year)))
        by_unit: dict[int, Report] = {}
        for r in reports:
            if r.unit_id is not None:
                by_unit.setdefault(r.unit_id, r)

        def level(pid: int | None) -> dict[str, Any]:
            members = _children(units, pid)
            rows: list[dict[str, Any]] = [{"unit": unit_json(u), "report": summary_json(by_unit[u.id]) if u.id in by_unit else None,
                     "children": level(u.id) if _children(units, u.id) else None} for u in members]
            by_type: dict[str, dict[str, int]] = {}
            for row in rows:
                t = by_type.setdefault(row["unit"]["type"], {"expected": 0, "received": 0, "missing": 0})
                t["expected"] += 1
                t["received" if row["report"] else "missing"] += 1
            return {"expected": len(rows), "received": sum(1 for r in rows if r["report"]),
                    "missing": [r["unit"]["name"] for r in rows if not r["report"]], "by_type": by_type, "units": rows}

        result = level(parent_id)
        result["year"] = year
        result["unattached"] = [summary_json(r) for r in reports if r.unit_id is None]
        return result


@router.get("/units/{unit_id}/years")
def years(unit_id: int, ctx: Ctx) -> dict[str, Any]:
    """The unit's reports year by year with key figures, and the cross-year checks C6 and C7 (the batch's)."""
    with ctx.db.session() as s:
        return unit_years(s, get_or_404(s, Unit, unit_id))


def unit_years(s: Session, unit: Unit) -> dict[str, Any]:
    """What ``GET /api/units/{id}/years`` answers, and the report page shows under 与往年比较."""
    reports = list(s.scalars(select(Report).where(Report.unit_id == unit.id, Report.year.is_not(None))
                             .order_by(Report.year, Report.id)))
    by_year: dict[int, Report] = {}
    for r in reports:
        by_year.setdefault(r.year or 0, r)
    rows, checks = [], []
    for y in sorted(by_year):
        doc = by_year[y].effective
        apps = doc.get("applications") or {}
        rl = doc.get("review_litigation") or {}
        rows.append({"year": y, "report": summary_json(by_year[y]),
                     "new_received": (apps.get("new_received") or [None] * 7)[6],
                     "total_processed": (apps.get("total_processed") or [None] * 7)[6],
                     "carried_forward": (apps.get("carried_forward") or [None] * 7)[6],
                     "review_total": (rl.get("review") or {}).get("total"),
                     "litigation_total": sum(v for g in ("litigation_direct", "litigation_after_review")
                                             if isinstance(v := (rl.get(g) or {}).get("total"), int | float))})
        if y - 1 in by_year:
            prev, cur = _entry(by_year[y - 1]), _entry(by_year[y])
            for f in (c6(prev, cur), c7(prev, cur)):
                checks.append({"year": y, **asdict(f)})
    return {"unit": unit_json(unit), "years": rows, "checks": checks}


def _entry(r: Report) -> Entry:
    doc = r.effective
    digest = UnitDigest(organization=r.organization, year=r.year, format=doc.get("format") or "",
                        kind=(doc.get("source") or {}).get("kind") or "", applications=doc.get("applications"),
                        active_disclosure=doc.get("active_disclosure"))
    return Entry(name=r.filename, label=r.organization or r.filename, digest=digest)
