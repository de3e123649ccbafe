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
        help="运行审核服务: JSON 接口、数据库和网页(需先安装附加依赖 '.[server]')",
        description="运行审核服务。除 /api/health 外的每个接口都需要令牌: 设置 GOVREPORT_TOKEN, "
                    "或用 --add-user 创建用户。数据(数据库、上传的文件、批次)存放在 --data 目录。",
    )
    p.add_argument("--host", default="127.0.0.1", help="监听地址(默认 127.0.0.1)")
    p.add_argument("--port", type=_port, default=8000, help="端口(默认 8000; 0 表示任选一个空闲端口)")
    p.add_argument("--data", type=Path, default=Path("govreport-data"), metavar="DIR",
                   help="数据目录: SQLite 数据库、按哈希存放的文件、批次(默认 ./govreport-data)")
    p.add_argument("--db", default=None, metavar="URL",
                   help="数据库地址, 代替 --data 中的 SQLite, 如 postgresql+psycopg://user@host/govreport")
    p.add_argument("--add-user", metavar="NAME", help="创建用户(或为其换发令牌), 打印令牌后退出")
    p.set_defaults(func=run)


def _port(text: str) -> int:
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"端口应为 0 到 65535 的整数, 而不是 {text!r}")
    return int(text)


def run(args: argparse.Namespace) -> int:
    try:
        import uvicorn

        from service.server.app import Settings, create_app
    except ImportError as exc:
        raise ConfigError(f"审核服务需要附加依赖: pip install 'govreport[server]'({exc})") from exc
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
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError, SQLAlchemyError

    try:
        app = create_app(settings)
    except SQLAlchemyError as exc:
        where = "--db 所指的数据库" if args.db else f"{data} 中的数据库"
        why = ("地址无效或没有它的驱动" if isinstance(exc, ArgumentError | NoSuchModuleError)
               else "连接失败" if isinstance(exc, OperationalError) else "出错")
        raise ConfigError(f"无法打开{where}: {why}, 请检查地址、驱动和权限") from exc
    if not app.state.ctx.auth.configured():
        print("govreport serve: 尚未配置令牌: 请设置 GOVREPORT_TOKEN 或用 --add-user NAME 创建用户; "
              "在此之前除 /api/health 外的每个接口都返回 401", file=sys.stderr)
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
        raise ConfigError(f"无法监听 {args.host}:{args.port}: {exc.strerror or exc}") from exc
    port = sock.getsockname()[1]
    print(f"govreport serve: 正在监听 http://{args.host}:{port}(数据目录 {data})", file=sys.stderr, flush=True)
    server.run(sockets=[sock])
    return 0
