"""Child process for the start-up benchmark: prints seconds from process start to the first
paint of the window, and the resident memory then.

    python benchmarks/bench_start.py floor            # an empty QMainWindow
    python benchmarks/bench_start.py app DATA_DIR     # ComplaintDesk's main window
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
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication(sys.argv[:1])
    if mode == "floor":
        window = QMainWindow()
    else:
        from pathlib import Path

        from complaintdesk.app import install_font
        from complaintdesk.services.container import open_services
        from complaintdesk.storage.database import DatabaseConfig
        from complaintdesk.ui.main_window import MainWindow

        install_font(app)
        data_dir = Path(sys.argv[2])
        services = open_services(DatabaseConfig.sqlite_file(data_dir / "complaintdesk.sqlite3"),
                                 data_dir=data_dir, auto_backup=False)
        user = next(u for u in services.people.users() if u.username == "kaohe")
        window = MainWindow(services, user)
    window.resize(1280, 800)

    class Painted(QObject):
        def eventFilter(self, obj, event):  # noqa: N802
            if event.type() == QEvent.Type.Paint:
                print(f"{time.perf_counter() - T0:.4f} {rss_mb():.1f}", flush=True)
                os._exit(0)
            return False

    watcher = Painted()
    window.installEventFilter(watcher)
    window.show()
    app.exec()


if __name__ == "__main__":
    main()
