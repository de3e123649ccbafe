"""Mangled reports never crash: each either analyses or raises a GovreportError (exit 2 at the CLI)."""

from __future__ import annotations

import random

import pytest

from service.errors import GovreportError
from service.pipeline import analyze_document
from service.reading import read_bytes
from tests._corpus import EVAL, SEEDS

_TOKENS = ["0", "1", "-", "/", "无", "(", ")", "一", "、", "\t", "|", " ", "9999999999999", "—", "①", "3件", ".5", "\n"]


def _mangle(text: str, r: random.Random) -> str:
    lines = text.split("\n")
    op = r.randrange(6)
    if op == 0:
        r.shuffle(lines)
    elif op == 1:
        lines = [ln for ln in lines if r.random() > 0.2]
    elif op == 2:
        for _ in range(30):
            j = r.randrange(len(lines))
            lines[j] = lines[j][: r.randrange(len(lines[j]) + 1)]
    elif op == 3:
        for _ in range(50):
            j = r.randrange(len(lines))
            k = r.randrange(len(lines[j]) + 1)
            lines[j] = lines[j][:k] + r.choice(_TOKENS) + lines[j][k:]
    elif op == 4:
        lines = lines[: r.randrange(len(lines))]
    else:
        lines = ["".join(r.sample(ln, len(ln))) if r.random() < 0.1 else ln for ln in lines]
    return "\n".join(lines)


@pytest.mark.parametrize("seed", range(4))
def test_mangled_text_never_crashes(seed: int) -> None:
    r = random.Random(seed)
    texts = [p.read_text(encoding="utf-8") for p in SEEDS]
    for _ in range(60):
        data = _mangle(r.choice(texts), r).encode("utf-8")
        try:
            report = analyze_document(read_bytes(data, "mangled.txt"))
        except GovreportError:
            continue
        assert report.summary is not None


@pytest.mark.parametrize("seed", range(2))
def test_mangled_files_never_crash(seed: int) -> None:
    r = random.Random(seed)
    blobs = [(p.name, p.read_bytes()) for p in sorted((EVAL / "corpus" / "dev").iterdir())]
    for _ in range(12):
        name, original = r.choice(blobs)
        data = bytearray(original)
        if r.random() < 0.5:
            data = data[: r.randrange(len(data))]
        else:
            for _ in range(r.randrange(1, 30)):
                data[r.randrange(len(data))] = r.randrange(256)
        try:
            analyze_document(read_bytes(bytes(data), name), narrative=False)
        except GovreportError:
            continue
