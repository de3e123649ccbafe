"""The data folder: uploaded files stored by sha256, batch folders, and safe unpacking of zip uploads."""

from __future__ import annotations

import hashlib
import os
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from service.batch.discovery import REPORT_EXTENSIONS

#: One report file (the CLI's limit, GOVREPORT_MAX_BYTES).
DEFAULT_MAX_UPLOAD = int(os.environ.get("GOVREPORT_MAX_BYTES", str(20 * 1024 * 1024)))
#: A batch upload (all files, or the zip, together) and what a zip may unpack to.
DEFAULT_MAX_BATCH = int(os.environ.get("GOVREPORT_MAX_BATCH_BYTES", str(200 * 1024 * 1024)))
#: A zip member may not be more than this many times its compressed size (zip bombs).
MAX_RATIO = 200
MAX_MEMBERS = 5000


class UploadRejected(Exception):
    """An upload refused with a reason for the client (a 4xx)."""

    def __init__(self, reason: str, status: int = 422) -> None:
        super().__init__(reason)
        self.status = status


@dataclass
class DataDir:
    """Everything the server writes lives under ``root``."""

    root: Path

    def __post_init__(self) -> None:
        self.root = self.root.resolve()
        for sub in ("files", "tmp", "batches"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)

    @property
    def tmp(self) -> Path:
        return self.root / "tmp"

    def file_path(self, sha256: str) -> Path:
        return self.root / "files" / sha256[:2] / sha256

    def store(self, data: bytes) -> str:
        """Store bytes under their sha256 (atomically; a second copy is not written) and return it."""
        sha = hashlib.sha256(data).hexdigest()
        path = self.file_path(sha)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.tmp)
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, path)
        return sha

    def batch_dir(self, batch_id: int) -> Path:
        return self.root / "batches" / str(batch_id)


def check_upload(data: bytes, filename: str, limit: int) -> None:
    """Size limits before anything is read (the reader refuses empty and binary input with its reason)."""
    if len(data) > limit:
        raise UploadRejected(f"{filename}: 文件 {len(data) / 1e6:.1f} MB, 超过 {limit / 1e6:.0f} MB 的上限", 413)


def safe_name(raw: str) -> str | None:
    """A relative member path inside the batch folder, or None when it would leave it."""
    name = raw.replace("\\", "/")
    p = PurePosixPath(name)
    if not name or p.is_absolute() or any(part in ("..", "") for part in p.parts[:-1]) or ".." in p.parts:
        return None
    if ":" in p.parts[0]:  # a Windows drive
        return None
    return str(p)


def unpack_zip(path: Path, dest: Path, limit: int) -> list[Path]:
    """Unpack the report files of a zip into ``dest``. Refuses (UploadRejected, nothing written) a zip with a
    path leaving the folder, a link, too many members, or more than ``limit`` bytes or ``MAX_RATIO`` × its
    compressed size uncompressed."""
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise UploadRejected(f"不是可读的 zip 压缩包({exc})") from exc
    with zf:
        members = [m for m in zf.infolist() if not m.is_dir()]
        if len(members) > MAX_MEMBERS:
            raise UploadRejected(f"压缩包内有 {len(members)} 个文件, 超过上限 {MAX_MEMBERS} 个")
        total = 0
        plan: list[tuple[zipfile.ZipInfo, str]] = []
        for m in members:
            name = safe_name(m.filename)
            if name is None:
                raise UploadRejected(f"压缩包内的路径指向压缩包之外: {m.filename!r}")
            if (m.external_attr >> 16) & 0o170000 == 0o120000:
                raise UploadRejected(f"压缩包内含符号链接: {m.filename!r}")
            if m.file_size > MAX_RATIO * max(m.compress_size, 1) and m.file_size > 1024 * 1024:
                raise UploadRejected(f"压缩包疑似 zip 炸弹: {m.filename!r} 由 {m.compress_size} 字节"
                                     f"解压为 {m.file_size} 字节", 413)
            total += m.file_size
            if total > limit:
                raise UploadRejected(f"压缩包解压后超过 {limit / 1e6:.0f} MB 的上限", 413)
            if PurePosixPath(name).suffix.lower() in REPORT_EXTENSIONS and not PurePosixPath(name).name.startswith("."):
                plan.append((m, name))
        if not plan:
            raise UploadRejected("压缩包内没有报告文件(.txt .md .html .htm .docx .pdf)")
        out: list[Path] = []
        written = 0
        for m, name in plan:
            target = (dest / name).resolve()
            if not target.is_relative_to(dest.resolve()):
                raise UploadRejected(f"压缩包内的路径指向压缩包之外: {m.filename!r}")
            target.parent.mkdir(parents=True, exist_ok=True)
            with zf.open(m) as src, open(target, "wb") as dst:
                while chunk := src.read(1 << 16):
                    written += len(chunk)
                    if written > limit:  # the sizes in the directory lied
                        raise UploadRejected(f"压缩包解压后超过 {limit / 1e6:.0f} MB 的上限", 413)
                    dst.write(chunk)
            out.append(target)
        return out
