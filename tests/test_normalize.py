"""fold: one character for one, each folded by FOLD_TABLE, whatever else stands in the text."""

from __future__ import annotations

import random

from service.reading.normalize import FOLD_TABLE, fold


def _fold_one_by_one(text: str) -> str:
    return "".join(FOLD_TABLE.get(ord(ch), ch) for ch in text)


def test_no_folded_character_is_folded_again() -> None:
    # fold replaces each distinct character in turn: that is only right if no result is folded itself.
    for cp, out in FOLD_TABLE.items():
        assert FOLD_TABLE.get(ord(out), out) == out, (chr(cp), out)


def test_fold_maps_every_character_as_the_table_says() -> None:
    rng = random.Random(7)
    alphabet = [chr(cp) for cp in FOLD_TABLE] + list("政府信息公开年度报告 abc123\n\t、。")
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60)))
        folded = fold(text)
        assert folded == _fold_one_by_one(text)
        assert len(folded) == len(text)
    assert fold("（一）本年新收，共１２件：") == "(一)本年新收,共12件:"
    assert fold("政府信息公开") == "政府信息公开"
