"""Reads that never finish: a regular file on a mount whose server stopped answering (issue 14's limit).

The mount is real: tests/_fuse_stall.py serves a FUSE file system whose reads of ``hung-*`` files never
return and whose ``later-*`` files stall after their first read. It needs libfuse2, fusepy and root (to
mount). `.ci/run` installs libfuse2 and sets GOVREPORT_REQUIRE_FUSE=1, so there a missing FUSE fails the
tests instead of skipping them.
"""

from __future__ import annotations

import ctypes.util
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from service.errors import InputError
from service.reading import files
from service.reading.files import guarded_reads, read_report_bytes, report_sha256
from tests._corpus import SEEDS
from tests.test_bad_input import assert_clean, run_cli

REQUIRE_FUSE = os.environ.get("GOVREPORT_REQUIRE_FUSE") == "1"  # read at import: conftest clears GOVREPORT_*
READ_TIMEOUT = "3"


def _fuse_missing() -> str | None:
    if not Path("/dev/fuse").exists():
        return "no /dev/fuse"
    if os.geteuid() != 0:
        return "mounting needs root"
    if ctypes.util.find_library("fuse") is None:
        return "libfuse2 is not installed (apt-get install libfuse2)"
    try:
        import fuse  # noqa: F401
    except (ImportError, OSError) as exc:
        return f"fusepy cannot load: {exc}"
    return None


@pytest.fixture
def stalling_mount(tmp_path: Path) -> Iterator[Path]:
    """A mounted FUSE folder holding two good seeds, ``hung-000.txt`` and ``later-001.txt``."""
    why = _fuse_missing()
    if why:
        if REQUIRE_FUSE:
            pytest.fail(f"GOVREPORT_REQUIRE_FUSE=1 but FUSE is unusable: {why}")
        pytest.skip(why)
    source, mnt = tmp_path / "source", tmp_path / "mnt"
    source.mkdir()
    mnt.mkdir()
    shutil.copy(SEEDS[2], source / SEEDS[2].name)
    shutil.copy(SEEDS[3], source / SEEDS[3].name)
    shutil.copy(SEEDS[0], source / "hung-000.txt")
    shutil.copy(SEEDS[1], source / "later-001.txt")
    server = subprocess.Popen([sys.executable, str(Path(__file__).parent / "_fuse_stall.py"), str(source), str(mnt)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 20
        while not os.path.ismount(mnt):
            if server.poll() is not None or time.monotonic() > deadline:
                err = server.stderr.read().decode(errors="replace") if server.stderr else ""
                pytest.fail(f"the FUSE server did not mount: {err[-800:]}")
            time.sleep(0.05)
        yield mnt
    finally:
        server.kill()  # reads still waiting in the kernel end with an error now
        server.wait(timeout=30)
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True, check=False)


def test_a_stalled_file_is_an_error_and_the_batch_goes_on(stalling_mount: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    start = time.monotonic()
    proc = run_cli("batch", str(stalling_mount), "--out", str(out), "--no-progress", "--no-narrative",
                   env={"GOVREPORT_READ_TIMEOUT": READ_TIMEOUT}, timeout=120)
    took = time.monotonic() - start
    assert_clean(proc, "batch over a stalling mount")
    assert proc.returncode == 0, proc.stderr[-2000:]
    records = {r["name"]: r for r in map(json.loads, (out / "results.jsonl").read_text(encoding="utf-8").splitlines())}
    assert set(records) == {SEEDS[2].stem, SEEDS[3].stem, "hung-000", "later-001"}
    assert records[SEEDS[2].stem]["status"] == records[SEEDS[3].stem]["status"] == "ok"
    for name in ("hung-000", "later-001"):  # stalled in the batch's hashing, and in the worker's reading
        rec = records[name]
        assert rec["status"] == "error" and rec["error_kind"] == "input", rec
        assert f"读取 {READ_TIMEOUT} 秒仍未完成" in rec["error"] and "GOVREPORT_READ_TIMEOUT" in rec["error"], rec
    assert (out / "summary.xlsx").exists()
    assert took < 60, f"two stalled files took {took:.0f} s with a {READ_TIMEOUT} s read timeout"


def test_check_on_a_stalled_file_is_one_line_exit_2(stalling_mount: Path) -> None:
    start = time.monotonic()
    proc = run_cli("check", str(stalling_mount / "hung-000.txt"), env={"GOVREPORT_READ_TIMEOUT": READ_TIMEOUT},
                   timeout=60)
    assert_clean(proc, "check on a stalled file")
    assert proc.returncode == 2 and f"读取 {READ_TIMEOUT} 秒仍未完成" in proc.stderr, proc.stderr[-1500:]
    assert len(proc.stderr.strip().splitlines()) == 1 and time.monotonic() - start < 40


# ---- the read server itself, without a mount (runs everywhere) -----------------------------------

def test_a_server_that_does_not_answer_is_left_and_the_next_read_works(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    seed = tmp_path / "r.txt"
    shutil.copy(SEEDS[0], seed)
    monkeypatch.setattr(files, "_servers", files._Servers())  # this test's own servers
    with guarded_reads(timeout=1.0):
        assert read_report_bytes(seed, 1 << 24) == SEEDS[0].read_bytes()  # starts this process's server
        (server,) = files._servers.idle
        os.kill(server.pid, signal.SIGSTOP)  # stands for a read stuck in the kernel
        start = time.monotonic()
        with pytest.raises(InputError, match="读取 1 秒仍未完成"):
            report_sha256(seed)
        assert time.monotonic() - start < 10
        assert report_sha256(seed) == hashlib.sha256(SEEDS[0].read_bytes()).hexdigest()  # a fresh server
        assert server not in files._servers.idle
        # refusals are worded as without the server
        with pytest.raises(InputError, match="没有这个文件"):
            read_report_bytes(tmp_path / "missing.txt", 100)
        with pytest.raises(InputError, match="超过"):
            read_report_bytes(seed, 100)
        os.mkfifo(tmp_path / "p.txt")
        with pytest.raises(InputError, match="命名管道"):
            report_sha256(tmp_path / "p.txt")
    server.wait(timeout=10)  # killed: SIGKILL ends a stopped process


@pytest.mark.parametrize("value", ["0", "-1", "abc", "inf", "nan"])
def test_a_bad_read_timeout_is_a_one_line_error(value: str, tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    shutil.copy(SEEDS[0], tmp_path / "in" / "r.txt")
    proc = run_cli("batch", str(tmp_path / "in"), "--out", str(tmp_path / "o"), "--no-progress",
                   env={"GOVREPORT_READ_TIMEOUT": value})
    assert_clean(proc, f"GOVREPORT_READ_TIMEOUT={value}")
    assert proc.returncode == 2 and "GOVREPORT_READ_TIMEOUT 应为正数" in proc.stderr, proc.stderr[-800:]


# ---- which commands read under the guard, and when their server starts ---------------------------

def test_commands_that_read_no_report_ignore_the_read_timeout(tmp_path: Path) -> None:
    """`schema` reads no report file: a bad GOVREPORT_READ_TIMEOUT is not its error (parse's, still)."""
    proc = run_cli("schema", "report.schema.json", env={"GOVREPORT_READ_TIMEOUT": "abc"})
    assert proc.returncode == 0 and proc.stdout.lstrip().startswith("{"), proc.stderr[-800:]
    seed = tmp_path / "r.txt"
    shutil.copy(SEEDS[0], seed)
    proc = run_cli("parse", str(seed), env={"GOVREPORT_READ_TIMEOUT": "abc"})
    assert proc.returncode == 2 and "GOVREPORT_READ_TIMEOUT 应为正数" in proc.stderr, proc.stderr[-800:]


def _servers_idle_when_the_parser_is_built(argv: list[str], monkeypatch: pytest.MonkeyPatch) -> int:
    """How many read servers stand ready when ``main(argv)`` starts loading its command."""
    from service import cli

    monkeypatch.setattr(files, "_servers", files._Servers())
    seen: list[int] = []
    real = cli.build_parser

    def spy(only: str | None = None) -> object:
        seen.append(len(files._servers.idle))
        return real(only)

    monkeypatch.setattr(cli, "build_parser", spy)
    assert cli.main(argv) == 0
    return seen[0]


def test_a_one_file_command_starts_its_read_server_before_loading_the_pipeline(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    seed = tmp_path / "r.txt"
    shutil.copy(SEEDS[0], seed)
    assert _servers_idle_when_the_parser_is_built(["parse", str(seed), "--no-narrative"], monkeypatch) == 1
    (server,) = files._servers.idle  # the same server answered the read and stays for the next
    assert server.poll() is None
    assert "核验" in capsys.readouterr().out


def test_standard_input_starts_no_read_server(monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    import io

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(SEEDS[0].read_bytes()), encoding="utf-8"))
    assert _servers_idle_when_the_parser_is_built(["parse", "-", "--no-narrative"], monkeypatch) == 0
    assert files._servers.idle == []
    assert "核验" in capsys.readouterr().out


def test_a_read_server_that_cannot_be_started_early_is_started_at_the_read(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """Starting the server ahead is best effort: failing then (no processes left) is no error of the command."""
    seed = tmp_path / "r.txt"
    shutil.copy(SEEDS[0], seed)
    real, calls = files._spawn, []

    def spawn() -> subprocess.Popen[bytes]:
        calls.append(1)
        if len(calls) == 1:
            raise BlockingIOError(11, "Resource temporarily unavailable")
        return real()

    monkeypatch.setattr(files, "_spawn", spawn)
    assert _servers_idle_when_the_parser_is_built(["parse", str(seed), "--no-narrative"], monkeypatch) == 0
    assert len(calls) == 2 and len(files._servers.idle) == 1  # the read started its own
    assert "核验" in capsys.readouterr().out
