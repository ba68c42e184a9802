"""Where the bundled resources are, from a source tree or a PyInstaller bundle."""

from __future__ import annotations

import sys
from pathlib import Path


def resource_path(*parts: str) -> Path:
    base = getattr(sys, "_MEIPASS", None)
    root = (Path(base) / "complaintdesk" / "resources") if base else (
        Path(__file__).resolve().parent / "resources")
    return root.joinpath(*parts)
