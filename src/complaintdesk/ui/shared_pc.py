"""Shared PCs and live lists, for the main window (issue 13).

- 文件 → 切换用户 (Ctrl+L) and the idle lock: the window shows only a lock page and the
  login comes up over it; the same person unlocks, another gets a window of their own that
  replaces this one — the program never quits and the data stays (demo included).
- The lists follow the database: `LiveUpdates` (a change here or on another PC) refreshes
  the case list, 我的待办, the counts and the open case views in place.
- After login the person's work shows at once: 我的待办 first for whoever takes steps.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog

if TYPE_CHECKING:
    from ..domain.records import User
    from .login_dialog import LoginDialog

TITLE = "ComplaintDesk 客户投诉处理系统"
# an idle reception PC locks itself (issue 13); minutes, a product default (the policy names
# no number), the setting `idle_lock_minutes` overrides it, 0 turns it off
IDLE_LOCK_DEFAULT_MINUTES = 15
_INPUT_EVENTS = (QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove,
                 QEvent.Type.Wheel)


class _IdleWatch(QObject):
    """Any key, click, move or wheel anywhere in the application restarts the idle timer."""

    def __init__(self, timer: QTimer) -> None:
        super().__init__(timer)
        self.timer = timer

    def eventFilter(self, _obj: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() in _INPUT_EVENTS and self.timer.interval() > 0:
            self.timer.start()
        return False


class SharedPcMixin:
    """Mixed into MainWindow (which provides services, user, tabs, stack, menus…)."""

    # ---- the person's work at once; lists that follow the database -----------------------
    def _show_own_work(self) -> None:
        """我的待办 first for anyone who takes workflow steps or has some waiting."""
        from ..domain.workflow.flows import takes_steps

        tasks = getattr(self, "tasks_view", None)
        if tasks is None:
            return
        if takes_steps(self.user) or tasks.model.rowCount() > 0:
            self.tabs.setCurrentIndex(self.tab_keys.index("todo"))
            tasks.table.setFocus()
        else:
            self.case_list.view.setFocus()

    def _start_live_updates(self) -> None:
        from .widgets.live import LiveUpdates

        try:
            self.live = LiveUpdates(self.services, self)
        except Exception:  # noqa: BLE001 - no watcher (an odd database): 刷新 still works
            import logging

            logging.getLogger(__name__).warning("no live updates", exc_info=True)
            return
        self.live.changed.connect(self.refresh_all)

    def refresh_all(self) -> None:
        """Someone wrote to the database (this PC or another): the case list, 我的待办, the
        counts and the open case views follow, each keeping its selection and scroll."""
        if not self.attached or self.locked:
            return
        self.case_list.live_refresh()
        tasks = getattr(self, "tasks_view", None)
        if tasks is not None:
            tasks.refresh()
        for view in list(self.case_views.values()):
            view.live_reload()
        current = self.tabs.currentWidget()  # 过失单, 台账, 统计: the one in view, if it can
        live = getattr(current, "live_refresh", None)
        if callable(live) and current not in (self.case_list, tasks):
            live()

    # ---- shared PCs: 切换用户 and the idle lock ---------------------------------------------
    def idle_minutes(self) -> int:
        try:
            value = self.services.settings.get("idle_lock_minutes")
        except Exception:  # noqa: BLE001 - unreadable setting: the product default
            value = None
        return IDLE_LOCK_DEFAULT_MINUTES if value is None else max(0, int(value))

    def _start_idle_lock(self) -> None:
        self.idle_timer = QTimer(self)
        self.idle_timer.setSingleShot(True)
        self.idle_timer.timeout.connect(self._idle_timeout)
        self.set_idle_minutes(self.idle_minutes())
        app = QApplication.instance()
        if app is not None:
            self._idle_watch = _IdleWatch(self.idle_timer)
            app.installEventFilter(self._idle_watch)

    def set_idle_minutes(self, minutes: float) -> None:
        """0: never lock by itself."""
        self.idle_timer.setInterval(int(minutes * 60_000))
        if minutes > 0:
            self.idle_timer.start()
        else:
            self.idle_timer.stop()

    def _idle_timeout(self) -> None:
        if not self.locked:
            self.lock(reason="无操作时间过长，已自动锁定。")

    def lock(self, reason: str = "") -> None:
        """文件 → 切换用户: every open dialog closes (forms keep their drafts), the window
        shows only the lock page, and the login comes up; nothing quits."""
        if not self.attached or self.locked:
            return
        self.locked = True
        if self.intake_dialog is not None:
            self.intake_dialog.reject()  # saves its draft
        if self.flow_dialog is not None:
            self.flow_dialog.reject()
        for view in list(self.case_views.values()):
            view.close()
        for dialog in self.findChildren(QDialog):
            if dialog.isVisible() and dialog is not self.login_dialog:
                dialog.reject()
        self.stack.setCurrentIndex(1)
        self.lock_label.setText((reason + "\n" if reason else "") + "已锁定：请登录后继续使用。")
        self.menuBar().setEnabled(False)
        self.toolbar.setEnabled(False)
        self.user_label.setText("已锁定")
        self.statusBar().hide()  # the counts are the last person's: not for the next one
        self.setWindowTitle(TITLE + ("（演示）" if self.demo else "") + " — 已锁定")
        self.show_login()

    def show_login(self) -> LoginDialog:
        """The login over the locked window (non-modal for the tests; the window below is
        only the lock page, so there is nothing else to click)."""
        from .login_dialog import LoginDialog

        if self.login_dialog is not None:
            self.login_dialog.raise_()
            self.login_dialog.activateWindow()
            return self.login_dialog
        dialog = LoginDialog(self.services, demo=self.demo, parent=self,
                             last_username=self.user.username)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.login_dialog = dialog

        def finished(result: int) -> None:
            self.login_dialog = None
            dialog.deleteLater()
            if result == QDialog.DialogCode.Accepted and dialog.user is not None:
                self.logged_in(dialog.user)

        dialog.finished.connect(finished)
        dialog.open()
        return dialog

    def logged_in(self, user: User) -> None:
        """The same person: unlock. Another one: a window built for them replaces this."""
        if user.id == self.user.id:
            self.user = user
            self.unlock()
            return
        self.save_layout()
        # a window of the same class (the main window): no import of it from here
        window = type(self)(self.services, user, settings=self.settings, demo=self.demo,
                            page_size=self.page_size)
        window.show()
        self.replaced.emit(window)
        self._switching = True
        self.close()
        self.deleteLater()

    def unlock(self) -> None:
        self.locked = False
        self.stack.setCurrentIndex(0)
        self.menuBar().setEnabled(True)
        self.toolbar.setEnabled(True)
        self.statusBar().show()
        self.user_label.setText(self._user_text())
        self.setWindowTitle(TITLE + ("（演示）" if self.demo else ""))
        if self.idle_timer.interval() > 0:
            self.idle_timer.start()
        self.refresh_all()

    def _edit_idle_lock(self) -> None:
        """文件 → 自动锁定…: the minutes (administrator)."""
        from PySide6.QtWidgets import QInputDialog

        minutes, ok = QInputDialog.getInt(
            self, "自动锁定", f"无人操作多少分钟后自动锁定（0 表示不自动锁定；"
            f"产品默认 {IDLE_LOCK_DEFAULT_MINUTES} 分钟，制度未规定）：",
            self.idle_minutes(), 0, 480)
        if not ok:
            return
        try:
            self.services.settings.put(self.user, "idle_lock_minutes", minutes)
        except Exception as exc:  # noqa: BLE001 - shown to the person
            from .widgets.common import show_error

            show_error(self, exc, "无法保存设置")
            return
        self.set_idle_minutes(minutes)
        self.statusBar().showMessage(f"已设置：无人操作 {minutes} 分钟后自动锁定。" if minutes
                                     else "已关闭自动锁定。", 8000)

    def save_layout(self) -> None:
        self.settings.setValue("main/geometry", self.saveGeometry())
        self.settings.setValue("main/state", self.saveState())

    def stop_idle_watch(self) -> None:
        watch = getattr(self, "_idle_watch", None)
        app = QApplication.instance()
        if watch is not None and app is not None:
            app.removeEventFilter(watch)
