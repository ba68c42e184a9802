"""签字存档 in the case view (DESIGN §4.7): each signed paper form the case owes, at the
step it completes — still to come, missing (red), or on file with its scans — and, for
cs_center, the assessor and the administrator, 上传扫描件… (PDF, PNG, JPG)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QWidget,
)

from ...domain.records import User
from ...domain.steps import step_title
from ..widgets.attachment_picker import size_text
from ..widgets.common import local_text, show_error

if TYPE_CHECKING:
    from ...domain.paper import CopyState
    from ...services.container import Services

SCAN_FILTER = "签字扫描件 (*.pdf *.png *.jpg *.jpeg);;所有文件 (*)"
MISSING_STYLE = "color: #c62828; font-weight: bold;"


class SignedCopiesBox(QGroupBox):
    changed = Signal()  # a copy was attached: the case view reloads

    def __init__(self, services: Services, user: User, case_id: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services, self.user, self.case_id = services, user, case_id
        self.tz = services.cases.tz
        self._tmp: Path | None = None
        self.upload_buttons: dict[tuple[str, str], QPushButton] = {}
        self.status_labels: dict[tuple[str, str], QLabel] = {}
        grid = QGridLayout(self)
        try:
            copies = services.paper.case_copies(user, case_id)
        except Exception as exc:  # noqa: BLE001 - the rest of the case still shows
            grid.addWidget(QLabel(f"签字存档无法读取：{exc}"), 0, 0)
            self.setTitle("签字存档")
            self.missing_count = 0
            return
        self.missing_count = len(copies.missing)
        self.setTitle(f"签字存档（缺 {self.missing_count} 份）" if self.missing_count
                      else "签字存档")
        if not copies.states:
            grid.addWidget(QLabel("本案无需存档签字表单"), 0, 0)
        for row, state in enumerate(copies.states):
            key = (state.rule.step, state.rule.form)
            name = QLabel(f"《{state.rule.title}》 · {step_title(state.rule.step)}")
            name.setToolTip(state.rule.clause)
            status = QLabel(self._status_text(state))
            status.setWordWrap(True)
            if state.missing:
                status.setStyleSheet(MISSING_STYLE)
            self.status_labels[key] = status
            grid.addWidget(name, row, 0)
            grid.addWidget(status, row, 1)
            buttons = QHBoxLayout()
            for c in state.copies:
                b = QPushButton(f"打开 {c.filename}")
                b.setToolTip(f"SHA-256 {c.sha256}")
                b.clicked.connect(lambda _c=False, cid=c.id, n=c.filename: self._open(cid, n))
                buttons.addWidget(b)
            if copies.may_attach and state.due:
                up = QPushButton("上传扫描件…")
                up.setToolTip("签字、盖章后的纸质表单扫描件（PDF、PNG 或 JPG）")
                up.clicked.connect(lambda _c=False, k=key: self._choose(k))
                self.upload_buttons[key] = up
                buttons.addWidget(up)
            buttons.addStretch(1)
            grid.addLayout(buttons, row, 2)
        grid.setColumnStretch(1, 1)

    def _status_text(self, state: CopyState) -> str:
        if not state.due:
            return "待该环节完成"
        if not state.copies:
            return "缺签字件（环节已于 " + local_text(state.step_finished_at, self.tz) + " 完成）"
        c = state.copies[-1]
        return (f"已存档 {len(state.copies)} 份（{size_text(c.size)}，"
                f"{local_text(c.uploaded_at, self.tz)}）")

    def _choose(self, key: tuple[str, str]) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "选择签字扫描件", "", SCAN_FILTER)
        if name:
            self.attach_file(key, Path(name))

    def attach_file(self, key: tuple[str, str], path: Path) -> bool:
        """Store the scan for (step, form); True when stored."""
        try:
            data = path.read_bytes()
        except OSError:
            show_error(self, ValueError(f"无法读取文件“{path.name}”，请重新选择。"))
            return False
        try:
            self.services.paper.attach(self.user, self.case_id, key[0], key[1], path.name, data)
        except Exception as exc:  # noqa: BLE001 - a ServiceError's Chinese message
            show_error(self, exc, "签字存档未保存")
            return False
        self.changed.emit()
        return True

    def _open(self, copy_id: int | None, filename: str) -> None:
        try:
            c = self.services.paper.copy_data(self.user, copy_id or 0)
        except Exception as exc:  # noqa: BLE001
            show_error(self, exc)
            return
        if self._tmp is None:
            self._tmp = Path(tempfile.mkdtemp(prefix="complaintdesk-"))
        path = self._tmp / Path(filename).name
        path.write_bytes(c.data or b"")
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
