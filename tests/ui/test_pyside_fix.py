"""PySide6 6.12 on Python 3.11 drops a reference to None on every void call (see
complaintdesk/_pyside_fix.py). The fix is applied where Qt runs, and only there."""

from __future__ import annotations

import os
import subprocess
import sys

_ENV = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}


def _run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], env=_ENV, capture_output=True,
                          text=True, timeout=120)


def test_many_void_qt_calls_after_importing_the_ui_do_not_kill_none():
    # None starts with a few thousand references: 200,000 void calls would deallocate it
    # ("none_dealloc") on an unfixed PySide6 6.12 / Python 3.11.
    r = _run("import complaintdesk.ui\n"
             "from PySide6.QtWidgets import QApplication, QLabel\n"
             "app = QApplication([])\n"
             "w = QLabel()\n"
             "for i in range(200_000):\n"
             "    w.setText('x')\n"
             "print('ok')\n")
    assert r.returncode == 0 and r.stdout.strip() == "ok", r.stderr[-2000:]


def test_importing_the_domain_leaves_none_alone():
    r = _run("import sys\n"
             "before = sys.getrefcount(None)\n"
             "import complaintdesk, complaintdesk.domain.kpi, complaintdesk.services.container\n"
             "print(sys.getrefcount(None) - before < 1_000_000)\n")
    assert r.returncode == 0 and r.stdout.strip() == "True", r.stderr[-2000:]
