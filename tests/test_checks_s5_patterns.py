"""S5's patterns take their first character by a class (fast to search): they find what the plain
patterns below find, everywhere, and the content count is str.isalnum's."""

from __future__ import annotations

import random
import re

from service.checks.problems_section import _NOT_ALNUM, _NUMBERING, _TITLES

_PLAIN_TITLES = re.compile(r"(?:(?:存在的?)?(?:主要)?问题(?:及|和|与)?(?:改进)?(?:情况|措施|方向)?|"
                           r"改进(?:情况|措施|方向|举措)|下一步(?:工作)?(?:打算|计划|措施)?|工作(?:打算|计划))")
_PLAIN_NUMBERING = re.compile(r"(?:[（(][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]+、|\d+[.、．])")
_PIECES = [*"（()）一二三四五六七八九十0123456789١٢.、．存在的主要问题及和与改进情况措施方向举措下一步工作打算计划无。，_ a",
           "存在", "主要", "问题", "改进", "下一步", "工作"]


def test_the_patterns_match_as_the_plain_ones_do() -> None:
    rng = random.Random(3)
    for _ in range(30_000):
        text = "".join(rng.choice(_PIECES) for _ in range(rng.randint(0, 16)))
        assert [m.span() for m in _NUMBERING.finditer(text)] == [m.span() for m in _PLAIN_NUMBERING.finditer(text)]
        assert [m.span() for m in _TITLES.finditer(text)] == [m.span() for m in _PLAIN_TITLES.finditer(text)]
        assert len(_NOT_ALNUM.sub("", text)) == sum(map(str.isalnum, text))
