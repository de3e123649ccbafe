"""govreport serve: the review service (HTTP API, database, web page) on 127.0.0.1:8000 by default."""

from __future__ import annotations

import argparse
import os
import socket
import sys
from pathlib import Path

from service.errors import ConfigError


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "serve",
        help="run the review service: JSON API, database and web page (needs the 'server' extra)",
        description="Serve the review service. Every route but /api/health needs the token: set GOVREPORT_TOKEN, "
                    "or create users with --add-user. Data (database, uploaded files, batches) goes to --data.",
    )
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000; 0 picks a free one)")
    p.add_argument("--data", type=Path, default=Path("govreport-data"), metavar="DIR",
                   help="data folder: SQLite database, files stored by hash, batches (default ./govreport-data)")
    p.add_argument("--db", default=None, metavar="URL",
                   help="database URL instead of SQLite in --data, e.g. postgresql+psycopg://user@host/govreport")
    p.add_argument("--add-user", metavar="NAME", help="create a user (or give it a new token), print the token, exit")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        import uvicorn

        from service.server.app import Settings, create_app
    except ImportError as exc:
        raise ConfigError(f"the server needs its extra: pip install 'govreport[server]' ({exc})") from exc
    data: Path = args.data
    data.mkdir(parents=True, exist_ok=True)
    # Uploads are spooled to disk by the multipart parser: keep even those inside the data folder.
    import tempfile

    (data / "tmp").mkdir(exist_ok=True)
    tempfile.tempdir = str((data / "tmp").resolve())
    settings = Settings(data=data, db_url=args.db)
    if args.add_user:
        from service.server.auth import add_user
        from service.server.db import Database, migrate, sqlite_url

        db = Database(args.db or sqlite_url(data.resolve()))
        migrate(db.engine)
        print(add_user(db, args.add_user))
        return 0
    app = create_app(settings)
    if not app.state.ctx.auth.configured():
        print("govreport serve: no token is configured: set GOVREPORT_TOKEN or create a user with --add-user NAME; "
              "until then every route but /api/health answers 401", file=sys.stderr)
    config = uvicorn.Config(app, host=args.host, port=args.port, log_level=os.environ.get("GOVREPORT_LOG", "warning"),
                            access_log=False)
    server = uvicorn.Server(config)
    # Bound here, so the port picked for --port 0 can be printed (for people and for tests).
    family = socket.AF_INET6 if ":" in args.host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((args.host, args.port))
    except OSError as exc:
        raise ConfigError(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}") from exc
    port = sock.getsockname()[1]
    print(f"govreport serve: listening on http://{args.host}:{port} (data in {data})", file=sys.stderr, flush=True)
    server.run(sockets=[sock])
    return 0
