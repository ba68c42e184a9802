"""ComplaintDesk — 客户投诉处理系统."""

from __future__ import annotations


def _version() -> str:
    """pyproject.toml's version is the only source: from the installed metadata (the
    installer bundles it), else read from the source tree's pyproject.toml."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("complaintdesk")
    except PackageNotFoundError:
        import tomllib
        from pathlib import Path

        try:
            pyproject = Path(__file__).resolve().parents[2] / "pyproject.toml"
            return str(tomllib.loads(pyproject.read_text("utf-8"))["project"]["version"])
        except (OSError, KeyError, ValueError):
            return "未知"


def __getattr__(name: str) -> str:
    # Looked up on first use: importlib.metadata costs ~0.1 s, too much for every start.
    if name == "__version__":
        return _version()
    raise AttributeError(name)
