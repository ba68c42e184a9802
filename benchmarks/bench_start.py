"""Child process for the start-up benchmark. Prints seconds from process start and resident
MB at the first paint of the window; for the app, also at "ready" — database open, user
attached, the case list's first page arrived and painted.

    python benchmarks/bench_start.py floor            # an empty QMainWindow
    python benchmarks/bench_start.py app DATA_DIR     # ComplaintDesk, as `complaintdesk` starts

The app is driven through the same steps as `complaintdesk --data-dir DATA_DIR`: the
command line parsed, logging set up, `prepare_app` (font, translations, hooks), the main
window's frame shown by `Startup`, then the services opened and the window attached for a
user (the login dialog is skipped: its typing time is the user's).
"""

import os
import sys
import time

T0 = time.perf_counter()


def rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    mode = sys.argv[1]
    if mode == "app":
        import complaintdesk  # noqa: F401  (the PySide6/3.11 workaround)
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication(sys.argv[:1])
    figures: list[str] = []
    if mode == "floor":
        window = QMainWindow()
        window.resize(1280, 800)
    else:
        from complaintdesk.app import Startup, prepare_app
        from complaintdesk.cli import build_parser
        from complaintdesk.paths import setup_logging

        args = build_parser().parse_args(["--data-dir", sys.argv[2]])
        setup_logging(verbose=False)
        prepare_app(app)
        startup = Startup(app, args, demo=False)
        window = startup.show_frame()
        window.resize(1280, 800)

    def fill() -> None:
        from pathlib import Path

        from complaintdesk.app import finish_app_setup
        from complaintdesk.services.container import open_services
        from complaintdesk.storage.database import DatabaseConfig

        finish_app_setup(app)  # as Startup.start does, once the frame is painted
        data_dir = Path(sys.argv[2])
        services = open_services(DatabaseConfig.sqlite_file(data_dir / "complaintdesk.sqlite3"),
                                 data_dir=data_dir, auto_backup=False)
        user = next(u for u in services.people.users() if u.username == "kaohe")
        window.attach(services, user)  # type: ignore[attr-defined]

        def loaded(_rows: int) -> None:
            window.repaint()  # the page painted, synchronously
            figures.append(f"{time.perf_counter() - T0:.4f} {rss_mb():.1f}")
            print(" ".join(figures), flush=True)
            os._exit(0)

        window.case_list.model.page_loaded.connect(loaded)  # type: ignore[attr-defined]

    class Painted(QObject):
        def eventFilter(self, obj, event):  # noqa: N802
            if event.type() == QEvent.Type.Paint and not figures:
                figures.append(f"{time.perf_counter() - T0:.4f} {rss_mb():.1f}")
                if mode == "floor":
                    print(figures[0], flush=True)
                    os._exit(0)
                QTimer.singleShot(0, fill)
            return False

    watcher = Painted()
    window.installEventFilter(watcher)
    window.show()  # (the app's frame is already shown: its first paint is still to come)
    app.exec()


if __name__ == "__main__":
    main()
