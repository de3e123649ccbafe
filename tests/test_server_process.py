"""The review service as a real process on 127.0.0.1: kill -9 in the middle of a batch job and a restart
that resumes it; bad uploads against the default limits, with nothing written outside the data folder."""

from __future__ import annotations

import fcntl
import io
import json
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests._corpus import EVAL
from tests.server_support import Server, variant

pytestmark = [pytest.mark.block_network(allowed_hosts=["127.0.0.1"]), pytest.mark.slow]
PDF = EVAL / "corpus" / "dev" / "hongze-district-2023.pdf"


def _records(out: Path) -> dict[str, dict]:
    path = out / "results.jsonl"
    if not path.exists():
        return {}
    recs = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            rec = json.loads(line)
        except json.JSONDecodeError:
            continue
        recs[rec["name"]] = rec
    return recs


def _unlocked(out: Path, timeout: float = 20) -> bool:
    """True once no process holds the batch folder's lock (the child died with the server)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with open(out / ".lock", "w") as fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return True
            except OSError:
                time.sleep(0.1)
    return False


def test_kill_9_mid_batch_then_restart_resumes_the_job(tmp_path: Path) -> None:
    data = tmp_path / "data"
    n = 40
    pdf = PDF.read_bytes()
    files = [("files", (f"r{i:02d}.pdf", pdf + f"\n% copy {i}\n".encode(), "application/pdf")) for i in range(n)]
    server = Server(data).start()
    try:
        with server.client() as c:
            job = c.post("/api/batches", files=files)
            assert job.status_code == 202, job.text
            bid = job.json()["id"]
        out = data / "batches" / str(bid) / "out"
        deadline = time.monotonic() + 120
        while len(_records(out)) < 3 and time.monotonic() < deadline:
            time.sleep(0.02)
        server.kill9()
        before = _records(out)
        assert 3 <= len(before) < n, f"kill -9 was meant to land mid-batch ({len(before)} of {n} done)"
    finally:
        server.stop()
    assert _unlocked(out), "the batch process outlived the server"

    server = Server(data).start()
    try:
        with server.client() as c:
            deadline = time.monotonic() + 180
            while (b := c.get(f"/api/batches/{bid}").json())["status"] not in ("done", "failed"):
                assert time.monotonic() < deadline, b
                time.sleep(0.2)
            assert b["status"] == "done" and b["attempts"] == 2 and b["done"] == n, b
            after = _records(out)
            assert sorted(after) == sorted(f"r{i:02d}" for i in range(n))
            assert all(r["status"] == "ok" for r in after.values())
            # what was recorded before the kill was not redone
            assert all(after[name]["finished"] == rec["finished"] for name, rec in before.items())
            lines = (out / "results.jsonl").read_text(encoding="utf-8").splitlines()
            assert len({json.loads(x)["name"] for x in lines}) == len(lines) == n
            reports = c.get("/api/reports").json()
            assert len(reports) == n and len({r["sha256"] for r in reports}) == n
            assert c.get(b["summaries"]["xlsx"]).status_code == 200
    finally:
        server.stop()


def _zip(entries: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in entries.items():
            zf.writestr(name, content)
    return buf.getvalue()


def test_bad_uploads_are_4xx_with_a_reason_and_nothing_lands_outside_the_data_folder(tmp_path: Path) -> None:
    data = tmp_path / "data"
    server = Server(data).start()
    outside_before = {p for p in tmp_path.rglob("*") if not p.is_relative_to(data)}
    try:
        with server.client() as c:
            cases = [
                ("/api/reports", [("file", ("empty.txt", b""))], 422, "空"),
                ("/api/reports", [("file", ("data.bin", bytes(range(256)) * 4000))], 422, "二进制"),
                ("/api/reports", [("file", ("big.txt", b"a" * (50 * 1024 * 1024)))], 413, "上限"),
                ("/api/batches", [("files", ("x.zip", _zip({"../x.txt": variant(1)}), "application/zip"))], 422,
                 "压缩包之外"),
                ("/api/batches", [("files", ("x.zip", _zip({"../../x.txt": variant(1)}), "application/zip"))], 422,
                 "压缩包之外"),
                ("/api/batches", [("files", ("bomb.zip", _zip({"a.txt": b"\0" * (300 * 1024 * 1024)}),
                                             "application/zip"))], 413, "zip 炸弹"),
            ]
            for url, files, status, reason in cases:
                r = c.post(url, files=files)
                assert r.status_code == status and reason in r.json()["detail"], (url, r.status_code, r.text)
            # a chunked body (no Content-Length) over the limit is cut off too
            def chunks() -> Iterator[bytes]:
                yield b'--b\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\n'
                for _ in range(60):
                    yield b"x" * (1 << 20)
                yield b"\r\n--b--\r\n"

            r = c.post("/api/reports", content=chunks(), headers={"Content-Type": "multipart/form-data; boundary=b"})
            assert r.status_code == 413 and "上限" in r.json()["detail"]
            assert c.get("/api/reports").json() == [] and c.get("/api/batches").json() == []
            ok = c.post("/api/reports", files={"file": ("fine.txt", variant(2))})
            assert ok.status_code == 201
    finally:
        server.stop()
    outside_after = {p for p in tmp_path.rglob("*") if not p.is_relative_to(data)}
    assert outside_after - outside_before <= {server.log}
    assert not (tmp_path / "x.txt").exists()
    assert not [p for p in (data / "tmp").iterdir()]
    assert not list((data / "batches").iterdir())


def test_serve_without_the_token_refuses_and_says_so(tmp_path: Path) -> None:
    server = Server(tmp_path / "data", env={"GOVREPORT_TOKEN": ""}).start()
    try:
        r = httpx.get(server.url + "/api/reports")
        assert r.status_code == 401
    finally:
        server.stop()
    assert "尚未配置令牌" in server.log.read_text(encoding="utf-8")


def test_concurrent_uploads_store_each_report_once(tmp_path: Path) -> None:
    """bench/server_load.py at a tenth of its size: 10 clients, 30 reports each uploaded twice at once."""
    from bench import server_load as bench

    reports = [variant(i) for i in range(30)]
    data = tmp_path / "data"
    server = Server(data).start()
    try:
        out = bench.load(server, reports, clients=10, copies=2)
        assert bench.verify(server, data, reports, out, copies=2) == []
    finally:
        server.stop()
