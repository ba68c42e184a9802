"""`complaintdesk import-ledger`: the dealership's existing Excel ledger as closed
historical cases (issue 18 §3).

    complaintdesk --data-dir DIR import-ledger 台账.xlsx [--dry-run] [--map 表头=字段 …]
                                                          [--skip-errors]

Prints every problem row, then `可导入 N 行，错误 M 行` (and, when it imported,
`已导入 K 行`). Exit status 0 when no row has an error, else 1: a dry run imports
nothing; a real run with errors imports nothing unless `--skip-errors` is given (then
the good rows). The command line acts as the system user; the import is audited.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any


def add_import_parser(sub: Any) -> None:
    p = sub.add_parser("import-ledger", help="导入经销店原有的 Excel 投诉台账（作为已结案的历史案件）")
    p.add_argument("file", type=Path, help="台账文件（.xlsx）")
    p.add_argument("--dry-run", action="store_true", help="只检查并列出问题，不导入")
    p.add_argument("--map", action="append", default=[], metavar="表头=字段",
                   help="指定某列对应的字段，如 --map 反映问题=投诉内容（字段写“忽略”则不导入该列）；可多次使用")
    p.add_argument("--sheet", help="工作表名称（默认：自动找出有表头的工作表）")
    p.add_argument("--skip-errors", action="store_true", help="有错误行时只导入无误的行")


def cmd_import_ledger(args: argparse.Namespace,
                      open_services: Callable[[argparse.Namespace], Any]) -> int:
    from .domain.ledger_import import MappingError, parse_map_options
    from .services.base import SYSTEM_USER
    from .services.errors import ServiceError

    try:
        mapping = parse_map_options(args.map)
    except MappingError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    services = open_services(args)
    try:
        preview = services.ledger.read(args.file, mapping, args.sheet)
        for line in preview.problem_lines():
            print(line)
        n, m, k = preview.counts
        print(preview.summary())
        if args.dry_run or (m and not args.skip_errors) or preview.plan.file_errors:
            if m and not args.dry_run:
                print("有错误行，未导入任何数据（改正后重新导入，或加 --skip-errors 只导入无误的行）。",
                      file=sys.stderr)
            return 0 if m == 0 else 1
        result = services.ledger.import_rows(SYSTEM_USER, preview, skip_errors=args.skip_errors)
        print(f"已导入 {result.imported} 行")
        return 0 if m == 0 else 1
    except ServiceError as exc:
        print(exc.message, file=sys.stderr)
        return 1
    finally:
        services.dispose()
