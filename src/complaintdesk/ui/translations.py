"""Qt's own strings in Chinese: the standard buttons of message boxes (OK → 确定,
Yes/No → 是/否), the text fields' context menu, file dialogs, calendar popups."""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

log = logging.getLogger(__name__)


def install_qt_translations(app: QCoreApplication) -> bool:
    """Load Qt's bundled zh_CN catalogue and make Chinese the default locale. True when the
    catalogue was found (the app still works in English-buttoned Qt without it)."""
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    translator = QTranslator(app)  # parented: it lives as long as the application
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if not translator.load("qtbase_zh_CN", folder):
        log.warning("Qt's Chinese translations not found in %s", folder)
        return False
    return QCoreApplication.installTranslator(translator)
