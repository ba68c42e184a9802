"""登录 and, on the very first start, 创建管理员账号 (DESIGN §3)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from .widgets.common import FieldError, sentence, with_error

if TYPE_CHECKING:
    from ..domain.records import User
    from ..services.container import Services

DEMO_PASSWORD = "demo123"
PRECHECK_PAUSE_MS = 150


def _buttons(ok: str) -> QDialogButtonBox:
    box = QDialogButtonBox()
    box.addButton(ok, QDialogButtonBox.ButtonRole.AcceptRole).setDefault(True)
    box.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
    return box


def user_label(user: User, departments: dict[int, str]) -> str:
    """"王经理 — 售后服务部 · 部门负责人": who, where and what, for the login list."""
    roles = "、".join(sorted(r.label for r in user.roles)) or "无角色"
    dept = departments.get(user.department_id) if user.department_id is not None else None
    return f"{user.display_name} — {dept} · {roles}" if dept else f"{user.display_name} — {roles}"


class LoginDialog(QDialog):
    """Username and password; in demo mode a pick-list of the demo users with each one's
    department and role.

    It can come up before the database is open (`services=None`, issue 13: the login is the
    first thing on the screen): the last user's name is filled in, the password can be
    typed, and 登录 waits for `set_services` to check it."""

    def __init__(self, services: Services | None, demo: bool = False,
                 parent: QWidget | None = None, last_username: str = "") -> None:
        super().__init__(parent)
        self.services: Services | None = None
        self.demo = demo
        self.user: User | None = None
        self._pending = False  # 登录 pressed before the database was open
        # the password is checked in a worker while the person pauses (issue 13): 登录 then
        # needs no second costly hash — see AuthService.precheck
        self._ticket: tuple[tuple[str, str], Any] | None = None
        self._checking: tuple[str, str] | None = None
        self._pending_login: tuple[str, str] | None = None
        self._precheck_timer = QTimer(self)
        self._precheck_timer.setSingleShot(True)
        self._precheck_timer.setInterval(PRECHECK_PAUSE_MS)
        self._precheck_timer.timeout.connect(self._precheck)
        self.setWindowTitle("登录 ComplaintDesk")
        self.setMinimumWidth(420)
        self.username = QLineEdit(last_username)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.username_error, self.password_error = FieldError(), FieldError()
        form = QFormLayout()
        self.demo_users: QComboBox | None = None
        if demo:
            self.demo_users = QComboBox()
            self.demo_users.addItem("正在载入演示用户…", None)
            self.demo_users.setEnabled(False)
            self.demo_users.currentIndexChanged.connect(self._pick_demo_user)
            form.addRow("演示用户", self.demo_users)
            self.password.setText(DEMO_PASSWORD)
        form.addRow("用户名(&U)", with_error(self.username, self.username_error))
        form.addRow("密码(&P)", with_error(self.password, self.password_error))
        self.status = QLabel("")
        self.status.setStyleSheet("color: #777;")
        buttons = _buttons("登录")
        self.login_button = buttons.buttons()[0]
        buttons.accepted.connect(self.try_login)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        title = QLabel("客户投诉处理系统")
        title.setStyleSheet("font-size: 16px; font-weight: bold;")
        lay.addWidget(title)
        if demo:
            hint = QLabel("演示模式：每个角色一个演示用户，密码均为 demo123。")
            hint.setStyleSheet("color: #555;")
            lay.addWidget(hint)
        lay.addLayout(form)
        lay.addWidget(self.status)
        lay.addWidget(buttons)
        self.username.textChanged.connect(lambda _t: self._precheck_timer.start())
        self.password.textChanged.connect(lambda _t: self._precheck_timer.start())
        focus = self.demo_users if demo else (self.password if last_username else self.username)
        assert focus is not None
        focus.setFocus()
        if services is not None:
            self.set_services(services)

    def set_services(self, services: Services) -> None:
        """The database is open: the demo list fills, a pending 登录 is checked now."""
        self.services = services
        if self.demo_users is not None:
            departments = {d.id: d.name for d in services.people.departments(True)
                           if d.id is not None}
            wanted = self.username.text().strip()
            self.demo_users.blockSignals(True)
            self.demo_users.clear()
            for u in services.people.users():
                self.demo_users.addItem(user_label(u, departments), u.username)
            at = self.demo_users.findData(wanted) if wanted else -1
            self.demo_users.setCurrentIndex(max(at, 0))
            self.demo_users.blockSignals(False)
            self.demo_users.setEnabled(True)
            self._pick_demo_user()
        if self._pending:
            self._pending = False
            self.try_login()
        else:
            self.status.setText("")
            self.login_button.setEnabled(True)
            if self.password.text():
                self._precheck()

    def _typed(self) -> tuple[str, str]:
        return self.username.text().strip(), self.password.text()

    def _precheck(self) -> None:
        typed = self._typed()
        services = self.services
        if services is None or not all(typed) or self._checking == typed \
                or (self._ticket is not None and self._ticket[0] == typed):
            return
        self._checking = typed
        from .widgets.workers import run_task

        def done(ticket: Any) -> None:
            if self._checking == typed:
                self._checking = None
            if ticket is not None:
                self._ticket = (typed, ticket)
            if self._pending_login == typed:  # 登录 was pressed while this check ran
                self._pending_login = None
                self.try_login()

        def failed(_exc: BaseException) -> None:
            self._checking = None
            if self._pending_login is not None:
                self._pending_login = None
                self.try_login()

        run_task(lambda: services.auth.precheck(*typed), done, failed, owner=self)

    def _pick_demo_user(self) -> None:
        if self.demo_users is not None and self.demo_users.currentData():
            self.username.setText(self.demo_users.currentData() or "")
            self.password.setText(DEMO_PASSWORD)

    def try_login(self) -> None:
        self.username_error.show_message("")
        self.password_error.show_message("")
        if not self.username.text().strip():
            self.username_error.show_message("请填写用户名。")
            self.username.setFocus()
            return
        if self.services is None:  # still opening: check as soon as it is open
            self._pending = True
            self.status.setText("正在打开数据库，稍候自动登录…")
            self.login_button.setEnabled(False)
            return
        from ..services.errors import ServiceError

        typed = self._typed()
        if self._checking == typed and self._pending_login != typed:
            self._pending_login = typed  # the same check is half done: finish it, not anew
            self.login_button.setEnabled(False)
            return
        self._pending_login = None
        self.status.setText("")
        self.login_button.setEnabled(True)
        ticket = self._ticket[1] if self._ticket is not None and self._ticket[0] == typed \
            else None
        self._ticket = None
        try:
            self.user = self.services.auth.login(self.username.text(), self.password.text(),
                                                 ticket=ticket)
        except ServiceError as exc:
            target = self.username_error if exc.field == "username" else self.password_error
            target.show_message(sentence(exc.message))
            self.password.selectAll()
            self.password.setFocus()
            return
        self.accept()


class FirstAdminDialog(QDialog):
    """First start: no users yet — the administrator account."""

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.user: User | None = None
        self.setWindowTitle("创建管理员账号")
        self.setMinimumWidth(420)
        self.username = QLineEdit("admin")
        self.display_name = QLineEdit("系统管理员")
        self.password = QLineEdit()
        self.confirm = QLineEdit()
        for e in (self.password, self.confirm):
            e.setEchoMode(QLineEdit.EchoMode.Password)
        self.errors = {k: FieldError() for k in ("username", "display_name", "password",
                                                  "confirm")}
        form = QFormLayout()
        form.addRow("登录名", with_error(self.username, self.errors["username"]))
        form.addRow("姓名", with_error(self.display_name, self.errors["display_name"]))
        form.addRow("密码", with_error(self.password, self.errors["password"]))
        form.addRow("确认密码", with_error(self.confirm, self.errors["confirm"]))
        buttons = _buttons("创建并登录")
        buttons.accepted.connect(self.create)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        intro = QLabel("这是第一次启动，还没有任何用户。请设置系统管理员账号，"
                       "之后由管理员在系统中为其他员工创建账号。")
        intro.setWordWrap(True)
        lay.addWidget(intro)
        lay.addLayout(form)
        lay.addWidget(buttons)
        self.password.setFocus()

    def create(self) -> None:
        from ..services.errors import ServiceError

        for e in self.errors.values():
            e.show_message("")
        if self.password.text() != self.confirm.text():
            self.errors["confirm"].show_message("两次输入的密码不一致。")
            return
        try:
            self.user = self.services.auth.create_first_admin(
                self.username.text(), self.display_name.text(), self.password.text())
        except ServiceError as exc:
            self.errors.get(exc.field or "password", self.errors["password"]) \
                .show_message(exc.message)
            return
        self.accept()
