"""Load a gold directory: one JSON file per labelled report (format of eval/gold/README.md).

A gold file's ``report`` path is relative to the gold directory's parent, so ``X/gold/*.json`` with
``X/corpus/…`` works wherever X is. Any directory in this format can be dropped in without code changes.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from service.errors import InputError

#: The bundled gold set: eval/gold of the repository (the package lives in <repo>/service).
REPO_ROOT = Path(__file__).resolve().parent.parent.parent
DEFAULT_GOLD_DIR = REPO_ROOT / "eval" / "gold"

T3_ROW_KEYS = [
    "new_received", "carried_over", "granted", "partially_granted",
    "denied_state_secret", "denied_law_prohibited", "denied_three_safety_one_stability",
    "denied_third_party_rights", "denied_internal_affairs", "denied_process_info",
    "denied_enforcement_case_file", "denied_administrative_inquiry",
    "unable_not_held", "unable_needs_creation", "unable_unclear_after_correction",
    "not_processed_petition", "not_processed_duplicate", "not_processed_publication",
    "not_processed_excessive", "not_processed_confirmation",
    "other_no_correction", "other_no_fee", "other_other",
    "total_processed", "carried_forward",
]
T4_GROUP_KEYS = ["review", "litigation_direct", "litigation_after_review"]
T4_COLUMN_KEYS = ["upheld", "corrected", "other", "pending", "total"]

_REQUIRED = ("report", "format", "meta", "applications", "review_litigation")


class GoldError(InputError):
    """The gold directory or one of its files is not usable (a usage or input error: exit 2)."""


def unreadable(exc: OSError | ValueError, path: Path) -> str:
    """Why a JSON file of the gold set cannot be used, in Chinese (the parser's own text is English)."""
    if isinstance(exc, json.JSONDecodeError):
        return f"JSON 格式错误(第 {exc.lineno} 行第 {exc.colno} 列)"
    if isinstance(exc, UnicodeDecodeError):
        return "不是 UTF-8 文本"
    if isinstance(exc, OSError):
        from service.reading.files import os_reason

        return os_reason(exc, path)
    return str(exc)


def read_json_object(path: Path, unreadable_lead: str, not_object: str) -> dict[str, Any]:
    """The JSON object in the file at ``path``; a GoldError with a clear one-line reason when the file cannot
    be read (``unreadable_lead: why``) or does not hold an object (``not_object``)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise GoldError(f"{unreadable_lead}: {unreadable(exc, path)}", str(path)) from exc
    if not isinstance(data, dict):
        raise GoldError(not_object, str(path))
    return data


@dataclass
class GoldReport:
    """One labelled report."""

    name: str  # the gold file's stem
    gold_path: Path
    report_path: Path
    data: dict[str, Any] = field(repr=False)

    @property
    def format(self) -> str:
        return str(self.data.get("format"))

    @property
    def meta(self) -> dict[str, Any]:
        return dict(self.data.get("meta") or {})

    @property
    def active_disclosure(self) -> dict[str, Any] | None:
        return self.data.get("active_disclosure")

    @property
    def applications(self) -> dict[str, list[Any]]:
        return dict(self.data.get("applications") or {})

    @property
    def review_litigation(self) -> dict[str, dict[str, Any]]:
        return dict(self.data.get("review_litigation") or {})

    @property
    def narrative(self) -> dict[str, Any] | None:
        return self.data.get("narrative")

    @property
    def notes(self) -> str:
        return str(self.data.get("notes") or "")


def load_gold_dir(directory: str | Path) -> list[GoldReport]:
    """All gold files of a directory, sorted by name. Raises GoldError when the set is unusable."""
    d = Path(directory)
    if not d.is_dir():
        raise GoldError("没有这个标注目录", str(d))
    files = sorted(p for p in d.glob("*.json") if p.is_file())
    if not files:
        raise GoldError("目录中没有标注文件(*.json)", str(d))
    return [load_gold_file(p, d.resolve().parent) for p in files]


def load_gold_file(path: Path, base: Path) -> GoldReport:
    """One gold file; ``base`` is the directory its ``report`` path is relative to."""
    data = read_json_object(path, "不是可读的 JSON 标注文件", "标注文件应为一个 JSON 对象")
    missing = [k for k in _REQUIRED if k not in data]
    if missing:
        raise GoldError("标注文件缺少字段 " + "、".join(f"'{m}'" for m in missing), str(path))
    apps = data["applications"]
    if not isinstance(apps, dict) or any(not isinstance(v, list) or len(v) != 7 for v in apps.values()):
        raise GoldError("'applications' 应把行键映射为 7 个数值的列表", str(path))
    report_path = (base / str(data["report"])).resolve()
    if not report_path.is_file():
        raise GoldError(f"标注的报告 {data['report']} 不在 {report_path}", str(path))
    return GoldReport(name=path.stem, gold_path=path, report_path=report_path, data=data)


def gold_digest(reports: list[GoldReport]) -> str:
    """A fingerprint of the labels and the labelled files, so a baseline is only compared on its own set."""
    h = hashlib.sha256()
    for g in reports:
        h.update(g.name.encode())
        h.update(json.dumps(g.data, sort_keys=True, ensure_ascii=False).encode())
        h.update(hashlib.sha256(g.report_path.read_bytes()).digest())
    return h.hexdigest()[:16]
