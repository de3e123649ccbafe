"""govreport: verified structured data from 政府信息公开工作年度报告.

``from service import analyze`` — see service.api (loaded on first use, so ``import service`` stays light).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["__version__", "analyze"]

if TYPE_CHECKING:
    from service.api import analyze


def __getattr__(name: str) -> Any:
    if name == "analyze":
        from service.api import analyze

        return analyze
    raise AttributeError(f"module 'service' has no attribute {name!r}")
