"""`complaintdesk print`: a case's or slip's form, or a week of slips, as a PDF file.

    complaintdesk --data-dir DIR print FK-202611-0001 -o 处理单.pdf
    complaintdesk --data-dir DIR print --week 2026-11-12 -o 过失单.pdf

The command line acts as the system user (every slip). The customer's mobile, landline
and VIN are masked unless `--unmasked` is given (DESIGN §3); every print is audited,
`--unmasked` says so in the entry.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"日期格式应为 YYYY-MM-DD（如 2026-11-12），而不是 {text}") from None


def add_print_parser(sub: Any) -> None:
    """Register the `print` sub-command on the parser's sub-parsers."""
    p = sub.add_parser("print", help="把案件处理单、过失单或一周的过失单打印为 PDF 文件")
    p.add_argument("number", nargs="?",
                   help="案件编号(FK-/NB-/FX-…)或过失单编号(GS-/CF-…)")
    p.add_argument("--week", type=_day, metavar="YYYY-MM-DD",
                   help="打印该日期所在周（周一至周日）开具的全部过失单")
    p.add_argument("-o", "--output", type=Path, required=True, help="PDF 文件路径")
    p.add_argument("--unmasked", action="store_true",
                   help="打印完整的客户手机、固定电话和车架号（记录在审计日志中）")


def cmd_print(args: argparse.Namespace, open_services: Callable[[argparse.Namespace], Any]) -> int:
    if (args.number is None) == (args.week is None):
        print("请给出一个编号，或用 --week 指定日期（二者选一）", file=sys.stderr)
        return 2
    from .services.base import SYSTEM_USER

    unmasked = bool(getattr(args, "unmasked", False))
    services = open_services(args)
    out: Path = args.output
    try:
        if args.week is not None:
            data = services.printing.week_slips_pdf(SYSTEM_USER, args.week)
            what = f"week:{args.week:%Y-%m-%d}"
        else:
            data = services.printing.pdf_by_number(SYSTEM_USER, args.number, unmasked)
            what = args.number.strip().upper()
        if out.parent and not out.parent.exists():
            out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(data)
        services.printing.record_print(SYSTEM_USER, what, str(out), unmasked)
    finally:
        services.dispose()
    print(f"已生成 {out}（{len(data) // 1024 + 1} KB）")
    return 0
