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


def test_the_app_gets_one_geometry_keeper_however_often_setup_finishes(qapp):
    from complaintdesk import app as appmod
    from complaintdesk.ui.widgets.geometry import GeometryKeeper

    had = qapp in appmod._GEOMETRY_KEEPERS  # an earlier test may have started the app
    before = len(qapp.findChildren(GeometryKeeper))
    appmod.finish_app_setup(qapp)
    appmod.finish_app_setup(qapp)
    keeper = appmod._GEOMETRY_KEEPERS[qapp]
    assert keeper.parent() is qapp
    assert len(qapp.findChildren(GeometryKeeper)) == before + (0 if had else 1)
    if not had:  # leave the app as it was
        qapp.removeEventFilter(keeper)
        del appmod._GEOMETRY_KEEPERS[qapp]
        keeper.setParent(None)
