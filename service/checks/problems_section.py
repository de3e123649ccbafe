"""S5: section 五 (存在的主要问题及改进情况) must say something: empty, '无' or a few words is a finding.

Its own sub-titles ((一)存在的主要问题, (二)改进情况/措施) and numbering are not content: '（一）存在的问题：无。
（二）改进措施：无。' is as empty as a blank section.
"""

from __future__ import annotations

from service.checks.model import Finding, Status, finding
from service.lazy_re import lazy_compile
from service.reading.document import SourceDocument
from service.sections import SectionMap

#: Fewer characters of content than this (after titles, numbering and punctuation) is trivial.
MIN_CHARS = 10

# Each pattern first takes one of the characters its matches begin with (a character class the search
# passes over text with), then goes on by which one it was: most positions fail that class at once.
_TITLES = lazy_compile(r"[存主问改下工](?:(?<=存)在的?(?:主要)?问题(?:及|和|与)?(?:改进)?(?:情况|措施|方向)?"
                       r"|(?<=主)要问题(?:及|和|与)?(?:改进)?(?:情况|措施|方向)?|(?<=问)题(?:及|和|与)?(?:改进)?(?:情况|措施|方向)?"
                       r"|(?<=改)进(?:情况|措施|方向|举措)|(?<=下)一步(?:工作)?(?:打算|计划|措施)?|(?<=工)作(?:打算|计划))")
_NUMBERING = lazy_compile(r"[（(一二三四五六七八九十\d](?:(?<=[（(])[一二三四五六七八九十\d]+[)）]"
                          r"|(?<=[一二三四五六七八九十])[一二三四五六七八九十]*、|(?<=\d)\d*[.、．])")
#: Not a letter or a digit: what is left after removing these is what str.isalnum counts (\w is exactly
#: str.isalnum and "_").
_NOT_ALNUM = lazy_compile(r"[\W_]+")


def check_s5(doc: SourceDocument, sections: SectionMap) -> list[Finding]:
    s = sections.get("problems")
    if s is None:
        return []  # a missing section is SECTIONS' finding
    body = doc.text[s.body_start : s.end]
    # What is left is content: its letters and digits.
    content = len(_NOT_ALNUM.sub("", _TITLES.sub("", _NUMBERING.sub("", body))))
    lines = [s.line]
    if content >= MIN_CHARS:
        return [finding(rule="S5", name="section 五 states problems and measures", status=Status.PASS,
                        subject="五、存在的主要问题及改进情况", message=f"第五部分有 {content} 字的实际内容",
                        lines=lines)]
    said = " ".join(body.split())[:40] or "(空白)"
    return [finding(rule="S5", name="section 五 states problems and measures", status=Status.WARN,
                    subject="五、存在的主要问题及改进情况",
                    message=f"第五部分没有实际内容(去掉小标题和编号后不足 {MIN_CHARS} 字: “{said}”); "
                            f"应写明本年度存在的主要问题和改进情况", lines=lines)]
