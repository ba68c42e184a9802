"""A messy Excel ledger as dealerships keep them (issue 18 §3): a title row, a two-level
header with merged cells, a column the synonym table does not know, dates as text, as
Excel dates and as serial numbers, a phone typed as a number, a landline in the mobile
column, a blank row, a duplicate, a bad phone, a bad date, a closing before the complaint."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from openpyxl import Workbook

HEADERS_ROW3 = [None, "客户名称", "手机", "座机", "车牌号", "VIN码", None, None, None, None,
                None, None, None]
# Excel row → (what it holds); rows 4, 5 and 9 are good, 7, 8, 10 and 11 have errors
ROWS = {
    4: [1, "张三", "138 1234 5678", None, "京A12345", "1M8GDM9AXKP042788",
        datetime(2025, 3, 5), "保养后刹车异响", "售后", "已更换刹车片", "满意", "2025/3/8", "电话"],
    5: [2, "李四", 15912345678.0, None, "粤BD12345", None, 45730, "交车延迟三天", "销售部",
        "道歉并赠送保养一次", "基本满意", datetime(2025, 3, 20), "微信"],
    7: [3, "王五", "12345", None, None, None, "2025年4月1日", "配件迟迟不到", "配件部",
        "已催货", "不满意", "2025-04-05", "到店"],
    8: [1, "张三", "138 1234 5678", None, "京A12345", "1M8GDM9AXKP042788",
        datetime(2025, 3, 5), "保养后刹车异响", "售后", "已更换刹车片", "满意", "2025/3/8", "电话"],
    9: [5, "赵六", "0755-87654321", None, "京A12345", None, "2025-04-10 14:30",
        "前台服务态度差", "客服", None, None, None, "电话"],
    10: [6, "钱七", "13712345678", None, None, None, "2025-13-45", "车漆有划痕", "售后服务部",
         "补漆", "满意", "2025-05-01", "电话"],
    11: [7, "孙八", "13612345678", None, None, None, "2025-05-10", "发票开错", "财务部",
         "重开发票", "满意", "2025-05-01", "电话"],
}
GOOD_ROWS = (4, 5, 9)
ERROR_ROWS = (7, 8, 10, 11)


def messy_ledger(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "2025年投诉台账"
    ws["A1"] = "某某汽车4S店客户投诉台账（2025年）"
    ws.merge_cells("A1:M1")
    row2 = ["序号", "客户信息", None, None, "车辆信息", None, "投诉日期", "问题描述", "责任部门",
            "处理情况", "是否满意", "完成时间", "反映渠道"]
    for c, v in enumerate(row2, start=1):
        if v is not None:
            ws.cell(2, c, v)
    for c, v in enumerate(HEADERS_ROW3, start=1):
        if v is not None:
            ws.cell(3, c, v)
    ws.merge_cells("B2:D2")
    ws.merge_cells("E2:F2")
    for col in "AGHIJKLM":
        ws.merge_cells(f"{col}2:{col}3")
    for r, values in ROWS.items():
        for c, v in enumerate(values, start=1):
            cell = ws.cell(r, c, v)
            if isinstance(v, datetime):
                cell.number_format = "yyyy-mm-dd"
    # a second, unrelated sheet: the ledger's sheet is found by its header
    other = wb.create_sheet("说明")
    other["A1"] = "本台账由客服中心维护"
    wb.save(path)
    return path
