"""Realistic demo material: customers, vehicles, what they complain about (random, seeded)."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from ..domain.records import CHANNELS, MOODS, FeedbackKind, Intake
from ..domain.validation import vin_check_digit

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红建国志文斌宇浩凯鹏辉晨欣怡子涵梓轩雨婷嘉豪思远佳琪一鸣天宇"
MODELS = ("朗逸", "速腾", "迈腾", "帕萨特", "途观L", "探岳", "宝来", "高尔夫", "ID.4 CROZZ",
          "ID.6 X", "凌渡L", "途昂", "威然", "揽境", "途岳")
PLATE_PREFIXES = ("京A", "京B", "京E", "京F", "京G", "京N", "京P", "京Q", "冀A", "津A")
LOCATIONS = ("售后接待区", "维修车间", "展厅", "交车区", "客户休息区", "洗车区", "配件库",
             "电话回访中", "店外道路救援")
PROBLEMS: dict[str, tuple[str, ...]] = {
    "维修质量": ("保养后发动机故障灯仍然亮起，刚出店门就又亮了", "更换刹车片后行驶中有异响，已经第二次来店",
             "空调维修后制冷效果仍然很差", "四轮定位后方向盘跑偏，车辆有明显向右偏的情况"),
    "服务态度": ("服务顾问接待时态度冷淡，问了三遍没人理", "电话预约时客服语气不耐烦，直接挂断电话",
             "交车时销售顾问催促签字，没有讲解车辆功能"),
    "维修时间": ("约定下午三点取车，到六点还没有修好，也没人通知", "等待配件超过两周仍无消息",
             "快速保养承诺一小时，实际等了三个半小时"),
    "收费价格": ("结算单上多了没有做的项目，收费不透明", "工时费比报价高出很多，事先没有告知",
             "购车时说好的延保，售后说没有记录，要求自费维修"),
    "配件问题": ("更换的配件不是原厂件，包装上没有标识", "订购的轮毂到货后型号不对"),
    "销售服务": ("购车时承诺的赠品至今没有兑现", "贷款手续费与合同约定不一致", "上牌服务拖延了一个月"),
    "新车质量": ("新车提车一周车漆出现气泡", "新车中控屏频繁死机重启", "新车车内异味很大"),
    "交车问题": ("交车时发现车身有划痕，要求处理", "交车资料不全，缺少合格证复印件"),
    "保险理赔": ("事故车理赔维修进度缓慢", "保险续保时被强制搭售其他产品"),
    "其他": ("洗车后车内物品丢失", "休息区饮水机坏了一直没修", "停车场车位太少，排队太久"),
}
# The categories drawn are the ones earlier versions drew (the same random sequence, the
# same demo database); these complaints belong to the seed's categories (seed 000 二(二)2,
# seed 001) and are filed there.
_DRAWN_CATEGORIES = tuple(PROBLEMS)
_SEED_CATEGORY_OF = {
    "购车时承诺的赠品至今没有兑现": "销售流程", "贷款手续费与合同约定不一致": "销售流程",
    "新车中控屏频繁死机重启": "产品质量", "新车车内异味很大": "产品质量",
    "购车时说好的延保，售后说没有记录，要求自费维修": "售后衔接",
    "等待配件超过两周仍无消息": "物流",
}
DEMANDS = ("尽快修好并给出书面说明", "退还多收的费用", "赔偿误工损失", "更换新件", "道歉并处理相关人员",
           "免费再做一次保养", "给一个合理解释", "")
SUGGESTIONS = ("建议休息区增加儿童游乐设施", "建议延长周末营业时间", "建议增加线上预约取送车服务",
               "建议结算时提供电子发票")
PRAISES = ("服务顾问耐心细致，主动帮忙联系保险公司", "技师技术很好，一次就解决了多年的异响问题",
           "销售顾问交车讲解非常专业，特此表扬")

_VIN_CHARS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"


def random_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def random_phone(rng: random.Random) -> str:
    while True:
        phone = rng.choice(("13", "15", "18", "17", "19")) + "".join(
            str(rng.randrange(10)) for _ in range(9))
        if len(set(phone[3:])) > 1:  # 130 0000 0000 is a placeholder the rules refuse
            return phone


_PLATE_CHARS = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"  # GA 36: never I or O


def random_plate(rng: random.Random) -> str:
    """A plate the input rules accept without a warning (GA 36, DESIGN §5). It draws from
    `rng` exactly what earlier versions drew — the demo database stays the same case for
    case — and shapes the draw into a valid plate: at most two letters in an ordinary
    serial, some new-energy small (D/A–K) and large (…D/F) plates, some 挂/学 plates."""
    if rng.random() < 0.2:  # new-energy small car: D/A/B/C/E/F/G/H/J/K, letter or digit, 4 digits
        prefix, energy, second = rng.choice(PLATE_PREFIXES), rng.choice("DF"), rng.choice(_PLATE_CHARS)
        digits = "".join(str(rng.randrange(10)) for _ in range(4))
        if second in "ABCEGHJK":  # the letters added beside D/F
            energy, second = second, energy
        return prefix + energy + second + digits
    prefix = rng.choice(PLATE_PREFIXES)
    drawn = [rng.choice(_PLATE_CHARS) for _ in range(5)]
    as_digits = [c if c.isdigit() else str(_PLATE_CHARS.index(c) % 10) for c in drawn]
    if drawn[0] == "9":  # new-energy large vehicle: 5 digits then D/F
        return prefix + "".join(as_digits) + ("D" if int(as_digits[1]) % 2 else "F")
    if drawn[0] == "8":  # trailer or driving-school car: 4 characters + 挂/学
        return prefix + "".join(as_digits[:4]) + ("挂" if int(as_digits[1]) % 2 else "学")
    serial, letters = [], 0
    for c, d in zip(drawn, as_digits, strict=True):
        keep = c.isalpha() and letters < 2  # a third letter becomes a digit
        letters += keep
        serial.append(c if keep or c.isdigit() else d)
    return prefix + "".join(serial)


def random_vin(rng: random.Random) -> str:
    body = list("LSV" + "".join(rng.choice(_VIN_CHARS) for _ in range(14)))
    body[8] = "0"
    body[8] = vin_check_digit("".join(body))
    return "".join(body)


def random_intake(rng: random.Random, complained_at: datetime,
                  received_by: str) -> tuple[Intake, str]:
    """An intake and the category the forwarder will give it."""
    r = rng.random()
    kind = FeedbackKind.COMPLAINT if r < 0.85 else (
        FeedbackKind.SUGGESTION if r < 0.93 else FeedbackKind.PRAISE)
    category = rng.choice(_DRAWN_CATEGORIES)
    if kind is FeedbackKind.SUGGESTION:
        text = rng.choice(SUGGESTIONS)
    elif kind is FeedbackKind.PRAISE:
        text = rng.choice(PRAISES)
    else:
        text = rng.choice(PROBLEMS[category])
        category = _SEED_CATEGORY_OF.get(text, category)
    purchase = complained_at.date() - timedelta(days=rng.randrange(20, 1500))
    return Intake(
        customer_name=random_name(rng), phone=random_phone(rng),
        landline="" if rng.random() < 0.9 else f"010-{rng.randrange(60000000, 69999999)}",
        vehicle_model=rng.choice(MODELS), plate=random_plate(rng), vin=random_vin(rng),
        purchase_date=date(purchase.year, purchase.month, purchase.day),
        channel=rng.choices(CHANNELS, weights=(40, 25, 3, 12, 5, 5, 5, 3, 2))[0],
        location=rng.choice(LOCATIONS), description=f"客户反映：{text}。",
        persons_involved=rng.choice(("服务顾问", "销售顾问", "机电技师", "前台", "")),
        demand=rng.choice(DEMANDS) if kind is FeedbackKind.COMPLAINT else "",
        mood=rng.choices(MOODS, weights=(40, 35, 15, 10))[0] if kind is FeedbackKind.COMPLAINT
        else "平静",
        received_by=received_by, complained_at=complained_at, kind=kind,
    ), category
