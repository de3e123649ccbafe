"""Load on the review service: many clients uploading at once against ``govreport serve`` on 127.0.0.1.

    .venv/bin/python bench/server_load.py [--clients 20] [--reports 200] [--copies 2]

Starts a server on an ephemeral port with a fresh data folder, then ``--clients`` clients (threads, one
HTTP connection each, released together) upload ``--reports`` distinct reports, each ``--copies`` times by
different clients, so the same file races itself. It checks that every report is stored exactly once (one
201, the other copies 200 with the same id; one row and one stored file per report), that none is lost and
that no request got a 5xx or failed, and exits 1 otherwise. Bounded: a fixed number of requests, a
timeout on each, the server stopped at the end.

Baseline in the same run: the same reports analysed one after another in this process by the pipeline the
server runs (no HTTP, no database); the figure is the load's wall time as a ratio to it.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import httpx  # noqa: E402

from service.server.analysis import analyze, read  # noqa: E402
from tests.server_support import Server, variant  # noqa: E402


@dataclass
class Outcome:
    statuses: Counter[int] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    ids: dict[int, set[int]] = field(default_factory=dict)  # report index -> ids answered
    seconds: float = 0.0


def load(server: Server, reports: list[bytes], clients: int, copies: int, timeout: float = 120) -> Outcome:
    """Every report uploaded ``copies`` times, by ``clients`` clients released at once."""
    jobs = [(i, c) for c in range(copies) for i in range(len(reports))]
    per_client = [jobs[k::clients] for k in range(clients)]
    barrier = threading.Barrier(clients)
    out = Outcome()
    lock = threading.Lock()

    def client(mine: list[tuple[int, int]]) -> None:
        with server.client(timeout=timeout) as c:
            barrier.wait()
            for i, copy in mine:
                try:
                    r = c.post("/api/reports", files={"file": (f"r{i:03d}-{copy}.txt", reports[i])})
                except httpx.HTTPError as exc:
                    with lock:
                        out.errors.append(f"report {i}: {type(exc).__name__}: {exc}")
                    continue
                with lock:
                    out.statuses[r.status_code] += 1
                    if r.status_code in (200, 201):
                        out.ids.setdefault(i, set()).add(r.json()["id"])
                    else:
                        out.errors.append(f"report {i}: HTTP {r.status_code}: {r.text[:200]}")

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        list(pool.map(client, per_client))
    out.seconds = time.perf_counter() - start
    return out


def verify(server: Server, data: Path, reports: list[bytes], out: Outcome, copies: int) -> list[str]:
    """What went wrong (empty when every report is stored exactly once and nothing failed)."""
    problems = list(out.errors)
    if any(s >= 500 for s in out.statuses):
        problems.append(f"5xx answers: {dict(out.statuses)}")
    if out.statuses[201] != len(reports):
        problems.append(f"{out.statuses[201]} reports created, expected {len(reports)}")
    if out.statuses[200] != len(reports) * (copies - 1):
        problems.append(f"{out.statuses[200]} duplicates answered, expected {len(reports) * (copies - 1)}")
    if any(len(v) != 1 for v in out.ids.values()) or len(out.ids) != len(reports):
        problems.append("a report got more than one id, or none")
    with server.client() as c:
        stored = c.get("/api/reports", params={"limit": 5000}).json()
    if len(stored) != len(reports) or len({r["sha256"] for r in stored}) != len(reports):
        problems.append(f"{len(stored)} reports in the database, expected {len(reports)}")
    files = [p for p in (data / "files").rglob("*") if p.is_file()]
    if len(files) != len(reports):
        problems.append(f"{len(files)} files stored, expected {len(reports)}")
    return problems


def baseline(reports: list[bytes]) -> float:
    start = time.perf_counter()
    for i, data in enumerate(reports):
        analyze(read(data, f"r{i:03d}.txt"))
    return time.perf_counter() - start


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--reports", type=int, default=200)
    ap.add_argument("--copies", type=int, default=2, help="uploads of each report (by different clients)")
    args = ap.parse_args()
    reports = [variant(i) for i in range(args.reports)]
    base = baseline(reports)
    with tempfile.TemporaryDirectory(prefix="govreport-load-") as tmp:
        data = Path(tmp) / "data"
        server = Server(data).start()
        try:
            out = load(server, reports, args.clients, args.copies)
            problems = verify(server, data, reports, out, args.copies)
        finally:
            server.stop()
    n = args.reports * args.copies
    print(f"{args.clients} clients, {args.reports} reports × {args.copies} uploads = {n} requests: "
          f"{out.seconds:.2f} s, {n / out.seconds:.0f} requests/s; answers {dict(sorted(out.statuses.items()))}")
    print(f"baseline: the pipeline alone, one report after another in one process: {base:.2f} s "
          f"({args.reports / base:.0f} reports/s)")
    print(f"ratio: load wall time / baseline = {out.seconds / base:.2f}")
    if problems:
        for p in problems:
            print("PROBLEM:", p)
        return 1
    print(f"OK: every report stored once ({args.reports} rows, {args.reports} files), none lost, no 5xx")
    return 0


if __name__ == "__main__":
    sys.exit(main())
