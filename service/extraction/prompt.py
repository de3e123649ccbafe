"""The versioned prompt (``prompts/extract_v1.md``), its hash, and the messages for one report.

The report text goes in between ``<report-NONCE>`` tags, NONCE derived from the text's hash; any
tag-like sequence inside the text is defused so the text cannot close the block early.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from service.errors import ConfigError
from service.extraction.rules.categories import category_keys
from service.extraction.view import build_view
from service.reading.document import SourceDocument
from service.sections import SectionMap

PROMPT_VERSION = "extract_v1"
#: Sections sent to the model: never the tables (二, 三, 四).
SENT_SECTIONS = (("overview", "一、总体情况"), ("problems", "五、存在的主要问题及改进情况"), ("other", "六、其他需要报告的事项"))
_TAG_RE = re.compile(r"</?\s*report[^>\n]*>", re.IGNORECASE)


@dataclass(frozen=True)
class Prompt:
    version: str
    system: str
    user: str
    hash: str


#: ``prompts/`` at the repository root: the source of truth in a checkout and an editable install.
REPO_PROMPTS = Path(__file__).resolve().parents[2] / "prompts"


def prompts_dir() -> Traversable:
    """Where the prompt files are: GOVREPORT_PROMPTS_DIR, else the package ``service.prompts``.

    A wheel (or ``pip install .``) ships ``prompts/`` as ``service/prompts`` (pyproject.toml,
    package-dir); an editable install maps that package to the repository's ``prompts/``. When
    ``service`` is imported from a checkout without that mapping, the repository's ``prompts/`` is used.
    """
    env = os.environ.get("GOVREPORT_PROMPTS_DIR")
    if env:
        return Path(env)
    try:
        return resources.files("service.prompts")
    except ModuleNotFoundError:
        return REPO_PROMPTS


@cache
def load_prompt(version: str = PROMPT_VERSION) -> Prompt:
    """Read ``<version>.md`` from :func:`prompts_dir` (sections ``## system`` and ``## user``)."""
    path = prompts_dir() / f"{version}.md"
    try:
        raw = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"prompt file {path} cannot be read: {exc}") from exc
    parts = re.split(r"^## (system|user)\s*$", raw, flags=re.MULTILINE)
    found = {parts[i]: parts[i + 1].strip() for i in range(1, len(parts) - 1, 2)}
    if "system" not in found or "user" not in found:
        raise ConfigError(f"prompt file {path} needs '## system' and '## user' sections")
    digest = hashlib.sha256(raw.encode("utf-8")).hexdigest()[:16]
    return Prompt(version, found["system"], found["user"], digest)


def sections_text(doc: SourceDocument, sections: SectionMap) -> str:
    """The reader view of the preamble and the free-text sections, each under its heading."""
    parts: list[str] = []
    first = min((s.start for s in sections.sections), default=0)
    if first > 0:
        parts.append("【标题与前言】\n" + build_view(doc, 0, first).text.strip())
    for key, label in SENT_SECTIONS:
        s = sections.get(key)
        if s:
            parts.append(f"【{label}】\n" + build_view(doc, s.body_start, s.end).text.strip())
    if not sections.get("problems") and not sections.get("overview"):
        parts.append("【全文】\n" + build_view(doc).text.strip())
    return "\n\n".join(parts)


def messages(prompt: Prompt, text: str) -> list[dict[str, str]]:
    """System and user messages for one report's text."""
    nonce = hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]
    safe = _TAG_RE.sub(lambda m: m.group(0).replace("<", "‹").replace(">", "›"), text)
    system = prompt.system.replace("NONCE", nonce).replace("{CATEGORIES}", ", ".join(sorted(category_keys())))
    user = prompt.user.replace("NONCE", nonce).replace("{SECTIONS}", safe)
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]
