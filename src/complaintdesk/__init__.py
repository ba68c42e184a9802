"""ComplaintDesk — 客户投诉处理系统."""

from importlib.metadata import PackageNotFoundError, version

from ._pyside_fix import keep_none_alive

try:
    __version__ = version("complaintdesk")
except PackageNotFoundError:  # running from a frozen bundle or a source tree
    __version__ = "0.1.0"

keep_none_alive()  # before anything can call into PySide6 (see _pyside_fix)
