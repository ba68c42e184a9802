"""Faster to the first keystroke (issue 13): the login dialog on the screen against a bare
QDialog, and from 登录 to the person's first list painted.

    uv run python benchmarks/bench_login.py [DATA_DIR] [--cases 400] [--runs 5]

Builds (once) a small demo database with `seed-demo` (the issue's target is the 100,000-case
database; `run_all.py`'s one works too: pass its folder), then runs fresh processes in turn,
floor and app alternating so load swings hit both alike, and prints the medians:

- login painted: seconds from process start to the first paint of the login dialog, the
  app started as `complaintdesk --data-dir DIR` starts (frame, then the login at once,
  before the storage stack is imported) — against a process that shows a bare QDialog.
  Target ≤ 2×.
- after 登录: ms from pressing 登录 — the database open by then, and 0.5 s after the last
  key of the password (BENCH_LOGIN_PAUSE_MS; the login checks the password in that pause)
  — to the first view of the person painted — 我的待办 for the assessor `kaohe`, the case list's first page for the
  receptionist `jiedai`. Target ≤ 300 ms.

Child mode (one measurement): `bench_login.py child floor|app DATA_DIR USER`.
"""

from __future__ import annotations

import os
import sys
import time

T0 = time.perf_counter()
# from the last key of the password to 登录 (Enter): a person's pause; 0 = at once
PAUSE_MS = int(os.environ.get("BENCH_LOGIN_PAUSE_MS", "500"))


def child() -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    mode = sys.argv[2]
    if mode == "app":
        import complaintdesk  # noqa: F401  (the PySide6/3.11 workaround)
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QDialog

    app = QApplication(sys.argv[:1])
    out: list[str] = []

    class Painted(QObject):
        def __init__(self, then: object) -> None:
            super().__init__()
            self.then = then
            self.seen = False

        def eventFilter(self, obj, event):  # noqa: N802
            if event.type() == QEvent.Type.Paint and not self.seen:
                self.seen = True
                QTimer.singleShot(0, self.then)
            return False

    if mode == "floor":
        dialog = QDialog()
        dialog.resize(420, 220)

        def floor_done() -> None:
            print(f"{time.perf_counter() - T0:.4f}", flush=True)
            os._exit(0)

        watch = Painted(floor_done)
        dialog.installEventFilter(watch)
        dialog.show()
        app.exec()
        return

    from complaintdesk.app import Startup, prepare_app
    from complaintdesk.cli import build_parser
    from complaintdesk.paths import setup_logging
    from complaintdesk.ui import login_dialog as ld

    data_dir, username = sys.argv[3], sys.argv[4]
    args = build_parser().parse_args(["--data-dir", data_dir])
    setup_logging(verbose=False)
    prepare_app(app)
    startup = Startup(app, args, demo=False)
    made: list[ld.LoginDialog] = []
    original_init = ld.LoginDialog.__init__

    def init(self, *a, **kw) -> None:  # the dialog Startup makes, watched for its paint
        original_init(self, *a, **kw)
        made.append(self)
        self.installEventFilter(login_watch)

    ld.LoginDialog.__init__ = init  # type: ignore[method-assign]

    def login_painted() -> None:
        out.append(f"{time.perf_counter() - T0:.4f}")
        dialog = made[0]

        def when_open() -> None:
            if dialog.services is None:
                QTimer.singleShot(20, when_open)
                return
            if not typed:  # the name and password typed, then a person's pause
                typed.append(True)
                dialog.username.setText(username)
                dialog.password.setText("demo123")
                QTimer.singleShot(PAUSE_MS, when_open)
                return
            t_ok = time.perf_counter()

            def shown() -> None:
                window = startup.window
                assert window is not None
                window.repaint()
                out.append(f"{(time.perf_counter() - t_ok) * 1000:.1f}")
                out.append(window.tab_keys[window.tabs.currentIndex()])
                print(" ".join(out), flush=True)
                os._exit(0)

            def attached() -> None:
                window = startup.window
                if window is None or not window.attached:
                    QTimer.singleShot(1, attached)
                    return
                if window.tabs.currentWidget() is window.case_list:
                    model = window.case_list.model
                    if model.rowCount() and not model.loading:
                        shown()
                    else:
                        model.page_loaded.connect(lambda _n: shown())
                else:
                    shown()

            dialog.login_button.click()
            attached()

        typed: list[bool] = []
        QTimer.singleShot(300, when_open)  # the database opens behind the dialog

    login_watch = Painted(login_painted)
    startup.show_frame()
    app.processEvents()
    QTimer.singleShot(0, startup.start)
    app.exec()


def main() -> None:
    import argparse
    import statistics
    import subprocess
    import tempfile
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from common import ensure_db

    ap = argparse.ArgumentParser()
    ap.add_argument("data_dir", nargs="?", type=Path,
                    default=Path(tempfile.gettempdir()) / "complaintdesk-bench-login")
    ap.add_argument("--cases", type=int, default=400)
    ap.add_argument("--runs", type=int, default=5)
    a = ap.parse_args()
    ensure_db(a.data_dir, a.cases)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    me = [sys.executable, str(Path(__file__).resolve()), "child"]
    commands = {"floor": me + ["floor"],
                "kaohe": me + ["app", str(a.data_dir), "kaohe"],
                "jiedai": me + ["app", str(a.data_dir), "jiedai"]}
    for cmd in commands.values():  # warm the .pyc and the file caches
        subprocess.run(cmd, env=env, capture_output=True, check=True, timeout=120)
    got: dict[str, list[list[str]]] = {k: [] for k in commands}
    for _ in range(a.runs):
        for key, cmd in commands.items():
            out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True,
                                 timeout=120).stdout.split()
            got[key].append(out)
    floor = statistics.median(float(r[0]) for r in got["floor"]) * 1000
    print(f"bare QDialog painted: {floor:.0f} ms (median of {a.runs})")
    for user in ("kaohe", "jiedai"):
        login = statistics.median(float(r[0]) for r in got[user]) * 1000
        after = statistics.median(float(r[1]) for r in got[user])
        tab = got[user][-1][2]
        print(f"{user}: login painted {login:.0f} ms = {login / floor:.2f}× the bare dialog "
              f"(target ≤ 2×); after 登录 → {tab} painted {after:.0f} ms (target ≤ 300 ms)")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "child":
        child()
    else:
        main()
