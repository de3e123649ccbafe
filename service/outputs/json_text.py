"""JSON text of the report's dataclasses, byte for byte as pydantic writes it, without importing pydantic.

Values are written by what they are: a dataclass as an object of its fields in order, an enum as its
value, a tuple as an array, a float as pydantic writes it (shortest round-trip digits, ``1e-7`` and
``1e+16`` rather than Python's ``1e-07``, ``0.00001`` for 1e-5 ≤ x < 1e-4, NaN and infinities as null),
text as UTF-8 with only quotes, backslashes and control characters escaped. ``indent=None`` gives one line
without spaces; an indent puts every array item and object member on its own line, as pydantic does.
tests/test_json_text.py compares it with pydantic on bundled reports and on random values.
"""

from __future__ import annotations

import math
from dataclasses import fields, is_dataclass
from enum import Enum
from json.encoder import encode_basestring
from typing import Any

_FIELDS: dict[type, tuple[str, ...]] = {}


def _names(cls: type) -> tuple[str, ...]:
    names = _FIELDS.get(cls)
    if names is None:
        names = _FIELDS[cls] = tuple(f.name for f in fields(cls))
    return names


def float_text(x: float) -> str:
    """A float as pydantic (serde) writes it."""
    if not math.isfinite(x):
        return "null"
    r = repr(x)
    if "e" not in r:
        return r
    mantissa, exp = r.split("e")
    e = int(exp)
    if e == -5:  # serde writes 1e-5 ≤ |x| < 1e-4 out in full
        sign, digits = ("-", mantissa[1:]) if mantissa[0] == "-" else ("", mantissa)
        return f"{sign}0.0000{digits.replace('.', '')}"
    return f"{mantissa}e{'+' if e > 0 else '-'}{abs(e)}"


def _key(k: object) -> str:
    if isinstance(k, Enum):
        k = k.value
    if isinstance(k, str):
        return encode_basestring(k)
    if isinstance(k, float):
        return f'"{float_text(k)}"'
    return f'"{k}"'


class _Writer:
    def __init__(self, indent: int | None) -> None:
        self.indent = indent
        self.key_sep = ":" if indent is None else ": "

    def text(self, v: Any, level: int) -> str:
        if v is None:
            return "null"
        if v is True:
            return "true"
        if v is False:
            return "false"
        if isinstance(v, Enum):
            v = v.value
        if isinstance(v, str):
            return encode_basestring(v)
        if isinstance(v, int):
            return int.__repr__(v)
        if isinstance(v, float):
            return float_text(v)
        if isinstance(v, (list, tuple)):
            return self._join("[", [self.text(x, level + 1) for x in v], "]", level)
        if isinstance(v, dict):
            sep = self.key_sep
            return self._join("{", [_key(k) + sep + self.text(x, level + 1) for k, x in v.items()], "}", level)
        if is_dataclass(v) and not isinstance(v, type):
            sep = self.key_sep
            return self._join("{", [f'"{n}"{sep}' + self.text(getattr(v, n), level + 1)
                                    for n in _names(v.__class__)], "}", level)
        raise TypeError(f"cannot write {type(v).__name__} as JSON")

    def _join(self, open_: str, items: list[str], close: str, level: int) -> str:
        if not items:
            return open_ + close
        if self.indent is None:
            return open_ + ",".join(items) + close
        inner = "\n" + " " * (self.indent * (level + 1))
        return open_ + inner + ("," + inner).join(items) + "\n" + " " * (self.indent * level) + close


def json_text(value: Any, indent: int | None = None) -> str:
    """``value`` (a dataclass, or dicts/lists of them and plain values) as JSON text, as pydantic writes it."""
    return _Writer(indent).text(value, 0)
