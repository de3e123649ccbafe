"""The versioned prompt (``prompts/extract_v2.md``), its hash, and the messages for one report.

What is sent of the report is :func:`service.extraction.excerpt.build_excerpt`. The report text goes in between ``<report-NONCE>`` tags, NONCE derived from the text's hash; any
tag-like sequence inside the text is defused so the text cannot close the block early.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from functools import cache
from importlib.util import find_spec
from pathlib import Path

from service.errors import ConfigError
from service.extraction.rules.categories import category_keys

PROMPT_VERSION = "extract_v2"
_TAG_RE = re.compile(r"</?\s*report[^>\n]*>", re.IGNORECASE)


@dataclass(frozen=True)
class Prompt:
    version: str
    system: str
    user: str
    hash: str


#: ``prompts/`` at the repository root: the source of truth in a checkout and an editable install.
REPO_PROMPTS = Path(__file__).resolve().parents[2] / "prompts"


def prompts_dir() -> Path:
    """Where the prompt files are: GOVREPORT_PROMPTS_DIR, else the package ``service.prompts``.

    A wheel (or ``pip install .``) ships ``prompts/`` as ``service/prompts`` (pyproject.toml,
    package-dir); an editable install maps that package to the repository's ``prompts/``. When
    ``service`` is imported from a checkout without that mapping, the repository's ``prompts/`` is used.
    The package's folder is taken from its import spec, as importlib.resources would (whose import, with
    tempfile and shutil, was a few ms of every one-file call).
    """
    env = os.environ.get("GOVREPORT_PROMPTS_DIR")
    if env:
        return Path(env)
    spec = find_spec("service.prompts")
    if spec is None or not spec.submodule_search_locations:
        return REPO_PROMPTS
    return Path(next(iter(spec.submodule_search_locations)))


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


def messages(prompt: Prompt, text: str) -> list[dict[str, str]]:
    """System and user messages for one report's text."""
    nonce = hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]
    safe = _TAG_RE.sub(lambda m: m.group(0).replace("<", "‹").replace(">", "›"), text)
    system = prompt.system.replace("NONCE", nonce).replace("{CATEGORIES}", ", ".join(sorted(category_keys())))
    user = prompt.user.replace("NONCE", nonce).replace("{SECTIONS}", safe)
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]
