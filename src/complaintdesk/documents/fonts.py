"""The CJK font for the PDF forms (DESIGN §7).

reportlab can only embed TrueType-outline fonts; the bundled WenQuanYi Micro Hei TTC is
one. Parsing the TTC is the expensive part of producing a form (~100 ms), so it is
registered once per process. reportlab embeds only the glyphs used (subset), which
keeps a one-page form small.
"""

from __future__ import annotations

import threading

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from complaintdesk.resources_path import resource_path

CJK_FONT_NAME = "WQYMicroHei"
CJK_FONT_FILE = ("fonts", "wqy-microhei.ttc")

_lock = threading.Lock()
_registered: str | None = None


def register_cjk_font() -> str:
    """Register the bundled CJK font with reportlab (once) and return its font name."""
    global _registered
    if _registered is not None:
        return _registered
    with _lock:
        if _registered is None:
            if CJK_FONT_NAME not in pdfmetrics.getRegisteredFontNames():
                path = resource_path(*CJK_FONT_FILE)
                pdfmetrics.registerFont(TTFont(CJK_FONT_NAME, str(path), subfontIndex=0))
            _registered = CJK_FONT_NAME
    return _registered
