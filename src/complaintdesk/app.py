"""Composition root (DESIGN §9): Qt first, then storage → services → UI.

The main window's frame is painted before sqlmodel/alembic are imported, so the user sees
the application at once; the database opens (and the demo is seeded) in a worker thread,
the login dialog comes up over the frame, and the frame is then filled for that user.
"""

from __future__ import annotations

import argparse
import logging
import shutil
import sys
import tempfile
import traceback
import weakref
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, QThreadPool, QTimer
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from .resources_path import resource_path
from .ui.translations import install_qt_translations
from .ui.tray import app_icon
from .ui.widgets.gc_guard import install_main_thread_gc
from .ui.widgets.workers import Task, _live

if TYPE_CHECKING:
    from .services.container import Services
    from .ui.main_window import MainWindow
    from .ui.widgets.geometry import GeometryKeeper

log = logging.getLogger(__name__)

DEMO_SEED = 20261123
FONT_FILE = ("fonts", "wqy-microhei.ttc")


def install_font(app: QApplication) -> str | None:
    """Register the bundled CJK font and make it the app font (boxes otherwise, on a PC
    without Chinese fonts). Returns the family, or None when it could not be loaded."""
    font_id = QFontDatabase.addApplicationFont(str(resource_path(*FONT_FILE)))
    families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    if not families:
        log.warning("bundled CJK font could not be loaded")
        return None
    font = QFont(app.font())
    font.setFamilies([families[0]])
    if font.pointSizeF() < 9:
        font.setPointSizeF(9.5)
    app.setFont(font)
    return families[0]


def install_excepthook() -> None:
    """Unhandled exceptions: the traceback to the log, a Chinese sentence to the user."""
    showing = False

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        nonlocal showing
        log.error("unhandled exception:\n%s", "".join(traceback.format_exception(kind, exc, tb)))
        if showing or QApplication.instance() is None:
            return
        showing = True
        try:
            from PySide6.QtWidgets import QMessageBox

            from .paths import default_log_dir

            message = getattr(exc, "message", None) or f"{kind.__name__}: {exc}"
            QMessageBox.critical(None, "程序出错了",
                                 f"发生了意外错误，已记录到日志：\n{default_log_dir()}\n\n{message}\n\n"
                                 "您可以继续使用；如果问题反复出现，请联系系统管理员。")
        finally:
            showing = False

    sys.excepthook = hook


class _FirstPaint(QObject):
    """Calls `then` (on the next turn of the event loop) after `widget` first painted."""

    def __init__(self, widget: QObject, then: Any) -> None:
        super().__init__(widget)
        self.then = then
        self.done = False
        widget.installEventFilter(self)

    def eventFilter(self, _obj: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Paint and not self.done:
            self.done = True
            QTimer.singleShot(0, self.then)
        return False


class Startup(QObject):
    """Show the main window's frame, open the database off the UI thread, log in, fill
    the frame."""

    def __init__(self, app: QApplication, args: argparse.Namespace, demo: bool) -> None:
        super().__init__()
        self.app = app
        self.args = args
        self.demo = demo
        self.services: Services | None = None
        self.window: MainWindow | None = None
        self.data_dir: Path | None = None
        self.demo_dir: Path | None = None
        self._doing = ""

    def show_frame(self) -> MainWindow:
        """The main window, empty but real, painted before any storage import."""
        if self.window is None:
            from .ui.main_window import MainWindow

            self.window = MainWindow(demo=self.demo)
            self.window.show()
        return self.window

    def start(self) -> None:
        window = self.show_frame()
        finish_app_setup(self.app)
        if self.demo:
            kept = getattr(self.args, "demo_data_dir", None) or getattr(self.args, "data_dir", None)
            if kept is not None:  # `demo --data-dir DIR`: kept between runs
                self.data_dir = Path(kept)
                self.data_dir.mkdir(parents=True, exist_ok=True)
            else:
                self.demo_dir = self.data_dir = Path(tempfile.mkdtemp(prefix="complaintdesk-demo-"))
        else:
            from .paths import data_dir_for

            self.data_dir = data_dir_for(self.args)
        window.show_message("正在打开数据库…")
        self.show_login()
        # the worker's imports (SQLAlchemy, SQLModel, Alembic: ≈ 0.8 s of Python) would hold
        # the interpreter while the login paints: it starts once the login is on the screen
        self._worker_started = False
        dialog = getattr(self, "login_dialog", None)
        if dialog is not None:
            self._paint_watch = _FirstPaint(dialog, self._start_worker)
        QTimer.singleShot(250, self._start_worker)  # however the paint goes

    def _start_worker(self) -> None:
        if self._worker_started:
            return
        self._worker_started = True
        window = self.show_frame()
        task = Task(self._open_in_worker, self._opened, self._open_failed,
                    lambda done, total: window.show_progress(done, total, self._doing))
        self._task = task
        _live.add(task)
        QThreadPool.globalInstance().start(task)

    def _open_in_worker(self) -> Services:
        from .paths import database_config_for
        from .services.container import open_services

        assert self.data_dir is not None
        args = argparse.Namespace(**{**vars(self.args), "database_url": None}) if self.demo \
            else self.args
        # what the progress reports is about (read on the UI thread: a plain str swap)
        self._doing = "正在整理统计数据（升级后仅此一次）"
        services = open_services(database_config_for(args, self.data_dir),
                                 data_dir=self.data_dir, progress=self._task.report_progress,
                                 pg_backup_done=getattr(args, "pg_backup_done", False))
        # what the window needs once the person is in, imported while they type (issue 13:
        # ≈ 0.1–0.3 s that came after 登录); imports only — no widget is made off the UI thread
        from .ui import tray  # noqa: F401
        from .ui.accountability import ledger_view, menu, slips_view  # noqa: F401
        from .ui.admin import access_requests, system_menu  # noqa: F401
        from .ui.cases import case_list, case_view  # noqa: F401
        from .ui.statistics import dashboard  # noqa: F401
        from .ui.statistics import menu as stats_menu  # noqa: F401
        from .ui.tasks import alerts_view, tasks_view  # noqa: F401
        from .ui.widgets import live  # noqa: F401
        if self.demo and services.auth.needs_first_admin():  # an empty demo folder only
            from .services.demo import seed_demo

            self._doing = "正在生成演示数据"

            cases = getattr(self.args, "cases", 400)
            self._task.report_progress(0, cases)
            summary = seed_demo(services, cases=cases,
                                seed=getattr(self.args, "seed", DEMO_SEED),
                                progress=self._task.report_progress)
            log.info("demo data: %s", summary)
        return services

    def show_login(self) -> None:
        """The login, at once over the frame (issue 13): the last user's name filled in, the
        password typed while the database opens; 登录 is checked when it is open."""
        from PySide6.QtCore import QSettings
        from PySide6.QtWidgets import QDialog

        from .ui.login_dialog import LoginDialog

        window = self.show_frame()
        last = str(QSettings().value("login/last_user", "") or "")
        dialog = LoginDialog(None, demo=self.demo, parent=window, last_username=last)
        self.login_dialog: LoginDialog | None = dialog

        def finished(result: int) -> None:
            if self.login_dialog is not dialog:
                return  # replaced by the first-administrator dialog
            self.login_dialog = None
            if result != QDialog.DialogCode.Accepted or dialog.user is None:
                self.app.quit()
                return
            QSettings().setValue("login/last_user", dialog.user.username)
            self._logged_in(dialog.user)

        dialog.finished.connect(finished)
        dialog.open()
        from .ui import smoke

        smoke.fill_login(dialog)  # only with COMPLAINTDESK_SMOKE set (the real-screen test)

    def _opened(self, services: Services) -> None:
        from PySide6.QtWidgets import QDialog

        from .ui.login_dialog import FirstAdminDialog

        self.services = services
        window = self.show_frame()
        window.show_message("请登录")
        login = getattr(self, "login_dialog", None)
        if services.auth.needs_first_admin():
            if login is not None:
                self.login_dialog = None
                login.reject()
            dialog = FirstAdminDialog(services, window)
            if dialog.exec() != QDialog.DialogCode.Accepted or dialog.user is None:
                self.app.quit()
                return
            self._logged_in(dialog.user)
        elif login is not None:
            login.set_services(services)

    def _logged_in(self, user: Any) -> None:
        assert self.services is not None
        window = self.show_frame()
        window.attach(self.services, user)
        window.replaced.connect(self._replaced)
        from .ui import smoke

        smoke.open_first_case_and_quit(window)
        self._warn_about_clock(self.services)
        self._start_backup_timer(self.services)
        self._check_integrity(self.services)

    def _replaced(self, window: MainWindow) -> None:
        """切换用户 to another person: their window is the app's window now."""
        self.window = window
        window.replaced.connect(self._replaced)

    def _warn_about_clock(self, services: Services) -> None:
        """DESIGN §9, one clock: once after login, when this PC's clock is more than a
        minute off the server's — in the status bar for the session and in a message box
        (not blocking the window)."""
        from PySide6.QtWidgets import QLabel, QMessageBox

        message = services.clock_warning()
        if message is None or self.window is None:
            return
        log.warning("clock skew: %s", message)
        label = QLabel(f"⚠ {message}")
        label.setObjectName("clock_warning")
        label.setStyleSheet("color: #b00020;")
        self.window.statusBar().addWidget(label, 1)
        box = QMessageBox(QMessageBox.Icon.Warning, "本机时间不准", message,
                          QMessageBox.StandardButton.Ok, self.window)
        box.setObjectName("clock_warning_box")
        box.open()
        self._clock_box = box

    def _check_integrity(self, services: Services) -> None:
        """The full integrity scan runs after the window is up (at start only the header was
        checked): damage found now is shown at once, with the way to the backups — never
        ignored, never silently reset."""
        from PySide6.QtWidgets import QMessageBox

        from .ui.widgets.workers import run_task

        def report(problems: list[str]) -> None:
            if not problems or self.window is None:
                return
            log.error("integrity check failed: %s", problems[:5])
            QMessageBox.warning(
                self.window, "数据库可能已损坏",
                "数据库完整性检查发现问题：\n" + "\n".join(problems[:5]) +
                "\n\n请尽快由管理员在“文件 → 备份与恢复”中从最近的完好备份恢复，"
                "并联系技术支持。在此之前录入的数据可能无法保存。")

        run_task(services.integrity_problems, report, owner=self)

    def _start_backup_timer(self, services: Services) -> None:
        """DESIGN §9: an automatic backup daily — checked hourly while the app runs, in a
        worker so the copy never freezes the window."""
        from .ui.widgets.workers import run_task

        def check() -> None:
            run_task(services.backup_if_due, on_failed=lambda exc: log.error(
                "automatic backup failed: %s", exc), owner=self)

        self._backup_timer = QTimer(self)
        self._backup_timer.setInterval(3600 * 1000)
        self._backup_timer.timeout.connect(check)
        self._backup_timer.start()

    def _open_failed(self, exc: BaseException) -> None:
        from PySide6.QtWidgets import QMessageBox

        from .services.container import DamagedDatabase

        if isinstance(exc, DamagedDatabase):
            self._offer_backups(exc)
            return
        message = getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}"
        QMessageBox.critical(None, "无法打开数据库", f"无法打开数据库：\n{message}")
        self.app.quit()

    def _offer_backups(self, exc: Any) -> None:
        from PySide6.QtWidgets import QDialog

        from .services.file_backups import list_file_backups, restore_file
        from .ui.startup import DamagedDatabaseDialog  # only ever needed here

        assert self.data_dir is not None
        backups = list_file_backups(self.data_dir / "backups")
        labels = [(f"{b.created:%Y-%m-%d %H:%M}  {b.path.name}  "
                   f"{b.cases if b.cases is not None else '?'} 个案件"
                   f"{'' if b.ok else '（已损坏）'}", b.ok) for b in backups]
        dialog = DamagedDatabaseDialog(exc.message, labels, self.window)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.chosen() < 0:
            self.app.quit()
            return
        db: Path = exc.path
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        # the damaged file (with its WAL) is moved aside as .damaged-<time>, never deleted
        restore_file(backups[dialog.chosen()].path, db, stamp, kept_as="damaged")
        log.warning("restored %s from %s", db, backups[dialog.chosen()].path)
        self.start()

    def shutdown(self) -> None:
        QThreadPool.globalInstance().waitForDone(5000)
        if self.services is not None:
            self.services.dispose()
        if self.demo_dir is not None:
            shutil.rmtree(self.demo_dir, ignore_errors=True)


def prepare_app(app: QApplication) -> None:
    """Everything the application object needs before the first window (the benchmark of
    start-up calls this too, so it measures what a user's start does)."""
    app.setOrganizationName("ComplaintDesk")
    app.setApplicationName("ComplaintDesk")
    app.setWindowIcon(app_icon())  # every window: splash, login, main window, dialogs
    install_font(app)
    install_qt_translations(app)  # Qt's own buttons and menus in Chinese (确定, 取消, 复制…)
    install_excepthook()
    install_main_thread_gc(app)  # Qt objects are only ever collected in the GUI thread


# The geometry keeper installed on each application, once (it is the app's child; this
# remembers that it was installed, and dies with the app).
_GEOMETRY_KEEPERS: weakref.WeakKeyDictionary[QApplication, GeometryKeeper] = \
    weakref.WeakKeyDictionary()


def finish_app_setup(app: QApplication) -> None:
    """What only dialogs need, done once the main window's frame is on the screen."""
    if app not in _GEOMETRY_KEEPERS:
        from .ui.widgets.geometry import install_geometry_keeper

        # every dialog reopens at the size the user left it
        _GEOMETRY_KEEPERS[app] = install_geometry_keeper(app)


def run_gui(args: argparse.Namespace, demo: bool) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    prepare_app(app)
    startup = Startup(app, args, demo)
    startup.show_frame()  # closing it before the login quits, like closing it later
    app.processEvents()
    QTimer.singleShot(0, startup.start)
    code = app.exec()
    startup.shutdown()
    return code
