"""The footer's QR code is the symbol reportlab makes, mask choice included."""

from __future__ import annotations

import random

from reportlab.graphics.barcode import qrencoder

from complaintdesk.documents.qr import best_mask, lost_point, qr_modules


def _reportlab(text: str) -> qrencoder.QRCode:
    qr = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    qr.addData(text)
    qr.make()
    return qr


def _texts() -> list[str]:
    rnd = random.Random(11)
    out = [f"{p}-2026{m:02d}-{n:04d}" for p in ("FK", "GS", "CF", "NB", "FX")
           for m in (1, 11) for n in (1, 7, 12, 999, 1234)]
    out += ["".join(rnd.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") for _ in range(k))
            for k in (1, 5, 14, 20, 30, 60) for _ in range(8)]
    return out


def test_the_mask_and_symbol_are_reportlabs():
    for text in _texts():
        ref = _reportlab(text)
        symbol = [[bool(m) for m in row] for row in ref.modules]
        mine = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
        mine.addData(text)
        mine.version = mine.calculate_version()
        assert best_mask(mine) == ref.getBestMaskPattern(), text
        assert qr_modules(text) == symbol, text


def test_lost_point_counts_as_reportlab_does():
    rnd = random.Random(5)
    for n in (21, 25):
        for _ in range(40):
            modules = [[rnd.random() < 0.5 for _ in range(n)] for _ in range(n)]
            rows = ["".join("1" if m else "0" for m in row) for row in modules]
            qr = qrencoder.QRCode(1, qrencoder.QRErrorCorrectLevel.M)
            qr.modules = modules
            assert lost_point(rows) == qrencoder.QRUtil.getLostPoint(qr)
