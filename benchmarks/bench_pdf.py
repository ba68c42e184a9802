"""PDF forms benchmark (DESIGN §10): one 处理单, a week's slips (20 in one PDF) and the
floor — a one-page reportlab document with the same font registered and a few lines of
Chinese. Median of N warm runs (the font is registered before timing).

    uv run python benchmarks/bench_pdf.py [N]
"""

from __future__ import annotations

import io
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "documents"))

from builders import CaseBuilder, context, slip  # noqa: E402
from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.pdfgen.canvas import Canvas  # noqa: E402

from complaintdesk.documents.fault_slip import slips_batch_pdf  # noqa: E402
from complaintdesk.documents.feedback_form import feedback_form_pdf  # noqa: E402
from complaintdesk.documents.fonts import register_cjk_font  # noqa: E402


def floor_pdf() -> bytes:
    font = register_cjk_font()
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=A4)
    c.setFont(font, 12)
    for i, line in enumerate(("客户信息反馈意见处理单", "FK-202611-0007 张伟 13812345678",
                              "经查,保养时机油滤清器安装不到位导致异响。")):
        c.drawString(72, 760 - 20 * i, line)
    c.showPage()
    c.save()
    return buf.getvalue()


def median_ms(fn, n: int) -> float:
    fn()  # warm
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    t0 = time.perf_counter()
    register_cjk_font()
    reg_ms = (time.perf_counter() - t0) * 1000
    ctx = context()
    case = CaseBuilder().full().build()
    slips = [slip(i, f"GS-202611-{i:04d}") for i in range(1, 21)]
    floor = median_ms(floor_pdf, n)
    form = median_ms(lambda: feedback_form_pdf(case, ctx, [slip()]), n)
    batch = median_ms(lambda: slips_batch_pdf(slips, ctx), n)
    print(f"font registration (once per process): {reg_ms:8.1f} ms")
    print(f"floor: one-page reportlab doc, same font: {floor:8.1f} ms")
    print(f"客户信息反馈意见处理单 (full case, 1 page): {form:8.1f} ms  ×{form / floor:.1f} floor")
    print(f"20 过失单 in one PDF (20 pages):          {batch:8.1f} ms  ×{batch / floor:.1f} floor"
          f"  ({batch / 20:.1f} ms/slip)")
    print(f"sizes: floor {len(floor_pdf())} B, form "
          f"{len(feedback_form_pdf(case, ctx, [slip()]))} B, batch "
          f"{len(slips_batch_pdf(slips, ctx))} B")


if __name__ == "__main__":
    main()
