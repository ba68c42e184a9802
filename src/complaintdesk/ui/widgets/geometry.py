"""Every ComplaintDesk dialog comes back at the size and place the user left it: one
application-wide event filter, instead of save/restore code in each of twenty dialogs."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSettings
from PySide6.QtWidgets import QApplication, QDialog

ORGANIZATION = "ComplaintDesk"


class GeometryKeeper(QObject):
    def __init__(self, settings: QSettings | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.settings = settings or QSettings(ORGANIZATION, ORGANIZATION)

    @staticmethod
    def key(dialog: QDialog) -> str | None:
        cls = type(dialog)
        if not cls.__module__.startswith("complaintdesk."):
            return None  # Qt's own message boxes and file dialogs size themselves
        return f"dialogs/{cls.__name__}"

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if isinstance(obj, QDialog) and event.type() in (QEvent.Type.Show, QEvent.Type.Hide):
            key = self.key(obj)
            if key is not None:
                if event.type() == QEvent.Type.Show:
                    saved = self.settings.value(key)
                    if saved is not None and not obj.property("_cd_geometry_restored"):
                        obj.restoreGeometry(saved)
                        obj.setProperty("_cd_geometry_restored", True)
                else:
                    self.settings.setValue(key, obj.saveGeometry())
        return False


def install_geometry_keeper(app: QApplication, settings: QSettings | None = None
                            ) -> GeometryKeeper:
    keeper = GeometryKeeper(settings, app)
    app.installEventFilter(keeper)
    return keeper
