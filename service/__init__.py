"""govreport: verified structured data from 政府信息公开工作年度报告.

``from service import analyze`` — see service.api, loaded on first use (so ``import service`` stays light
and the deterministic core, which imports ``service.versions``, never pulls in the pipeline).
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"
__all__ = ["__version__", "analyze"]


def __getattr__(name: str) -> Any:
    if name == "analyze":
        return importlib.import_module("service.api").analyze
    raise AttributeError(f"module 'service' has no attribute {name!r}")
