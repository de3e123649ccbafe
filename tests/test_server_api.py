"""The review service's JSON API on a real SQLite database in a tmpdir (FastAPI's TestClient, in process)."""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import Workbook, load_workbook
from sqlalchemy import text

from service.cli import main as cli_main
from service.server.app import Settings, create_app
from service.server.auth import add_user
from tests._corpus import EVAL, SEEDS
from tests.server_support import TOKEN, Postgres, failing_report

AUTH = {"Authorization": f"Bearer {TOKEN}"}
#: Read at import: the autouse fixture clears GOVREPORT_* variables. .ci/run installs PostgreSQL and sets it.
POSTGRES_REQUIRED = os.environ.get("GOVREPORT_REQUIRE_POSTGRES") == "1"
pytestmark = [pytest.mark.block_network(allowed_hosts=["127.0.0.1"])]
HONGZE_2023 = EVAL / "corpus" / "dev" / "hongze-district-2023.pdf"
HONGZE_2024 = EVAL / "corpus" / "dev" / "hongze-district-2024.pdf"


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture(scope="session")
def postgres() -> Iterator[Postgres | None]:
    try:
        pg = Postgres()
    except (FileNotFoundError, OSError, subprocess.CalledProcessError) as exc:
        if POSTGRES_REQUIRED:
            raise
        print(f"PostgreSQL not available ({exc}); its half of the API tests is skipped")
        yield None
        return
    try:
        yield pg
    finally:
        pg.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest) -> str | None:
    """Every API test on SQLite (the default, in the data folder) and on PostgreSQL (by URL)."""
    if request.param == "sqlite":
        return None
    pg = request.getfixturevalue("postgres")
    if pg is None:
        pytest.skip("PostgreSQL is not installed here (CI installs it and sets GOVREPORT_REQUIRE_POSTGRES=1)")
    url: str = pg.new_database()
    return url


@pytest.fixture
def client(data: Path, db_url: str | None) -> Iterator[TestClient]:
    app = create_app(Settings(data=data, db_url=db_url, token=TOKEN, max_upload=2 * 1024 * 1024,
                              max_batch=4 * 1024 * 1024))
    with TestClient(app) as c:
        c.headers.update(AUTH)
        yield c


def upload(c: TestClient, name: str, content: bytes) -> dict:
    r = c.post("/api/reports", files={"file": (name, content)})
    assert r.status_code in (200, 201), r.text
    return r.json()


def c5_review(findings: list[dict]) -> dict:
    return next(f for f in findings if f["rule"] == "C5" and f["subject"] == "表四 行政复议")


def test_health_is_open_and_every_other_api_route_needs_the_token(client: TestClient) -> None:
    anonymous = TestClient(client.app)
    assert anonymous.get("/api/health").json() == {"status": "ok"}
    routes = [(m.upper(), path) for path, ops in client.app.openapi()["paths"].items() for m in ops]
    routes += [("GET", "/docs"), ("GET", "/openapi.json")]
    assert len(routes) > 20
    for method, path in routes:
        if path == "/api/health":
            continue
        url = path.replace("{report_id}", "1").replace("{batch_id}", "1").replace("{unit_id}", "1") \
                  .replace("{fp}", "x").replace("{ext}", "md")
        r = anonymous.request(method, url)
        assert r.status_code == 401, (method, path, r.status_code)
        assert anonymous.request(method, url, headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert anonymous.get("/", follow_redirects=False).status_code == 401  # the page: 401 with the login form
    # /static is open, as the README says, because it holds only the page's own stylesheet and script.
    static = Path(create_app.__code__.co_filename).parent / "static"
    assert sorted(p.name for p in static.iterdir()) == ["app.css", "app.js"]
    assert anonymous.get("/static/app.css").status_code == 200
    assert anonymous.get("/static/../db.py").status_code == 404


def test_upload_analyses_and_a_duplicate_returns_the_existing_report(client: TestClient, data: Path) -> None:
    r = client.post("/api/reports", files={"file": ("a.txt", failing_report())})
    assert r.status_code == 201
    body = r.json()
    assert body["created"] is True and body["status"] == "FAIL" and body["failed_rules"] == ["C5"]
    assert body["report"]["tables"]["table4"]["rows"]["review"]["cells"][0]["value"] == 3
    assert body["uploaded_by"] == "admin"
    again = client.post("/api/reports", files={"file": ("renamed.txt", failing_report())})
    assert again.status_code == 200 and again.json()["id"] == body["id"] and again.json()["created"] is False
    assert len(client.get("/api/reports").json()) == 1
    stored = [p for p in (data / "files").rglob("*") if p.is_file()]
    assert [p.name for p in stored] == [body["sha256"]]
    assert client.get(f"/api/reports/{body['id']}").json()["report"]["summary"]["status"] == "FAIL"


@pytest.mark.parametrize(("name", "content"), [
    ("empty.txt", b""),
    ("binary.bin", bytes(range(256)) * 40),
    ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600),
    ("notes.txt", "会议纪要：今天讨论了食堂菜单。".encode() * 20),
])
def test_unreadable_upload_is_422_with_the_cli_reason(client: TestClient, tmp_path: Path, name: str, content: bytes,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    r = client.post("/api/reports", files={"file": (name, content)})
    assert r.status_code == 422
    path = tmp_path / name
    path.write_bytes(content)
    capsys.readouterr()
    assert cli_main(["parse", str(path)]) == 2
    cli_reason = capsys.readouterr().err.strip().removeprefix("govreport: ").replace(str(path), name)
    assert r.json()["detail"] == cli_reason
    assert client.get("/api/reports").json() == []


def test_over_the_size_limit_is_413_and_nothing_is_stored(client: TestClient, data: Path) -> None:
    big = b"x" * (3 * 1024 * 1024)
    r = client.post("/api/reports", files={"file": ("big.txt", big)})
    assert r.status_code == 413 and "上限" in r.json()["detail"]
    assert not [p for p in (data / "files").rglob("*") if p.is_file()]


def test_review_is_recorded_with_the_user_and_survives_reanalysis(client: TestClient) -> None:
    rid = upload(client, "a.txt", failing_report())["id"]
    fail = c5_review(client.get(f"/api/reports/{rid}/findings").json())
    assert fail["status"] == "FAIL" and fail["review"]["state"] == "pending"
    r = client.patch(f"/api/reports/{rid}/findings/{fail['fingerprint']}",
                     json={"review": "confirmed", "comment": "已退回单位修改"})
    assert r.status_code == 200
    review = r.json()["review"]
    assert review["state"] == "confirmed" and review["reviewer"] == "admin" and review["comment"] == "已退回单位修改"
    assert review["time"]
    assert client.patch(f"/api/reports/{rid}/findings/{fail['fingerprint']}", json={"review": "maybe"}).status_code == 422
    assert client.patch(f"/api/reports/{rid}/findings/nope", json={"review": "confirmed"}).status_code == 404
    again = client.post(f"/api/reports/{rid}/reanalyze").json()
    kept = c5_review(again["report"]["findings"])
    assert kept["fingerprint"] == fail["fingerprint"] and kept["review"]["state"] == "confirmed"
    assert "carried_from" not in kept["review"]


def test_fingerprints_are_rule_subject_and_cells_not_position(client: TestClient) -> None:
    rid = upload(client, "a.txt", failing_report())["id"]
    findings = client.get(f"/api/reports/{rid}/findings").json()
    fps = [f["fingerprint"] for f in findings]
    assert len(set(fps)) == len(fps)
    other = upload(client, "b.txt", failing_report(upheld=4))["id"]  # another value, same cells
    assert c5_review(client.get(f"/api/reports/{other}/findings").json())["fingerprint"] == c5_review(findings)["fingerprint"]


def test_cell_correction_is_stored_beside_the_parsed_value_and_the_checks_rerun(client: TestClient) -> None:
    rid = upload(client, "a.txt", failing_report())["id"]
    fail = c5_review(client.get(f"/api/reports/{rid}/findings").json())
    client.patch(f"/api/reports/{rid}/findings/{fail['fingerprint']}", json={"review": "confirmed"})
    r = client.patch(f"/api/reports/{rid}/cells", json={"table": "table4", "row": "review", "column": "结果维持",
                                                        "value": 0, "reason": "原文为 0，解析有误"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "PASS" and body["failed_rules"] == []
    assert body["parsed_summary"]["status"] == "FAIL"
    [fix] = body["corrections"]
    assert (fix["table"], fix["row"], fix["column"], fix["value"]) == ("table4", "review", 0, 0)
    assert fix["parsed"]["value"] == 3 and fix["parsed"]["printed"] == "3" and fix["reviewer"] == "admin"
    assert body["report"]["review_litigation"]["review"]["upheld"] == 0
    assert client.get(f"/api/reports/{rid}").json()["report"]["tables"]["table4"]["rows"]["review"]["cells"][0]["value"] == 0
    passed = c5_review(body["report"]["findings"])
    assert passed["status"] == "PASS"
    assert passed["review"]["state"] == "confirmed" and passed["review"]["carried_from"] == fail["fingerprint"]
    assert client.get("/api/reports", params={"status": "FAIL"}).json() == []
    # re-analysis keeps the correction; removing it brings the parsed value and the FAIL back
    assert client.post(f"/api/reports/{rid}/reanalyze").json()["status"] == "PASS"
    back = client.patch(f"/api/reports/{rid}/cells", json={"table": "table4", "row": "review", "column": 0,
                                                           "value": None}).json()
    assert back["status"] == "FAIL" and back["corrections"] == []
    assert c5_review(back["report"]["findings"])["review"]["state"] == "confirmed"


def test_bad_corrections_are_refused(client: TestClient) -> None:
    rid = upload(client, "a.txt", failing_report())["id"]
    for body in ({"table": "table9", "row": "review", "column": 0, "value": 1},
                 {"table": "table4", "row": "nope", "column": 0, "value": 1},
                 {"table": "table4", "row": "review", "column": 9, "value": 1},
                 {"table": "table3", "row": "new_received", "column": "不存在", "value": 1}):
        assert client.patch(f"/api/reports/{rid}/cells", json=body).status_code == 422, body


def test_filters_by_status_rule_year_and_unit(client: TestClient) -> None:
    fail = upload(client, "a.txt", failing_report())
    ok = upload(client, "b.txt", SEEDS[0].read_bytes())
    ids = lambda **p: [r["id"] for r in client.get("/api/reports", params=p).json()]  # noqa: E731
    assert ids(status="FAIL") == [fail["id"]]
    assert ids(rule="C5") == [fail["id"]] and ids(rule="C1") == []
    assert ids(status="PASS") == [ok["id"]]
    assert set(ids(year=fail["year"])) >= {fail["id"]}
    assert ids(unit=fail["organization"][:3]) == [fail["id"]] if fail["organization"] != ok["organization"] else True


def test_users_get_hashed_tokens_and_reviews_name_them(client: TestClient, data: Path) -> None:
    ctx = client.app.state.ctx
    token = add_user(ctx.db, "张三")
    rid = upload(client, "a.txt", failing_report())["id"]
    fp = c5_review(client.get(f"/api/reports/{rid}/findings").json())["fingerprint"]
    r = client.patch(f"/api/reports/{rid}/findings/{fp}", json={"review": "dismissed"},
                     headers={"Authorization": f"Bearer {token}"})
    assert r.json()["review"]["reviewer"] == "张三"
    with ctx.db.session() as s:
        stored = [tuple(row) for row in s.execute(text("SELECT name, token_hash FROM users"))]
    assert stored == [("张三", hashlib.sha256(token.encode()).hexdigest())]


def test_download_is_never_html(client: TestClient) -> None:
    html = (EVAL / "corpus" / "dev" / "synthetic-city-2025.html").read_bytes()
    rid = upload(client, "page.html", html)["id"]
    r = client.get(f"/api/reports/{rid}/file")
    assert r.content == html
    assert r.headers["content-type"] == "application/octet-stream"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["content-disposition"].startswith("attachment")
    assert client.get(f"/api/reports/{rid}/text").headers["content-type"].startswith("text/plain")


def test_units_registry_attaches_reports_and_shows_coverage(client: TestClient) -> None:
    top = client.post("/api/units", json={"name": "淮安市人民政府", "type": "政府"}).json()
    hz = client.post("/api/units", json={"name": "洪泽区人民政府", "type": "部门", "parent_id": top["id"],
                                         "aliases": ["洪泽区政府"]}).json()
    missing = client.post("/api/units", json={"name": "某某镇人民政府", "type": "乡镇街道", "parent_id": top["id"]}).json()
    assert client.post("/api/units", json={"name": "洪泽区人民政府"}).status_code == 409
    r23 = upload(client, "hz23.pdf", HONGZE_2023.read_bytes())
    r24 = upload(client, "hz24.pdf", HONGZE_2024.read_bytes())
    assert r23["unit_id"] == hz["id"] and r24["unit_id"] == hz["id"]
    cov = client.get("/api/coverage", params={"year": 2023, "parent_id": top["id"]}).json()
    assert cov["expected"] == 2 and cov["received"] == 1 and cov["missing"] == [missing["name"]]
    assert cov["by_type"]["乡镇街道"] == {"expected": 1, "received": 0, "missing": 1}
    top_level = client.get("/api/coverage", params={"year": 2023}).json()
    assert top_level["units"][0]["children"]["missing"] == [missing["name"]]
    years = client.get(f"/api/units/{hz['id']}/years").json()
    assert [y["year"] for y in years["years"]] == [2023, 2024]
    assert {c["rule"] for c in years["checks"]} == {"C6", "C7"}
    # The report page shows the same year-over-year table and cross-year checks (not API-only).
    page = client.get(f"/reports/{r24['id']}").text
    section = page[page.index('id="years"'):page.index("</section>", page.index('id="years"'))]
    for rep, year in ((r23, 2023), (r24, 2024)):
        assert f'<a href="/reports/{rep["id"]}">{year}</a>' in section
    for y in years["years"]:
        assert f"<td>{y['new_received']}</td>" in section
    for c in years["checks"]:
        assert f"<b>{c['rule']}</b> 2023→2024：{c['message']}" in section


def test_units_xlsx_round_trip(client: TestClient) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["名称", "类型", "上级", "别名"])
    ws.append(["甲镇人民政府", "乡镇街道", "某县人民政府", "甲镇；甲镇政府"])
    ws.append(["某县人民政府", "政府", "", ""])
    buf = io.BytesIO()
    wb.save(buf)
    r = client.post("/api/units/import", files={"file": ("units.xlsx", buf.getvalue())})
    assert r.json() == {"created": 2, "updated": 0}
    units = {u["name"]: u for u in client.get("/api/units").json()}
    assert units["甲镇人民政府"]["parent_id"] == units["某县人民政府"]["id"]
    assert units["甲镇人民政府"]["aliases"] == ["甲镇", "甲镇政府"]
    out = load_workbook(io.BytesIO(client.get("/api/units/export.xlsx").content)).active
    rows = [list(r) for r in out.iter_rows(values_only=True)]
    assert rows[0] == ["名称", "类型", "上级", "别名"]
    assert ["甲镇人民政府", "乡镇街道", "某县人民政府", "甲镇；甲镇政府"] in rows
    bad = client.post("/api/units/import", files={"file": ("x.xlsx", b"not a workbook")})
    assert bad.status_code == 422 and "xlsx" in bad.json()["detail"]


def _zip(entries: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as zf:
        for name, content in entries.items():
            zf.writestr(name, content)
    return buf.getvalue()


def wait_batch(c: TestClient, bid: int, timeout: float = 120) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        b = c.get(f"/api/batches/{bid}").json()
        if b["status"] in ("done", "failed"):
            return b
        time.sleep(0.2)
    raise AssertionError(f"batch {bid} did not finish: {b}")


def test_batch_from_a_zip_runs_the_batch_engine_and_stores_the_reports(client: TestClient) -> None:
    z = _zip({"reports/a.txt": SEEDS[0].read_bytes(), "reports/b.txt": failing_report(),
              "reports/empty.txt": b"", "readme.jpg": b"ignored"})
    r = client.post("/api/batches", files=[("files", ("in.zip", z, "application/zip")),
                                           ("files", ("c.txt", SEEDS[2].read_bytes())),
                                           ("files", ("notes", "会议纪要".encode() * 50))])
    assert r.status_code == 202, r.text
    b = wait_batch(client, r.json()["id"])
    assert b["status"] == "done" and b["files"] == 5 and b["done"] == 5 and b["progress"] == 1.0
    by_file = {rec["file"]: rec for rec in b["records"]}
    assert by_file["empty.txt"]["status"] == "error" and "空" in by_file["empty.txt"]["error"]
    # A file uploaded by name is never dropped for its extension: it gets its record like the others.
    assert by_file["notes"]["status"] == "error" and by_file["notes"]["error"]
    assert all(by_file[n]["report_id"] for n in ("a.txt", "b.txt", "c.txt"))
    assert client.get(f"/api/reports/{by_file['b.txt']['report_id']}").json()["failed_rules"] == ["C5"]
    for ext in ("xlsx", "md", "docx"):
        d = client.get(b["summaries"][ext])
        assert d.status_code == 200 and len(d.content) > 100 and "html" not in d.headers["content-type"]
    assert "C5" in client.get(b["summaries"]["md"]).text


@pytest.mark.parametrize(("entries", "status", "reason"), [
    ({"../x.txt": b"evil"}, 422, "压缩包之外"),
    ({"/etc/x.txt": b"evil"}, 422, "压缩包之外"),
    ({"a/../../x.txt": b"evil"}, 422, "压缩包之外"),
    ({"bomb.txt": b"0" * (3 * 1024 * 1024)}, 413, "zip 炸弹"),
    ({"notes.jpg": b"x"}, 422, "没有报告文件"),
])
def test_bad_zips_are_refused_and_nothing_is_written_outside_the_data_folder(
        client: TestClient, tmp_path: Path, data: Path, entries: dict[str, bytes], status: int, reason: str) -> None:
    before = {p for p in tmp_path.rglob("*") if not p.is_relative_to(data)}
    r = client.post("/api/batches", files=[("files", ("x.zip", _zip(entries), "application/zip"))])
    assert r.status_code == status and reason in r.json()["detail"], r.text
    after = {p for p in tmp_path.rglob("*") if not p.is_relative_to(data)}
    assert after == before
    assert not (tmp_path / "x.txt").exists() and not (data.parent / "x.txt").exists()
    assert client.get("/api/batches").json() == []
    assert not list((data / "batches").iterdir())


def test_a_batch_over_the_limit_is_413(client: TestClient) -> None:
    r = client.post("/api/batches", files=[("files", ("a.txt", b"x" * (5 * 1024 * 1024)))])
    assert r.status_code == 413


def test_the_report_page_marks_failing_inferred_and_corrected_cells(client: TestClient) -> None:
    inferred = upload(client, "seed.txt", SEEDS[0].read_bytes())["id"]  # 8 cells not printed, inferred
    page = client.get(f"/reports/{inferred}")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert page.text.count('class="cell inferred"') == 8
    rid = upload(client, "a.txt", failing_report())["id"]
    html = client.get(f"/reports/{rid}").text
    assert html.count('class="cell fail"') == 5 and '<mark class="fail"' in html
    client.patch(f"/api/reports/{rid}/cells", json={"table": "table4", "row": "review", "column": 0, "value": 0})
    html = client.get(f"/reports/{rid}").text
    assert html.count('class="cell fail"') == 0 and html.count('class="cell corrected"') == 1
    assert "script-src 'self'" in client.get(f"/reports/{rid}").headers["content-security-policy"]


def test_a_missing_row_is_404_saying_what_is_missing(client: TestClient) -> None:
    """One lookup (service/server/rows.py) for every route: JSON for the API, the 未找到 page for pages."""
    for method, url, what in [("get", "/api/reports/999", "报告 999"), ("get", "/api/reports/999/findings", "报告 999"),
                              ("get", "/api/reports/999/file", "报告 999"), ("post", "/api/reports/999/reanalyze", "报告 999"),
                              ("get", "/api/batches/999", "批次 999"), ("delete", "/api/units/999", "单位 999"),
                              ("get", "/api/units/999/years", "单位 999")]:
        r = getattr(client, method)(url)
        assert r.status_code == 404 and r.json() == {"detail": f"没有{what}"}, (url, r.text)
    for url, what in [("/reports/999", "报告 999"), ("/batches/999", "批次 999")]:
        r = client.get(url)
        assert r.status_code == 404 and "text/html" in r.headers["content-type"], (url, r.text[:300])
        assert f"未找到{what}" in r.text and "<span>admin</span>" in r.text, r.text[:500]  # the page, signed in
