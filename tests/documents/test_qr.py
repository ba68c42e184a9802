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


def test_larger_symbols_and_other_levels_are_reportlabs():
    """Versions with a version-number block (≥ 7), several Reed-Solomon blocks, byte
    mode, and every error-correction level."""
    rnd = random.Random(23)
    texts = ["".join(rnd.choice("0123456789") for _ in range(200)),
             "".join(rnd.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 $%*+-./:") for _ in range(180)),
             "客户信息反馈意见处理单 FK-202611-0001",
             "https://example.invalid/case?id=" + "x" * 120]
    levels = qrencoder.QRErrorCorrectLevel
    for text in texts:
        for level in (levels.L, levels.M, levels.Q, levels.H):
            ref = qrencoder.QRCode(None, level)
            ref.addData(text)
            ref.make()
            assert qr_modules(text, level) == [[bool(m) for m in row] for row in ref.modules], \
                (text[:20], level, ref.version)


def test_the_drawn_runs_are_the_dark_modules():
    from complaintdesk.documents.pdf_runs import _qr_runs

    for text in ("FK-202611-0001", "GS-202612-1234", "A" * 40):
        modules = qr_modules(text)
        count, runs = _qr_runs(text)
        drawn = [[False] * count for _ in range(count)]
        for r, c, n in runs:
            assert n > 0 and not any(drawn[r][c:c + n])
            drawn[r][c:c + n] = [True] * n
        assert drawn == modules


def test_the_drawn_path_is_one_rect_per_run_as_fp_str_writes_it():
    from reportlab.lib.rl_accel import fp_str

    from complaintdesk.documents.pdf_runs import _qr_ops, _qr_runs

    for text, x, y, size in (("FK-202611-0001", 500.3, 7.09, 28.35), ("GS-202612-0042", 0, 0, 30)):
        count, runs = _qr_runs(text)
        box = size / count
        rects = " ".join(f"{fp_str(x + c * box, y + size - (r + 1) * box, n * box, box)} re"
                         for r, c, n in runs)
        assert _qr_ops(text, x, y, size) == f"q\n0 0 0 rg\nn {rects}\nf*\nQ"
