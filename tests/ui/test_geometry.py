from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QDialog, QMessageBox

from complaintdesk.ui.widgets.geometry import install_geometry_keeper


class NotesDialog(QDialog):
    pass


NotesDialog.__module__ = "complaintdesk.ui.notes"  # as if it were one of ours


def test_dialogs_reopen_at_the_size_the_user_left(qtbot, qapp, tmp_path):
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    keeper = install_geometry_keeper(qapp, settings)
    try:
        first = NotesDialog()
        qtbot.addWidget(first)
        first.show()
        first.resize(431, 277)
        first.hide()
        second = NotesDialog()
        qtbot.addWidget(second)
        second.show()
        assert (second.width(), second.height()) == (431, 277)
        assert keeper.key(QMessageBox()) is None  # Qt's own dialogs are left alone
    finally:
        qapp.removeEventFilter(keeper)
