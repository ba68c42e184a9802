"""Where the shipped resources (fonts, icons, default rules and data) are.

They live in the repository's top-level `resources/` (the design card's layout) and are
found in all three ways the program runs:
- a PyInstaller bundle: `complaintdesk/resources` under the bundle (build_installer.spec's
  datas);
- an installed wheel: `complaintdesk/resources` beside this module (pyproject's hatch
  force-include maps the top-level folder there);
- a source checkout (editable install, tests): the top-level `resources/` itself.
"""

from __future__ import annotations

import sys
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
# src/complaintdesk/resources_path.py → the checkout's root
_CHECKOUT = _PACKAGE.parent.parent / "resources"


def resources_root() -> Path:
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "complaintdesk" / "resources"
    installed = _PACKAGE / "resources"
    return installed if installed.is_dir() else _CHECKOUT


def resource_path(*parts: str) -> Path:
    return resources_root().joinpath(*parts)
