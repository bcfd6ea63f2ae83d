"""The demo's bilingual side: the topic vocabulary with Chinese labels, Chinese titles and
descriptions for the demo events, and a topic an organizer proposed. Idempotent: it fills
what is missing and changes nothing an administrator or organizer has set since."""
from __future__ import annotations

from sqlalchemy import select

from extensions import db
from liaison.accounts.models import User
from liaison.events import topics
from liaison.events.models import Event, EventTopic

# English label, Chinese label, other names people type.
TOPICS = [
    ("recordation", "知识产权海关保护备案", ["customs recordation", "海关备案"]),
    ("product identification", "产品真伪鉴别", ["genuine or fake", "真伪鉴别"]),
    ("detention procedure", "扣留程序", ["detention", "扣留"]),
    ("postal channel", "邮递渠道", ["postal and express", "邮件渠道"]),
    ("e-commerce", "电子商务", ["online sales", "电商"]),
    ("product safety", "产品安全", []),
    ("case transfer", "案件移送", ["administrative to criminal", "行刑衔接"]),
    ("criminal thresholds", "刑事立案追诉标准", ["prosecution thresholds", "追诉标准"]),
    ("risk analysis", "风险分析", []),
    ("border enforcement", "边境执法", []),
]

# English title -> (Chinese title, Chinese description); the draft keeps English only.
EVENTS_ZH = {
    "Customs recordation of trademarks: a step-by-step workshop": (
        "商标知识产权海关保护备案实务工作坊",
        "如何向海关办理商标备案、需要准备哪些材料，\n以及备案如何加快边境扣留。"),
    "Telling genuine Lindqvist jackets from counterfeits": (
        "林德奎斯特夹克真伪鉴别",
        "标签、拉链、压胶条和防伪全息标：关员两分钟内可以查验的要点。"),
    "Rights holder–customs roundtable: South China ports": (
        "权利人与海关圆桌会：华南口岸",
        "权利人与海关共同回顾上季度南方口岸的扣留情况。"),
    "The detention procedure: what rights holders must do within three working days": (
        "扣留程序：权利人须在三个工作日内完成的事项",
        "从扣留通知到提供担保、向法院申请：\n期限、材料和常见错误。"),
    "Small parcels: enforcement in the postal and express channel": (
        "小包裹：邮递和快件渠道的执法",
        "邮件和快件如何筛查，\n权利人提供哪些信息能让可疑包裹被发现。"),
    "Harbor & Pine product identification for frontline officers": (
        "港松服饰产品鉴别：面向一线关员",
        "来自纽约的线上培训：正品港松服饰的洗涤标签、RFID 标签和包装。"),
    "Port visit: container inspection at Yangshan Deep-Water Port": (
        "口岸参观：洋山深水港集装箱查验",
        "因港口关闭延期，新日期另行通知。"),
    "Identifying counterfeit lithium batteries and chargers": (
        "假冒锂电池和充电器的识别",
        "标识、重量和电芯结构：区分正品电芯与危险的假货。"),
    "From administrative case to criminal case: transfer standards": (
        "从行政案件到刑事案件：移送标准",
        "市场监管、公安和检察机关共同探讨假冒案件的\n立案追诉标准、证据和移送。"),
    "Lindqvist product identification: footwear and backpacks": (
        "林德奎斯特产品鉴别：鞋类和背包",
        "在柏林举办、面向中国和欧洲海关关员的线上线下结合培训。"),
    "Annual brand protection forum": (
        "年度品牌保护论坛",
        "权利人、海关、市场监管和检察机关共聚一堂。"),
    "Recordation renewals and updating licensee lists": (
        "备案续展与被许可人名单更新",
        "保持备案信息有效，避免正品货物被扣留。"),
}

# A topic Anna typed that the vocabulary lacks: the administrators' "proposed" list.
PROPOSED = ("outdoor gear", "brand.organizer@example.com",
            "Lindqvist product identification: footwear and backpacks")


def seed() -> None:
    """Vocabulary labels, Chinese event texts and one proposal, where missing."""
    for label_en, label_zh, aliases in TOPICS:
        topics.ensure_topic(label_en, label_zh, aliases)
    for event in db.session.scalars(select(Event).where(Event.title.in_(list(EVENTS_ZH)))):
        title_zh, description_zh = EVENTS_ZH[event.title]
        event.title_zh = event.title_zh or title_zh
        event.description_zh = event.description_zh or description_zh
    label, email, title = PROPOSED
    event = db.session.scalar(select(Event).where(Event.title == title))
    author = db.session.scalar(select(User).where(User.email == email))
    if event is not None and topics.resolve(label) is None:
        proposal = topics.propose_topic(label, by=author)
        event.topic_rows.append(EventTopic(topic_slug=proposal.slug))
    db.session.flush()
