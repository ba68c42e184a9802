"""Case list and keyword search at scale: ours vs raw SQL on the same SQLite file.

    uv run python benchmarks/bench_list.py [DATA_DIR] [--cases N]
"""

from __future__ import annotations

import argparse
import sqlite3
import tempfile
from pathlib import Path

from common import HEADER, ensure_db, median_ms, row

from complaintdesk.domain.query import CaseQuery
from complaintdesk.services.base import SYSTEM_USER
from complaintdesk.services.container import open_services
from complaintdesk.storage.database import DatabaseConfig

PAGE = 200
RAW_FIELDS = "id, number, registered_at, customer_name, phone, plate, category, severity, " \
             "department_id, current_step, current_deadline, status"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("data_dir", nargs="?", type=Path,
                    default=Path(tempfile.gettempdir()) / "complaintdesk-bench")
    ap.add_argument("--cases", type=int, default=100_000)
    args = ap.parse_args()
    db = ensure_db(args.data_dir, args.cases)
    services = open_services(DatabaseConfig.sqlite_file(db), data_dir=args.data_dir)
    raw = sqlite3.connect(str(db))
    n = raw.execute("SELECT count(*) FROM complaint_case").fetchone()[0]
    vin = raw.execute("SELECT vin FROM complaint_case WHERE vin != '' LIMIT 1 OFFSET 777").fetchone()[0]
    phone = raw.execute("SELECT phone FROM complaint_case LIMIT 1 OFFSET 4242").fetchone()[0]
    print(f"{n} cases in {db}\n")
    print(HEADER)

    def ours(q: CaseQuery):  # noqa: ANN202
        return lambda: services.cases.list_page(SYSTEM_USER, q, 0, PAGE)

    def raw_sql(where: str, params: tuple) -> object:  # noqa: ANN001
        sql = (f"SELECT {RAW_FIELDS} FROM complaint_case WHERE {where} "
               f"ORDER BY registered_at DESC LIMIT {PAGE}")
        return lambda: raw.execute(sql, params).fetchall()

    q = CaseQuery(status="open", department_id=2)
    print(row("first page, filter status+department", median_ms(ours(q)),
              median_ms(raw_sql("status=? AND department_id=?", ("open", 2))), "≤ 2×"))
    like = ("customer_name LIKE ? OR phone LIKE ? OR plate LIKE ? OR vin LIKE ? "
            "OR number LIKE ? OR description LIKE ?")
    for label, kw in (("keyword: 1-char surname 王", "王"), ("keyword: phone fragment", phone[-6:]),
                      ("keyword: VIN fragment", vin[-7:])):
        p = f"%{kw}%"
        print(row(label, median_ms(ours(CaseQuery(keyword=kw))),
                  median_ms(raw_sql(like, (p,) * 6)), "≤ 1×"))
    print(row("count with filter (status bar)",
              median_ms(lambda: services.cases.count(SYSTEM_USER, q)),
              median_ms(lambda: raw.execute(
                  "SELECT count(*) FROM complaint_case WHERE status=? AND department_id=?",
                  ("open", 2)).fetchone()), "—"))
    some_id = raw.execute("SELECT id FROM complaint_case LIMIT 1 OFFSET 5000").fetchone()[0]
    print(row("open a case", median_ms(lambda: services.cases.open_case(SYSTEM_USER, some_id)),
              None, "≤ 20 ms"))


if __name__ == "__main__":
    main()
