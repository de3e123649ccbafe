"""Open report files safely: only regular files, never blocking, never reading without a bound.

A FIFO, a device or a socket named like a report would block ``open()`` or ``read()`` forever; it is
refused before a byte is read. The file is opened with O_NONBLOCK and checked with ``fstat`` on the open
descriptor, so a file swapped for a pipe between a check and the open cannot slip through.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import BinaryIO

from service.errors import InputError

_SPECIAL = (
    (stat.S_ISFIFO, "是命名管道(FIFO)而不是普通文件"),
    (stat.S_ISCHR, "是字符设备而不是普通文件"),
    (stat.S_ISBLK, "是块设备而不是普通文件"),
    (stat.S_ISSOCK, "是套接字(socket)而不是普通文件"),
    (stat.S_ISDIR, "是目录而不是报告文件"),
)


def not_regular(mode: int) -> str | None:
    """Why a file of this ``st_mode`` cannot be a report, or None for a regular file."""
    for test, why in _SPECIAL:
        if test(mode):
            return why
    return None if stat.S_ISREG(mode) else "不是普通文件"


def os_reason(exc: OSError, path: str | os.PathLike[str]) -> str:
    """A one-line reason for an OSError on ``path``, saying what a missing path really is."""
    code = exc.errno
    if code == errno.ELOOP:
        return "是循环的符号链接(链接层数过多)"
    if code == errno.ENOENT:
        p = Path(path)
        if p.is_symlink():
            try:
                target = os.readlink(p)
            except OSError:
                target = "?"
            return f"是失效的符号链接(其目标 {target} 不存在)"
        return "没有这个文件"
    if code in (errno.EACCES, errno.EPERM):
        return "没有读取权限"
    if code == errno.ENOTDIR:
        return "没有这个文件(路径中的某一级不是目录)"
    if code == errno.ENAMETOOLONG:
        return "文件名过长"
    return f"无法读取文件: {exc.strerror or exc}"


def open_report(path: str | os.PathLike[str]) -> BinaryIO:
    """Open a regular file for reading. Raises InputError (one line) for anything else."""
    name = str(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        if exc.errno == errno.EISDIR:
            raise InputError("是目录而不是报告文件", name) from exc
        raise InputError(os_reason(exc, path), name) from exc
    try:
        why = not_regular(os.fstat(fd).st_mode)
        if why:
            raise InputError(why, name)
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_report_bytes(path: str | os.PathLike[str], max_bytes: int) -> bytes:
    """The bytes of a regular file of at most ``max_bytes``; never reads more than ``max_bytes + 1``
    (a file that grows while it is read cannot make the read endless)."""
    name = str(path)
    with open_report(path) as f:
        size = os.fstat(f.fileno()).st_size
        if size > max_bytes:
            raise _too_large(size, max_bytes, name)
        try:
            data = f.read(max_bytes + 1)
        except OSError as exc:
            raise InputError(os_reason(exc, path), name) from exc
    if len(data) > max_bytes:
        raise _too_large(len(data), max_bytes, name)
    return data


def _too_large(size: int, max_bytes: int, name: str) -> InputError:
    return InputError(f"文件大小 {_size(size)}, 超过 {_size(max_bytes)} 上限(可设置 GOVREPORT_MAX_BYTES 放宽)", name)


def _size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 1_000_000 else f"{n:,} 字节"
