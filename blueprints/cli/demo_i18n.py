"""The demo's bilingual side: the topic vocabulary with Chinese labels, Chinese titles and
descriptions for the demo events, a topic an organizer proposed, and registration questions
(with answers from the people already registered). Idempotent: it fills what is missing and
changes nothing an administrator or organizer has set since."""
from __future__ import annotations

from sqlalchemy import select

from extensions import db
from liaison.accounts.models import User
from liaison.events import topics
from liaison.events.models import Event, EventTopic
from liaison.registration import questions
from liaison.registration.models import Choice, Registration, RegistrationStatus

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


# Questions of the detention-procedure training, and what its two registrants answered.
QUESTIONS_OF = "The detention procedure: what rights holders must do within three working days"
QUESTIONS = [
    questions.QuestionInput("text", "Your role in brand protection", "您在品牌保护中的职务",
                            required=True),
    questions.QuestionInput("choice", "Lunch", "午餐", required=True, choices=[
        Choice("Regular", "普通"), Choice("Vegetarian", "素食"), Choice("Halal", "清真")]),
    questions.QuestionInput("multi", "Channels you deal with", "您涉及的渠道", choices=[
        Choice("Sea freight", "海运"), Choice("Air freight", "空运"),
        Choice("Postal and express", "邮件快件")]),
    questions.QuestionInput("number", "Detentions last year", "去年的扣留次数"),
    questions.QuestionInput("date", "Date of arrival in Shanghai", "抵达上海日期",
                            personal=True),
    questions.QuestionInput("checkbox", "I agree to appear in photos of the session",
                            "我同意出现在培训照片中", required=True),
]
ANSWERS = {
    "michael.torres@example.com": ["Brand protection manager", "Regular",
                                   ["Sea freight", "Postal and express"], 14, None, True],
    "zhao.li@example.com": ["知识产权专员", "素食", ["空运"], 3, None, True],
}


def seed_questions() -> None:
    """The questions of one demo event and its registrants' answers, when it has none."""
    event = db.session.scalar(select(Event).where(Event.title == QUESTIONS_OF))
    if event is None or questions.event_questions(event.id):
        return
    for item in QUESTIONS:
        questions.add_question(event, item, by=event.organizers[0])
    asked = questions.event_questions(event.id)
    arrival = (event.start_at.date()).isoformat()
    for registration in db.session.scalars(
        select(Registration).join(User, User.id == Registration.user_id).where(
            Registration.event_id == event.id, User.email.in_(list(ANSWERS)),
            Registration.status == RegistrationStatus.confirmed)
    ):
        values = [arrival if v is None else v for v in ANSWERS[registration.user.email]]
        raw = {str(q.id): v for q, v in zip(asked, values, strict=True)}
        questions.answer(registration, raw, by=registration.user, strict=True)


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
    seed_questions()
    db.session.flush()
