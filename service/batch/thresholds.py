"""Thresholds of the summary's rankings and risk grades: defaults stated here and in the README,
overridable per batch with ``govreport batch --thresholds FILE`` (a JSON object of any of the fields)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

from service.errors import ConfigError


@dataclass(frozen=True, slots=True)
class Thresholds:
    #: A unit's 纠错率 is ranked or graded only over at least this many decided cases (维持+纠正+其他).
    min_decided_cases: int = 5
    #: A unit's 实质公开率 / 予以公开率 is ranked or graded only over at least this many processed requests ((七)总计).
    min_processed: int = 10
    #: Units listed in each ranking.
    top: int = 10
    #: Risk: 实质公开率 below this is 高风险, below ``substantive_medium`` 中风险.
    substantive_high: float = 0.30
    substantive_medium: float = 0.50
    #: Risk: 纠错率 at or above this is 高风险, at or above ``correction_medium`` 中风险.
    correction_high: float = 0.30
    correction_medium: float = 0.15
    #: Risk: 结转率 at or above this is 中风险 (many requests left open at year end).
    carry_medium: float = 0.30
    #: Risk: 无法提供 中“不掌握”占比 at or above this is 中风险 (applications often answered "we do not hold it").
    not_held_medium: float = 0.50
    #: Year over year: a figure that grows more than ``jump_up`` times or falls below ``jump_down`` times last year's.
    jump_up: float = 5.0
    jump_down: float = 0.2
    #: Year over year: jumps are flagged only where last year's figure is at least this.
    jump_min_base: int = 5
    #: Year over year: section text this similar to last year's report (0–1) is flagged as largely copied.
    copy_similarity: float = 0.85

    def as_dict(self) -> dict[str, float | int]:
        return asdict(self)


DEFAULT = Thresholds()


def load_thresholds(path: Path | None) -> Thresholds:
    """The defaults, with the fields a JSON file sets. Unknown keys or wrong types are a ConfigError."""
    if path is None:
        return DEFAULT
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise ConfigError(f"无法读取阈值文件 {path}: {exc.strerror or exc}") from exc
    except json.JSONDecodeError as exc:
        raise ConfigError(f"阈值文件 {path} 不是有效的 JSON(第 {exc.lineno} 行第 {exc.colno} 列)") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"阈值文件 {path} 不是 UTF-8 文本") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"阈值文件 {path} 应为一个 JSON 对象")
    known = {f.name: f.type for f in fields(Thresholds)}
    unknown = sorted(set(data) - set(known))
    if unknown:
        raise ConfigError(f"阈值文件 {path} 含未知的键: {', '.join(unknown)}(可用: {', '.join(known)})")
    values: dict[str, Any] = {}
    for key, value in data.items():
        want_int = known[key] in (int, "int")
        if isinstance(value, bool) or not isinstance(value, int | float) or (want_int and not isinstance(value, int)):
            raise ConfigError(f"阈值文件 {path}: {key} 应为{'整数' if want_int else '数字'}, 实为 {value!r}")
        values[key] = value
    return replace(DEFAULT, **values)
