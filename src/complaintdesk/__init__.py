"""ComplaintDesk — 客户投诉处理系统."""

from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from ._pyside_fix import keep_none_alive


def _version() -> str:
    """pyproject.toml's version is the only source: from the installed metadata (the
    installer bundles it), else read from the source tree's pyproject.toml."""
    try:
        return version("complaintdesk")
    except PackageNotFoundError:
        import tomllib

        try:
            pyproject = Path(__file__).resolve().parents[2] / "pyproject.toml"
            return str(tomllib.loads(pyproject.read_text("utf-8"))["project"]["version"])
        except (OSError, KeyError, ValueError):
            return "未知"


__version__ = _version()

keep_none_alive()  # before anything can call into PySide6 (see _pyside_fix)
