"""Regular expressions compiled when first used, not when their module is imported.

A pattern with a CJK range (``[\\u4e00-\\u9fff]``) takes about a millisecond to compile, and a one-file
``govreport parse`` imports some 150 module-level patterns, of which a typical report uses half. A lazy
pattern compiles on its first attribute access (``.search``, ``.finditer`` …) and then keeps that attribute
on itself, so later uses cost what a compiled pattern's do. Pass it only to its own methods (not to
``re.sub(pattern, …)``); ``.pattern`` is answered without compiling, so patterns can be built from others.
"""

from __future__ import annotations

import re
from typing import Any, cast


class _LazyPattern:
    def __init__(self, pattern: str, flags: int) -> None:
        self.pattern = pattern
        self._flags = flags

    def __getattr__(self, name: str) -> Any:  # only for what is not yet on the instance
        if name.startswith("__"):
            raise AttributeError(name)
        value = getattr(re.compile(self.pattern, self._flags), name)
        self.__dict__[name] = value
        return value

    def __repr__(self) -> str:
        return f"lazy_compile({self.pattern!r})"


def lazy_compile(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile(pattern, flags)``, done on first use."""
    return cast(re.Pattern[str], _LazyPattern(pattern, flags))
