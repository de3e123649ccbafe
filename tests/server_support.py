"""Helpers for the review-service tests: a report with a known failing check, and a real server process."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests._corpus import EVAL, SEEDS

TOKEN = "test-token-0123456789"
SEED = EVAL / "corpus" / "seeds" / "001_70d6925fef033874.txt"
_T4_ZEROS = "0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |"


def failing_report(upheld: int = 3) -> bytes:
    """The seed report with 表四 行政复议 结果维持 printed as ``upheld`` while its 总计 and the text say there
    was no review: C5 FAILs on 行政复议, and correcting 结果维持 to 0 makes every check pass."""
    text = SEED.read_text(encoding="utf-8")
    assert text.count(_T4_ZEROS) == 1
    return text.replace(_T4_ZEROS, f"{upheld} " + _T4_ZEROS[1:]).encode("utf-8")


def variant(i: int) -> bytes:
    """A distinct, valid report per ``i`` (a seed with a numbered note line at the end)."""
    seed = SEEDS[i % len(SEEDS)]
    return seed.read_bytes() + f"\n附注：第 {i} 份测试副本。\n".encode()


class Server:
    """``govreport serve`` in a child process on an ephemeral port of 127.0.0.1."""

    def __init__(self, data: Path, env: dict[str, str] | None = None) -> None:
        self.data = data
        self.env = {**os.environ, "GOVREPORT_TOKEN": TOKEN, **(env or {})}
        self.proc: subprocess.Popen[bytes] | None = None
        self.url = ""

    def start(self, timeout: float = 60) -> Server:
        self.log = self.data.parent / f"{self.data.name}-server.log"
        with open(self.log, "w", encoding="utf-8") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "service", "serve", "--data", str(self.data), "--port", "0"],
                env=self.env, stderr=log, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = re.findall(r"正在监听 (http://[^(\s]+)", self.log.read_text(encoding="utf-8"))
            if found:
                self.url = found[-1]
                break
            if self.proc.poll() is not None:
                raise RuntimeError(f"server did not start: {self.log.read_text(encoding='utf-8')}")
            time.sleep(0.05)
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.url + "/api/health", timeout=2).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError("server did not answer /api/health")

    def client(self, timeout: float = 60) -> httpx.Client:
        return httpx.Client(base_url=self.url, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=timeout)

    def kill9(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class Postgres:
    """A throwaway PostgreSQL server (Debian's packages) on an ephemeral port of 127.0.0.1."""

    def __init__(self) -> None:
        import glob
        import shutil
        import socket
        import tempfile

        bins = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
        if not bins:
            raise FileNotFoundError("PostgreSQL is not installed (apt-get install postgresql)")
        self.bin = Path(bins[-1]).parent
        self.root = Path(tempfile.mkdtemp(prefix="govreport-pg-"))
        self.root.chmod(0o755)
        self.data = self.root / "data"
        self.sock = self.root / "sock"
        self.sock.mkdir()
        self.as_user: list[str] = []
        if os.geteuid() == 0:  # the server refuses to run as root
            shutil.chown(self.root, "postgres")
            shutil.chown(self.sock, "postgres")
            self.as_user = ["runuser", "-u", "postgres", "--"]
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8")
        self._run("pg_ctl", "-D", str(self.data), "-w", "-l", str(self.root / "log"), "-o",
                  f"-p {self.port} -k {self.sock} -c listen_addresses=127.0.0.1 -c fsync=off", "start")
        self.n = 0

    def _run(self, tool: str, *args: str) -> None:
        subprocess.run([*self.as_user, str(self.bin / tool), *args], check=True, capture_output=True)

    def new_database(self) -> str:
        """A fresh database; its SQLAlchemy URL."""
        import psycopg

        self.n += 1
        name = f"t{os.getpid()}_{self.n}"
        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        import shutil

        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
