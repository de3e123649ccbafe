"""Checks across years of one unit: C6 (carry-over) and C7 (documents in force), units matched by name."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from service.batch.model import FindingDigest, UnitDigest
from service.checks.model import Status
from service.tables.layout import T3_COLUMNS

_PUNCT = re.compile(r"[\s\u3000·•・,，、.。:：;；'\"“”‘’()（）\[\]【】《》〈〉<>-]+")
_REGION = ("省", "市", "区", "县", "州", "盟", "旗")
_PLACE_MARK = ("省", "市", "区", "县", "州", "盟", "旗", "镇", "乡", "街道")


def normalise_org(name: str) -> str:
    """Fold width and case, drop spaces and punctuation: '沙坡头区 民政局' == '沙坡头区民政局'."""
    return _PUNCT.sub("", unicodedata.normalize("NFKC", name)).lower()


def _suffixes(norm: str) -> list[str]:
    """The name without a leading region ('淮安市洪泽区人民政府' → '洪泽区人民政府')."""
    return [norm[i:] for i in range(1, len(norm) - 3) if norm[i - 1] in _REGION]


@dataclass(frozen=True, slots=True)
class Entry:
    """One report that takes part in cross-year checks."""

    name: str  # the report's output name
    label: str  # what the summary calls the unit
    digest: UnitDigest
    path: str = ""  # the report file (its texts are compared year over year)

    @property
    def organization(self) -> str | None:
        return self.digest.organization

    @property
    def year(self) -> int | None:
        return self.digest.year


class Who(NamedTuple):
    """A report as the grouping of units sees it (what a batch keeps of every report for the cross-year checks)."""

    name: str
    organization: str | None
    year: int | None


def group_units(entries: Sequence[Who]) -> list[list[Who]]:
    """Group reports of one unit: the same normalised name, or one name is the other with a region in front
    (the shorter must itself name a place, so '民政局' never swallows every 民政局)."""
    by_norm: dict[str, list[Who]] = {}
    for e in entries:
        if e.organization:
            by_norm.setdefault(normalise_org(e.organization), []).append(e)
    parent = {n: n for n in by_norm}

    def find(n: str) -> str:
        while parent[n] != n:
            parent[n] = parent[parent[n]]
            n = parent[n]
        return n

    for norm in by_norm:
        for suffix in _suffixes(norm):
            if suffix in by_norm and any(m in suffix for m in _PLACE_MARK):
                parent[find(norm)] = find(suffix)
    groups: dict[str, list[Who]] = {}
    for norm, items in by_norm.items():
        groups.setdefault(find(norm), []).extend(items)
    return [sorted(g, key=lambda e: (e.year or 0, e.name)) for g in groups.values()]


def year_pairs(entries: Sequence[Who], year: int) -> list[tuple[Who, Who]]:
    """(the report of the year before, the report of ``year``) for every unit with both in the batch (of a
    unit's several reports of one year, the first by name). What the cross-year checks and 同比 compare."""
    pairs: list[tuple[Who, Who]] = []
    for group in group_units(entries):
        by_year: dict[int, Who] = {}
        for e in group:
            if e.year is not None:
                by_year.setdefault(e.year, e)
        if year in by_year and year - 1 in by_year:
            pairs.append((by_year[year - 1], by_year[year]))
    return pairs


@dataclass(slots=True)
class CrossYearFinding:
    """A cross-year finding, attached to the later year's report."""

    name: str
    label: str
    finding: FindingDigest


def cross_year(prev: Entry, cur: Entry) -> list[CrossYearFinding]:
    """C6 and C7 between a unit's report of the year before (``prev``) and of this year (``cur``)."""
    return [CrossYearFinding(cur.name, cur.label, c6(prev, cur)), CrossYearFinding(cur.name, cur.label, c7(prev, cur))]


def c6(prev: Entry, cur: Entry) -> FindingDigest:
    """四、结转下年度继续办理 of year Y = 二、上年结转 of year Y+1, per column."""
    y0, y1 = prev.digest.year, cur.digest.year
    fwd = (prev.digest.applications or {}).get("carried_forward")
    back = (cur.digest.applications or {}).get("carried_over")
    subject = f"{y0}→{y1} 结转"
    evidence = f"{prev.name}：{y0}年 四、结转下年度继续办理 = {_fmt(fwd)}；{cur.name}：{y1}年 二、上年结转 = {_fmt(back)}"
    if fwd is None or back is None:
        return FindingDigest(rule="C6", status=Status.UNCERTAIN, subject=subject, evidence=evidence,
                             message="无法核对：缺少结转行")
    diffs, unknown = [], []
    for i, col in enumerate(T3_COLUMNS):
        a = fwd[i] if i < len(fwd) else None
        b = back[i] if i < len(back) else None
        if a is None or b is None:
            unknown.append(col)
        elif a != b:
            diffs.append(f"{col} {a}≠{b}")
    if diffs:
        return FindingDigest(rule="C6", status=Status.FAIL, subject=subject, evidence=evidence,
                             message=f"{y0}年结转下年度 ≠ {y1}年上年结转：" + "，".join(diffs))
    if unknown:
        return FindingDigest(rule="C6", status=Status.UNCERTAIN, subject=subject, evidence=evidence,
                             message="无法核对" + "、".join(unknown) + "列：数值未知")
    return FindingDigest(rule="C6", status=Status.PASS, subject=subject, evidence=evidence,
                         message=f"各列 {y0}年结转下年度 = {y1}年上年结转")


def c7(prev: Entry, cur: Entry) -> FindingDigest:
    """现行有效(Y+1) = 现行有效(Y) + 制发(Y+1) − 废止(Y+1), for 规章 and 行政规范性文件 (a warning)."""
    y0, y1 = prev.digest.year, cur.digest.year
    subject = f"{y0}→{y1} 现行有效件数"
    a0, a1 = prev.digest.active_disclosure, cur.digest.active_disclosure
    if a0 is None or a1 is None:
        old = prev.name if a0 is None else cur.name
        return FindingDigest(rule="C7", status=Status.UNCERTAIN, subject=subject,
                             message=f"无法核对：{old} 没有现行有效件数（2019 年格式或表二未读出）")
    problems, unknown, evidence = [], [], []
    for key, label in (("regulations", "规章"), ("normative_documents", "行政规范性文件")):
        before = (a0.get(key) or {}).get("in_force")
        row = a1.get(key) or {}
        issued, repealed, now = row.get("issued"), row.get("repealed"), row.get("in_force")
        evidence.append(f"{label}：{y0}年现行有效 {_v(before)}, {y1}年制发 {_v(issued)} 废止 {_v(repealed)} 现行有效 {_v(now)}")
        known = _numbers(before, issued, repealed, now)
        if known is None:
            unknown.append(label)
        elif known[0] + known[1] - known[2] != known[3]:
            expected = known[0] + known[1] - known[2]
            problems.append(f"{label} {before} + {issued} − {repealed} = {expected}，但 {y1}年现行有效 = {now}")
    ev = "; ".join(evidence)
    if problems:
        return FindingDigest(rule="C7", status=Status.WARN, subject=subject, evidence=ev, message="；".join(problems))
    if unknown:
        return FindingDigest(rule="C7", status=Status.UNCERTAIN, subject=subject, evidence=ev,
                             message="无法核对" + "、".join(unknown) + "：数值未知")
    return FindingDigest(rule="C7", status=Status.PASS, subject=subject, evidence=ev,
                         message="现行有效 = 上年现行有效 + 制发 − 废止")


def _numbers(*values: object) -> list[int | float] | None:
    out = [v for v in values if isinstance(v, int | float)]
    return out if len(out) == len(values) else None


def _fmt(values: list[int | float | None] | None) -> str:
    return "—" if values is None else "[" + ", ".join(_v(v) for v in values) + "]"


def _v(v: object) -> str:
    return "空" if v is None else str(v)
