"""Exporting and printing a list view (台账, 过失单, 我的待办; issue 13): the rows the person
sees — already masked for them by the services that produced the list (DESIGN §3) — as a
workbook or a PDF with the dealership's name. Every export is audited."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..documents.list_section import ListSection
from ..domain.query import CaseListRow, CaseQuery
from ..domain.records import CaseStatus, Severity, User
from ..domain.steps import step_title
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


# 导出当前列表 (issue 18 §3): the case list's columns, as the list shows them
CASE_LIST_HEADERS = ("编号", "登记时间", "客户", "电话", "车牌", "类别", "严重程度", "部门",
                     "当前步骤", "期限", "状态")
CASE_LIST_PAGE = 2000
CASE_LIST_MAX = 200_000  # a workbook past this is no list anyone reads


def _local(when: Any, tz: Any) -> str:
    return "" if when is None else when.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def case_list_row(r: CaseListRow, tz: Any) -> list[str]:
    """One case as the list shows it (the phone as the service handed it: masked)."""
    def label(enum: Any, value: str) -> str:
        try:
            return str(enum(value).label) if value else ""
        except ValueError:
            return value

    return [r.number, _local(r.registered_at, tz), r.customer_name, r.phone, r.plate,
            r.category, label(Severity, r.severity), r.department_name,
            step_title(r.current_step) if r.current_step else "",
            _local(r.current_deadline, tz), label(CaseStatus, r.status)]


class ListExportService(ServiceBase):
    def write_case_list(self, actor: User, query: CaseQuery, path: Path,
                        filters: Sequence[str] = ()) -> tuple[Path, int]:
        """导出当前列表: every case the list's filters find (not only the pages loaded), in
        its order, masked for the actor as the list is (DESIGN §3), to a workbook."""
        from .cases import CaseService

        cases = CaseService(self.engine, self.clock, self.tz_name)
        rows: list[list[Any]] = []
        while len(rows) < CASE_LIST_MAX:
            page = cases.list_page(actor, query, len(rows), CASE_LIST_PAGE)
            rows += [case_list_row(r, self.tz) for r in page]
            if len(page) < CASE_LIST_PAGE:
                break
        note = "筛选条件：" + "；".join(filters) if filters else "全部案件"
        title = "案件列表"
        section = ListSection(f"{title}（共 {len(rows)} 件）", CASE_LIST_HEADERS, rows)
        return self.write_xlsx(actor, title, [section], path, note), len(rows)

    def write_xlsx(self, actor: User, title: str, sections: Sequence[ListSection], path: Path,
                   note: str = "") -> Path:
        """The list as a workbook at `path` (written whole or not at all)."""
        _check(title, sections)
        with self.uow(readonly=True) as uow:
            dealership = str(uow.settings.get("dealership_name", DEFAULTS["dealership_name"]))
        from ..documents.list_export import write_list_workbook  # openpyxl: on first use

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
        from ..documents.list_export import list_pdf  # reportlab: on first use

        data = list_pdf(title, sections, ctx, note, number)
        self._audit(actor, title, "pdf")
        return data

    def _audit(self, actor: User, title: str, target: str) -> None:
        with self.uow() as uow:
            self.audit(uow, actor, "export", "list", title, after={"file": target})
            uow.commit()

__all__ = ["ListExportService", "ListSection"]
