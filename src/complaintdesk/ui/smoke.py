"""The real-screen smoke run (issue 13): with COMPLAINTDESK_SMOKE="username:password" in
the environment, the started app logs in with those, opens the first case of the list,
prints "smoke: ok <case number>" and quits with exit code 0. CI runs it on a virtual X
display with the xcb platform (tests/ui/test_real_screen.py), so a system library Qt's xcb
plugin needs and the machine lacks fails the build instead of the user's first start.

It drives the real widgets (the login dialog's fields and button, the case list's first
row); nothing here runs unless the variable is set.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

if TYPE_CHECKING:
    from .login_dialog import LoginDialog
    from .main_window import MainWindow

ENV = "COMPLAINTDESK_SMOKE"


def credentials() -> tuple[str, str] | None:
    value = os.environ.get(ENV, "")
    if ":" not in value:
        return None
    username, password = value.split(":", 1)
    return username, password


def fill_login(dialog: LoginDialog) -> None:
    """Type the name and password and press 登录 as soon as the dialog is up (the password
    is checked when the database is open)."""
    creds = credentials()
    if creds is None:
        return

    def press() -> None:
        dialog.username.setText(creds[0])
        dialog.password.setText(creds[1])
        dialog.login_button.click()

    QTimer.singleShot(200, press)


def open_first_case_and_quit(window: MainWindow) -> None:
    """Logged in: the first case of the list opened, painted, then a clean quit."""
    if credentials() is None:
        return

    def fail(why: str) -> None:
        print(f"smoke: failed: {why}", flush=True)
        QApplication.exit(3)

    started: list[bool] = []

    def open_case(_rows: int = 0) -> None:
        if started:
            return
        started.append(True)
        case_id = window.case_list.model.case_id(0)
        if case_id is None:
            fail("the case list is empty")
            return
        window.tabs.setCurrentWidget(window.case_list)
        window.case_list.view.selectRow(0)
        window.open_action.trigger()
        view = window.case_views.get(case_id)
        if view is None:
            fail("the case did not open")
            return
        view.repaint()

        def done() -> None:
            visible = view.isVisible() and window.isVisible()
            print(f"smoke: ok {view.title.text()} platform={QApplication.platformName()}"
                  if visible else "smoke: failed: the case view is not on the screen",
                  flush=True)
            view.close()
            window.close()  # as the user quits: the window's close saves its layout
            QApplication.exit(0 if visible else 3)

        QTimer.singleShot(500, done)

    model = window.case_list.model
    model.page_loaded.connect(open_case)
    if model.rowCount() > 0 and not model.loading:
        QTimer.singleShot(0, open_case)
    QTimer.singleShot(25_000, lambda: fail("timed out"))
