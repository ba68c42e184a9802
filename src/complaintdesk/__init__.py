"""ComplaintDesk — 客户投诉处理系统."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("complaintdesk")
except PackageNotFoundError:  # running from a frozen bundle or a source tree
    __version__ = "0.1.0"
