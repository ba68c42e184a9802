"""ComplaintDesk — 客户投诉处理系统."""

from __future__ import annotations

from ._pyside_fix import keep_none_alive

keep_none_alive()  # before anything can call into PySide6 (see _pyside_fix)


def __getattr__(name: str) -> str:
    # The version's single source is pyproject.toml, read from the installed metadata —
    # lazily, because importlib.metadata costs ~0.1 s at every start.
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("complaintdesk")
        except PackageNotFoundError:  # a source tree that was never installed
            return "0.0.0+unknown"
    raise AttributeError(name)
