"""``govreport batch --backend llm --via batch-api`` against the local fake batch API (bench/fake_openai.py,
127.0.0.1 on an ephemeral port; every other host is blocked).

The fake's answers are HAND-WRITTEN FIXTURES (GOOD_001 from tests/cassettes/build_fixtures.py, plus one
fabricated problem; an empty extraction for the other seeds): these tests check the plumbing — the JSONL,
upload, submission, polling, resume, download, validation, grounding, real-time re-asks, expiry, partial
failure, cancellation, tokens and cost — never extraction quality.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bench.fake_openai import ANSWER, BatchBehaviour, FakeOpenAI
from service.batch import BatchOptions, run_batch
from service.cli import main
from service.errors import BatchPendingError
from service.extraction.llm.batch_api import BATCH_DIR, STATE, build_requests, custom_id, request_body
from service.extraction.prompt import load_prompt, messages
from service.extraction.settings import Settings
from service.reading import read_document
from tests._corpus import SEEDS

pytestmark = pytest.mark.block_network(allowed_hosts=["127.0.0.1"])

_spec = importlib.util.spec_from_file_location("build_fixtures", Path(__file__).parent / "cassettes" / "build_fixtures.py")
assert _spec and _spec.loader
_fixtures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_fixtures)
FABRICATED = "档案数字化进度严重滞后，影响信息检索"
#: HAND-WRITTEN FIXTURE: the gold answer for seed 001 with one problem the report never states.
ANSWER_001 = {**_fixtures.GOOD_001,
              "problems": [*_fixtures.GOOD_001["problems"], {"text": FABRICATED, "category": "timeliness"}]}


def fixture_answer(body: dict[str, Any]) -> str:
    """HAND-WRITTEN FIXTURE answers, chosen by the report in the request."""
    user = next(m["content"] for m in body["messages"] if m["role"] == "user")  # type: ignore[index]
    return json.dumps(ANSWER_001 if "临河" in user else ANSWER, ensure_ascii=False)


@pytest.fixture
def server() -> Iterator[FakeOpenAI]:
    srv = FakeOpenAI(0.0, answer=fixture_answer).start_in_thread()
    yield srv
    srv.stop()


@pytest.fixture
def reports(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    for p in SEEDS:
        shutil.copy(p, folder / p.name)
    return folder


@pytest.fixture(autouse=True)
def endpoint(server: FakeOpenAI, monkeypatch: pytest.MonkeyPatch) -> None:
    for k, v in {"GOVREPORT_LLM_BASE_URL": server.base_url, "GOVREPORT_LLM_API_KEY": "sk-test",
                 "GOVREPORT_LLM_MODEL": "fake-model", "GOVREPORT_LLM_BATCH_POLL": "0", "GOVREPORT_LLM_RETRIES": "0",
                 "GOVREPORT_LLM_PRICE_INPUT": "2", "GOVREPORT_LLM_PRICE_OUTPUT": "8"}.items():
        monkeypatch.setenv(k, v)


def run(reports: Path, out: Path, **kw: Any) -> Any:
    opts = BatchOptions(out=out, backend="llm", via="batch-api", progress=False, summaries=False, **kw)
    return run_batch([reports], opts)


def extraction(out: Path, name: str) -> dict[str, Any]:
    return json.loads((out / "reports" / f"{name}.json").read_text(encoding="utf-8"))["extraction"]


def names() -> list[str]:
    return [p.stem for p in SEEDS]


def cid_of(name: str) -> str:
    doc = read_document(next(p for p in SEEDS if p.stem == name))
    return custom_id(doc.sha256, load_prompt().hash, "fake-model")


def test_end_to_end_one_batch_validated_grounded_costed(server: FakeOpenAI, reports: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run(reports, out)
    assert len(result.records) == 5 and not result.errors
    s = server.stats
    assert (s.uploads, s.batches_created, s.requests) == (1, 1, 0)  # one file, one batch, no real-time call
    lines = [json.loads(x) for x in (out / BATCH_DIR / "requests-001.jsonl").read_text().splitlines()]
    assert sorted(x["custom_id"] for x in lines) == sorted(cid_of(n) for n in names())
    assert all(x["method"] == "POST" and x["url"] == "/v1/chat/completions" for x in lines)
    # Each body is what the real-time path sends for that report (same prompt, schema instructions, mode).
    settings = Settings.from_env()
    first = next(x for x in lines if x["custom_id"] == cid_of(SEEDS[1].stem))
    assert first["body"]["response_format"] == {"type": "json_object"} and first["body"]["temperature"] == 0
    assert "json_schema" in first["body"]["messages"][0]["content"]  # instructor's JSON-mode instructions
    state = json.loads((out / BATCH_DIR / STATE).read_text())
    assert state["batches"][0]["id"] == "batch_fake_1" and state["batches"][0]["status"] == "completed"
    assert state["last_run"]["answered"] == 5 and state["last_run"]["batch_tokens"]["total_tokens"] == 5 * 1060
    for n in names():
        ex = extraction(out, n)
        assert ex["backend"] == "llm" and not ex["fallback"] and ex["calls"] == 0
        assert ex["batch"]["outcome"] == "answered" and ex["batch"]["batch_id"] == "batch_fake_1"
        assert ex["batch"]["custom_id"] == cid_of(n) and ex["usage"]["total_tokens"] == 1060
        assert ex["cost"] == pytest.approx((1000 * 2 + 60 * 8) / 1e6 * 0.5)  # the batch price: half
        assert 0 < ex["sent_share"] <= 0.30
    # The batch answer went through verification: the fabricated problem is dropped and counted.
    ex = extraction(out, SEEDS[1].stem)
    report = json.loads((out / "reports" / f"{SEEDS[1].stem}.json").read_text(encoding="utf-8"))
    assert ex["dropped"] == {"problems": 1}
    assert [p["text"] for p in report["narrative"]["problems"]] == [p["text"] for p in _fixtures.GOOD_001["problems"]]
    assert any("批处理接口: 5 个请求; 批处理回答 5 个" in n for n in result.notes)
    assert request_body(settings, messages(load_prompt(), "x"))["model"] == "fake-model"


def test_resumes_the_same_batch_across_runs(server: FakeOpenAI, reports: Path, tmp_path: Path) -> None:
    server.batch = BatchBehaviour(polls=3)
    out = tmp_path / "out"
    with pytest.raises(BatchPendingError, match="稍后再运行同一命令"):
        run(reports, out, batch_wait=0)
    state = json.loads((out / BATCH_DIR / STATE).read_text())
    assert state["batches"][0]["id"] == "batch_fake_1" and state["batches"][0]["status"] == "in_progress"
    assert not (out / "reports").exists() or not list((out / "reports").glob("*.json"))
    result = run(reports, out)  # resumes: no new upload, no new batch
    assert (server.stats.uploads, server.stats.batches_created) == (1, 1)
    assert all(extraction(out, n)["batch"]["outcome"] == "answered" for n in names()) and len(result.records) == 5
    again = run(reports, out)  # done: every report is skipped, nothing is sent
    assert again.skipped == 5 and (server.stats.uploads, server.stats.batches_created, server.stats.requests) == (1, 1, 0)


def test_partial_failure_and_invalid_answers_are_asked_in_real_time(server: FakeOpenAI, reports: Path,
                                                                     tmp_path: Path) -> None:
    failing, invalid = SEEDS[2].stem, SEEDS[3].stem
    server.batch = BatchBehaviour(fail=(cid_of(failing),), invalid=(cid_of(invalid),))
    out = tmp_path / "out"
    run(reports, out)
    assert server.stats.requests == 2  # one real-time ask for the failed request, one re-ask for the invalid one
    ex = extraction(out, failing)
    assert ex["batch"]["outcome"] == "realtime" and "HTTP 500" in ex["batch"]["reason"] and ex["calls"] == 1
    assert ex["batch"]["usage"]["total_tokens"] == 0 and ex["usage"]["total_tokens"] == 1060
    assert ex["cost"] == pytest.approx((1000 * 2 + 60 * 8) / 1e6)  # the real-time price
    ex = extraction(out, invalid)
    assert ex["batch"]["outcome"] == "reasked" and ex["calls"] == 1 and not ex["fallback"]
    assert ex["usage"]["total_tokens"] == 2 * 1060  # the batch answer and the real-time re-ask
    # The re-ask carries the batch's invalid answer back to the model, as a real-time re-ask does.
    sent = [m for b in server.chat_bodies for m in b["messages"]]  # type: ignore[attr-defined]
    assert any(m["role"] == "assistant" and "I cannot answer" in (m.get("content") or "") for m in sent)
    others = [n for n in names() if n not in (failing, invalid)]
    assert all(extraction(out, n)["batch"]["outcome"] == "answered" for n in others)


def test_expired_batch_uses_what_it_answered(server: FakeOpenAI, reports: Path, tmp_path: Path) -> None:
    server.batch = BatchBehaviour(expire_after=2)
    out = tmp_path / "out"
    run(reports, out)
    outcomes = sorted(extraction(out, n)["batch"]["outcome"] for n in names())
    assert outcomes == ["answered"] * 2 + ["realtime"] * 3 and server.stats.requests == 3
    reasons = {extraction(out, n)["batch"]["reason"] for n in names()} - {None}
    assert all("batch_expired" in r for r in reasons)
    assert json.loads((out / BATCH_DIR / STATE).read_text())["batches"][0]["status"] == "expired"


def test_cancelled_batch_uses_what_it_answered(server: FakeOpenAI, reports: Path, tmp_path: Path) -> None:
    server.batch = BatchBehaviour(polls=99, cancel_after=1)
    out = tmp_path / "out"
    with pytest.raises(BatchPendingError):
        run(reports, out, batch_wait=0)
    result = run(reports, out, batch_cancel=True)
    assert server.stats.cancels == 1 and server.stats.batches_created == 1
    outcomes = sorted(extraction(out, n)["batch"]["outcome"] for n in names())
    assert outcomes == ["answered"] + ["realtime"] * 4 and server.stats.requests == 4
    assert any("取消" in n for n in result.notes)
    assert json.loads((out / BATCH_DIR / STATE).read_text())["batches"][0]["status"] == "cancelled"


def test_rejected_batch_goes_real_time_with_the_reason(server: FakeOpenAI, reports: Path, tmp_path: Path) -> None:
    server.batch = BatchBehaviour(reject=True)
    out = tmp_path / "out"
    run(reports, out)
    ex = extraction(out, SEEDS[0].stem)
    assert ex["batch"]["outcome"] == "realtime" and "批处理失败" in ex["batch"]["reason"]
    assert "rejected (fake)" in ex["batch"]["reason"] and server.stats.requests == 5


@pytest.mark.parametrize("jobs", [1, None], ids=["one-after-another", "threads"])
def test_same_text_shares_one_request_and_cached_answers_need_none(server: FakeOpenAI, reports: Path,
                                                                   tmp_path: Path, jobs: int | None) -> None:
    # One after another, the first copy's answer is in the cache before the second is extracted: the second
    # must still be served by the batch (its record must not depend on which thread finished first).
    shutil.copy(SEEDS[0], reports / "copy-of-000.txt")
    settings = Settings.from_env()
    paths = [str(p) for p in sorted(reports.iterdir())]
    assert len(build_requests(paths, settings)) == 5
    out = tmp_path / "out"
    run(reports, out, jobs=jobs)
    twin, first = extraction(out, "copy-of-000"), extraction(out, SEEDS[0].stem)
    assert twin["batch"]["custom_id"] == first["batch"]["custom_id"] == cid_of(SEEDS[0].stem)
    assert twin["batch"]["outcome"] == first["batch"]["outcome"] == "answered"
    assert not twin["cached"] and not first["cached"] and twin["calls"] == first["calls"] == 0
    last = json.loads((out / BATCH_DIR / STATE).read_text())["last_run"]
    # six reports answered by five requests, whose batch tokens are counted once each
    assert (last["requests"], last["answered"], last["batch_tokens"]["total_tokens"]) == (5, 6, 5 * 1060)
    assert last["cost"] == pytest.approx(5 * (1000 * 2 + 60 * 8) / 1e6 * 0.5)
    assert build_requests(paths, settings) == {}  # every answer is in the cache now
    run(reports, tmp_path / "out2", jobs=jobs)
    assert server.stats.batches_created == 1 and extraction(tmp_path / "out2", "copy-of-000")["cached"]


class _RefusingUploads(FakeOpenAI):
    def _batch_route(self, method: str, path: str, body: bytes, content_type: str) -> Any:
        return 404, {"error": {"message": "batches are not supported here (fake)"}}, []


def test_cli_errors_and_pending_exit_code(reports: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str], server: FakeOpenAI) -> None:
    out = str(tmp_path / "out")
    assert main(["batch", str(reports), "--out", out, "--backend", "rules", "--via", "batch-api", "--no-progress"]) == 2
    assert "--via batch-api 只能与 LLM 后端一起使用" in capsys.readouterr().err
    assert main(["batch", str(reports), "--out", out, "--batch-wait", "5", "--no-progress"]) == 2
    server.batch = BatchBehaviour(polls=5)
    code = main(["batch", str(reports), "--out", out, "--backend", "llm", "--via", "batch-api", "--batch-wait", "0",
                 "--no-progress"])
    assert code == 75 and "批处理 batch_fake_1 仍进行中" in capsys.readouterr().err
    refusing = _RefusingUploads(0.0).start_in_thread()
    try:
        monkeypatch.setenv("GOVREPORT_LLM_BASE_URL", refusing.base_url)
        code = main(["batch", str(reports), "--out", str(tmp_path / "o2"), "--backend", "llm", "--via", "batch-api",
                     "--no-progress"])
    finally:
        refusing.stop()
    err = capsys.readouterr().err
    assert code == 2 and "拒绝了请求文件的上传" in err and "HTTP 404" in err
