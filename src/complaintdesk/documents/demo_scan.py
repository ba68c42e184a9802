"""A stand-in for a scanned, signed paper form (the demo's 签字存档): one A4 page saying
what it stands for. Real scans come from the dealership's scanner."""

from __future__ import annotations

import io

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from .fonts import register_cjk_font


def demo_scan_pdf(number: str, form_title: str) -> bytes:
    buf = io.BytesIO()
    canv = Canvas(buf, pagesize=A4, initialFontName=register_cjk_font())
    canv.setFont(register_cjk_font(), 14)
    canv.drawString(72, A4[1] - 96, f"（演示）{form_title} {number} 签字盖章扫描件")
    canv.showPage()
    canv.save()
    return buf.getvalue()
