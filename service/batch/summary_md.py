"""summary.md: the summary blocks as Markdown (tables as GFM, charts as image links)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from service.batch.charts import Chart
from service.batch.escape import markdown_text
from service.batch.summary_doc import Block, Bullets, Heading, Image, PageBreak, Para, Table


def render_markdown(blocks: Iterable[Block]) -> str:
    return "".join(markdown_parts(blocks))


def markdown_parts(blocks: Iterable[Block]) -> Iterator[str]:
    """The Markdown in pieces, a table row at a time (write_atomic writes them as they come)."""
    sep = ""
    for b in blocks:
        for entry in _entries(b):
            yield sep
            yield from entry
            sep = "\n\n"
    yield "\n"


def _entries(b: Block) -> Iterator[Iterator[str]]:
    """A block's paragraphs, each in pieces (a table and its note are two)."""
    if isinstance(b, PageBreak):
        return
    if isinstance(b, Heading):
        yield iter(["#" * b.level + " " + markdown_text(b.text)])
    elif isinstance(b, Para):
        yield iter([markdown_text(b.text)])
    elif isinstance(b, Bullets):
        yield iter(["\n".join(f"- {_inline(i)}" for i in b.items)])
    elif isinstance(b, Image):
        yield iter([_image(b.path, b.caption)])
    elif isinstance(b, Table):
        yield _table(b)
        if b.note:
            yield iter([f"注: {markdown_text(b.note)}"])


def _table(b: Table) -> Iterator[str]:
    yield "| " + " | ".join(_inline(h) for h in b.header) + " |"
    yield "\n|" + "|".join("---" for _ in b.header) + "|"
    for row in b.rows:
        yield "\n| " + " | ".join(_inline(c) for c in row) + " |"


def _inline(text: str) -> str:
    """One line, report text made inert (service.batch.escape; a "|" cannot end a table cell)."""
    return markdown_text(" ".join(text.split()))



def _image(path: str, caption: str) -> str:
    return f"![{markdown_text(caption)}]({path})"


def retarget_markdown(src: Path, dst: Path, charts: Sequence[Chart], moved: Sequence[Chart]) -> None:
    """``dst``: the Markdown file ``src`` with the link of each chart of ``charts`` made the link of the same
    chart in ``moved`` (the same summary with its charts in another folder): the bytes markdown_parts gives
    for the blocks with ``moved``. An image link is a paragraph of its own, and no other line can equal one:
    report text has its ``!`` and ``[`` escaped."""
    from service.batch.state import write_atomic

    lines = {_image(a.path.as_posix(), a.caption) + "\n": _image(b.path.as_posix(), b.caption) + "\n"
             for a, b in zip(charts, moved, strict=True)}
    with src.open(encoding="utf-8", newline="") as f:
        write_atomic(dst, (lines.get(line, line) for line in f), durable=False)
