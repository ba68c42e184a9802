"""Column widths for every table: the table fills the width of its window, and a width
the user dragged is kept.

One column (the description-like one, else the last) takes the spare width; the others
fit their contents (capped, so one long cell cannot push the rest off screen). When the
window is narrower than the contents, the table scrolls sideways instead of squeezing a
column to nothing. `stretch=None` spreads the spare width over all columns instead (tables
of figures, where one wide number column would look lost). A column the user resized by
hand keeps that width from then on, also after a restart (QSettings "columns/<key>", by
column title), the way dialogs keep their size (geometry.py).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, QSettings, Qt
from PySide6.QtWidgets import QHeaderView, QTableView

from .geometry import ORGANIZATION

MAX_FIT = 360  # px: a column fitted to its contents is never wider than this
_HORIZONTAL = Qt.Orientation.Horizontal


class ColumnSizer(QObject):
    def __init__(self, view: QTableView, key: str, stretch: int | None = -1,
                 widths: Sequence[int] | None = None, settings: QSettings | None = None,
                 max_width: int = MAX_FIT) -> None:
        """`stretch`: the column that takes the spare width (-1: the last one, None: all);
        `widths`: fixed starting widths instead of fitting to contents (a paged model
        whose rows are not all there to measure)."""
        super().__init__(view)
        self.view = view
        self.key = f"columns/{key}"
        self._stretch = stretch
        self.widths = list(widths) if widths is not None else None
        self.settings = settings or QSettings(ORGANIZATION, ORGANIZATION)
        self.max_width = max_width
        self._natural: dict[int, int] = {}  # the width before the spare space was shared
        self._busy = False
        header = view.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.sectionResized.connect(self._on_resized)
        view.viewport().installEventFilter(self)
        self.fit()

    # ---- public -------------------------------------------------------------------------
    @property
    def stretch(self) -> int | None:
        n = self.view.model().columnCount() if self.view.model() is not None else 0
        if self._stretch is None or n == 0:
            return None
        return n - 1 if self._stretch < 0 else self._stretch

    def fit(self) -> None:
        """Size the columns for the rows now shown; call after the rows changed."""
        model = self.view.model()
        if model is None:
            return
        saved = self._saved()
        self._busy = True
        try:
            for col in range(model.columnCount()):
                if self.view.isColumnHidden(col):
                    continue
                title = str(model.headerData(col, _HORIZONTAL) or col)
                if title in saved:
                    width = saved[title]
                elif self.widths is not None and col < len(self.widths):
                    width = self.widths[col]
                else:
                    self.view.resizeColumnToContents(col)
                    width = min(self.view.columnWidth(col), self.max_width)
                self._natural[col] = width
                self.view.setColumnWidth(col, width)
        finally:
            self._busy = False
        self._fill()

    def user_widths(self) -> dict[str, int]:
        return self._saved()

    # ---- internals ----------------------------------------------------------------------
    def _columns(self) -> list[int]:
        model = self.view.model()
        return [c for c in range(model.columnCount() if model is not None else 0)
                if not self.view.isColumnHidden(c)]

    def _fill(self) -> None:
        """Give the spare width to the stretch column (or share it out)."""
        cols = self._columns()
        if not cols:
            return
        natural = {c: self._natural.get(c, self.view.columnWidth(c)) for c in cols}
        spare = self.view.viewport().width() - sum(natural.values())
        stretch = self.stretch
        self._busy = True
        try:
            if stretch is not None and stretch in natural:
                for c in cols:
                    self.view.setColumnWidth(c, natural[c] + (max(spare, 0) if c == stretch
                                                              else 0))
            else:
                share, rest = divmod(max(spare, 0), len(cols))
                for i, c in enumerate(cols):
                    self.view.setColumnWidth(c, natural[c] + share + (1 if i < rest else 0))
        finally:
            self._busy = False

    def _on_resized(self, col: int, _old: int, new: int) -> None:
        if self._busy or col == self.stretch:
            return
        model = self.view.model()
        title = str(model.headerData(col, _HORIZONTAL) or col)
        saved = self._saved()
        saved[title] = new
        self.settings.setValue(self.key, [f"{t}\t{w}" for t, w in saved.items()])
        self._natural[col] = new
        if self._stretch is not None:
            self._fill()  # the stretch column takes up (or gives back) the difference

    def _saved(self) -> dict[str, int]:
        value = self.settings.value(self.key)
        if isinstance(value, str):  # QSettings hands back a one-item list as a string
            value = [value]
        saved = {}
        for item in value or []:
            title, _, width = str(item).rpartition("\t")
            if title and width.isdigit():
                saved[title] = int(width)
        return saved

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Resize and obj is self.view.viewport():
            self._fill()
        return False
