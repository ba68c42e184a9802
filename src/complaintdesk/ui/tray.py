"""The app icon and the system tray icon that carries the 待办 and 提醒 notifications.

No tray (the offscreen platform in tests, some Linux desktops): nothing is created and the
tasks view falls back to its popup and the status bar.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QIcon
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from ..resources_path import resource_path

if TYPE_CHECKING:
    from .main_window import MainWindow

ICON_FILE = ("icons", "app.png")


def app_icon() -> QIcon:
    return QIcon(str(resource_path(*ICON_FILE)))


def install_tray(window: MainWindow) -> QSystemTrayIcon | None:
    """A tray icon for the window (activating it brings the window back), handed to the
    tasks view for its balloons. None when the desktop has no tray."""
    if not QSystemTrayIcon.isSystemTrayAvailable():
        return None
    tray = QSystemTrayIcon(app_icon(), window)
    tray.setToolTip("ComplaintDesk 客户投诉处理系统")
    menu = QMenu(window)
    show = QAction("显示主窗口", menu)
    show.triggered.connect(lambda: _bring_back(window))
    menu.addAction(show)
    menu.addSeparator()
    menu.addAction(window.quit_action)
    tray.setContextMenu(menu)
    tray.activated.connect(
        lambda reason: _bring_back(window)
        if reason in (QSystemTrayIcon.ActivationReason.Trigger,
                      QSystemTrayIcon.ActivationReason.DoubleClick) else None)
    tray.messageClicked.connect(lambda: _message_clicked(window, tray))
    tray.show()
    tasks = getattr(window, "tasks_view", None)
    if tasks is not None:
        tasks.tray = tray
    alerts = getattr(window, "alerts_view", None)
    if alerts is not None:  # 提醒 (DESIGN §4.5) pop up as balloons too
        alerts.tray = tray
    return tray


def _message_clicked(window: MainWindow, tray: QSystemTrayIcon) -> None:
    """A balloon was clicked: an alert's opens its case (or the 提醒 list), a 待办
    reminder's the 我的待办 tab."""
    alerts = getattr(window, "alerts_view", None)
    if alerts is not None and tray.property("last_source") == "alerts":
        tray.setProperty("last_source", "")
        _bring_back(window)
        alerts.popup_clicked()
        return
    _show_tasks(window)


def _show_tasks(window: MainWindow) -> None:
    _bring_back(window)
    if "todo" in window.tab_keys:
        window.tabs.setCurrentIndex(window.tab_keys.index("todo"))


def _bring_back(window: MainWindow) -> None:
    if window.isMinimized():
        window.showNormal()
    window.show()
    window.raise_()
    window.activateWindow()
