"""JSON text of the report's dataclasses, byte for byte as pydantic writes it, without importing pydantic.

Values are written by what they are: a dataclass as an object of its fields in order, an enum as its
value, a tuple as an array, a float as pydantic writes it (shortest round-trip digits, ``1e-7`` and
``1e+16`` rather than Python's ``1e-07``, ``0.00001`` for 1e-5 ≤ x < 1e-4, NaN and infinities as null),
text as UTF-8 with only quotes, backslashes and control characters escaped. ``indent=None`` gives one line
without spaces; an indent puts every array item and object member on its own line, as pydantic does.

Two writers give the same text. ``general_text`` (the reference) writes a value node by node, testing
what it is. ``json_text`` writes one line (``indent=None``: the batch's reports/<name>.json and
results.jsonl lines) by the exact type of each value: a dataclass by a function compiled once for its class
that reads its fields in order into one f-string (None, text, ints, pairs and lists of ints and text
enum members inline), lists and dicts by their items' writers mapped in C; whatever it does not write
itself (an enum with its own ``value``, a class that passes for another, an unknown type) goes to the
general writer, node by node, or, when anything fails, the whole value. Indented text is the general
writer's. tests/test_json_text.py compares it with pydantic on bundled reports and on random values, and
the fast path with the general writer on every bundled report and on random trees.
"""

from __future__ import annotations

import keyword
import math
from collections.abc import Callable
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
        return self.unwrapped(v, level)

    def unwrapped(self, v: Any, level: int) -> str:
        """``v`` written as ``text`` writes it once past its None, bool and enum tests (an enum's value)."""
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


def general_text(value: Any, indent: int | None = None) -> str:
    """``json_text`` written node by node (the reference the fast path is tested against)."""
    return _Writer(indent).text(value, 0)


_NONE = type(None)
_TEXT = frozenset({str})
_INT = frozenset({int})
_LISTS = frozenset({list, tuple})
_Write = Callable[[Any], str]
#: The one-line writer of each exact type met so far (types the fast path does not write go to _general).
_WRITE: dict[type, _Write] = {
    str: encode_basestring, int: int.__repr__, bool: {True: "true", False: "false"}.__getitem__,
    _NONE: {None: "null"}.__getitem__}
#: Enum classes whose ``.value`` is ``._value_``: a dataclass's writer writes their text members inline.
_PLAIN_ENUMS: set[type] = set()
_ONE_LINE = _Writer(None)


def _text(v: Any) -> str:
    """``v`` as one line of JSON, as ``general_text(v)`` writes it."""
    write = _WRITE.get(type(v))
    if write is None:
        write = _writer(type(v), v)
    return write(v)


def _general(v: Any) -> str:
    return _ONE_LINE.text(v, 0)


def _list_text(v: list[Any] | tuple[Any, ...]) -> str:
    """An exact list or tuple; items of one type are written by that type's writer, mapped in C."""
    types = set(map(type, v))
    if len(types) == 1:
        (t,) = types
        return "[" + ",".join(map(_WRITE.get(t) or _writer(t, v[0]), v)) + "]"
    return "[" + ",".join(map(_text, v)) + "]"


def _list_copy_text(v: Any) -> str:
    """A list or tuple subclass, read once, by iterating, as the general writer reads it."""
    return "[" + ",".join([_text(x) for x in v]) + "]"


def _dict_text(v: dict[Any, Any]) -> str:
    """An exact dict: with text keys, keys and values mapped in C (values of one type by its writer)."""
    if not _TEXT.issuperset(map(type, v)):
        return _dict_copy_text(v)
    values = v.values()
    types = set(map(type, values))
    if len(types) == 1:
        (t,) = types
        texts = map(_WRITE.get(t) or _writer(t, next(iter(values))), values)
    else:
        texts = map(_text, values)
    return "{" + ",".join(map("%s:%s".__mod__, zip(map(encode_basestring, v), texts, strict=True))) + "}"


def _dict_copy_text(v: Any) -> str:
    """A dict with other keys than exact text (or a dict subclass): keys as ``_key`` writes them."""
    return "{" + ",".join([_key(k) + ":" + _text(x) for k, x in v.items()]) + "}"


def _writer(t: type, sample: Any) -> _Write:
    """The writer of exact type ``t`` (tested in the general writer's order), registered in _WRITE;
    ``sample`` is a value of that type."""
    write = _WRITE[t] = _choose(t, sample)
    return write


def _choose(t: type, sample: Any) -> _Write:
    if any("__class__" in c.__dict__ for c in t.__mro__[:-1]):
        return _general  # isinstance could see another class than type()
    if issubclass(t, Enum):
        return _enum_writer(t)
    if issubclass(t, str):
        return encode_basestring
    if issubclass(t, int):
        return int.__repr__
    if issubclass(t, float):
        return float_text
    if t is list or t is tuple:
        return _list_text
    if issubclass(t, (list, tuple)):
        return _list_copy_text
    if t is dict:
        return _dict_text
    if issubclass(t, dict):
        return _dict_copy_text
    if is_dataclass(t) and not issubclass(t, type):
        return _dataclass_writer(t, sample)
    return _general  # which raises its TypeError


def _enum_writer(cls: type) -> _Write:
    """A member as its value (written as the general writer writes an enum's value: not unwrapped again)."""
    value_attr = next(c.__dict__["value"] for c in cls.__mro__ if "value" in c.__dict__)
    if value_attr is not Enum.__dict__["value"]:
        return _general
    _PLAIN_ENUMS.add(cls)

    def write(v: Any) -> str:
        x = v._value_
        t = type(x)
        if t is str:
            return encode_basestring(x)
        if t is int:
            return int.__repr__(x)
        return _ONE_LINE.unwrapped(x, 0)

    return write


#: The tests of a field's value ``v`` (of type ``t``) in a dataclass's writer, as (kind, condition, text): it
#: tests None first, then the kind the first instance's value was, then the others, then hands ``v`` to W.
_FIELD_TESTS = (
    ("str", "t is str", "E(v)"),
    ("int", "t is int", "v"),  # the f-string writes an exact int as int.__repr__ does
    ("pair", "t is tuple and len(v) == 2 and type(v[0]) is int and type(v[1]) is int", "'[%d,%d]' % v"),
    ("ints", "t in L and I.issuperset(map(type, v))", "'[' + ','.join(map(R, v)) + ']'"),
    ("enum", "t in N and type(x := v._value_) is str", "E(x)"),
)


def _field_kind(v: Any) -> str | None:
    t = type(v)
    if t is str:
        return "str"
    if t is int:
        return "int"
    if t is tuple and len(v) == 2 and type(v[0]) is int and type(v[1]) is int:
        return "pair"
    if t in _LISTS and _INT.issuperset(map(type, v)):
        return "ints"
    if issubclass(t, Enum) and t not in _WRITE:
        _writer(t, v)  # a plain one joins _PLAIN_ENUMS
    return "enum" if t in _PLAIN_ENUMS and type(v._value_) is str else None


def _dataclass_writer(cls: type, sample: Any) -> _Write:
    """A function, compiled once, that writes the fields of ``cls`` in order into one f-string: None, text,
    int, exact tuples and lists of ints, and text members of enums inline (tested in the order that suits
    ``sample``, an instance); anything else by its type's writer."""
    names = _names(cls)
    if not all(n.isidentifier() and not keyword.iskeyword(n) for n in names):
        return _general  # (make_dataclass allows no other names; a class's own fields could be anything)
    parts = []
    for i, name in enumerate(names):
        try:
            first = _field_kind(getattr(sample, name))
        except Exception:  # an unset slot: any order will do
            first = None
        tests = sorted(_FIELD_TESTS, key=lambda test: test[0] != first)
        conds = [cond for _, cond, _ in tests]
        conds[0] = conds[0].replace("t", "(t := type(v))", 1)  # every test starts with t: bound by the first
        chain = " else ".join(f"{text} if {cond}" for (_, _, text), cond in zip(tests, conds, strict=True))
        value = f"'null' if (v := o.{name}) is None else {chain} else W(v)"
        parts.append(("," if i else "") + f'"{name}":{{{value}}}')
    source = f"def write(o):\n    return f\"\"\"{{{{{''.join(parts)}}}}}\"\"\"\n"
    scope: dict[str, Any] = {"E": encode_basestring, "R": int.__repr__, "N": _PLAIN_ENUMS, "W": _text,
                             "L": _LISTS, "I": _INT}
    exec(compile(source, f"<json_text {cls.__qualname__}>", "exec"), scope)
    write: _Write = scope["write"]
    return write


def json_text(value: Any, indent: int | None = None) -> str:
    """``value`` (a dataclass, or dicts/lists of them and plain values) as JSON text, as pydantic writes it."""
    if indent is not None:
        return general_text(value, indent)
    try:
        return _text(value)
    except Exception:  # whatever it is, the general writer writes it or raises its own error
        return general_text(value)
