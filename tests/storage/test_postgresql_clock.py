"""One clock (DESIGN §9): on PostgreSQL the server's time decides deadlines and breaches,
so a PC whose clock is wrong makes no step late or early; the user is told once when the
PC's clock is more than a minute off. The PC's clock is skewed here, the server's is not."""

import argparse
from datetime import UTC, datetime, timedelta

from complaintdesk.domain.records import Role
from complaintdesk.services import clock as clock_mod
from complaintdesk.services.base import SYSTEM_USER
from complaintdesk.services.clock import ServerClock, SystemClock, skew_warning
from complaintdesk.services.container import open_services
from complaintdesk.storage.database import DatabaseConfig, make_engine
from pg_support import URL, requires_postgresql, wipe
from service_builders import add_user, intake


class _Skewed:
    """The PC's wall clock, `offset` off the truth."""

    def __init__(self, offset: timedelta) -> None:
        self.offset = offset

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset


class _Monotonic:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def _close(a: datetime, b: datetime, seconds: float = 5) -> bool:
    return abs((a - b).total_seconds()) < seconds


@requires_postgresql()
def test_the_server_clock_is_the_servers_whatever_the_pc_says():
    engine = make_engine(DatabaseConfig(URL))
    try:
        wall = _Skewed(timedelta(hours=2))  # this PC is two hours fast
        mono = _Monotonic()
        clock = ServerClock(engine, wall=wall, monotonic=mono, refresh_seconds=300)
        true_now = datetime.now(UTC)  # the server runs on this machine: its time is true
        assert _close(clock.now(), true_now)
        assert _close(true_now + clock.skew(), true_now - timedelta(hours=2))
        assert "快 2.0 小时" in skew_warning(clock)
        # the PC's clock is changed while the app runs: the clock runs on unmoved
        wall.offset = timedelta(days=-30)
        mono.t += 60
        assert _close(clock.now(), datetime.now(UTC) + timedelta(seconds=60))
        # after the refresh interval it measures again: the new (wrong) PC clock is seen
        mono.t += 300
        clock.now()
        assert _close(datetime.now(UTC) + clock.skew(), datetime.now(UTC) + timedelta(days=30))
        assert "慢" in skew_warning(clock)
    finally:
        engine.dispose()


@requires_postgresql()
def test_a_pc_three_days_fast_makes_no_step_overdue(tmp_path, monkeypatch):
    """open_services on PostgreSQL takes the server's clock by itself; the PC's wrong clock
    neither stamps the registration nor makes the new case's first step overdue."""
    wipe(URL)
    monkeypatch.setattr(clock_mod, "_pc_now", _Skewed(timedelta(days=3)))
    services = open_services(DatabaseConfig(URL), data_dir=tmp_path)
    try:
        assert isinstance(services.clock, ServerClock)
        cs = add_user(services, "kf", "客服", Role.CS_CENTER)
        case = services.intake.register(SYSTEM_USER, intake(services.clock))
        assert _close(case.registered_at, datetime.now(UTC))
        tasks = services.workflow.my_tasks(cs)
        assert [(t.row.number, t.state) for t in tasks] == [(case.number, "normal")]
        assert "本机时钟比数据库服务器快 3.0 天" in services.clock_warning()
    finally:
        services.dispose()


@requires_postgresql()
def test_a_pc_on_time_gets_no_warning(tmp_path):
    wipe(URL)
    services = open_services(DatabaseConfig(URL), data_dir=tmp_path)
    try:
        assert services.clock_warning() is None
    finally:
        services.dispose()


@requires_postgresql()
def test_the_app_warns_once_after_login_when_the_pc_clock_is_off(qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QApplication, QLabel, QMessageBox

    from complaintdesk import app as appmod
    from complaintdesk.ui.login_dialog import LoginDialog

    wipe(URL)
    services = open_services(DatabaseConfig(URL), data_dir=tmp_path)
    admin = services.auth.create_first_admin("admin", "管理员", "secret123")
    services.dispose()
    monkeypatch.setattr(clock_mod, "_pc_now", _Skewed(timedelta(minutes=-10)))

    original_open = LoginDialog.open

    def log_in(self: LoginDialog) -> None:  # the login comes up before the database is open
        original_open(self)
        self.username.setText(admin.username)
        self.password.setText("secret123")
        self.try_login()  # checked once the database is open

    monkeypatch.setattr(LoginDialog, "open", log_in)
    startup = appmod.Startup(QApplication.instance(),
                             argparse.Namespace(data_dir=tmp_path, database_url=URL), demo=False)
    window = startup.show_frame()
    qtbot.addWidget(window)
    startup.start()
    qtbot.waitUntil(lambda: window.attached, timeout=20000)
    label = window.statusBar().findChild(QLabel, "clock_warning")
    assert label is not None and "本机时钟比数据库服务器慢 10 分钟" in label.text()
    box = window.findChild(QMessageBox, "clock_warning_box")
    assert box is not None and box.isVisible() and "请校准本机的日期和时间" in box.text()
    box.accept()
    window.close()
    startup.shutdown()


def test_the_warning_names_the_direction_and_size_and_keeps_quiet_within_a_minute():
    class Fake:
        def __init__(self, skew):
            self._skew = skew

        def skew(self):
            return self._skew

    assert skew_warning(Fake(timedelta(seconds=59))) is None
    assert skew_warning(Fake(timedelta(seconds=-60))) is None
    assert "慢 5 分钟" in skew_warning(Fake(timedelta(minutes=5)))
    assert "快 3.0 小时" in skew_warning(Fake(timedelta(hours=-3)))
    assert skew_warning(SystemClock()) is None


def test_sqlite_keeps_the_pcs_clock(tmp_path):
    services = open_services(DatabaseConfig.sqlite_file(tmp_path / "a.sqlite3"),
                             data_dir=tmp_path, auto_backup=False)
    try:
        assert isinstance(services.clock, SystemClock)
    finally:
        services.dispose()

