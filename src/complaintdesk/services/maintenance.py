"""`complaintdesk check`: database integrity and the audit chain, naming what is broken."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..storage import backup, kpi_tallies
from ..storage.audit import verify_chain
from ..storage.database import DatabaseConfig, make_engine
from ..storage.uow import UnitOfWork


@dataclass
class CheckReport:
    ok: bool = True
    lines: list[str] = field(default_factory=list)


def check_database(config: DatabaseConfig) -> CheckReport:
    report = CheckReport()
    path = config.sqlite_path
    if path is not None:
        if not path.exists():
            return CheckReport(False, [f"数据库文件不存在：{path}"])
        problems = backup.integrity_problems(path)
        if problems:
            report.ok = False
            report.lines += ["数据库完整性检查失败：", *problems[:20]]
        else:
            report.lines.append("数据库完整性检查：正常")
    engine = make_engine(config)
    try:
        with UnitOfWork(engine, readonly=True) as uow:
            checked, chain = verify_chain(uow.session)
            tz = uow.settings.get("timezone", "Asia/Shanghai")
            if kpi_tallies.tallies_current(uow.session, tz):
                counted, tally_problems = kpi_tallies.verify(uow.session)
            else:
                counted, tally_problems = -1, []
    finally:
        engine.dispose()
    if chain:
        report.ok = False
        report.lines.append(f"审计日志哈希链：检查 {checked} 条，发现 {len(chain)} 处问题")
        report.lines += [p.message for p in chain[:50]]
    else:
        report.lines.append(f"审计日志哈希链：检查 {checked} 条，全部一致")
    if counted < 0:
        report.lines.append("统计汇总：尚未生成（下次启动程序时自动生成）")
    elif tally_problems:
        report.ok = False
        report.lines.append(f"统计汇总：重新计数 {counted} 项，发现问题"
                            "（可用 complaintdesk check --rebuild-statistics 重新生成）：")
        report.lines += tally_problems
    else:
        report.lines.append(f"统计汇总：重新计数 {counted} 项，与记录一致")
    return report


def rebuild_statistics(config: DatabaseConfig) -> int:
    """Make the KPI tallies again from the records (`check --rebuild-statistics`);
    returns how many cases and loose slips were counted."""
    from .clock import clock_for

    engine = make_engine(config)
    try:
        now = clock_for(engine).now()  # on PostgreSQL the server's (DESIGN §9, one clock)
        with UnitOfWork(engine) as uow:
            n = kpi_tallies.rebuild(uow.session, now)
            uow.commit()
    finally:
        engine.dispose()
    return n
