"""Demo records (seed-demo): a year of past trainings in both directions with closed
attendance, certificates (one revoked), survey answers, so /reports, the training records and
the verify page have something to show. Idempotent: a session that exists is left alone."""
from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from extensions import db
from liaison.accounts.models import Organization, Role, User
from liaison.accounts.passwords import hash_password
from liaison.events.models import Event, EventKind, EventStatus, EventTopic
from liaison.events.topics import ensure_topic
from liaison.records import attendance, certificates, surveys
from liaison.records.attendance import OutcomeInput
from liaison.records.models import Certificate
from liaison.registration.models import AttendanceOutcome, Registration, RegistrationStatus

# Officers and staff who attend the past sessions: (email, name, Chinese name, org key)
PEOPLE = [
    ("xu.ming@example.com", "Xu Ming", "徐明", "sha"),
    ("gao.fang@example.com", "Gao Fang", "高芳", "sha"),
    ("he.jun@example.com", "He Jun", "何军", "szx"),
    ("lin.xiao@example.com", "Lin Xiao", "林晓", "szx"),
    ("ma.tao@example.com", "Ma Tao", "马涛", "gac"),
    ("emma.schulz@example.com", "Emma Schulz", None, "lindqvist"),
    ("david.kim@example.com", "David Kim", None, "harbor"),
    ("qian.yu@example.com", "Qian Yu", "钱宇", "jinhua"),
]

# A year of sessions: (months ago, host key, organizer key, title, Chinese title, topics,
# attendee keys: users of the demo or PEOPLE by email prefix)
SESSIONS = [
    (11, "lindqvist", "anna", "Telling genuine outdoor jackets from fakes", "如何辨别户外夹克真伪",
     ["product identification"], ["chen", "xu.ming", "he.jun", "lin.xiao"]),
    (10, "gac", "customs", "Recordation of trademarks with customs", "海关知识产权备案",
     ["recordation"], ["michael", "zhao", "david.kim", "emma.schulz"]),
    (9, "harbor", "organizer", "Apparel labels and hang tags: what fakes get wrong", "服装标签与吊牌鉴别",
     ["product identification"], ["chen", "liu", "gao.fang", "ma.tao", "xu.ming"]),
    (8, "gac", "customs", "The detention procedure, step by step", "扣留程序详解",
     ["detention procedure"], ["michael", "jonas", "qian.yu", "zhao"]),
    (7, "jinhua", "organizer", "Counterfeit chargers and batteries in the postal channel",
     "邮递渠道中的假冒充电器和电池", ["postal channel", "product identification"],
     ["liu", "he.jun", "lin.xiao", "gao.fang"]),
    (6, "assoc", "organizer", "From seizure to prosecution: evidence that holds", "从查扣到起诉：证据要求",
     ["criminal referral"], ["sun", "huang", "ma.tao", "chen"]),
    (5, "lindqvist", "anna", "Outdoor footwear: construction details", "户外鞋履结构细节",
     ["product identification"], ["xu.ming", "gao.fang", "he.jun", "ma.tao"]),
    (4, "gac", "customs", "Express consignments: risk profiling for rights holders",
     "快件渠道：面向权利人的风险分析", ["postal channel"], ["michael", "david.kim", "emma.schulz"]),
    (3, "harbor", "organizer", "Denim and knitwear: finishing and fabric tells", "牛仔与针织品：工艺与面料鉴别",
     ["product identification"], ["chen", "liu", "lin.xiao", "xu.ming"]),
    (2, "gac", "customs", "Recordation renewals and changes", "备案续展与变更",
     ["recordation"], ["zhao", "qian.yu", "jonas"]),
    (1, "jinhua", "organizer", "Connectors and cables: spotting fakes at the border", "口岸识别假冒连接器和线缆",
     ["product identification", "postal channel"], ["he.jun", "gao.fang", "ma.tao", "chen"]),
]

# The Chinese labels of the topics only this demo uses (the others are in demo_i18n).
TOPICS_ZH = {"criminal referral": "刑事移送"}


def _people(orgs: dict[str, Organization]) -> dict[str, User]:
    found = {}
    for email, name, name_zh, org_key in PEOPLE:
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            user = User(email=email, display_name=name, display_name_zh=name_zh,
                        password_hash=hash_password("liaison-demo"), role=Role.participant,
                        organization=orgs[org_key], language="zh" if name_zh else "en")
            db.session.add(user)
        found[email.split("@")[0]] = user
    db.session.flush()
    return found


def seed(orgs: dict[str, Organization], users: dict[str, User]) -> int:
    """Past sessions with closed attendance; returns how many were added."""
    rng = random.Random(18)
    people = users | _people(orgs)
    today = datetime.now(UTC).replace(hour=1, minute=0, second=0, microsecond=0)
    added = 0
    for months, host, by, title, title_zh, topics, who in SESSIONS:
        if db.session.scalar(select(Event.id).where(Event.title == title)) is not None:
            continue
        start = today - timedelta(days=30 * months + 3)
        organizer = users[by]
        event = Event(kind=EventKind.training, title=title, description=title,
                      host_organization=orgs[host], start_at=start,
                      end_at=start + timedelta(hours=3), timezone="Asia/Shanghai",
                      venue="Training room", status=EventStatus.published, created_by=organizer,
                      capacity=40)
        event.title_zh = title_zh
        event.organizers.append(organizer)
        event.topic_rows = [EventTopic(topic_slug=s)
                            for s in sorted({ensure_topic(t, TOPICS_ZH.get(t)).slug
                                             for t in topics})]
        db.session.add(event)
        regs = [Registration(event=event, user=people[key], status=RegistrationStatus.confirmed,
                             created_at=start - timedelta(days=14))
                for key in who]
        db.session.add_all(regs)
        db.session.flush()
        outcomes = {}
        for i, reg in enumerate(regs):
            if i == len(regs) - 1 and len(regs) > 3:
                outcomes[reg.id] = OutcomeInput(AttendanceOutcome.partial, 100)
            elif rng.random() < 0.9:
                outcomes[reg.id] = OutcomeInput(AttendanceOutcome.attended)
                reg.checked_in_at = start - timedelta(minutes=rng.randrange(5, 20))
        attendance.set_outcomes(event, outcomes, by=organizer, now=start + timedelta(hours=3))
        attendance.close_attendance(event, by=organizer, now=start + timedelta(days=1))
        _answer(event, regs, rng)
        added += 1
    _revoke_one(users)
    db.session.flush()
    return added


def _answer(event: Event, regs: list[Registration], rng: random.Random) -> None:
    qs = {q.key: q for q in surveys.questions(event)}
    for i, reg in enumerate(regs):
        if not reg.took_part or rng.random() < 0.25:
            continue
        answers = {str(qs["overall"].id): rng.choice((4, 4, 5, 5, 3)),
                   str(qs["usefulness"].id): rng.choice((3, 4, 5, 5))}
        if i == 0:
            answers[str(qs["improve"].id)] = "More real seized samples, please."
        surveys.respond(event, reg.user, answers, anonymous=i % 2 == 1,
                        now=event.start_at + timedelta(days=2))


def _revoke_one(users: dict[str, User]) -> None:
    """One certificate revoked (issued to the wrong name, then reissued)."""
    if db.session.scalar(select(Certificate.id).where(Certificate.revoked_at.is_not(None))):
        return
    first = db.session.scalar(select(Certificate).order_by(Certificate.id))
    if first is not None:
        certificates.reissue(first, by=users["admin"])
