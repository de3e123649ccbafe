"""Rows by id, for the API and the pages alike: a missing one is a 404 that says what is missing."""

from __future__ import annotations

from typing import TypeVar

from fastapi import HTTPException
from sqlalchemy.orm import Session

M = TypeVar("M")

#: What each model is called in the message (没有报告 7).
NAMES = {"Report": "报告", "Batch": "批次", "Unit": "单位"}


class Missing(HTTPException):
    """404: no such row. The API answers ``{"detail": "没有报告 7"}``; a page shows 未找到报告 7."""

    def __init__(self, what: str) -> None:
        super().__init__(404, f"没有{what}")
        self.what = what


def get_or_404(s: Session, model: type[M], row_id: int) -> M:
    row = s.get(model, row_id)
    if row is None:
        raise Missing(f"{NAMES[model.__name__]} {row_id}")
    return row
