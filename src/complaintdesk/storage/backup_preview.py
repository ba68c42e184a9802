"""The restore preview (issue 13): how old a backup is and what restoring it would lose —
the cases registered and the steps written after it — read from the backup (read-only)
and the live database."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from .backup import describe


@dataclass(frozen=True)
class LossPreview:
    created: datetime
    age: timedelta
    cases_in_backup: int | None
    cases_lost: int  # registered after the backup
    steps_lost: int  # steps begun or finished after the backup
    entries_lost: int  # audit entries after the backup
    live_readable: bool = True

    def age_text(self) -> str:
        minutes = max(0, int(self.age.total_seconds() // 60))
        days, rest = divmod(minutes, 24 * 60)
        hours, mins = divmod(rest, 60)
        if days:
            return f"{days} 天 {hours} 小时前"
        if hours:
            return f"{hours} 小时 {mins} 分钟前"
        return f"{mins} 分钟前"

    def text(self) -> str:
        """Chinese, for the confirmation box."""
        held = "?" if self.cases_in_backup is None else str(self.cases_in_backup)
        lines = [f"备份时间：{self.created:%Y-%m-%d %H:%M}（{self.age_text()}），含 {held} 个案件。"]
        if not self.live_readable:
            lines.append("当前数据库无法读取，无法统计会丢失的内容。")
        elif self.cases_lost or self.steps_lost:
            lines.append(f"恢复后将丢失备份之后的内容：{self.cases_lost} 个新登记的案件、"
                         f"{self.steps_lost} 个处理步骤（新开始或已完成）、"
                         f"{self.entries_lost} 条审计记录。")
        else:
            lines.append("备份之后没有新登记的案件或处理步骤。")
        return "\n".join(lines)


def _ro(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{path.as_posix()}?mode=ro", uri=True)


def loss_preview(backup: Path, live: Path, now: datetime) -> LossPreview:
    info = describe(backup)
    created = info.created if info.created.tzinfo else info.created.astimezone()
    age = now - created
    con = _ro(backup)
    try:
        max_case = con.execute("SELECT coalesce(max(id), 0) FROM complaint_case").fetchone()[0]
        max_step = con.execute("SELECT coalesce(max(id), 0) FROM case_step").fetchone()[0]
        max_audit = con.execute("SELECT coalesce(max(id), 0) FROM audit_log").fetchone()[0]
        open_steps = [r[0] for r in con.execute(
            "SELECT id FROM case_step WHERE finished_at IS NULL")]
    finally:
        con.close()
    try:
        con = _ro(live)
        try:
            cases = con.execute("SELECT count(*) FROM complaint_case WHERE id > ?",
                                (max_case,)).fetchone()[0]
            steps = con.execute("SELECT count(*) FROM case_step WHERE id > ?",
                                (max_step,)).fetchone()[0]
            for i in range(0, len(open_steps), 500):  # open then, finished since
                chunk = open_steps[i:i + 500]
                steps += con.execute(
                    f"SELECT count(*) FROM case_step WHERE finished_at IS NOT NULL AND id IN "
                    f"({','.join('?' * len(chunk))})", chunk).fetchone()[0]
            entries = con.execute("SELECT count(*) FROM audit_log WHERE id > ?",
                                  (max_audit,)).fetchone()[0]
        finally:
            con.close()
    except sqlite3.DatabaseError:
        return LossPreview(created, age, info.cases, 0, 0, 0, live_readable=False)
    return LossPreview(created, age, info.cases, cases, steps, entries)
