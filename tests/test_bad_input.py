"""The bad-input corpus: hostile and broken files a real user can hit, each run as a subprocess under a
timeout. Acceptance (issue 14): no traceback, no hang, never exit 3 (internal error), the expected
one-line reason, and in a batch nothing lost — every file has its record and the rest go on."""

from __future__ import annotations

import errno
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import zipfile
import zlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from service.batch.state import RESULTS
from tests._corpus import REPO, SEEDS

SEED = next(p for p in SEEDS if p.name.startswith("000_"))
ROW = "一、本年新收政府信息公开申请数量\t\t\t2\t0\t0\t0\t0\t0\t2"
#: Seconds a case may take, start-up included, on a loaded two-core machine (a hang is a timeout).
TIMEOUT = 90


def run_cli(*args: str, env: dict[str, str] | None = None, timeout: float = TIMEOUT) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "service", *args]
    full_env = {**os.environ, "PYTHONPATH": str(REPO), **(env or {})}
    try:
        return subprocess.run(cmd, cwd=REPO, env=full_env, capture_output=True, text=True, timeout=timeout,
                              stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as exc:  # a hang is the failure this corpus exists for
        pytest.fail(f"hung: {' '.join(args)} did not finish in {timeout} s ({exc})")


def assert_clean(proc: subprocess.CompletedProcess[str], what: str) -> None:
    assert "Traceback" not in proc.stderr + proc.stdout, f"{what}: traceback\n{proc.stderr[-3000:]}"
    assert proc.returncode != 3, f"{what}: internal error\n{proc.stderr[-2000:]}"


def seed_text() -> str:
    text = SEED.read_text(encoding="utf-8")
    assert ROW in text
    return text


def with_cell(value: str) -> str:
    """Seed 000 with 表三 本年新收 · 自然人 printed as ``value``."""
    return seed_text().replace(ROW, ROW.replace("\t\t\t2\t", f"\t\t\t{value}\t", 1))


# ---------------------------------------------------------------- file builders

_CT = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
       '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
       '<Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" '
       'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
         'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
         'relationships/officeDocument" Target="word/document.xml"/></Relationships>')
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def docx_with_body(path: Path, body: str, extra: dict[str, bytes] | None = None) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CT)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("word/document.xml", f'<?xml version="1.0"?><w:document xmlns:w="{_W}"><w:body>{body}</w:body></w:document>')
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return path


def zip_bomb_docx(path: Path) -> Path:
    """A small .docx whose parts claim 250 MB unpacked (250 parts of 1 MB of zeros)."""
    zeros = b"\0" * (1 << 20)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CT)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("word/document.xml", f'<w:document xmlns:w="{_W}"><w:body><w:p><w:r><w:t>x</w:t></w:r></w:p></w:body></w:document>')
        for i in range(250):
            z.writestr(f"word/media/pad{i}.bin", zeros)
    return path


def pdf_bytes(objects: list[bytes], trailer: bytes = b"") -> bytes:
    """A PDF of these objects (numbered from 1, the first the catalog), its xref and ``trailer`` entries."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, obj in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + obj + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R ".encode() + trailer
    out += f">>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def pdf_of(path: Path, objects: list[bytes]) -> Path:
    path.write_bytes(pdf_bytes(objects))
    return path


def pdf_bomb(path: Path) -> Path:
    """One page whose content stream is 400 KB of Flate that inflates to 200 MB of spaces."""
    z = zlib.compressobj(9)
    block = b" " * (1 << 20)
    comp = b"".join(z.compress(block) for _ in range(200)) + z.flush()
    return pdf_of(path, [
        b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        f"<< /Length {len(comp)} /Filter /FlateDecode >>\nstream\n".encode() + comp + b"\nendstream"])


def pdf_blank_pages(path: Path, n: int) -> Path:
    kids = " ".join(f"{3 + i} 0 R" for i in range(n))
    pages = [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"] * n
    return pdf_of(path, [b"<< /Type /Catalog /Pages 2 0 R >>",
                         f"<< /Type /Pages /Kids [{kids}] /Count {n} >>".encode(), *pages])


@dataclass(frozen=True)
class Case:
    name: str
    make: Callable[[Path], Path]  # builds the input under a folder, returns the path to pass
    command: str  # parse | check
    codes: tuple[int, ...]  # acceptable exit codes
    says: str  # in stderr (exit 2) or stdout (exit 0/1)


def _fifo(d: Path) -> Path:
    os.mkfifo(d / "pipe.txt")
    return d / "pipe.txt"


def _loop(d: Path) -> Path:
    (d / "a.txt").symlink_to(d / "b.txt")
    (d / "b.txt").symlink_to(d / "a.txt")
    return d / "a.txt"


def _broken(d: Path) -> Path:
    (d / "gone.txt").symlink_to(d / "nowhere.txt")
    return d / "gone.txt"


def _dir_txt(d: Path) -> Path:
    (d / "folder.txt").mkdir()
    return d / "folder.txt"


def _write(name: str, data: bytes | str) -> Callable[[Path], Path]:
    def make(d: Path) -> Path:
        p = d / name
        if isinstance(data, str):
            p.write_text(data, encoding="utf-8")
        else:
            p.write_bytes(data)
        return p
    return make


def _lazy(name: str, build: Callable[[], bytes | str]) -> Callable[[Path], Path]:
    return lambda d: _write(name, build())(d)


CASES = [
    Case("fifo", _fifo, "parse", (2,), "是命名管道(FIFO)而不是普通文件"),
    Case("symlink-loop", _loop, "parse", (2,), "是循环的符号链接"),
    Case("broken-symlink", _broken, "parse", (2,), "是失效的符号链接"),
    Case("txt-is-a-directory", _dir_txt, "parse", (2,), "是目录而不是报告文件"),
    Case("character-device", lambda d: Path("/dev/zero"), "parse", (2,), "是字符设备"),
    Case("empty", _write("empty.txt", b""), "parse", (2,), "文件是空的"),
    Case("ten-million-digits", _lazy("big.txt", lambda: with_cell("9" * 10_000_000)), "check", (1,),
         "有 10000000 位整数"),
    Case("5000-digits", _lazy("big5k.txt", lambda: with_cell("7" * 5000)), "check", (1,), "有 5000 位整数"),
    Case("1e30", _lazy("e30.txt", lambda: with_cell("1e30")), "check", (1,), "以科学计数法印出"),
    Case("negative-count", _lazy("neg.txt", lambda: with_cell("-5")), "check", (1,), "-5 为负数"),
    Case("few-nuls", _lazy("nul.txt", lambda: seed_text().replace("。", "。\0", 5)), "check", (0, 1),
         "5 个控制字符已删除（NUL × 5）"),
    Case("nul-after-4k", _lazy("nul4k.txt", lambda: seed_text()[:6000] + "\0" + seed_text()[6000:]), "check", (0, 1),
         "1 个控制字符已删除"),
    Case("many-nuls", _lazy("nuls.txt", lambda: seed_text().replace("。", "\0" * 20)), "parse", (2,), "二进制数据"),
    Case("random-bytes", _lazy("random.txt", lambda: os.urandom(200_000)), "parse", (2,), "二进制数据"),
    Case("huge-line", _lazy("longline.txt", lambda: seed_text() + "字" * 3_000_000 + "\n"), "check", (0, 1), "核验"),
    Case("many-short-lines", _lazy("lines.txt", lambda: seed_text() + "0 1\n" * 500_000), "check", (0, 1), "核验"),
    Case("docx-400k-empty-paragraphs", lambda d: docx_with_body(d / "empty.docx", "<w:p/>" * 400_000), "parse", (2,),
         "没有文字"),
    Case("docx-too-many-paragraphs", lambda d: docx_with_body(d / "many.docx", "<w:p><w:r><w:t>a</w:t></w:r></w:p>" * 150_000),
         "parse", (2,), "150,000 个段落"),
    Case("docx-zip-bomb", lambda d: zip_bomb_docx(d / "bomb.docx"), "parse", (2,), "ZIP 炸弹"),
    Case("zip-not-docx", lambda d: _zip_not_docx(d / "notes.docx"), "parse", (2,), "ZIP 压缩包而不是报告"),
    Case("damaged-docx", _write("damaged.docx", b"PK\x03\x04 damaged"), "parse", (2,), "文件损坏"),
    Case("html-deep-nesting", _lazy("deep.html", lambda: "<html><body>" + "<div>" * 200_000 + "政府信息公开工作年度报告"
                                    + "</div>" * 200_000 + "</body></html>"), "parse", (2,), "deep.html"),
    Case("html-unclosed-nesting", _lazy("open.html", lambda: "<html><body>" + "<span><b>" * 100_000 + "x"), "parse", (2,),
         "open.html"),
    Case("pdf-bomb", lambda d: pdf_bomb(d / "bomb.pdf"), "parse", (2,), "PDF 炸弹"),
    Case("pdf-blank-pages", lambda d: pdf_blank_pages(d / "blank.pdf", 1500), "parse", (2,), "超过 1,000 页"),
    Case("pdf-page-tree-loop", lambda d: pdf_of(d / "loop.pdf", [b"<< /Type /Catalog /Pages 2 0 R >>",
                                                              b"<< /Type /Pages /Kids [2 0 R] /Count 1 >>"]),
         "parse", (2,), "loop.pdf"),
    Case("pdf-deep-arrays", lambda d: pdf_of(d / "deep.pdf", [
        b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /X " + b"[" * 50_000 + b"]" * 50_000 + b" >>"]),
         "parse", (2,), "deep.pdf"),
]


def _zip_not_docx(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("readme.txt", "hello")
    return path


@pytest.fixture(scope="module")
def corpus_results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Case, subprocess.CompletedProcess[str]]]:
    """Every case run once, four at a time, each as its own subprocess under TIMEOUT."""
    root = tmp_path_factory.mktemp("bad-input")

    def one(case: Case) -> tuple[Case, subprocess.CompletedProcess[str]]:
        d = root / case.name
        d.mkdir()
        path = case.make(d)
        args = [case.command, str(path), "--no-narrative"] if case.command == "parse" else [case.command, str(path)]
        return case, run_cli(*args)

    with ThreadPoolExecutor(max_workers=4) as pool:
        return {case.name: result for case, result in zip(CASES, pool.map(one, CASES), strict=True)}


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input_corpus(case: Case, corpus_results: dict[str, tuple[Case, subprocess.CompletedProcess[str]]]) -> None:
    _, proc = corpus_results[case.name]
    assert_clean(proc, case.name)
    assert proc.returncode in case.codes, (case.name, proc.returncode, proc.stderr[-1500:])
    where = proc.stderr if proc.returncode == 2 else proc.stdout
    assert case.says in where, (case.name, where[-1500:])
    if proc.returncode == 2:
        lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
        assert len(lines) == 1 and lines[0].startswith("govreport: "), proc.stderr[-1500:]
        assert len(lines[0]) < 400, "one short line, not the input echoed back"


def test_absurd_values_are_c8_fails_in_json(tmp_path: Path) -> None:
    p = tmp_path / "r.txt"
    p.write_text(with_cell("1e30"), encoding="utf-8")
    proc = run_cli("parse", str(p), "--json", "--no-narrative")
    assert_clean(proc, "1e30 --json")
    doc = json.loads(proc.stdout)
    c8 = [f for f in doc["findings"] if f["rule"] == "C8" and f["status"] == "FAIL"]
    assert len(c8) == 1 and c8[0]["cells"][0]["printed"] == "1e30" and c8[0]["cells"][0]["value"] is None
    assert doc["applications"]["new_received"][0] is None  # not guessed from the relations, not 1e30
    assert "C8" in doc["summary"]["failed_rules"]


def test_bad_settings_are_one_line_errors(tmp_path: Path) -> None:
    p = tmp_path / "r.txt"
    p.write_text(seed_text(), encoding="utf-8")
    for env, says in (({"GOVREPORT_MAX_BYTES": "lots"}, "GOVREPORT_MAX_BYTES 应为正整数"),
                      ({"GOVREPORT_MAX_BYTES": "1000"}, "超过 1,000 字节 上限")):
        proc = run_cli("parse", str(p), env=env)
        assert_clean(proc, str(env))
        assert proc.returncode == 2 and says in proc.stderr, proc.stderr


def test_permission_denied_is_said(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """As root a mode of 000 does not deny reading, so the refusal of the kernel is simulated here;
    as another user the real file is tried too."""
    from service.errors import InputError
    from service.reading import read_document

    p = tmp_path / "locked.txt"
    p.write_text(seed_text(), encoding="utf-8")
    real_open = os.open

    def denied(path: object, flags: int, *a: object, **k: object) -> int:
        if str(path) == str(p):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, flags, *a, **k)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", denied)
    with pytest.raises(InputError, match=r"locked\.txt: 没有读取权限"):
        read_document(p)
    monkeypatch.undo()
    if os.geteuid() != 0:
        p.chmod(0)
        proc = run_cli("parse", str(p))
        assert proc.returncode == 2 and "没有读取权限" in proc.stderr


# ---------------------------------------------------------------- batch

def _records(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / RESULTS).read_text(encoding="utf-8").splitlines()]


def test_batch_with_hostile_files_loses_nothing(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    for p in SEEDS[:3]:
        shutil.copy(p, src / p.name)
    os.mkfifo(src / "pipe.txt")
    _loop(src)
    (src / "gone.md").symlink_to(src / "nowhere.md")
    (src / "zero.txt").symlink_to("/dev/zero")
    (src / "folder.txt").mkdir()  # a folder named like a report is walked, not read
    (src / "random.txt").write_bytes(os.urandom(50_000))
    (src / "big.txt").write_text(with_cell("9" * 100_000), encoding="utf-8")
    docx_with_body(src / "empty.docx", "<w:p/>" * 1000)
    out = tmp_path / "out"
    proc = run_cli("batch", str(src), str(SEEDS[3]), str(src / "pipe.txt"), "--out", str(out), "--no-progress",
                   "--no-narrative")
    assert_clean(proc, "batch")
    assert proc.returncode == 0, proc.stderr
    recs = {r["name"]: r for r in _records(out)}
    expected_errors = {"pipe": "命名管道", "a": "循环的符号链接", "b": "循环的符号链接",
                       "gone": "失效的符号链接", "zero": "字符设备", "random": "二进制数据",
                       "empty": "没有文字"}
    for name, says in expected_errors.items():
        assert recs[name]["status"] == "error" and says in recs[name]["error"], recs[name]
    ok = {p.stem for p in SEEDS[:4]} | {"big"}
    assert {n for n, r in recs.items() if r["status"] == "ok"} == ok
    assert len(recs) == len(ok) + len(expected_errors), "every file has its record"
    big = json.loads((out / recs["big"]["report"]).read_text(encoding="utf-8"))
    assert "C8" in big["summary"]["failed_rules"]
    assert (out / "summary.xlsx").exists() and (out / "summary.md").exists()


@pytest.mark.parametrize("where", ["file", "under-a-file", "proc"])
def test_batch_with_unwritable_out(tmp_path: Path, where: str) -> None:
    afile = tmp_path / "afile"
    afile.write_text("x", encoding="utf-8")
    out = {"file": afile, "under-a-file": afile / "sub", "proc": Path("/proc/govreport-out")}[where]
    proc = run_cli("batch", str(SEEDS[0]), "--out", str(out), "--no-progress", "--no-narrative")
    assert_clean(proc, where)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith("govreport: 错误: ") and str(out) in proc.stderr, proc.stderr


def _batch_src(tmp_path: Path, n: int) -> Path:
    src = tmp_path / "in"
    src.mkdir()
    seeds = [p for p in SEEDS if not p.name.startswith("004_")]
    for i in range(n):
        (src / f"r{i:03d}.txt").write_text(seeds[i % len(seeds)].read_text(encoding="utf-8") + f"\n编号 {i}\n",
                                           encoding="utf-8")
    return src


def test_full_disk_simulated_then_resume(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """ENOSPC on the sixth report's JSON: one line naming the file and the full disk, what was finished kept,
    and a re-run completes every report (the code path of the tmpfs test below, on every machine)."""
    import service.batch.state as state
    import service.batch.worker as worker
    from service.batch import BatchOptions, run_batch
    from service.errors import OutputError

    src = _batch_src(tmp_path, 10)
    out = tmp_path / "out"
    real = state.write_atomic
    calls = {"n": 0}

    def full(path: Path, text: str, durable: bool = True, sync_dir: bool = False) -> None:
        if path.parent.name == "reports":
            calls["n"] += 1
            if calls["n"] >= 6:
                raise OSError(errno.ENOSPC, "No space left on device", str(path))
        real(path, text, durable, sync_dir)

    monkeypatch.setattr(worker, "write_atomic", full)
    with pytest.raises(OutputError, match="磁盘空间已满") as info:
        run_batch([src], BatchOptions(out=out, progress=False, narrative=False, mode="serial"))
    assert "再次运行同一命令即可续做" in str(info.value)
    assert len(_records(out)) == 5
    assert not list((out / "reports").glob(".*.tmp")), "no temporary file left behind"
    monkeypatch.setattr(worker, "write_atomic", real)
    result = run_batch([src], BatchOptions(out=out, progress=False, narrative=False, mode="serial"))
    assert result.skipped == 5 and result.processed == 5
    assert sorted(r["name"] for r in _records(out)) == [f"r{i:03d}" for i in range(10)]


def test_full_disk_on_a_small_tmpfs(tmp_path: Path) -> None:
    mnt = tmp_path / "small"
    mnt.mkdir()
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a tmpfs needs root")
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=400k", "tmpfs", str(mnt)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"mounting a tmpfs is not permitted here: {mounted.stderr.decode(errors='replace').strip()}")
    try:
        src = _batch_src(tmp_path, 40)
        out = mnt / "out"
        proc = run_cli("batch", str(src), "--out", str(out), "--no-progress", "--no-narrative", "--jobs", "1")
        assert_clean(proc, "full tmpfs")
        assert proc.returncode == 2, (proc.returncode, proc.stderr)
        assert "磁盘空间已满" in proc.stderr and "续做" in proc.stderr, proc.stderr
        done = len(_records(out)) if (out / RESULTS).exists() else 0
        assert done < 40
        subprocess.run(["mount", "-o", "remount,size=64m", str(mnt)], check=True)
        proc = run_cli("batch", str(src), "--out", str(out), "--no-progress", "--no-narrative", "--jobs", "1")
        assert proc.returncode == 0, proc.stderr
        assert f"已处理过 {done} 份" in proc.stdout
        assert len({r["name"] for r in _records(out)}) == 40
    finally:
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


def test_two_batches_on_one_out(tmp_path: Path) -> None:
    src = _batch_src(tmp_path, 60)
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "service", "batch", str(src), "--out", str(out), "--no-progress", "--no-narrative",
           "--jobs", "1"]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    first = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline and not ((out / RESULTS).exists() and (out / RESULTS).read_text().count("\n")):
        time.sleep(0.02)
    second = run_cli("batch", str(src), "--out", str(out), "--no-progress", "--no-narrative")
    _, stderr = first.communicate(timeout=TIMEOUT)
    assert_clean(second, "second batch")
    assert first.returncode == 0, stderr
    if second.returncode == 2:  # refused while the first ran
        assert "另一个批处理正在写入这个输出目录" in second.stderr
    else:  # the first had finished already: the second found everything done
        assert second.returncode == 0 and "已处理过 60 份" in second.stdout
    names = [r["name"] for r in _records(out)]
    assert sorted(names) == [f"r{i:03d}" for i in range(60)], "no record lost or duplicated"


def test_ctrl_c_mid_batch_then_resume(tmp_path: Path) -> None:
    src = _batch_src(tmp_path, 80)
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "service", "batch", str(src), "--out", str(out), "--no-progress", "--no-narrative"]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline and not ((out / RESULTS).exists() and (out / RESULTS).read_text().count("\n") >= 4):
        time.sleep(0.01)
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=TIMEOUT)
    assert "Traceback" not in stderr, stderr[-3000:]
    done = len(_records(out))
    if done < 80:
        assert proc.returncode == 130 and "已中断" in stderr and "续做" in stderr, stderr
    rerun = run_cli("batch", str(src), "--out", str(out), "--no-progress", "--no-narrative")
    assert rerun.returncode == 0, rerun.stderr
    assert sorted(r["name"] for r in _records(out)) == [f"r{i:03d}" for i in range(80)]


# ---------------------------------------------------------------- summaries: formula injection

@pytest.mark.parametrize("prefix", ["=", "+", "-", "@"])
def test_formula_like_text_is_inert_in_the_summaries(tmp_path: Path, prefix: str) -> None:
    from openpyxl import load_workbook

    src = tmp_path / "in"
    src.mkdir()
    evil = f"{prefix}HYPERLINK(\"http://example.invalid\",\"x\")"
    name = f"{prefix}1+2"
    (src / f"{name}.txt").write_text(seed_text(), encoding="utf-8")
    (src / f"{prefix}cmd.docx").write_bytes(b"PK\x03\x04 damaged")  # an error row named by its file
    text = seed_text().replace("沙坡头区民政和社会保障局", evil[:40], 1)
    (src / "unit.txt").write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    proc = run_cli("batch", str(src), "--out", str(out), "--no-progress")
    assert proc.returncode == 0, proc.stderr
    wb = load_workbook(out / "summary.xlsx")
    risky = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row
             if isinstance(c.value, str) and c.value.startswith(prefix)]
    assert any(c.value == name for c in risky), "the file name reaches the workbook unchanged"
    assert all(c.data_type == "s" and c.quotePrefix for c in risky), [(c.coordinate, c.value) for c in risky
                                                                       if not c.quotePrefix]


def test_markdown_escapes_markup_from_reports() -> None:
    from service.batch.escape import markdown_text
    from service.batch.summary_doc import Bullets, Para, Table
    from service.batch.summary_md import render_markdown

    evil = "![x](http://example.invalid/t.png)<img src=x onerror=alert(1)>|a|*b*"
    md = render_markdown([Para(evil), Bullets([evil]), Table(["单位"], [[evil]])])
    unescaped = [m for m in ("![x](", "<img", "|a|", "*b*") if re.search(r"(?<!\\)" + re.escape(m), md)]
    assert not unescaped, md
    assert markdown_text("a_b") == "a\\_b"


# ---------------------------------------------------------------- secrets

FAKE_KEY = "sk-govreport-FAKE-0123456789abcdef0123"


def _failing_endpoint() -> tuple[socket.socket, int]:
    """A hand-written fixture, not a recording: an OpenAI-compatible endpoint on 127.0.0.1 that answers
    every request 401 with the key echoed in its error message (as some providers do)."""
    import threading

    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(8)

    def serve() -> None:
        while True:
            try:
                conn, _ = srv.accept()
            except OSError:
                return
            with conn:
                conn.recv(65536)
                body = json.dumps({"error": {"message": f"Incorrect API key provided: {FAKE_KEY}",
                                             "type": "invalid_request_error", "code": "invalid_api_key"}}).encode()
                conn.sendall(b"HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nContent-Length: "
                             + str(len(body)).encode() + b"\r\nConnection: close\r\n\r\n" + body)

    threading.Thread(target=serve, daemon=True).start()
    return srv, srv.getsockname()[1]


def test_api_key_never_printed(tmp_path: Path) -> None:
    from service.extraction.settings import Settings

    settings = Settings.from_env({"GOVREPORT_LLM_PRESET": "deepseek", "DEEPSEEK_API_KEY": FAKE_KEY})
    assert settings.api_key == FAKE_KEY and FAKE_KEY not in repr(settings) and FAKE_KEY not in str(settings)

    srv, port = _failing_endpoint()
    try:
        p = tmp_path / "r.txt"
        p.write_text(seed_text(), encoding="utf-8")
        env = {"GOVREPORT_LLM_BASE_URL": f"http://127.0.0.1:{port}/v1", "GOVREPORT_LLM_API_KEY": FAKE_KEY,
               "GOVREPORT_LLM_MODEL": "fake-model", "GOVREPORT_LLM_RETRIES": "0", "GOVREPORT_LLM_CACHE": "0"}
        parsed = run_cli("parse", str(p), "--json", "--backend", "llm", env=env)
        assert parsed.returncode == 0, parsed.stderr
        assert json.loads(parsed.stdout)["extraction"]["fallback"] is True
        out = tmp_path / "out"
        batch = run_cli("batch", str(p), "--out", str(out), "--no-progress", "--backend", "llm", env=env)
        bad_env = run_cli("parse", str(p), "--backend", "llm", env={**env, "GOVREPORT_LLM_TIMEOUT": "soon"})
        debug = run_cli("--debug", "parse", str(tmp_path / "missing.txt"), env=env)
    finally:
        srv.close()
    texts = [parsed.stdout, parsed.stderr, batch.stdout, batch.stderr, bad_env.stdout, bad_env.stderr,
             debug.stdout, debug.stderr]
    texts += [f.read_text(encoding="utf-8", errors="replace") for f in out.rglob("*") if f.is_file()
              and f.suffix in (".json", ".jsonl", ".md")]
    for text in texts:
        assert FAKE_KEY not in text and FAKE_KEY[-12:] not in text


def test_ctrl_c_during_parse_is_one_line(tmp_path: Path) -> None:
    """SIGINT while the command loads or reads a large report: exit 130 and one line, no traceback."""
    p = tmp_path / "long.txt"
    p.write_text(seed_text() + "(一)予以公开 1 0 0 0 0 0 1\n" * 100_000, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    for delay in (0.8, 2.0):
        proc = subprocess.Popen([sys.executable, "-m", "service", "check", str(p)], cwd=REPO, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(delay)
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=TIMEOUT)
        assert "Traceback" not in stderr, stderr[-3000:]
        assert proc.returncode in (130, 0, 1), (proc.returncode, stderr)
        if proc.returncode == 130:
            assert stderr.strip() == "govreport: 已中断"


def test_unreadable_file_in_a_batch_is_a_record(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Permission denied on one file (simulated: as root nothing is denied): its error record, the rest done."""
    from service.batch import BatchOptions, run_batch
    from service.reading import files

    src = _batch_src(tmp_path, 4)
    locked = src / "r002.txt"
    real_ask = files._Servers.ask

    def denied(self: files._Servers, op: bytes, path: str, limit: int, timeout: float) -> tuple[bytes, bytes]:
        if str(path) == str(locked):  # what the read server answers for EACCES
            return b"O", f"{errno.EACCES}:Permission denied".encode()
        return real_ask(self, op, path, limit, timeout)

    monkeypatch.setattr(files._Servers, "ask", denied)
    result = run_batch([src], BatchOptions(out=tmp_path / "out", progress=False, narrative=False, mode="serial"))
    by_name = {r.name: r for r in result.records}
    assert by_name["r002"].status == "error" and by_name["r002"].error == "没有读取权限"
    assert sorted(n for n, r in by_name.items() if r.status == "ok") == ["r000", "r001", "r003"]


# ---------------------------------------------------------------- every command on bad paths

def _sweep(d: Path) -> dict[str, list[str]]:
    (d / "a-file").write_text("x", encoding="utf-8")
    (d / "bin.json").write_bytes(os.urandom(64) + b"\xff")
    (d / "src").mkdir()
    shutil.copy(SEED, d / "src" / SEED.name)
    f, src = str(d / "a-file"), str(d / "src")
    return {
        "schema-out-is-a-file": ["schema", "--write-all", f],
        "schema-out-under-a-file": ["schema", "--write-all", f + "/schemas"],
        "eval-out-under-a-file": ["eval", "--out", f + "/o"],
        "eval-thresholds-binary": ["eval", "--thresholds", str(d / "bin.json"), "--out", str(d / "o")],
        "batch-thresholds-binary": ["batch", src, "--out", str(d / "b"), "--thresholds", str(d / "bin.json"), "--no-progress"],
        "serve-data-is-a-file": ["serve", "--data", f],
        "serve-bad-db-url": ["serve", "--data", str(d / "data"), "--db", "nosuchdriver://x"],
        "serve-port-out-of-range": ["serve", "--port", "99999"],
    }


def test_every_command_on_bad_paths_is_one_chinese_line(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Found by running each command as a new user would: these were exit 3 (internal error) or English."""
    import tempfile

    from service.cli import main
    from tests.test_chinese_ui import english_words

    monkeypatch.setattr(tempfile, "tempdir", tempfile.tempdir)  # serve points it at its data folder

    for name, argv in _sweep(tmp_path).items():
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse's usage errors
            code = exc.code
        err = capsys.readouterr().err
        lines = [ln for ln in err.splitlines() if ln.strip() and not ln.startswith(("用法", " "))]
        assert code == 2, (name, code, err)
        assert len(lines) == 1 and "Traceback" not in err, (name, err)
        assert english_words(lines[0]) == [], (name, lines[0])


def test_an_output_path_through_a_symlink_loop_is_named_so(tmp_path: Path) -> None:
    """The command line words an OSError from the table the readers word theirs from (ELOOP was 系统错误 40)."""
    (tmp_path / "loop").symlink_to("loop")
    proc = run_cli("schema", "--write", str(tmp_path / "loop" / "x.json"), "report.schema.json")
    assert_clean(proc, "schema --write through a symlink loop")
    assert proc.returncode == 2 and "是循环的符号链接" in proc.stderr, proc.stderr


def test_reading_and_writing_word_an_os_error_alike() -> None:
    """One table of reasons: a report that cannot be read says what an output path would, but where a read
    is worded more exactly (a missing file, no permission to read, a path through a file)."""
    from service.errors import OS_REASONS, os_error_text
    from service.reading.files import os_reason

    exact = {errno.ENOENT, errno.EACCES, errno.EPERM, errno.ENOTDIR}
    for code, why in OS_REASONS.items():
        exc = OSError(code, os.strerror(code), "r.txt")
        assert os_error_text(exc) == f"r.txt: {why}"
        assert (os_reason(exc, "/nonexistent/r.txt") == why) == (code not in exact), (code, os_reason(exc, "r.txt"))
    assert os_reason(OSError(errno.ENOTDIR, "x"), "r.txt") == f"没有这个文件({OS_REASONS[errno.ENOTDIR]})"


def test_a_text_of_blanks_and_controls_has_no_text() -> None:
    """Blank once its invisible characters are gone: 'no text', even when its controls would make it binary."""
    from service.errors import InputError
    from service.reading.text import decode_text

    with pytest.raises(InputError, match="文件中没有文字"):
        decode_text(b"\xe2\x80\x8b" + b"\x1c" * 40 + b"\n")
    with pytest.raises(InputError, match="二进制数据"):
        decode_text("报告".encode() + b"\x01" * 40)
    assert decode_text("报告\x01正文".encode()) == ("报告正文", "utf-8", {"\x01": 1})
