"""Damaged text still gives the gold tables, or honest unknowns: never a wrong number, never a FAIL."""

from __future__ import annotations

import random
import re
from collections.abc import Callable

import pytest

from service.checks.model import Status
from service.pipeline import analyze_document
from service.reading import read_bytes
from tests._corpus import SEEDS, gold_for

Mutation = Callable[[str, random.Random], str | bytes]
MUTATIONS: dict[str, Mutation] = {}


def mutation(name: str) -> Callable[[Mutation], Mutation]:
    def deco(fn: Mutation) -> Mutation:
        MUTATIONS[name] = fn
        return fn
    return deco


@mutation("tabs-to-pipes")
def _pipes(s: str, r: random.Random) -> str:
    return "\n".join(("| " + " | ".join(ln.split("\t")) + " |") if "\t" in ln else ln for ln in s.split("\n"))


@mutation("tabs-to-two-spaces")
def _spaces(s: str, r: random.Random) -> str:
    return s.replace("\t", "  ")


@mutation("tabs-to-one-space")
def _one_space(s: str, r: random.Random) -> str:
    return re.sub(r"\t+", " ", s)


@mutation("full-width")
def _full(s: str, r: random.Random) -> str:
    return s.translate(str.maketrans("()0123456789,:", "（）０１２３４５６７８９，："))


@mutation("half-width")
def _half(s: str, r: random.Random) -> str:
    return s.translate(str.maketrans("（），：", "(),:"))


@mutation("gb18030")
def _gb(s: str, r: random.Random) -> bytes:
    return s.encode("gb18030")


@mutation("utf-16")
def _u16(s: str, r: random.Random) -> bytes:
    return s.encode("utf-16")


@mutation("crlf-and-zero-width")
def _crlf(s: str, r: random.Random) -> str:
    return s.replace("公开", "公\u200b开").replace("\n", "\r\n")


@mutation("split-labels")
def _split(s: str, r: random.Random) -> str:
    out = []
    for ln in s.split("\n"):
        m = re.match(r"^(\s*)([^\t|\d]{6,})([\t|].*\d.*)$", ln)
        if m and r.random() < 0.5:
            lab = m.group(2)
            k = len(lab) // 2
            out += [m.group(1) + lab[:k], lab[k:] + m.group(3)]
        else:
            out.append(ln)
    return "\n".join(out)


@mutation("drop-a-cell")
def _drop(s: str, r: random.Random) -> str:
    lines = s.split("\n")
    num = r"(?:(?<=^)|(?<=[\t| ]))\d+(?=$|[\t| ])"
    rows = [i for i, ln in enumerate(lines) if len(re.findall(num, ln)) == 7]
    i = r.choice(rows)
    m = r.choice(list(re.finditer(num, lines[i])))
    lines[i] = lines[i][: m.start()] + lines[i][m.end() :]
    return "\n".join(lines)


@mutation("ocr-noise-in-labels")
def _ocr(s: str, r: random.Random) -> str:
    out = []
    for ln in s.split("\n"):
        if re.search(r"[\u4e00-\u9fff]{4,}.*[\t|]\s*\d", ln) and r.random() < 0.3:
            chars = list(ln)
            cjk = [i for i, c in enumerate(chars) if "\u4e00" <= c <= "\u9fff"]
            chars[r.choice(cjk)] = r.choice("钊T丁口日")
            ln = "".join(chars)
        out.append(ln)
    return "\n".join(out)


def _cases():
    for path in SEEDS:
        for name in MUTATIONS:
            for seed in range(3 if name in ("drop-a-cell", "ocr-noise-in-labels", "split-labels") else 1):
                yield pytest.param(path, name, seed, id=f"{path.stem[:3]}-{name}-{seed}")


def _cells(report) -> dict[str, object]:
    out: dict[str, object] = {}
    for k, v in (report.active_disclosure or {}).items():
        if isinstance(v, dict):
            out.update({f"t2.{k}.{kk}": vv for kk, vv in v.items()})
        else:
            out[f"t2.{k}"] = v
    for k, vals in (report.applications or {}).items():
        out.update({f"t3.{k}.{c}": v for c, v in enumerate(vals)})
    for g, d in (report.review_litigation or {}).items():
        out.update({f"t4.{g}.{k}": v for k, v in d.items()})
    return out


@pytest.mark.parametrize(("path", "name", "seed"), list(_cases()))
def test_damage_keeps_tables_right_or_unknown(path, name, seed):
    text = path.read_text(encoding="utf-8")
    rng = random.Random(seed)
    damaged = MUTATIONS[name](text, rng)
    if seed % 2 and isinstance(damaged, str):
        damaged = _pipes(damaged, rng)
    data = damaged if isinstance(damaged, bytes) else damaged.encode("utf-8")
    report = analyze_document(read_bytes(data, "damaged.txt"), narrative=False)
    gold = gold_for(path)
    want = _cells(type(report)(source=report.source, format="2021", active_disclosure=gold["active_disclosure"],
                               applications=gold["applications"], review_litigation=gold["review_litigation"]))
    got = _cells(report)
    wrong = {k: (got.get(k), v) for k, v in want.items() if got.get(k) is not None and got.get(k) != v}
    assert wrong == {}
    assert not [f.message for f in report.findings if f.status is Status.FAIL]
    unknown = [k for k, v in want.items() if got.get(k) is None]
    if unknown:  # honest: every unknown cell is reported as such
        assert report.summary and report.summary.status is Status.UNCERTAIN


def test_lost_cell_that_relations_cannot_place_stays_unknown():
    """表四 printed '1 0 0 2' + ten zeros (14 values): the lost cell may be 维持, 纠正, 其他, 尚未审结 or 总计.

    Every placement agrees that 维持 is 1 and that the litigation groups are 0; 纠正 and 总计 differ
    between placements, so they stay null and the report is UNCERTAIN, not guessed."""
    text = next(p for p in SEEDS if p.stem.startswith("001")).read_text(encoding="utf-8")
    text = text.replace("0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |", "1 | 0 | 0 | 2 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |")
    report = analyze_document(read_bytes(text.encode(), "x.txt"), narrative=False)
    review = report.review_litigation["review"]
    assert review["upheld"] == 1 and review["corrected"] is None and review["total"] is None
    assert report.review_litigation["litigation_direct"] == dict.fromkeys(review, 0)
    assert report.summary and report.summary.status is Status.UNCERTAIN
