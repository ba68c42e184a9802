"""The paper loop's queries (issue 18 part 4): the 待归档 list across all cases (one NOT
EXISTS query per signed-copy rule, the 2,000 oldest), one case's signed copies as the case
view asks, and the weekly summary's "closed without its signed 处理单".

    uv run python benchmarks/bench_paper.py [DATA_DIR] [--cases 5000]

Builds (once) a demo database with `seed-demo` (every closed demo case owes its signed
copies: none are attached), then prints the medians. Run by hand, never by CI.
"""

from __future__ import annotations

import argparse
import tempfile
from datetime import timedelta
from pathlib import Path

from common import ensure_db, median_ms

from complaintdesk.domain.records import Role
from complaintdesk.services.container import open_services
from complaintdesk.storage.database import DatabaseConfig


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("data_dir", nargs="?", type=Path,
                    default=Path(tempfile.gettempdir()) / "complaintdesk-bench-paper")
    ap.add_argument("--cases", type=int, default=5000)
    args = ap.parse_args()
    db = ensure_db(args.data_dir, args.cases)
    services = open_services(DatabaseConfig.sqlite_file(db), data_dir=args.data_dir,
                             auto_backup=False)
    cs = next(u for u in services.people.users() if u.has(Role.CS_CENTER))
    rows = services.paper.archive_list(cs)
    case_id = rows[0].case_id if rows else 1
    now = services.clock.now()
    print(f"{args.cases} cases, {len(rows)} rows in 待归档 (at most 2,000)")
    print(f"待归档 list:              {median_ms(lambda: services.paper.archive_list(cs), 7):8.1f} ms")
    print(f"one case's signed copies: {median_ms(lambda: services.paper.case_copies(cs, case_id)):8.1f} ms")
    week = (now - timedelta(days=7), now)
    print(f"closed without 处理单:     "
          f"{median_ms(lambda: services.paper.closed_without_copy(*week), 7):8.1f} ms")
    services.dispose()


if __name__ == "__main__":
    main()
