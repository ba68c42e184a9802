"""`complaintdesk check`: database integrity and the audit chain, naming what is broken.

Beyond the chain's own hashes it holds the log against its head kept outside the database
(the head file, every backup's manifest: storage/audit_head.py) — so entries cut off the
end, the whole log deleted, or an entry edited and the chain recomputed are found — and
each case against its audit entries (storage/audit_cases.py). A damaged file gets a report
in Chinese, never a raw database error."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from ..storage import backup
from ..storage.audit_cases import CaseTrail
from ..storage.audit_head import (
    ChainHead,
    head_file_for_sqlite,
    read_head,
    server_head_file,
)
from ..storage.database import DatabaseConfig, make_engine
from ..storage.db_file import FileState, assess
from ..storage.uow import UnitOfWork

log = logging.getLogger(__name__)


@dataclass
class CheckReport:
    ok: bool = True
    lines: list[str] = field(default_factory=list)

    def fail(self, *lines: str) -> None:
        self.ok = False
        self.lines += lines


def _restore_hint(data_dir: Path) -> list[str]:
    good = [b for b in backup.list_backups(data_dir / "backups") if b.ok]
    if not good:
        return ["数据文件夹中没有完好的备份。请联系技术支持，不要删除损坏的文件。"]
    newest = good[0]
    return [f"最近的完好备份：{newest.path.name}（{newest.created:%Y-%m-%d %H:%M}，"
            f"{newest.cases} 个案件）。",
            f"可用“complaintdesk restore {newest.path}”恢复（当前文件会被保留，不会删除）。"]


def check_database(config: DatabaseConfig, data_dir: Path | None = None) -> CheckReport:
    report = CheckReport()
    path = config.sqlite_path
    if path is not None:
        data_dir = data_dir or path.parent
        found = assess(path, data_dir / "backups")
        if found.state is FileState.FRESH:
            return CheckReport(False, [f"数据库文件不存在：{path}（尚未使用过）。"])
        if found.state is FileState.DAMAGED:
            report.fail("数据库文件已损坏或丢失：", *found.problems, *_restore_hint(data_dir))
            return report
        if found.state is FileState.NOT_WRITABLE:
            report.fail(*[f"{p}（程序无法保存数据；这不是数据库损坏）。" for p in found.problems])
        problems = backup.integrity_problems(path)
        if problems:
            report.fail("数据库完整性检查失败：", *problems[:20], *_restore_hint(data_dir))
            return report
        report.lines.append("数据库完整性检查：正常")
    try:
        _check_contents(config, data_dir, report)
    except SQLAlchemyError as exc:
        log.exception("check could not read the database")
        report.fail(f"无法读取数据库内容（{type(exc.orig or exc).__name__}）：数据库可能已损坏，"
                    "或不是本程序的数据库。",
                    *(_restore_hint(data_dir) if data_dir is not None and path is not None else []))
    return report


def _check_contents(config: DatabaseConfig, data_dir: Path | None, report: CheckReport) -> None:
    engine = make_engine(config)
    trail = CaseTrail()
    try:
        with UnitOfWork(engine, readonly=True) as uow:
            checked, chain = uow.audit.verify(on_row=trail.see)
            if chain:
                report.fail(f"审计日志哈希链：检查 {checked} 条，发现 {len(chain)} 处问题",
                            *[p.message for p in chain[:50]])
            else:
                report.lines.append(f"审计日志哈希链：检查 {checked} 条，全部一致")
            _check_heads(uow, config, data_dir, report)
            held, unlogged, case_problems = uow.audit.case_problems(trail)
            if case_problems:
                report.fail(f"案件与审计日志：发现 {len(case_problems)} 处不符", *case_problems)
            else:
                extra = f"（另有 {unlogged} 个批量写入的演示案件没有逐案记录）" if unlogged else ""
                report.lines.append(f"案件与审计日志：{held} 个案件的版本、步骤、状态与审计日志一致{extra}")
            tz = uow.settings.get("timezone", "Asia/Shanghai")
            if uow.kpi_upkeep.current(tz):
                counted, tally_problems = uow.kpi_upkeep.verify()
            else:
                counted, tally_problems = -1, []
    finally:
        engine.dispose()
    if counted < 0:
        report.lines.append("统计汇总：尚未生成（下次启动程序时自动生成）")
    elif tally_problems:
        report.fail(f"统计汇总：重新计数 {counted} 项，发现问题"
                    "（可用 complaintdesk check --rebuild-statistics 重新生成）：", *tally_problems)
    else:
        report.lines.append(f"统计汇总：重新计数 {counted} 项，与记录一致")


def _check_heads(uow: UnitOfWork, config: DatabaseConfig, data_dir: Path | None,
                 report: CheckReport) -> None:
    """The log against the heads kept outside it; and what the app itself found."""
    path = config.sqlite_path
    if path is not None:
        head_path: Path | None = head_file_for_sqlite(path)
    else:
        head_path = server_head_file(data_dir, make_url(config.url)) if data_dir else None
    head = read_head(head_path)
    total = uow.audit.count()
    if head is None:
        report.lines.append("审计链头文件：没有找到（本机尚未写入过，或已被删除）；"
                            "只能与备份清单中的链头比对。" if total else "审计链头文件：没有找到，审计日志为空")
    else:
        found = uow.audit.compare(head, "审计链头文件")
        if not found.ok:
            report.fail(found.message)
        else:
            lag = f"；其后又写入 {found.newer} 条" if found.newer else ""
            report.lines.append(found.message + lag)
    if path is not None and data_dir is not None:
        _check_manifests(uow, data_dir, head, report)
    for entry_id, at, after in uow.audit.recorded_mismatches():
        message = after.get("message", "") if isinstance(after, dict) else ""
        report.fail(f"第 {entry_id} 条审计记录：程序在 {at:%Y-%m-%d %H:%M} 发现审计日志与链头文件不符"
                    f"（{message}）：此前有审计记录被删除或改写。")


def _check_manifests(uow: UnitOfWork, data_dir: Path, head: ChainHead | None,
                     report: CheckReport) -> None:
    """The newest backup made since the last restore must still be in the log."""
    since = datetime.fromisoformat(head.restored_at) if head and head.restored_at else None
    for info in backup.list_backups(data_dir / "backups"):
        if info.head is None or not info.ok:
            continue
        created = info.created if info.created.tzinfo else info.created.astimezone()
        if since is not None and created <= since:
            break
        found = uow.audit.compare(info.head, f"备份 {info.path.name} 的清单")
        if found.ok:
            report.lines.append(f"备份清单中的链头：与数据库一致（{info.path.name}）")
        else:
            report.fail(found.message)
        return


def rebuild_statistics(config: DatabaseConfig) -> int:
    """Make the KPI tallies again from the records (`check --rebuild-statistics`);
    returns how many cases and loose slips were counted."""
    from .clock import clock_for

    engine = make_engine(config)
    try:
        now = clock_for(engine).now()  # on PostgreSQL the server's (DESIGN §9, one clock)
        with UnitOfWork(engine) as uow:
            n = uow.kpi_upkeep.rebuild(now)
            uow.commit()
    finally:
        engine.dispose()
    return n
