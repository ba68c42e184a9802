"""`complaintdesk report`: the month or year KPI workbook, or a week's summary.

    complaintdesk --data-dir DIR report --month 2026-11 -o 2026年11月.xlsx
    complaintdesk --data-dir DIR report --year 2026 -o 2026年.xlsx
    complaintdesk --data-dir DIR report --week 2026-11-16 -o 周报.xlsx [--pdf]
    complaintdesk --data-dir DIR report manufacturer --month 2026-11 [--brand 品牌] --out 厂家.xlsx

The command line acts as the system user. Bad input exits with 1 and a Chinese message.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any


def add_report_parser(sub: Any) -> None:
    """Register the `report` sub-command on the parser's sub-parsers."""
    p = sub.add_parser("report", help="导出月度/年度统计 Excel、周报或厂家转办月度清单")
    p.add_argument("what", nargs="?", choices=["manufacturer"],
                   help="manufacturer：厂家转办月度清单（需 --month，可加 --brand）")
    p.add_argument("--brand", help="厂家转办月度清单只列该品牌（默认全部品牌）")
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("--month", metavar="YYYY-MM", help="月报：统计月份，如 2026-11")
    what.add_argument("--year", metavar="YYYY", help="年报：统计年份，如 2026")
    what.add_argument("--week", metavar="YYYY-MM-DD",
                      help="周报：该日期所在的一周（周一至周日）")
    p.add_argument("--pdf", action="store_true", help="周报输出为 PDF（默认 Excel）")
    p.add_argument("-o", "--output", "--out", type=Path, required=True, help="输出文件路径")


def _progress(done: int, total: int) -> None:
    print(f"\r进度 {100 * done // max(total, 1):3d}%", end="", file=sys.stderr, flush=True)


def cmd_report(args: argparse.Namespace,
               open_services: Callable[[argparse.Namespace], Any]) -> int:
    from .services.base import SYSTEM_USER
    from .services.errors import ServiceError
    from .services.reports import check_month, parse_period

    out: Path = args.output
    try:
        for name, value, shape in (("--month", args.month, "YYYY-MM"),
                                   ("--year", args.year, "YYYY"),
                                   ("--week", args.week, "YYYY-MM-DD")):
            # int() and regex \d take full-width and Arabic-Indic digits too: refused here
            if value is not None and not value.strip().isascii():
                raise ServiceError(f"{name} 只能用半角数字，格式为 {shape}：{value}。",
                                   field=name.lstrip("-"))
        if args.month is not None:
            year, month = parse_period(args.month)
            label = f"{year}年{month}月统计月报"
        elif args.year is not None:
            if not args.year.strip().isdigit():
                raise ServiceError(f"年份格式应为 YYYY:{args.year}")
            year = int(args.year)
            check_month(year, 1)
            label = f"{year}年统计年报"
        else:
            try:
                day = date.fromisoformat(args.week)
            except ValueError:
                raise ServiceError(f"日期格式应为 YYYY-MM-DD（如 2026-11-16）：{args.week}") \
                    from None
            monday = day - timedelta(days=day.weekday())
            label = f"{monday:%Y-%m-%d} 至 {monday + timedelta(days=6):%Y-%m-%d} 周报"
        if args.pdf and args.week is None:
            raise ServiceError("--pdf 只用于周报(--week)")
        if args.what == "manufacturer":
            if args.month is None:
                raise ServiceError("厂家转办月度清单须用 --month YYYY-MM 指定月份。", field="month")
            label = f"{year}年{month}月厂家转办月度清单（{args.brand or '全部品牌'}）"
        elif args.brand is not None:
            raise ServiceError("--brand 只用于厂家转办月度清单（report manufacturer）。")
    except ServiceError as exc:
        print(exc.message, file=sys.stderr)
        return 1

    services = open_services(args)
    try:
        t0 = time.perf_counter()
        reports = services.reports
        if args.what == "manufacturer":
            services.manufacturer.write_month_list(SYSTEM_USER, year, month, out, args.brand)
        elif args.month is not None:
            reports.write_month(SYSTEM_USER, year, month, out, _progress)
        elif args.year is not None:
            reports.write_year(SYSTEM_USER, year, out, _progress)
        else:
            reports.write_weekly(SYSTEM_USER, monday, out, pdf=args.pdf, progress=_progress)
        print(file=sys.stderr)
        print(f"已导出{label}：{out.resolve()}（用时 {time.perf_counter() - t0:.1f} 秒）")
        return 0
    except ServiceError as exc:  # e.g. a brand that is not in the list
        print(exc.message, file=sys.stderr)
        return 1
    finally:
        services.dispose()
