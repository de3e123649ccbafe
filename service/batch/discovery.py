"""Find the report files under the given paths and give each a stable, unique output name."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path

from service.errors import InputError

#: Extensions a batch picks up in folders (.doc is picked up to be reported as unsupported).
REPORT_EXTENSIONS = (".txt", ".md", ".html", ".htm", ".docx", ".pdf", ".doc")

_UNSAFE = re.compile(r"[\\/:*?\"<>|\x00-\x1f]+")


@dataclass(frozen=True, slots=True)
class Found:
    """A report file to process: its path and the name of its output files."""

    path: Path
    name: str


def discover(paths: Sequence[str | os.PathLike[str]], exclude: Sequence[Path] = (),
             patterns: Sequence[str] = ()) -> list[Found]:
    """Files given directly, plus report files found recursively in folders (hidden entries, ``exclude``
    folders and files whose name matches one of ``patterns`` skipped), sorted and de-duplicated.
    Raises InputError for a missing path."""
    excluded = [p.resolve() for p in exclude]
    seen: dict[Path, tuple[Path, Path]] = {}  # resolved -> (path, root)
    for raw in paths:
        p = Path(raw)
        if not p.exists():
            raise InputError("没有这个文件或目录", str(p))
        if p.is_file():
            seen.setdefault(p.resolve(), (p, p.parent))
            continue
        for found in _walk(p, excluded):
            seen.setdefault(found.resolve(), (found, p))
    items = sorted((pr for pr in seen.values() if not any(fnmatch(pr[0].name, pat) for pat in patterns)),
                   key=lambda pr: str(pr[0]))
    return _name(items)


def _walk(root: Path, excluded: list[Path]) -> list[Path]:
    out: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        dirnames[:] = sorted(
            d for d in dirnames if not d.startswith(".") and (here / d).resolve() not in excluded
        )
        for f in sorted(filenames):
            if not f.startswith(".") and f.lower().endswith(REPORT_EXTENSIONS):
                out.append(here / f)
    return out


def _name(items: list[tuple[Path, Path]]) -> list[Found]:
    """Name = file stem; where stems collide, the path relative to its root (with its extension)."""
    stems: dict[str, int] = {}
    for path, _ in items:
        stems[path.stem] = stems.get(path.stem, 0) + 1
    names: set[str] = set()
    out: list[Found] = []
    for path, root in items:
        if stems[path.stem] == 1:
            name = path.stem
        else:
            try:
                rel = path.relative_to(root)
            except ValueError:
                rel = Path(path.name)
            name = "__".join(rel.parts)
        name = _UNSAFE.sub("_", name).strip(" .") or "report"
        base, n = name, 2
        while name in names:
            name, n = f"{base}_{n}", n + 1
        names.add(name)
        out.append(Found(path=path, name=name))
    return out
