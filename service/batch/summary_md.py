"""summary.md: the summary blocks as Markdown (tables as GFM, charts as image links)."""

from __future__ import annotations

from collections.abc import Sequence

from service.batch.summary_doc import Block, Bullets, Heading, Image, PageBreak, Para, Table


def render_markdown(blocks: Sequence[Block]) -> str:
    out: list[str] = []
    for b in blocks:
        if isinstance(b, PageBreak):
            continue
        if isinstance(b, Heading):
            out.append("#" * b.level + " " + b.text)
        elif isinstance(b, Para):
            out.append(b.text)
        elif isinstance(b, Bullets):
            out.append("\n".join(f"- {_inline(i)}" for i in b.items))
        elif isinstance(b, Image):
            out.append(f"![{b.caption}]({b.path})")
        elif isinstance(b, Table):
            lines = ["| " + " | ".join(_cell(h) for h in b.header) + " |",
                     "|" + "|".join("---" for _ in b.header) + "|"]
            lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in b.rows]
            out.append("\n".join(lines))
            if b.note:
                out.append(f"注: {b.note}")
    return "\n\n".join(out) + "\n"


def _inline(text: str) -> str:
    return " ".join(text.split())


def _cell(text: str) -> str:
    return _inline(text).replace("|", "\\|")
