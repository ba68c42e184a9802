"""The app icon and the system tray icon that carries the 待办 and 提醒 notifications.

No tray (the offscreen platform in tests, some Linux desktops): nothing is created and the
tasks view falls back to its popup and the status bar.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QAction, QIcon
from PySide6.QtWidgets import QMenu, QSystemTrayIcon, QWidget

from ..resources_path import resource_path

ICON_FILE = ("icons", "app.png")


def app_icon() -> QIcon:
    return QIcon(str(resource_path(*ICON_FILE)))


def install_tray(window: QWidget, quit_action: QAction, show_todo: Callable[[], None],
                 alert_clicked: Callable[[], None] | None = None) -> QSystemTrayIcon | None:
    """A tray icon for the window: activating it brings the window back, its menu shows
    the window or quits. A clicked balloon opens 我的待办 (`show_todo`), or, when the
    balloon was an alert's (the tray's `last_source` property is "alerts"), calls
    `alert_clicked`. The caller hands the tray to the views for their balloons. None when
    the desktop has no tray."""
    if not QSystemTrayIcon.isSystemTrayAvailable():
        return None
    tray = QSystemTrayIcon(app_icon(), window)
    tray.setToolTip("ComplaintDesk 客户投诉处理系统")
    menu = QMenu(window)
    show = QAction("显示主窗口", menu)
    show.triggered.connect(lambda: bring_back(window))
    menu.addAction(show)
    menu.addSeparator()
    menu.addAction(quit_action)
    tray.setContextMenu(menu)
    tray.activated.connect(
        lambda reason: bring_back(window)
        if reason in (QSystemTrayIcon.ActivationReason.Trigger,
                      QSystemTrayIcon.ActivationReason.DoubleClick) else None)

    def message_clicked() -> None:
        bring_back(window)
        if alert_clicked is not None and tray.property("last_source") == "alerts":
            tray.setProperty("last_source", "")
            alert_clicked()
        else:
            show_todo()

    tray.messageClicked.connect(message_clicked)
    tray.show()
    return tray


def bring_back(window: QWidget) -> None:
    if window.isMinimized():
        window.showNormal()
    window.show()
    window.raise_()
    window.activateWindow()
