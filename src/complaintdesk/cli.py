"""The command line (DESIGN §9): GUI start, demo, seeding, checks, printing, reports, backups.

Imports are lazy so that `complaintdesk` shows its window before the heavy libraries load.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .paths import data_dir_for, database_config_for


class _VersionAction(argparse.Action):
    """`--version`, with the version looked up only when asked for (importlib.metadata
    costs ~25 ms that every start would pay)."""

    def __init__(self, option_strings: list[str], dest: str = argparse.SUPPRESS,
                 **kwargs: object) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS,
                         help="显示版本号并退出")

    def __call__(self, parser: argparse.ArgumentParser, *_args: object) -> None:
        from . import __version__

        print(f"ComplaintDesk {__version__}")  # on stdout, as argparse's own version action
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="complaintdesk",
        description="ComplaintDesk 客户投诉处理系统。不带子命令时启动图形界面。",
    )
    p.add_argument("--version", action=_VersionAction)
    p.add_argument("--data-dir", type=Path, help="数据文件夹（默认：用户数据目录）")
    p.add_argument("--database-url", help="数据库地址（默认：数据文件夹中的 SQLite；多台电脑共用时填 PostgreSQL 地址）")
    p.add_argument("--pg-backup-done", action="store_true",
                   help="PostgreSQL 数据库升级：管理员已用 pg_dump 备份过（本机没有 pg_dump 时）")
    p.add_argument("--verbose", action="store_true", help="日志中记录调试信息")
    p.add_argument("--self-check", action="store_true",
                   help="自检：临时数据库、表单、报表、界面组件，全部正常时退出码为 0")
    sub = p.add_subparsers(dest="command", metavar="命令")
    sub.add_parser("gui", help="启动图形界面（默认）")
    d = sub.add_parser("demo", help="用演示数据启动图形界面（默认在临时文件夹中，退出后删除）")
    d.add_argument("--cases", type=int, default=400, help="演示案件数（默认 400）")
    d.add_argument("--data-dir", dest="demo_data_dir", type=Path,
                   help="演示数据保存在此文件夹，下次启动继续使用（为空时才生成演示数据）")
    s = sub.add_parser("seed-demo", help="向数据库写入演示数据（不启动界面）")
    s.add_argument("--cases", type=int, default=400, help="案件数（默认 400）")
    s.add_argument("--seed", type=int, default=20261123, help="随机种子")
    c = sub.add_parser("check", help="检查数据库完整性、审计日志哈希链和统计汇总")
    c.add_argument("--rebuild-statistics", action="store_true",
                   help="先按全部记录重新生成统计汇总，再检查")
    b = sub.add_parser("backup", help="立即备份数据库")
    b.add_argument("--to", "-o", "--output", dest="output", type=Path, metavar="DIR",
                   help="备份到此文件夹，如 U 盘（默认：数据文件夹/backups）")
    r = sub.add_parser("restore", help="从备份恢复数据库（先显示备份内容；当前文件会被保留）")
    r.add_argument("file", type=Path, nargs="?", help="备份文件；不填则列出可用备份")
    r.add_argument("--yes", action="store_true", help="不再确认")
    from .cli_print import add_print_parser

    add_print_parser(sub)
    from .cli_report import add_report_parser

    add_report_parser(sub)
    from .cli_import import add_import_parser

    add_import_parser(sub)
    return p


# the GUI start (app.py) uses the same two (they live in paths.py so app and cli do not
# import each other)
_data_dir = data_dir_for


def _config(args: argparse.Namespace, data_dir: Path):  # noqa: ANN202
    """The database of every command; SQLite on a network share refused (DESIGN §9: also
    for the commands that do not go through open_services, which refuses it too)."""
    from .services.startup_checks import refuse_sqlite_on_network_share

    config = database_config_for(args, data_dir)
    refuse_sqlite_on_network_share(config)
    return config


def _open(args: argparse.Namespace):  # noqa: ANN202
    from .services.container import open_services

    data_dir = _data_dir(args)
    services = open_services(_config(args, data_dir), data_dir=data_dir,
                             pg_backup_done=getattr(args, "pg_backup_done", False))
    warning = services.clock_warning()  # PostgreSQL: this PC's clock off the server's
    if warning:
        print(warning, file=sys.stderr)
    return services


def cmd_seed_demo(args: argparse.Namespace) -> int:
    import time

    from .services.demo import seed_demo

    services = _open(args)
    t0 = time.perf_counter()

    def progress(done: int, total: int) -> None:
        print(f"\r已写入 {done}/{total} 个案件", end="", flush=True)

    summary = seed_demo(services, cases=args.cases, seed=args.seed, progress=progress)
    print(f"\n完成：{summary}，用时 {time.perf_counter() - t0:.1f} 秒")
    services.dispose()
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from .services.maintenance import check_database

    data_dir = _data_dir(args)
    cfg = _config(args, data_dir)
    if getattr(args, "rebuild_statistics", False):
        from .services.file_backups import file_is_sound
        from .services.maintenance import rebuild_statistics

        path = cfg.sqlite_path
        if path is None or file_is_sound(path, data_dir / "backups"):
            print(f"统计汇总已重新生成：{rebuild_statistics(cfg)} 项")
        else:  # a damaged file is reported below, not written to
            print("数据库文件有问题，未重新生成统计汇总。", file=sys.stderr)
    report = check_database(cfg, data_dir)
    for line in report.lines:
        print(line)
    if not report.ok:
        print("检查未通过。", file=sys.stderr)
    return 0 if report.ok else 1


def cmd_backup(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from .services.file_backups import back_up_file, file_is_damaged

    data_dir = _data_dir(args)
    cfg = _config(args, data_dir)
    if cfg.sqlite_path is None or not cfg.sqlite_path.exists():
        print("只能备份本机 SQLite 数据库；PostgreSQL 请使用 pg_dump。", file=sys.stderr)
        return 2
    if file_is_damaged(cfg.sqlite_path, data_dir / "backups"):
        print("数据库文件已损坏，不能备份；请用 complaintdesk restore 从备份恢复。", file=sys.stderr)
        return 1
    folder = args.output or data_dir / "backups"
    if args.output is not None and not args.output.is_dir():
        print(f"备份位置不存在或不是文件夹：{args.output}。", file=sys.stderr)
        return 2
    target = back_up_file(cfg.sqlite_path, folder,
                          datetime.now(UTC).astimezone().strftime("%Y%m%d-%H%M%S"))
    if target.parent.name == "damaged":
        print(f"备份未通过完整性检查，已另存到 {target}（不计入保留的 30 份）。", file=sys.stderr)
        return 1
    print(f"已备份到 {target}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    """Works over a damaged or missing file too; the file replaced is always kept."""
    from datetime import UTC, datetime

    from .services.file_backups import (
        describe_backup,
        list_file_backups,
        loss_preview_text,
        restore_file,
    )

    data_dir = _data_dir(args)
    cfg = _config(args, data_dir)
    if cfg.sqlite_path is None:
        print("只能恢复本机 SQLite 数据库。", file=sys.stderr)
        return 2
    if args.file is None:
        for info in list_file_backups(data_dir / "backups"):
            state = "完好" if info.ok else "已损坏"
            print(f"{info.path}\t{info.created:%Y-%m-%d %H:%M}\t{info.cases} 个案件\t{state}")
        return 0
    if not args.file.is_file():
        print(f"找不到备份文件：{args.file}。", file=sys.stderr)
        return 2
    info = describe_backup(args.file)
    print(f"备份 {info.path.name}：{info.cases} 个案件，{'完好' if info.ok else '已损坏'}")
    if not info.ok:
        print("该备份已损坏，不能恢复。", file=sys.stderr)
        return 1
    db = cfg.sqlite_path
    if db.exists() and db.stat().st_size > 0:
        print(loss_preview_text(args.file, db, datetime.now(UTC)))
    if not args.yes and input("恢复将替换当前数据库（当前文件会改名保留），确定吗？（输入 yes 确认）") != "yes":
        print("已取消")
        return 1
    stamp = datetime.now(UTC).astimezone().strftime("%Y%m%d-%H%M%S")
    kept = restore_file(args.file, db, stamp)
    print("已恢复。" + (f"原数据库保留为 {kept}" if kept else ""))
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from .paths import setup_logging

    setup_logging(verbose=args.verbose)
    if args.self_check:
        from .selfcheck import run_self_check

        return run_self_check()
    command = args.command or "gui"
    if command in ("gui", "demo"):
        from .app import run_gui

        return run_gui(args, demo=command == "demo")
    from .cli_import import cmd_import_ledger
    from .cli_print import cmd_print
    from .cli_report import cmd_report

    handlers = {"seed-demo": cmd_seed_demo, "check": cmd_check, "backup": cmd_backup,
                "restore": cmd_restore, "print": lambda a: cmd_print(a, _open),
                "report": lambda a: cmd_report(a, _open),
                "import-ledger": lambda a: cmd_import_ledger(a, _open)}
    try:
        return handlers[command](args)
    except Exception as exc:  # a person reads this; the log has the traceback
        import logging

        from .services.errors import ServiceError

        logging.getLogger(__name__).exception("command %s failed", command)
        msg = exc.message if isinstance(exc, ServiceError) else f"出错了：{exc}"
        print(msg, file=sys.stderr)
        from .services.backups import DamagedDatabase

        if isinstance(exc, DamagedDatabase):
            print("可用“complaintdesk restore”列出备份，再用“complaintdesk restore <备份文件>”"
                  "恢复（当前文件会被保留）。", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
