"""The review page in a real headless Chromium (Debian's /usr/bin/chromium driven by Playwright, no browser
download): log in, upload, see the FAIL, confirm it, correct the cell, see the check pass; a batch.

Skipped only where no Chromium is installed and ``GOVREPORT_REQUIRE_BROWSER`` is unset; ``.ci/run`` installs
Chromium and sets it, so in CI a missing browser is a failure, not a skip."""

from __future__ import annotations

import io
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests._corpus import SEEDS
from tests.server_support import TOKEN, Server, failing_report

#: Read at import: the autouse fixture clears GOVREPORT_* variables before each test.
REQUIRED = os.environ.get("GOVREPORT_REQUIRE_BROWSER") == "1"
CHROMIUM = os.environ.get("GOVREPORT_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = [pytest.mark.block_network(allowed_hosts=["127.0.0.1"])]

if not Path(CHROMIUM).exists() and not REQUIRED:
    pytest.skip("no Chromium installed (apt-get install chromium); CI sets GOVREPORT_REQUIRE_BROWSER=1 and fails instead",
                allow_module_level=True)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    s = Server(tmp_path / "data").start()
    try:
        yield s
    finally:
        s.stop()


@pytest.fixture
def page(server: Server) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), f"Chromium is required here and missing: {CHROMIUM}"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            pg = browser.new_page()
            pg.set_default_timeout(60_000)
            yield pg
        finally:
            browser.close()


def expect(locator: Any) -> Any:
    from playwright.sync_api import expect as _expect

    return _expect(locator)


def login(page: Any, server: Server) -> None:
    response = page.goto(server.url + "/")
    assert response.status == 401  # the page answers 401 with the login form
    page.fill("#token", "wrong")
    page.click("#login-submit")
    assert page.inner_text("#login-error") == "令牌无效"
    page.fill("#token", TOKEN)
    page.click("#login-submit")
    page.wait_for_selector("#upload-form")


def test_upload_confirm_correct_and_the_check_passes(page: Any, server: Server) -> None:
    login(page, server)
    page.set_input_files("#upload-file", files=[{"name": "临河区民政局.txt", "mimeType": "text/plain",
                                                  "buffer": failing_report()}])
    page.click("#upload-submit")
    page.wait_for_url("**/reports/*")
    assert page.inner_text("#report-status") == "不通过"
    assert page.inner_text("#failed-rules") == "C5"
    finding = page.locator("li.finding[data-rule=C5]")
    assert finding.count() == 1
    assert "3 + 0 + 0 + 0" in finding.inner_text()
    assert "62" in finding.locator("pre.source").inner_text()  # its source line
    cell = page.locator("#table4 td[data-row=review][data-column='0']")
    assert "fail" in (cell.get_attribute("class") or "") and cell.inner_text() == "3"
    assert page.locator("#source-text mark.fail").count() >= 5  # the failing cells' spans in the text

    finding.locator(".review-comment").fill("已电话告知单位")
    finding.locator("button.confirm").click()
    expect(page.locator("li.finding[data-rule=C5] .review-state")).to_have_text("已确认")
    assert "admin" in page.locator("li.finding[data-rule=C5] .who").inner_text()

    page.locator("#table4 td[data-row=review][data-column='0']").click()
    page.fill("#correct-value", "0")
    page.fill("#correct-reason", "原文为 0，解析有误")
    page.click("#correct-save")
    expect(page.locator("#report-status")).to_have_text("通过")
    assert page.locator("li.finding[data-rule=C5]").count() == 0  # passing checks are not listed
    corrected = page.locator("#table4 td[data-row=review][data-column='0']")
    assert "corrected" in (corrected.get_attribute("class") or "") and corrected.inner_text() == "0"
    assert "原解析值 3" in (corrected.get_attribute("title") or "")
    assert "原文为 0" in page.inner_text("#corrections")

    with server.client() as api:
        report = api.get("/api/reports/1").json()
    c5 = next(f for f in report["report"]["findings"] if f["rule"] == "C5" and f["subject"] == "表四 行政复议")
    assert c5["status"] == "PASS" and c5["review"]["state"] == "confirmed"
    assert report["corrections"][0]["parsed"]["value"] == 3


def test_batch_upload_shows_progress_and_the_summary_downloads(page: Any, server: Server) -> None:
    login(page, server)
    page.set_input_files("#batch-files", files=[
        {"name": "a.txt", "mimeType": "text/plain", "buffer": SEEDS[0].read_bytes()},
        {"name": "b.txt", "mimeType": "text/plain", "buffer": failing_report()},
    ])
    page.click("#batch-submit")
    page.wait_for_url("**/batches/*")
    page.wait_for_selector("a.download", timeout=120_000)
    links = {a.inner_text(): a.get_attribute("href") for a in page.locator("a.download").all()}
    assert set(links) == {"summary.xlsx", "summary.md", "summary.docx"}
    with page.expect_download() as dl:
        page.click("text=summary.xlsx")
    assert dl.value.suggested_filename.endswith("summary.xlsx")
    page.goto(server.url + "/")
    assert page.locator("#reports tbody tr").count() == 2


def test_units_imported_in_the_page_and_the_coverage_shows_who_is_missing(page: Any, server: Server) -> None:
    from openpyxl import Workbook

    login(page, server)
    wb = Workbook()
    ws = wb.active
    ws.append(["名称", "类型", "上级", "别名"])
    ws.append(["临河区人民政府", "政府", "", ""])
    ws.append(["临河区民政局", "部门", "临河区人民政府", ""])
    ws.append(["临河区某某镇人民政府", "乡镇街道", "临河区人民政府", ""])
    buf = io.BytesIO()
    wb.save(buf)
    page.set_input_files("#units-file", files=[{"name": "units.xlsx", "mimeType": "application/octet-stream",
                                                 "buffer": buf.getvalue()}])
    page.click("#units-submit")
    expect(page.locator("#units tbody tr")).to_have_count(3)
    with server.client() as api:
        assert api.post("/api/reports", files={"file": ("a.txt", failing_report())}).status_code == 201
    page.goto(server.url + "/")
    coverage = page.locator("#coverage")
    assert "2024 年度报送情况" in coverage.inner_text()
    assert "未收到：临河区某某镇人民政府" in coverage.inner_text()
    assert "临河区民政局：不通过 C5" in coverage.inner_text()
    with page.expect_download() as dl:
        page.click("#units-export")
    assert dl.value.suggested_filename == "units.xlsx"
