"""Work around PySide6 6.12 on CPython 3.11 (checked: 6.11.3 is fine, 6.12.0 is not).

Every Python call of a C++ method that returns void (show(), setText(), processEvents() …)
drops one reference to None: the bindings assume 3.12's immortal None (PEP 683). None
starts with a few thousand references, so a running window dies with "none_dealloc:
deallocating None" after a few thousand such calls. We cannot move to 6.11 (QtPdf lives in
PySide6-Addons there) nor to Python 3.12 (Debian 12 ships 3.11), so None gets a reference
count no session can use up. Python 3.12+ needs nothing.

Applied only where Qt runs: `complaintdesk.ui` (imported by every GUI entry), the
self-check's Qt step and the tests' conftest — never by `import complaintdesk` or the
domain. The way out: drop this module once PySide6's release notes say void calls keep
None's reference on 3.11 (then tests/ui/test_pyside_fix.py passes without it), or when the
supported Python is 3.12+.
"""

from __future__ import annotations

import sys

_done = False


def keep_none_alive() -> None:
    global _done
    if sys.version_info < (3, 12) and not _done:
        import ctypes

        ctypes.c_ssize_t.from_address(id(None)).value += 1 << 40
        _done = True
