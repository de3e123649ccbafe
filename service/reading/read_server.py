"""The read server: opens and reads report files for a command (parse, check, a batch …) in a process
of its own.

Run as a script by service.reading.files (``python -S -E read_server.py``), so it imports nothing but
the standard library and starts in milliseconds. It reads requests from stdin and answers on stdout;
it ends when stdin closes (its owner finished or died).

A request: op (``B`` the bytes, at most ``limit`` + 1 of them; ``H`` the sha256), an 8-byte limit, a 4-byte
path length and the path. An answer: a tag, an 8-byte length and the payload —
``D`` the bytes, ``H`` the hex digest, ``O`` ``errno:strerror`` of an OSError, ``M`` ``mode:size`` of a file
that is not regular or is over the limit (the owner words every reason).

Why a process: a read on a hung network mount or a stalled FUSE file system waits in the kernel, where
not even SIGKILL ends it until the server answers. Its owner gives up on it after the read timeout, kills
it and starts another; the stuck process no longer holds up the batch, nor its exit.
"""

from __future__ import annotations

import os
import stat
import sys

CHUNK = 1 << 20


def _answer(out: int, tag: bytes, payload: bytes) -> None:
    data = tag + len(payload).to_bytes(8, "big") + payload
    view = memoryview(data)
    while view:
        view = view[os.write(out, view):]


def _exactly(inp: int, n: int) -> bytes | None:
    parts, got = [], 0
    while got < n:
        b = os.read(inp, n - got)
        if not b:
            return None
        parts.append(b)
        got += len(b)
    return b"".join(parts)


def _one(op: bytes, limit: int, path: bytes) -> tuple[bytes, bytes]:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        return b"O", f"{exc.errno}:{exc.strerror or ''}".encode()
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or (op == b"B" and st.st_size > limit):
            return b"M", f"{st.st_mode}:{st.st_size}".encode()
        os.set_blocking(fd, True)
        if op == b"H":
            import hashlib  # only for this op: its import is a fifth of the server's start-up

            h = hashlib.sha256()
            while chunk := os.read(fd, CHUNK):
                h.update(chunk)
            return b"H", h.hexdigest().encode()
        parts, got = [], 0
        while got <= limit and (chunk := os.read(fd, min(CHUNK, limit + 1 - got))):
            parts.append(chunk)
            got += len(chunk)
        return b"D", b"".join(parts)
    except OSError as exc:
        return b"O", f"{exc.errno}:{exc.strerror or ''}".encode()
    finally:
        os.close(fd)


def main() -> None:
    inp, out = sys.stdin.fileno(), sys.stdout.fileno()
    while True:
        head = _exactly(inp, 13)
        if head is None:
            return
        path = _exactly(inp, int.from_bytes(head[9:13], "big"))
        if path is None:
            return
        _answer(out, *_one(head[:1], int.from_bytes(head[1:9], "big"), path))


if __name__ == "__main__":
    main()
