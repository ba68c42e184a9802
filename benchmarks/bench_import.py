"""Ledger import benchmark (issue 18 §3 "Done means"): importing 10,000 generated ledger
rows into a fresh SQLite database takes under 30 s on the 2-core development machine.

The ledger is generated like a dealership's: a title row, a two-level merged header, dates
as Excel dates, as serial numbers and as text, phones with spaces, satisfaction for most
rows. Timed: reading and checking the file (`read`) and storing the rows as closed
historical cases with their KPI tallies, provenance and audit entries (`import_rows`),
each once (a second import of the same file is timed too: it must add nothing). The floor
printed beside it is openpyxl loading the same workbook alone.

    uv run python benchmarks/bench_import.py [ROWS]   # default 10,000
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from openpyxl import Workbook, load_workbook

from complaintdesk.domain.clock import FixedClock
from complaintdesk.services.base import SYSTEM_USER
from complaintdesk.services.container import open_services
from complaintdesk.storage.database import DatabaseConfig

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚"
DEPARTMENTS = ("售后服务部", "销售部", "配件部", "售后", "客服中心")
PROBLEMS = ("保养后刹车异响", "交车延迟", "配件迟迟不到", "前台服务态度差", "维修后仍漏油",
            "收费与报价不符", "车漆有划痕", "空调不制冷")
RESULTS = ("已返修", "电话解释", "道歉并赠送保养", "更换配件", "退还差价")
SATISFACTION = ("满意", "基本满意", "不满意", "")
PROVINCES = "京沪粤苏浙"


def generate(path: Path, rows: int, seed: int = 18) -> Path:
    rng = random.Random(seed)
    wb = Workbook()
    ws = wb.active
    ws.title = "投诉台账"
    ws["A1"] = "客户投诉台账"
    ws.merge_cells("A1:L1")
    heads = ["序号", "客户信息", None, "车牌号", "投诉日期", "问题描述", "责任部门", "处理情况",
             "是否满意", "完成时间", "车型", "备注"]
    for c, v in enumerate(heads, start=1):
        if v:
            ws.cell(2, c, v)
    ws.cell(3, 2, "客户名称")
    ws.cell(3, 3, "手机")
    ws.merge_cells("B2:C2")
    for col in "ADEFGHIJKL":
        ws.merge_cells(f"{col}2:{col}3")
    start = datetime(2024, 1, 1)
    for i in range(rows):
        at = start + timedelta(minutes=rng.randrange(0, 700 * 24 * 60))
        closed = at + timedelta(days=rng.randrange(0, 10))
        form = i % 3
        when = at if form == 0 else ((at - datetime(1899, 12, 30)).days if form == 1
                                      else at.strftime("%Y/%m/%d %H:%M"))
        phone = f"1{rng.choice('3456789')}{rng.randrange(10**8, 10**9)}"
        ws.append([
            i + 1, rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
            f"{phone[:3]} {phone[3:7]} {phone[7:]}",
            f"{rng.choice(PROVINCES)}{rng.choice('ABCDE')}{rng.randrange(10000, 99999)}",
            when, rng.choice(PROBLEMS) + f"（第{i + 1}条）", rng.choice(DEPARTMENTS),
            rng.choice(RESULTS), rng.choice(SATISFACTION), closed.date(), "轿车", ""])
    wb.save(path)
    return path


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        t0 = time.perf_counter()
        ledger = generate(d / "台账.xlsx", rows)
        print(f"generated {rows} rows in {time.perf_counter() - t0:.1f} s")
        t0 = time.perf_counter()
        load_workbook(ledger, data_only=True).close()
        floor = time.perf_counter() - t0
        services = open_services(DatabaseConfig.sqlite_file(d / "b.sqlite3"), data_dir=d,
                                 clock=FixedClock(datetime(2026, 12, 6, 2, tzinfo=UTC)))
        try:
            t0, c0 = time.perf_counter(), time.process_time()
            preview = services.ledger.read(ledger)
            read, read_cpu = time.perf_counter() - t0, time.process_time() - c0
            n, m, _k = preview.counts
            t0, c0 = time.perf_counter(), time.process_time()
            result = services.ledger.import_rows(SYSTEM_USER, preview, skip_errors=True)
            store, store_cpu = time.perf_counter() - t0, time.process_time() - c0
            t0 = time.perf_counter()
            again = services.ledger.read(ledger)
            second = services.ledger.import_rows(SYSTEM_USER, again, skip_errors=True)
            repeat = time.perf_counter() - t0
        finally:
            services.dispose()
    total = read + store
    print(f"rows {rows}: importable {n}, errors {m}; imported {result.imported}")
    print(f"read + check  {read:6.1f} s wall, {read_cpu:5.1f} s CPU   "
          f"(openpyxl load alone: {floor:.1f} s wall)")
    print(f"store         {store:6.1f} s wall, {store_cpu:5.1f} s CPU   "
          "(cases, steps, KPI tallies, provenance, audit)")
    print(f"total         {total:6.1f} s wall, {read_cpu + store_cpu:5.1f} s CPU   "
          f"target < 30 s: {'✓' if total < 30 else '✗'}")
    print(f"load average while it ran: {os.getloadavg()[0]:.1f}")
    print(f"second import of the same file: {second.imported} new rows in {repeat:.1f} s")


if __name__ == "__main__":
    main()
