"""A file cache of validated model answers, keyed by the text sent, the prompt and the model.

A second run over the same reports costs no calls. Writes are atomic (temp file + rename), so
threads and processes may share one cache directory.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

CACHE_FORMAT = 1


def cache_key(text: str, prompt_version: str, prompt_hash: str, model: str, mode: str, provider: str) -> str:
    payload = json.dumps([CACHE_FORMAT, text, prompt_version, prompt_hash, model, mode, provider], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


class ResponseCache:
    """``<dir>/llm/<key[:2]>/<key>.json`` holding the answer and the usage it cost."""

    def __init__(self, directory: Path) -> None:
        self.root = Path(directory) / "llm"

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.json"

    def get(self, key: str) -> dict[str, Any] | None:
        try:
            data = json.loads(self._path(key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) and "response" in data else None

    def put(self, key: str, value: dict[str, Any]) -> None:
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(value, fh, ensure_ascii=False)
            os.replace(tmp, path)
        except OSError:
            pass  # a cache that cannot be written only costs calls next time
