"""DESIGN §10 (resident memory with the list shown): the window with the case list
painted has not imported what only exports and prints need — openpyxl (with lxml and
PIL) and reportlab, ≈ 30 MB resident between them — nor pypdf or alembic on a database
already up to date. The exports still load them when used."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from complaintdesk.services.container import open_services
from complaintdesk.services.demo import seed_demo
from complaintdesk.storage.database import DatabaseConfig

HEAVY = ("openpyxl", "reportlab", "PIL", "lxml", "pypdf", "alembic")

# as benchmarks/bench_start.py drives a start: the frame, then the services opened and
# the window attached for a user, until the case list's first page is painted; then an
# export of the list, which must load openpyxl
_CHILD = """
import sys
import complaintdesk
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from complaintdesk.app import Startup, finish_app_setup, prepare_app
from complaintdesk.cli import build_parser
from pathlib import Path

HEAVY = {heavy!r}
data_dir = Path({data_dir!r})
app = QApplication([])
prepare_app(app)
window = Startup(app, build_parser().parse_args(["--data-dir", str(data_dir)]),
                 demo=False).show_frame()
app.processEvents()
finish_app_setup(app)
from complaintdesk.services.container import open_services
from complaintdesk.storage.database import DatabaseConfig
services = open_services(DatabaseConfig.sqlite_file(data_dir / "complaintdesk.sqlite3"),
                         data_dir=data_dir, auto_backup=False)
user = next(u for u in services.people.users() if u.username == "kaohe")
window.attach(services, user)
shown = []

def loaded(rows):
    if shown:
        return
    window.repaint()
    shown.append(rows)
    print("rows", rows, "loaded", sorted(m for m in sys.modules if m.split(".")[0] in HEAVY))
    from complaintdesk.domain.query import CaseQuery
    services.lists.write_case_list(user, CaseQuery(), data_dir / "list.xlsx")
    print("after export", "openpyxl" in sys.modules)
    app.quit()

window.case_list.model.page_loaded.connect(loaded)
QTimer.singleShot(30_000, app.quit)
app.exec()
"""


def test_the_list_is_shown_without_the_export_and_print_libraries(tmp_path: Path) -> None:
    services = open_services(DatabaseConfig.sqlite_file(tmp_path / "complaintdesk.sqlite3"),
                             data_dir=tmp_path, auto_backup=False)
    seed_demo(services, cases=12)
    services.dispose()
    code = _CHILD.format(heavy=HEAVY, data_dir=str(tmp_path))
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    run = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                         text=True, check=True, timeout=90)
    out = run.stdout + run.stderr
    lines = out.splitlines()
    shown = next(line for line in lines if line.startswith("rows "))
    assert int(shown.split()[1]) > 0, out
    assert shown.endswith("loaded []"), out
    assert "after export True" in lines, out
    assert (tmp_path / "list.xlsx").is_file()
