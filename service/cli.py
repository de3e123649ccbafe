"""The govreport command line. Errors become one-line messages and exit codes here, and only here.

Everything a user reads is Chinese: argparse's own words (usage, section titles, its error messages)
are translated by the parser class below; option names, metavars and JSON keys stay as they are.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import logging
import os
import re
import sys
import traceback
from collections.abc import Iterable, Sequence
from typing import Any, NoReturn

from service import __version__
from service.errors import GovreportError, InputError, os_error_text

#: Subcommand modules under service.commands, each with register(subparsers).
COMMANDS = ["parse", "check", "batch", "eval", "schema", "llm", "serve"]

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT, EXIT_INTERNAL = 0, 1, 2, 3

#: Commands that never read a report file: they run without the read guard (no read server, and
#: GOVREPORT_READ_TIMEOUT is not theirs to check). Every other command reads within guarded_reads.
NO_REPORT_READS = frozenset({"schema", "llm"})

#: Commands that read one report file, named on the command line: their read server is started first,
#: so that its start-up overlaps the loading of the pipeline.
ONE_FILE = frozenset({"parse", "check"})

#: argparse's error messages, in Chinese (patterns on the English text argparse formats).
_ERRORS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"the following arguments are required: (.+)"), r"缺少必需的参数: \1"),
    (re.compile(r"argument (.+?): invalid choice: (.+?) \(choose from (.+)\)"), r"参数 \1: 无效的选项 \2(可选: \3)"),
    (re.compile(r"argument (.+?): invalid (\w+) value: (.+)"), r"参数 \1: 无效的值 \3(应为 \2)"),
    (re.compile(r"argument (.+?): expected one argument"), r"参数 \1 需要一个值"),
    (re.compile(r"argument (.+?): expected at least one argument"), r"参数 \1 至少需要一个值"),
    (re.compile(r"argument (.+?): not allowed with argument (.+)"), r"参数 \1 不能与 \2 同时使用"),
    (re.compile(r"unrecognized arguments: (.+)"), r"无法识别的参数: \1"),
    (re.compile(r"argument (.+?): (?=[^A-Za-z])(.+)"), r"参数 \1: \2"),  # a type's own (Chinese) message
    (re.compile(r"one of the arguments (.+) is required"), r"必须给出以下参数之一: \1"),
    (re.compile(r"ambiguous option: (.+?) could match (.+)"), r"选项 \1 有歧义, 可能是: \2"),
]


_TYPES = {"(应为 int)": "(应为整数)", "(应为 float)": "(应为数字)", "(应为 Path)": "(应为路径)"}


def translate_error(message: str) -> str:
    for pattern, zh in _ERRORS:
        if pattern.search(message):
            message = pattern.sub(zh, message)
            break
    for en, zh in _TYPES.items():
        message = message.replace(en, zh)
    return message


def _terminal_columns() -> int:
    """``shutil.get_terminal_size().columns``, which argparse asks for each argument a parser is given,
    without importing shutil (with its compression modules, ~1.5 ms of a one-file call)."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        stdout = sys.__stdout__
        try:
            columns = os.get_terminal_size(stdout.fileno()).columns if stdout is not None else 0
        except (AttributeError, ValueError, OSError):  # closed, detached, not a terminal
            columns = 0
    return columns or 80


class _Formatter(argparse.HelpFormatter):
    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24,
                 width: int | None = None, **kwargs: bool) -> None:
        # **kwargs: any keyword a later argparse passes its formatter class besides these
        super().__init__(prog, indent_increment, max_help_position,
                         _terminal_columns() - 2 if width is None else width, **kwargs)

    def add_usage(self, usage: str | None, actions: Iterable[argparse.Action],
                  groups: Iterable[argparse._MutuallyExclusiveGroup], prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, prefix="用法: " if prefix is None else prefix)


class ChineseArgumentParser(argparse.ArgumentParser):
    """argparse with Chinese usage, section titles, -h text and error messages."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = "位置参数"
        self._optionals.title = "选项"
        self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS, help="显示本帮助并退出")

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_INPUT, f"{self.prog}: 错误: {translate_error(message)}\n")


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The parser with every subcommand; with ``only`` naming a command, that one alone ("" for none):
    a command's module (and what it imports) is loaded only when it runs, so ``govreport parse`` never
    loads batch, evaluation or their libraries."""
    parser = ChineseArgumentParser(
        prog="govreport",
        description="政府信息公开工作年度报告的结构化数据与核验: 解析表格、核验勾稽关系、抽取正文、批量汇总。",
    )
    parser.add_argument("--version", action="version", version=f"govreport {__version__}", help="显示版本号并退出")
    parser.add_argument("--debug", action="store_true", help="内部错误时显示完整的调用栈")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", title="子命令")
    names = [] if only == "" else [only] if only in COMMANDS else COMMANDS
    for name in names:
        try:
            module = importlib.import_module(f"service.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"service.commands.{name}":
                continue  # command not built yet
            raise
        module.register(sub)
    return parser


def _command_of(argv: Sequence[str]) -> str | None:
    """The subcommand named in ``argv``: its first word that is not a global option ("" for a bare
    ``--version``, which needs none; None, meaning all, for help)."""
    command = next((a for a in argv if not a.startswith("-")), None)
    return "" if command is None and "--version" in argv else command


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    command = _command_of(argv)
    if command in ONE_FILE and "-" not in argv:  # "-": standard input, which no server reads
        from service.reading.files import start_read_server

        start_read_server()
    parser = build_parser(command)
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_INPUT
    debug = args.debug or bool(os.environ.get("GOVREPORT_DEBUG"))
    _redact_logs()
    try:
        if args.command in NO_REPORT_READS:
            return int(args.func(args))
        from service.reading.files import guarded_reads

        with guarded_reads():  # a report on a hung mount is an error after GOVREPORT_READ_TIMEOUT, not a hang
            code: int = args.func(args)
        return code
    except InputError as exc:
        print(f"govreport: 无法读取 {redact(str(exc))}", file=sys.stderr)
        return EXIT_INPUT
    except GovreportError as exc:
        print(f"govreport: 错误: {redact(str(exc))}", file=sys.stderr)
        return EXIT_INPUT
    except OSError as exc:  # an output path or the environment (a file where a folder should be, no space)
        print(f"govreport: 错误: {redact(os_error_text(exc))}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        print("govreport: 已中断", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:
        if debug:
            print(redact(traceback.format_exc()), end="", file=sys.stderr)
            return EXIT_INTERNAL
        print(f"govreport: 内部错误: {type(exc).__name__}: {redact(str(exc))}(加 --debug 查看详情)", file=sys.stderr)
        return EXIT_INTERNAL


def redact(text: str) -> str:
    """``text`` without the API keys of the environment (loaded only on an error or a log line)."""
    from service.extraction.settings import redact as redact_keys

    return redact_keys(text)


class _RedactingFormatter(logging.Formatter):
    """Log lines (the libraries' too: instructor logs the endpoint's error text) without API keys."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def _redact_logs() -> None:
    """Warnings and errors logged by any library go to stderr as before, with API keys replaced by ***."""
    root = logging.getLogger()
    if not any(isinstance(h.formatter, _RedactingFormatter) for h in root.handlers):
        handler = logging.StreamHandler()
        handler.setLevel(logging.WARNING)
        handler.setFormatter(_RedactingFormatter("%(message)s"))
        root.addHandler(handler)


#: Commands that leave nothing to clean up (one file in, one answer out): they end without the
#: interpreter's teardown of every loaded module, about 15% of a one-file call.
QUICK_EXIT = frozenset({"parse", "check", "schema"})


def entry() -> None:
    try:
        code = main()
    except KeyboardInterrupt:  # Ctrl-C while the command's modules load, before main's own handler
        print("govreport: 已中断", file=sys.stderr)
        code = 130
    if _command_of(sys.argv[1:]) in QUICK_EXIT:
        with contextlib.suppress(OSError):  # stdout closed early (| head): nothing left to say
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)
    sys.exit(code)


if __name__ == "__main__":
    entry()
