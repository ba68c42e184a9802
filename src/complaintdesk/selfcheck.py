"""`complaintdesk --self-check`: proves an installed (or frozen) copy works end to end
without a screen — opens a temporary database, registers a complaint, renders the form,
writes a workbook, loads Qt with the bundled font and the PDF viewer — then exits 0.
The installer build in CI runs it, so a broken bundle fails CI, not a dealership."""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any


def run_self_check(out: Callable[[str], None] = print) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    failures = 0
    t0 = time.perf_counter()

    def step(name: str, fn: Callable[[], str]) -> None:
        nonlocal failures
        try:
            out(f"[通过] {name}:{fn()}")
        except Exception as exc:  # the point is to report every failure, then exit 1
            failures += 1
            out(f"[失败] {name}:{type(exc).__name__}: {exc}")

    with tempfile.TemporaryDirectory(prefix="complaintdesk-selfcheck-") as tmp:
        state: dict[str, Any] = {}  # what one step leaves for the next

        def database() -> str:
            from .domain.records import Intake
            from .services.base import SYSTEM_USER
            from .services.container import open_services
            from .storage.database import DatabaseConfig

            services = open_services(DatabaseConfig.sqlite_file(Path(tmp) / "check.sqlite3"),
                                     data_dir=Path(tmp))
            now = services.clock.now()
            case = services.intake.register(SYSTEM_USER, Intake(
                customer_name="自检客户", phone="13800138000", plate="京A12345",
                description="自检：刹车异响", complained_at=now - timedelta(minutes=5)))
            state["services"], state["case"] = services, case
            return f"SQLite 建库、迁移并登记 {case.number}"

        def pdf() -> str:
            from .documents.feedback_form import feedback_form_pdf
            from .documents.pdf_common import PrintContext

            services = state["services"]
            ctx = PrintContext(dealership_name="自检", printed_at=services.clock.now())
            data = feedback_form_pdf(state["case"], ctx)
            if not data.startswith(b"%PDF") or len(data) < 2000:
                raise RuntimeError("PDF 内容异常")
            state["pdf"] = data
            return f"处理单 PDF {len(data) // 1024} KB（含嵌入字体）"

        def workbook() -> str:
            from zoneinfo import ZoneInfo

            from openpyxl import load_workbook

            from .documents.excel_month import build_month_report, write_month_workbook
            from .domain.kpi import KpiLookups

            services = state["services"]
            now = services.clock.now()
            tz = ZoneInfo("Asia/Shanghai")
            local = now.astimezone(tz)
            data = build_month_report([state["case"]], [], {}, local.year, local.month, tz, now,
                                      KpiLookups())
            path = Path(tmp) / "check.xlsx"
            write_month_workbook(path, data)
            sheets = load_workbook(path, read_only=True).sheetnames
            return f"月报 Excel {len(sheets)} 个工作表"

        def qt() -> str:
            from ._pyside_fix import keep_none_alive

            keep_none_alive()  # Qt runs here without the ui package (see _pyside_fix)
            from PySide6.QtCore import QBuffer, QByteArray, QIODevice
            from PySide6.QtGui import QFontDatabase
            from PySide6.QtPdf import QPdfDocument
            from PySide6.QtWidgets import QApplication

            from .resources_path import resource_path

            app = QApplication.instance() or QApplication(sys.argv[:1])
            fid = QFontDatabase.addApplicationFont(str(resource_path("fonts", "wqy-microhei.ttc")))
            if fid < 0:
                raise RuntimeError("无法加载内置中文字体")
            doc = QPdfDocument(app)
            buf = QBuffer(app)
            pdf = state.get("pdf") or _tiny_pdf()
            buf.setData(QByteArray(pdf))
            buf.open(QIODevice.OpenModeFlag.ReadOnly)
            doc.load(buf)
            if doc.pageCount() < 1:
                raise RuntimeError("QtPdf 无法打开生成的 PDF")
            return f"Qt {QApplication.platformName()}，中文字体已注册，QtPdf 打开 {doc.pageCount()} 页"

        step("数据库", database)
        step("PDF 表单", pdf)
        step("Excel 报表", workbook)
        step("界面组件", qt)
        services = state.get("services")
        if services is not None:
            services.dispose()
    out(f"自检{'通过' if not failures else '失败'}，用时 {time.perf_counter() - t0:.1f} 秒")
    return 1 if failures else 0


def _tiny_pdf() -> bytes:
    """A one-line PDF for the Qt check when the form step itself failed."""
    import io

    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    c = canvas.Canvas(out)
    c.drawString(72, 720, "self-check")
    c.save()
    return out.getvalue()
