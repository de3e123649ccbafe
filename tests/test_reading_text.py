"""Reading text reports: encodings detected, invisible characters removed, offsets kept."""

from __future__ import annotations

import codecs
import hashlib

import pytest

from service.errors import InputError
from service.reading import read_bytes
from service.reading.normalize import compact, fold
from tests._corpus import SEEDS

TEXT = SEEDS[0].read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("encoded", "encoding"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig"),
        (TEXT.encode("gb18030"), "gb18030"),
        (TEXT.encode("gbk", errors="replace"), "gb18030"),
        (TEXT.encode("utf-16"), "utf-16"),
        (TEXT.encode("utf-16-le"), "utf-16-le"),
        (TEXT.encode("utf-16-be"), "utf-16-be"),
    ],
    ids=["utf8", "utf8-bom", "gb18030", "gbk", "utf16-bom", "utf16le", "utf16be"],
)
def test_encodings_are_detected(encoded, encoding):
    doc = read_bytes(encoded, "r.txt")
    assert doc.encoding == encoding
    assert "政府信息公开工作年度报告" in doc.text
    assert doc.text.count("\n") == TEXT.count("\n")


def test_invisible_characters_removed_and_offsets_kept():
    doc = read_bytes(("\ufeff一、总体\u200b情况\r\n第二行\u00ad（一）").encode(), "r.txt")
    assert doc.text == "一、总体情况\n第二行（一）"
    assert len(doc.folded) == len(doc.text)
    assert doc.folded.endswith("(一)")
    assert doc.line_of(doc.text.index("第二行")) == 2
    assert doc.line_text(2) == "第二行（一）"


def test_fold_is_one_to_one_and_compact_ignores_punctuation():
    s = "（七）总计：１２３，【注】"
    assert len(fold(s)) == len(s)
    assert fold(s) == "(七)总计:123,(注)"
    assert compact("（七） 总计") == compact("(七)总计") == "七总计"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "空"),
        (b"   \n\t\n", "空"),
        (bytes(range(256)) * 50, "二进制"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "OCR"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, ".doc"),
        (b"PK\x03\x04garbage", "ZIP"),
    ],
    ids=["empty", "whitespace", "binary", "png", "doc", "zip"],
)
def test_unreadable_input_is_a_clear_input_error(data, message):
    with pytest.raises(InputError) as exc:
        read_bytes(data, "bad.txt")
    assert message in str(exc.value)


def test_the_hash_is_of_the_text_as_read_whichever_way_it_was_decoded() -> None:
    body = "一、总体情况\n本年度共收到申请 12 件。\n"
    for data in (body.encode("utf-8"), codecs.BOM_UTF8 + body.encode("utf-8"),
                 body.replace("\n", "\r\n").encode("utf-8"), ("\u200b" + body).encode("utf-8"),
                 body.encode("gb18030"), codecs.BOM_UTF16_LE + body.encode("utf-16-le")):
        doc = read_bytes(data, "r.txt")
        assert doc.text == body
        assert doc.sha256 == hashlib.sha256(body.encode("utf-8")).hexdigest()


def test_the_folded_text_found_while_decoding_is_fold_of_the_text() -> None:
    # read_bytes folds with the characters decoding found (one search for both): the same as fold.
    body = "一、总体情况（２０２４年）\n本年度共收到申请１２件，“已办结”。\u3000\u3000全文"
    long_line = "　".join(f"（{n}）第{n}项内容，共１２件" for n in "一二三四五六七八九十") * 3
    for data in (body.encode("utf-8"), ("\u200b" + body + "\r\n").encode("utf-8"), body.encode("gb18030"),
                 long_line.encode("utf-8"), (SEEDS[0].read_text(encoding="utf-8")).encode("utf-8")):
        doc = read_bytes(data, "r.txt")
        assert doc.folded == fold(doc.text)


def test_folded_characters_are_none_of_those_cleaned() -> None:
    # decoding skips cleaning when every special character found is one fold changes (text.py): that holds
    # only while no character is both folded and cleaned
    from service.reading.normalize import FOLDED_CHARS
    from service.reading.text import _TO_CLEAN_RE

    assert FOLDED_CHARS
    assert [c for c in sorted(FOLDED_CHARS) if _TO_CLEAN_RE.match(c)] == []


def test_a_replaced_documents_fold_is_of_its_new_text() -> None:
    # the reader hands the document the fold it computed; dataclasses.replace must not carry it to a new text
    from dataclasses import replace

    from service.reading import read_bytes

    doc = read_bytes("表三（一）１２".encode(), "a.txt")
    assert doc.folded != doc.text and len(doc.folded) == len(doc.text)
    other = replace(doc, text="表四（二）３４")
    assert other.folded == fold("表四（二）３４") != doc.folded


def test_a_replaced_documents_hash_and_running_lines_are_of_its_new_text() -> None:
    # the hash keys the running-line memo and the LLM batch's custom_id: a replaced text must not keep the old one
    from dataclasses import replace

    from service.reading.chrome import running_lines

    pages = "\n".join(f"正文第{i}页\n某某县人民政府\n{i}\n" for i in range(1, 4))
    doc = read_bytes(pages.encode(), "a.txt")
    assert doc.sha256 == hashlib.sha256(pages.encode()).hexdigest()
    assert running_lines(doc) == frozenset({"某某县人民政府"})
    new_text = pages.replace("某某县人民政府", "某某镇人民政府")
    other = replace(doc, text=new_text)
    assert other.sha256 == hashlib.sha256(new_text.encode()).hexdigest()
    assert running_lines(other) == frozenset({"某某镇人民政府"})
    # a replace that keeps the text keeps the reader's hash
    assert replace(doc, warnings=[]).sha256 == doc.sha256
