"""A FUSE file system whose reads can stall, as on a hung network mount (run as a process by
tests/test_stalled_reads.py; needs libfuse2 and fusepy).

    python tests/_fuse_stall.py SOURCE_DIR MOUNTPOINT

Every file of SOURCE_DIR is served read-only with its bytes, except by name:
- ``hung-*``: every read waits forever (the server never answers it);
- ``later-*``: the first open reads normally, every later read waits forever (a mount that hangs
  between the batch's hashing and the worker's reading).
A read that waits ends only when the file system is unmounted or this process is killed.
"""

from __future__ import annotations

import errno
import os
import stat
import sys
import threading
from pathlib import Path
from typing import Any

from fuse import FUSE, FuseOSError, Operations


class Stalling(Operations):
    def __init__(self, source: Path) -> None:
        self.files = {f"/{p.name}": p.read_bytes() for p in source.iterdir() if p.is_file()}
        self.opens: dict[str, int] = {}
        self.lock = threading.Lock()
        self.never = threading.Event()

    def getattr(self, path: str, fh: Any = None) -> dict[str, Any]:
        if path == "/":
            return {"st_mode": stat.S_IFDIR | 0o755, "st_nlink": 2}
        if path not in self.files:
            raise FuseOSError(errno.ENOENT)
        return {"st_mode": stat.S_IFREG | 0o444, "st_nlink": 1, "st_size": len(self.files[path])}

    def readdir(self, path: str, fh: Any) -> list[str]:
        return [".", "..", *(name[1:] for name in self.files)]

    def open(self, path: str, flags: int) -> int:
        with self.lock:
            self.opens[path] = self.opens.get(path, 0) + 1
            return self.opens[path]

    def read(self, path: str, size: int, offset: int, fh: int) -> bytes:
        name = os.path.basename(path)
        if name.startswith("hung-") or (name.startswith("later-") and fh > 1):
            self.never.wait()
        return self.files[path][offset : offset + size]


if __name__ == "__main__":
    FUSE(Stalling(Path(sys.argv[1])), sys.argv[2], foreground=True, ro=True, direct_io=True)
