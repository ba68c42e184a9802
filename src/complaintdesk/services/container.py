"""The composition of the service layer: what the UI and the CLI hold on to."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from ..domain.clock import Clock
from ..storage import backup, change_watch
from ..storage.audit_head import register_head_file
from ..storage.database import HEAD_REVISION, DatabaseConfig, current_revision, make_engine, migrate
from ..storage.uow import UnitOfWork
from .accountability import AccountabilityService
from .action_choices import ActionChoiceService
from .alerts import AlertService
from .auth import AuthService
from .backups import BackupService, DamagedDatabase, ensure_openable
from .case_marks import CaseMarkService
from .cases import CaseService
from .clock import clock_for, skew_warning
from .contact_log import ContactLogService
from .data_access import DataAccessService
from .drafts import DraftService
from .history import HistoryService
from .intake import IntakeService
from .ledger_import import LedgerImportService
from .list_export import ListExportService
from .manufacturer import ManufacturerService
from .paper import PaperService
from .people import PeopleService, seed_defaults
from .printing import PrintService
from .reports import ReportService
from .settings import SettingsService
from .startup_checks import (
    before_postgresql_migration,
    check_version,
    refuse_sqlite_on_network_share,
)
from .team_rewards import TeamRewardService
from .weekly_task import WeeklyTaskService
from .workflow import WorkflowService

log = logging.getLogger(__name__)


__all__ = ["DamagedDatabase", "Services", "open_services"]


@dataclass
class Services:
    engine: Engine
    clock: Clock
    config: DatabaseConfig
    data_dir: Path | None
    auth: AuthService
    cases: CaseService
    data_access: DataAccessService
    intake: IntakeService
    people: PeopleService
    settings: SettingsService
    workflow: WorkflowService
    drafts: DraftService
    accountability: AccountabilityService
    printing: PrintService
    reports: ReportService
    team_rewards: TeamRewardService
    backups: BackupService
    alerts: AlertService
    contacts: ContactLogService
    marks: CaseMarkService
    weekly: WeeklyTaskService
    manufacturer: ManufacturerService
    paper: PaperService
    _watchers: list[change_watch.ChangeWatcher] = field(default_factory=list)

    @property
    def lists(self) -> ListExportService:
        """Exporting and printing the list views (stateless: made when asked)."""
        return ListExportService(self.engine, self.clock, self.reports.tz_name)

    @property
    def ledger(self) -> LedgerImportService:
        """Importing the dealership's Excel ledger (stateless: made when asked)."""
        return LedgerImportService(self.engine, self.clock, self.reports.tz_name)

    @property
    def history(self) -> HistoryService:
        """A customer's and a vehicle's history (stateless: made when asked)."""
        return HistoryService(self.engine, self.clock, self.reports.tz_name)

    @property
    def choices(self) -> ActionChoiceService:
        """What a case's action forms offer to pick (stateless: made when asked)."""
        service = ActionChoiceService(self.engine, self.clock, self.reports.tz_name)
        service.slips_of_case = self.accountability.proposals_for_case
        return service

    @property
    def backup_dir(self) -> Path | None:
        return self.data_dir / "backups" if self.data_dir else None

    def backup_if_due(self) -> Path | None:
        """The daily automatic backup, for the app's timer; None when not due / not SQLite."""
        path = self.config.sqlite_path
        if path is None or self.backup_dir is None:
            return None
        # file names in the dealership's time, like every time the staff see
        return backup.backup_if_due(path, self.backup_dir,
                                    datetime.now(UTC).astimezone(self.cases.tz))

    def integrity_problems(self) -> list[str]:
        """The full page-by-page check of the SQLite file (slow on a big database: the app
        runs it in a worker after start; `complaintdesk check` runs it too)."""
        path = self.config.sqlite_path
        return backup.integrity_problems(path) if path is not None else []

    def watch_changes(self, callback: Callable[[], None],
                      interval: float = change_watch.POLL_SECONDS) -> change_watch.ChangeWatcher:
        """Call `callback` (from a background thread) whenever anyone — this PC or another —
        commits to the database; `stop()` the returned watcher when done."""
        watcher = change_watch.ChangeWatcher(self.engine, interval)
        watcher.start(callback)
        self._watchers.append(watcher)
        return watcher

    def clock_warning(self) -> str | None:
        """Once at start: this PC's clock is more than a minute off the server's."""
        return skew_warning(self.clock)

    def dispose(self) -> None:
        for watcher in self._watchers:
            watcher.stop()
        self._watchers.clear()
        self.engine.dispose()


def _has_cases(engine: Engine) -> bool:
    """An empty database needs no backup (it only cluttered the list with '0 个案件')."""
    with UnitOfWork(engine, readonly=True) as uow:
        return uow.cases.count_all() > 0


def ensure_tallies(engine: Engine, clock: Clock, tz: str,
                   progress: Callable[[int, int], None] | None = None) -> bool:
    """Make the KPI tallies from the records when they do not hold for this version and
    time zone (first start after the upgrade; a minute at 100,000 cases, instant on a new
    database), reporting (cases done, cases) to `progress`. Returns True when they were
    rebuilt."""
    with UnitOfWork(engine, readonly=True) as uow:  # the usual case: nothing to do
        if uow.kpi_upkeep.current(tz):
            return False
    with UnitOfWork(engine, now=clock.now) as uow:
        t0 = time.perf_counter()
        n = uow.kpi_upkeep.rebuild_if_due(tz, clock.now(), progress)
        if n is None:  # another PC made them meanwhile
            return False
        uow.commit()
    log.info("KPI tallies rebuilt: %d owners in %.1f s", n, time.perf_counter() - t0)
    return True


def _app_version() -> str:
    from .. import __version__

    return str(__version__)


def open_services(config: DatabaseConfig, clock: Clock | None = None,
                  data_dir: Path | None = None, auto_backup: bool = True,
                  progress: Callable[[int, int], None] | None = None,
                  pg_backup_done: bool = False) -> Services:
    """Settings → storage → services. Checks the SQLite file, backs it up before a schema
    change (PostgreSQL: pg_dump, once no other PC is connected; `pg_backup_done` when the
    administrator made one), migrates, seeds first-start defaults, makes the KPI tallies
    when they are due (`progress`: cases done of all, see `ensure_tallies`)."""
    refuse_sqlite_on_network_share(config)
    path = config.sqlite_path
    if path is not None:  # damaged, missing after use, or a folder it cannot write to
        ensure_openable(path, data_dir / "backups" if data_dir is not None else None)
    engine = make_engine(config)
    if data_dir is not None:  # the audit chain's head, kept outside a server database
        register_head_file(engine, data_dir)
    try:
        revision = current_revision(engine)
        check_version(engine, revision)  # an app older than the schema refuses (DESIGN §9)
        if path is not None and path.exists() and auto_backup and data_dir is not None \
                and revision not in (None, HEAD_REVISION):
            backup.backup_sqlite(path, data_dir / "backups",
                                 datetime.now().strftime("%Y%m%d-%H%M%S"), "premigrate")
        before_postgresql_migration(engine, config, revision,
                                    data_dir / "backups" if auto_backup and data_dir else None,
                                    pg_backup_done)
        migrate(engine, _app_version() if revision != HEAD_REVISION else None)
    except BaseException:
        engine.dispose()  # a refusal leaves no connection behind (PostgreSQL lists them)
        raise
    clock = clock or clock_for(engine)  # PostgreSQL: the server's clock (DESIGN §9)
    with UnitOfWork(engine) as uow:
        tz = uow.settings.get("timezone", "Asia/Shanghai")
        if seed_defaults(uow):
            uow.commit()
    ensure_tallies(engine, clock, tz, progress)
    if path is not None and auto_backup and data_dir is not None and _has_cases(engine):
        try:  # at start, then daily (the app also checks hourly while it runs)
            backup.backup_if_due(path, data_dir / "backups",
                                 datetime.now(UTC).astimezone(ZoneInfo(tz)))
        except OSError:  # a full disk must not stop the dealership from working
            log.exception("automatic backup failed")
    services = Services(
        engine=engine, clock=clock, config=config, data_dir=data_dir,
        auth=AuthService(engine, clock, tz), cases=CaseService(engine, clock, tz),
        data_access=DataAccessService(engine, clock, tz),
        intake=IntakeService(engine, clock, tz), people=PeopleService(engine, clock, tz),
        settings=SettingsService(engine, clock, tz),
        workflow=WorkflowService(engine, clock, tz),
        drafts=DraftService(engine, clock, tz),
        accountability=AccountabilityService(engine, clock, tz),
        printing=PrintService(engine, clock, tz),
        reports=(reports := ReportService(engine, clock, tz)),
        team_rewards=TeamRewardService(reports),
        backups=BackupService(engine, clock, tz, config, data_dir),
        alerts=AlertService(engine, clock, tz),
        contacts=ContactLogService(engine, clock, tz),
        marks=CaseMarkService(engine, clock, tz),
        weekly=WeeklyTaskService(engine, clock, tz),
        manufacturer=ManufacturerService(engine, clock, tz),
        paper=PaperService(engine, clock, tz),
    )
    services.weekly.render = services.printing.weekly_summary_pdf  # the copy kept when sent
    return services
