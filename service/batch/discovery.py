"""Find the report files under the given paths and give each a stable, unique output name."""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path

from service.batch.state import RESULTS
from service.errors import InputError
from service.reading.files import os_reason

#: Extensions of report documents (.doc is picked up to be reported as unsupported).
REPORT_EXTENSIONS = (".txt", ".md", ".html", ".htm", ".docx", ".pdf", ".doc")
#: Scanned pages, read by OCR (without the OCR extra each gets its error record saying how to install it).
IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".tif", ".tiff")

_UNSAFE = re.compile(r"[\\/:*?\"<>|\x00-\x1f]+")


@dataclass(frozen=True, slots=True)
class Found:
    """A report file to process: its path and the name of its output files."""

    path: Path
    name: str


def discover(paths: Sequence[str | os.PathLike[str]], exclude: Sequence[Path] = (),
             patterns: Sequence[str] = ()) -> list[Found]:
    """Files given directly, plus report files and images found recursively in folders (hidden entries, ``exclude``
    folders, other batches' output folders and files whose name matches one of ``patterns`` skipped), sorted
    and de-duplicated.
    Raises InputError for a missing path."""
    excluded = [real_path(p) for p in exclude]
    seen: dict[Path, tuple[Path, Path]] = {}  # resolved -> (path, root)
    for raw in paths:
        p = Path(raw)
        try:
            mode = p.stat().st_mode
        except OSError as exc:
            raise InputError(os_reason(exc, p), str(p)) from exc
        if not stat.S_ISDIR(mode):
            # A file given by name is processed whatever it is: a FIFO or a device gets its error record.
            seen.setdefault(real_path(p), (p, p.parent))
            continue
        for found in _walk(p, excluded):
            seen.setdefault(real_path(found), (found, p))
    items = sorted((pr for pr in seen.values() if not any(fnmatch(pr[0].name, pat) for pat in patterns)),
                   key=lambda pr: str(pr[0]))
    return _name(items)


def real_path(path: Path) -> Path:
    """The resolved path; a symbolic link loop resolves to itself (Path.resolve raises on one)."""
    return Path(os.path.realpath(path))


def _walk(root: Path, excluded: list[Path]) -> list[Path]:
    out: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        if here != root and RESULTS in filenames:
            dirnames[:] = []  # another batch's output folder: its charts are no scans
            continue
        dirnames[:] = sorted(
            d for d in dirnames if not d.startswith(".") and real_path(here / d) not in excluded
        )
        for f in sorted(filenames):
            if not f.startswith(".") and f.lower().endswith(REPORT_EXTENSIONS + IMAGE_EXTENSIONS):
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
