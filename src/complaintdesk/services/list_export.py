"""Exporting and printing a list view (台账, 过失单, 我的待办; issue 13): the rows the person
sees — already masked for them by the services that produced the list (DESIGN §3) — as a
workbook or a PDF with the dealership's name. Every export is audited."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..documents.list_export import ListSection, list_pdf, write_list_workbook
from ..domain.records import User
from .base import ServiceBase
from .errors import ServiceError
from .print_context import make_print_context
from .reports import replace_atomically
from .settings import DEFAULTS


def _check(title: str, sections: Sequence[ListSection]) -> None:
    if not title.strip():
        raise ServiceError("请填写导出的标题。", field="title")
    for s in sections:
        if any(len(r) != len(s.headers) for r in s.rows):
            raise ServiceError(f"“{s.title}”的列数不一致，无法导出。")


class ListExportService(ServiceBase):
    def write_xlsx(self, actor: User, title: str, sections: Sequence[ListSection], path: Path,
                   note: str = "") -> Path:
        """The list as a workbook at `path` (written whole or not at all)."""
        _check(title, sections)
        with self.uow(readonly=True) as uow:
            dealership = str(uow.settings.get("dealership_name", DEFAULTS["dealership_name"]))
        now = self.clock.now().astimezone(self.tz)
        path = Path(path)
        replace_atomically(path, lambda tmp: write_list_workbook(
            tmp, title, dealership, sections, note, now.replace(tzinfo=None)))
        self._audit(actor, title, str(path))
        return path

    def pdf(self, actor: User, title: str, sections: Sequence[ListSection], note: str = "",
            number: str = "") -> bytes:
        """The list as PDF bytes for the print preview."""
        _check(title, sections)
        with self.uow(readonly=True) as uow:
            ctx = make_print_context(uow, self.clock.now(), self.tz_name, clauses=False)
        data = list_pdf(title, sections, ctx, note, number)
        self._audit(actor, title, "pdf")
        return data

    def _audit(self, actor: User, title: str, target: str) -> None:
        with self.uow() as uow:
            self.audit(uow, actor, "export", "list", title, after={"file": target})
            uow.commit()

__all__ = ["ListExportService", "ListSection"]
