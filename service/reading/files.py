"""Open report files safely: only regular files, never blocking, never reading without a bound.

A FIFO, a device or a socket named like a report would block ``open()`` or ``read()`` forever; it is
refused before a byte is read. The file is opened with O_NONBLOCK and checked with ``fstat`` on the open
descriptor, so a file swapped for a pipe between a check and the open cannot slip through.

A regular file can block too: on a hung network mount or a FUSE file system whose server stopped
answering, ``open()`` or ``read()`` waits in the kernel, where not even SIGKILL ends it. Within
:func:`guarded_reads` (every CLI command that reads report files, and each batch) every report file is
therefore opened and read by a read server process (``read_server.py``) and given
``GOVREPORT_READ_TIMEOUT`` seconds; past them the caller gets an InputError and goes on, and the server is
killed and left to its read — a process, not a thread, so the caller's own exit never waits for it.
A one-file command starts its server with :func:`start_read_server` before it loads the pipeline, so the
server's start-up overlaps those imports instead of delaying the read.
"""

from __future__ import annotations

import errno
import hashlib
import os
import select
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from service.errors import OS_REASONS, ConfigError, InputError

#: Seconds a batch gives the open and read of one report file (GOVREPORT_READ_TIMEOUT); reports take ms.
DEFAULT_READ_TIMEOUT = 60.0

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
    """A one-line reason for an OSError on reading ``path``: the wording of ``OS_REASONS``, saying what a
    missing path really is and that it is reading that is not permitted."""
    code = exc.errno
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
        return f"没有这个文件({OS_REASONS[errno.ENOTDIR]})"
    return OS_REASONS.get(code or 0) or f"无法读取文件: {exc.strerror or exc}"


def open_report(path: str | os.PathLike[str]) -> BinaryIO:
    """Open a regular file for reading. Raises InputError (one line) for anything else."""
    name = str(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise _open_error(exc, path) from exc
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
    (a file that grows while it is read cannot make the read endless). Within :func:`guarded_reads`,
    read by a read server within the read timeout."""
    name = str(path)
    if _guard is not None:
        data = _served(b"B", path, max_bytes)
    else:
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


def report_sha256(path: str | os.PathLike[str]) -> str:
    """The content hash of a report file, read as :func:`read_report_bytes` reads it."""
    if _guard is not None:
        return _served(b"H", path, 0).decode("ascii")
    h = hashlib.sha256()
    with open_report(path) as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def read_timeout_from_env() -> float:
    """Seconds a batch gives one report file's open and read: GOVREPORT_READ_TIMEOUT, else DEFAULT_READ_TIMEOUT."""
    raw = os.environ.get("GOVREPORT_READ_TIMEOUT", "").strip()
    if not raw:
        return DEFAULT_READ_TIMEOUT
    try:
        value = float(raw)
    except ValueError:
        value = 0.0
    if not 0 < value < float("inf"):
        raise ConfigError(f"GOVREPORT_READ_TIMEOUT 应为正数(秒), 而不是 {raw[:40]!r}")
    return value


@contextmanager
def guarded_reads(timeout: float | None = None) -> Iterator[None]:
    """Within: report files are opened and read by read server processes, each read given ``timeout``
    seconds (default: the read timeout). Worker processes forked within inherit it. The servers stay for
    the next reads; each ends when this process does (its stdin closes)."""
    global _guard
    before, _guard = _guard, read_timeout_from_env() if timeout is None else timeout
    try:
        yield
    finally:
        _guard = before


def start_read_server() -> None:
    """Start a read server ahead of the first guarded read (a no-op if one is idle), so that its start-up
    (a few ms of another interpreter) runs while this process is still loading its modules."""
    _servers.prestart()


def _open_error(exc: OSError, path: str | os.PathLike[str]) -> InputError:
    if exc.errno == errno.EISDIR:
        return InputError("是目录而不是报告文件", str(path))
    return InputError(os_reason(exc, path), str(path))


def _served(op: bytes, path: str | os.PathLike[str], limit: int) -> bytes:
    """The read server's answer for ``path``, its refusals worded as :func:`open_report` words them."""
    tag, payload = _servers.ask(op, path, limit, _guard or DEFAULT_READ_TIMEOUT)
    if tag == b"O":
        code, _, text = payload.decode("utf-8", "replace").partition(":")
        raise _open_error(OSError(int(code), text), path)
    if tag == b"M":
        mode, size = (int(x) for x in payload.split(b":"))
        why = not_regular(mode)
        raise InputError(why, str(path)) if why else _too_large(size, limit, str(path))
    return payload


class _Servers:
    """This process's read servers: one per read in flight, reused. One that has not answered in time is
    killed and left behind (a read stuck in the kernel keeps it until the mount answers)."""

    def __init__(self) -> None:
        self.idle: list[subprocess.Popen[bytes]] = []
        self.stuck: list[subprocess.Popen[bytes]] = []
        self.lock = threading.Lock()

    def ask(self, op: bytes, path: str | os.PathLike[str], limit: int, timeout: float) -> tuple[bytes, bytes]:
        with self.lock:
            self.stuck = [p for p in self.stuck if p.poll() is None]  # reap the ones whose read ended
            proc = self.idle.pop() if self.idle else None
        if proc is None:
            proc = _spawn()
        assert proc.stdin is not None and proc.stdout is not None
        name = os.fsencode(path)
        deadline = time.monotonic() + timeout
        try:
            proc.stdin.write(op + limit.to_bytes(8, "big") + len(name).to_bytes(4, "big") + name)
            head = _recv(proc.stdout.fileno(), 9, deadline)
            answer = head[:1], _recv(proc.stdout.fileno(), int.from_bytes(head[1:], "big"), deadline)
        except TimeoutError:
            self._drop(proc)
            raise InputError(f"读取 {timeout:g} 秒仍未完成(文件所在的文件系统无响应?), 已跳过"
                             f"(可设置 GOVREPORT_READ_TIMEOUT 放宽)", str(path)) from None
        except (OSError, EOFError) as exc:
            self._drop(proc)
            raise InputError(f"无法读取文件: 读取进程意外退出({exc})", str(path)) from None
        with self.lock:
            self.idle.append(proc)
        return answer

    def prestart(self) -> None:
        """Have one idle server ready (started now, unless one is idle already). Best effort: a server that
        cannot be started now (no processes left) is started, or its failure reported, at the first read."""
        with self.lock:
            if self.idle:
                return
        try:
            proc = _spawn()
        except OSError:
            return
        with self.lock:
            self.idle.append(proc)

    def _drop(self, proc: subprocess.Popen[bytes]) -> None:
        proc.kill()
        _close_pipes(proc)
        with self.lock:
            self.stuck.append(proc)


def _spawn() -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-S", "-E", str(_SERVER)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, bufsize=0)


def _close_pipes(proc: subprocess.Popen[bytes]) -> None:
    for pipe in (proc.stdin, proc.stdout):
        if pipe is not None:
            pipe.close()


def _recv(fd: int, n: int, deadline: float) -> bytes:
    buf = bytearray()
    while len(buf) < n:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            raise TimeoutError
        chunk = os.read(fd, min(n - len(buf), 1 << 20))
        if not chunk:
            raise EOFError("EOF")
        buf += chunk
    return bytes(buf)


def _forget_servers() -> None:
    """In a forked child: the parent's servers stay the parent's."""
    global _servers
    _servers = _Servers()


_SERVER = Path(__file__).with_name("read_server.py")
_guard: float | None = None  # the read timeout while guarded_reads is in force
_servers = _Servers()
os.register_at_fork(after_in_child=_forget_servers)


def _too_large(size: int, max_bytes: int, name: str) -> InputError:
    return InputError(f"文件大小 {_size(size)}, 超过 {_size(max_bytes)} 上限(可设置 GOVREPORT_MAX_BYTES 放宽)", name)


def _size(n: int) -> str:
    return f"{n / (1 << 20):.1f} MB" if n >= 1 << 20 else f"{n:,} 字节"  # MB as the limit is set: 20 MB = 20 × 2^20
