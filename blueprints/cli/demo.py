"""`seed-demo`: a realistic, idempotent demo — who trains whom in IP enforcement."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import click
from sqlalchemy import func, select

from blueprints.cli import (
    bp,
    demo_exchange,
    demo_i18n,
    demo_meetings,
    demo_records,
    demo_ux,
    demo_worker,
)
from extensions import db
from liaison.accounts.models import Organization, OrgKind, Role, User
from liaison.accounts.passwords import hash_password
from liaison.core.types import utcnow
from liaison.events import topics
from liaison.events.models import Event, EventKind, EventStatus, EventTopic
from liaison.registration.models import AttendanceOutcome, Registration, RegistrationStatus

DEMO_PASSWORD = "liaison-demo"

# key: (name, Chinese name, kind, parent key, city)
ORGS = {
    "assoc": ("Brand Integrity Alliance of China", "中国品牌诚信保护联盟", OrgKind.association, None, "Beijing"),
    "gac": ("National Customs Administration", "国家海关总署", OrgKind.customs, None, "Beijing"),
    "sha": ("Shanghai Customs District", "上海海关", OrgKind.customs, "gac", "Shanghai"),
    "szx": ("Shenzhen Customs District", "深圳海关", OrgKind.customs, "gac", "Shenzhen"),
    "lindqvist": ("Lindqvist Outdoor GmbH", "林德奎斯特户外", OrgKind.rights_holder, None, "Berlin"),
    "harbor": ("Harbor & Pine Apparel Inc.", "港松服饰", OrgKind.rights_holder, None, "New York"),
    "jinhua": ("Jinhua Precision Electronics Co., Ltd.", "金华精密电子有限公司", OrgKind.rights_holder, None, "Hangzhou"),
    "procur": ("Pudong People's Procuratorate", "浦东新区人民检察院", OrgKind.judiciary, None, "Shanghai"),
    "amr": ("Shanghai Market Supervision Administration", "上海市市场监督管理局", OrgKind.law_enforcement, None, "Shanghai"),
}

# key: (email, name, Chinese name, org key, role, language, time zone)
USERS = {
    "admin": ("admin@example.com", "Zhou Min", "周敏", "assoc", Role.admin, "en", "Asia/Shanghai"),
    "organizer": ("organizer@example.com", "Li Na", "李娜", "assoc", Role.organizer, "en", "Asia/Shanghai"),
    "customs": ("customs.organizer@example.com", "Wang Lei", "王磊", "gac", Role.organizer, "zh", "Asia/Shanghai"),
    "anna": ("brand.organizer@example.com", "Anna Keller", None, "lindqvist", Role.organizer, "en", "Europe/Berlin"),
    "chen": ("participant@example.com", "Chen Jie", "陈杰", "sha", Role.participant, "zh", "Asia/Shanghai"),
    "liu": ("liu.yang@example.com", "Liu Yang", "刘洋", "szx", Role.participant, "zh", "Asia/Shanghai"),
    "michael": ("michael.torres@example.com", "Michael Torres", None, "harbor", Role.participant, "en", "America/New_York"),
    "jonas": ("jonas.weber@example.com", "Jonas Weber", None, "lindqvist", Role.participant, "en", "Europe/Berlin"),
    "zhao": ("zhao.li@example.com", "Zhao Li", "赵丽", "jinhua", Role.participant, "zh", "Asia/Shanghai"),
    "sun": ("sun.hao@example.com", "Sun Hao", "孙浩", "procur", Role.participant, "zh", "Asia/Shanghai"),
    "huang": ("huang.jing@example.com", "Huang Jing", "黄静", "amr", Role.participant, "zh", "Asia/Shanghai"),
}

RH, CU, LE, JU = OrgKind.rights_holder, OrgKind.customs, OrgKind.law_enforcement, OrgKind.judiciary
T, X = EventKind.training, EventKind.exchange_meeting

# Each event: day offset from today, local start (h, m), hours, zone, and the rest as fields.
EVENTS = [
    dict(days=-40, at=(9, 30), hours=3, zone="Asia/Shanghai", kind=T, host="gac", by="customs",
         title="Customs recordation of trademarks: a step-by-step workshop",
         topics=["recordation"], audience=[RH], capacity=60,
         venue="National Customs Administration, 6 Jianguomennei Avenue, Beijing — Hall B",
         description="How to record a trademark with customs, which documents to prepare,\n"
                     "and how recordation speeds up border detentions."),
    dict(days=-21, at=(14, 0), hours=2.5, zone="Asia/Shanghai", kind=T, host="lindqvist", by="anna",
         title="Telling genuine Lindqvist jackets from counterfeits",
         topics=["product identification"], audience=[CU], capacity=40,
         venue="Shanghai Customs District, 13 Zhongshan East 1st Road, Shanghai — Training room 3",
         description="Labels, zips, seam tape and the hologram: what officers can check in two minutes."),
    dict(days=-10, at=(10, 0), hours=3, zone="Asia/Shanghai", kind=X, host="assoc", by="organizer",
         title="Rights holder–customs roundtable: South China ports",
         topics=["detention procedure", "postal channel"], audience=[RH, CU], capacity=30,
         venue="Shenzhen Customs District, Futian, Shenzhen — Meeting room 2",
         description="Rights holders and customs review last quarter's detentions at southern ports."),
    dict(days=5, at=(9, 30), hours=3, zone="Asia/Shanghai", kind=T, host="gac", by="customs",
         title="The detention procedure: what rights holders must do within three working days",
         topics=["detention procedure"], audience=[RH], capacity=50,
         venue="Shanghai Customs District, 13 Zhongshan East 1st Road, Shanghai — Hall A",
         online_url="https://meet.example.com/liaison/detention-procedure",
         description="From the detention notice to the bond and the request to the court:\n"
                     "deadlines, documents and the common mistakes."),
    dict(days=9, at=(15, 0), hours=2, zone="Asia/Shanghai", kind=T, host="szx", by="customs",
         title="Small parcels: enforcement in the postal and express channel",
         topics=["postal channel", "e-commerce"], audience=[RH], capacity=3,
         venue="Shenzhen Customs District, International Mail Processing Centre, Shenzhen",
         description="How postal and express parcels are screened, and what information from\n"
                     "rights holders makes a parcel stand out."),
    dict(days=12, at=(9, 0), hours=1.5, zone="America/New_York", kind=T, host="harbor", by="organizer",
         title="Harbor & Pine product identification for frontline officers",
         topics=["product identification"], audience=[CU], capacity=100,
         online_url="https://meet.example.com/liaison/harbor-pine-id",
         description="An online session from New York: care labels, RFID tags and packaging of\n"
                     "genuine Harbor & Pine goods."),
    dict(days=14, at=(10, 0), hours=4, zone="Asia/Shanghai", kind=X, host="sha", by="customs",
         title="Port visit: container inspection at Yangshan Deep-Water Port",
         topics=["detention procedure"], audience=[RH], capacity=20, status=EventStatus.cancelled,
         venue="Yangshan Deep-Water Port, Shanghai — Visitor centre",
         description="Postponed because of a port closure; a new date will follow."),
    dict(days=16, at=(14, 0), hours=3, zone="Asia/Shanghai", kind=T, host="jinhua", by="organizer",
         title="Identifying counterfeit lithium batteries and chargers",
         topics=["product identification", "product safety"], audience=[CU, LE], capacity=45,
         venue="Hangzhou International Expo Center, Hangzhou — Room 204",
         description="Markings, weight and cell construction: telling genuine cells from dangerous fakes."),
    dict(days=20, at=(9, 30), hours=4, zone="Asia/Shanghai", kind=X, host="assoc", by="organizer",
         title="From administrative case to criminal case: transfer standards",
         topics=["case transfer", "criminal thresholds"], audience=[LE, JU], capacity=40,
         requires_approval=True,
         venue="Shanghai Exhibition Center, 1000 Yan'an Middle Road, Shanghai — East hall",
         description="Market supervision, public security and prosecutors on thresholds,\n"
                     "evidence and hand-over of counterfeiting cases."),
    dict(days=26, at=(10, 0), hours=2, zone="Europe/Berlin", kind=T, host="lindqvist", by="anna",
         title="Lindqvist product identification: footwear and backpacks",
         topics=["product identification"], audience=[CU], capacity=60,
         venue="Lindqvist Outdoor GmbH, Friedrichstraße 68, Berlin — Atelier",
         online_url="https://meet.example.com/liaison/lindqvist-footwear",
         description="A hybrid session from Berlin for customs officers in China and Europe."),
    dict(days=33, at=(9, 0), hours=7, zone="Asia/Shanghai", kind=X, host="assoc", by="organizer",
         title="Annual brand protection forum",
         topics=["recordation", "postal channel", "case transfer"], audience=[], capacity=200,
         venue="China National Convention Center, 7 Tianchen East Road, Beijing — Hall 3",
         description="Rights holders, customs, market supervision and prosecutors at one table."),
    dict(days=45, at=(14, 0), hours=1.5, zone="Asia/Shanghai", kind=T, host="gac", by="customs",
         title="Recordation renewals and updating licensee lists",
         topics=["recordation"], audience=[RH], capacity=None,
         online_url="https://meet.example.com/liaison/recordation-renewals",
         description="Keep recordations current so genuine shipments are not held."),
    dict(days=60, at=(10, 0), hours=2, zone="Asia/Shanghai", kind=T, host="szx", by="customs",
         title="Postal channel follow-up: cross-border e-commerce returns",
         topics=["postal channel"], audience=[RH], capacity=40, status=EventStatus.draft,
         venue="Shenzhen Customs District, Shenzhen",
         description="Draft: agenda to be agreed with the association."),
]

# (event index, user key, status, checked in?)
REGISTRATIONS = [
    (1, "chen", RegistrationStatus.confirmed, True),
    (1, "liu", RegistrationStatus.confirmed, True),
    (3, "michael", RegistrationStatus.confirmed, False),
    (3, "zhao", RegistrationStatus.confirmed, False),
    (4, "michael", RegistrationStatus.confirmed, False),
    (4, "zhao", RegistrationStatus.confirmed, False),
    (4, "jonas", RegistrationStatus.confirmed, False),
    (4, "anna", RegistrationStatus.waitlisted, False),
    (5, "chen", RegistrationStatus.confirmed, False),
    (8, "sun", RegistrationStatus.pending, False),
    (8, "huang", RegistrationStatus.confirmed, False),
]


def _local(day: date, at: tuple[int, int], zone: str) -> datetime:
    return datetime.combine(day, time(*at), tzinfo=ZoneInfo(zone))


def _ensure_orgs() -> dict[str, Organization]:
    orgs: dict[str, Organization] = {}
    for key, (name, name_zh, kind, parent, city) in ORGS.items():
        org = db.session.scalar(select(Organization).where(Organization.name == name))
        if org is None:
            org = Organization(name=name, name_zh=name_zh, kind=kind, city=city)
            org.parent = orgs[parent] if parent else None
            db.session.add(org)
        orgs[key] = org
    db.session.flush()
    return orgs


def _ensure_users(orgs: dict[str, Organization]) -> dict[str, User]:
    users: dict[str, User] = {}
    password_hash = hash_password(DEMO_PASSWORD)
    for key, (email, name, name_zh, org, role, language, zone) in USERS.items():
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            user = User(
                email=email, display_name=name, display_name_zh=name_zh,
                password_hash=password_hash, organization=orgs[org], role=role,
                language=language, timezone=zone, email_verified=True,
            )
            db.session.add(user)
        users[key] = user
    db.session.flush()
    return users


def _ensure_events(orgs, users) -> list[Event]:
    events = []
    now = utcnow()
    for spec in EVENTS:
        event = db.session.scalar(select(Event).where(Event.title == spec["title"]))
        if event is None:
            zone = spec["zone"]
            today = now.astimezone(ZoneInfo(zone)).date()
            start = _local(today + timedelta(days=spec["days"]), spec["at"], zone)
            status = spec.get("status", EventStatus.published)
            event = Event(
                kind=spec["kind"], title=spec["title"], description=spec["description"],
                host_organization=orgs[spec["host"]], start_at=start,
                end_at=start + timedelta(hours=spec["hours"]), timezone=zone,
                venue=spec.get("venue"), online_url=spec.get("online_url"),
                capacity=spec["capacity"], requires_approval=spec.get("requires_approval", False),
                registration_opens_at=min(now, start) - timedelta(days=30),
                registration_closes_at=start - timedelta(hours=12),
                status=status, sequence=1 if status == EventStatus.cancelled else 0,
                cancelled_at=now if status == EventStatus.cancelled else None,
                created_by=users[spec["by"]],
            )
            event.audience = spec["audience"]
            event.organizers.append(users[spec["by"]])
            slugs = sorted({topics.ensure_topic(t).slug for t in spec["topics"]})
            event.topic_rows = [EventTopic(topic_slug=s) for s in slugs]
            db.session.add(event)
        events.append(event)
    db.session.flush()
    return events


def _ensure_registrations(events: list[Event], users: dict[str, User]) -> None:
    for index, user_key, status, checked_in in REGISTRATIONS:
        event, user = events[index], users[user_key]
        exists = db.session.scalar(
            select(Registration.id).where(
                Registration.event_id == event.id, Registration.user_id == user.id
            )
        )
        if exists is not None:
            continue
        made = min(utcnow(), event.start_at) - timedelta(days=20 - len(event.registrations))
        reg = Registration(event=event, user=user, status=status, created_at=made, updated_at=made)
        if checked_in:
            reg.checked_in_at = event.start_at + timedelta(minutes=5)
            reg.attendance = AttendanceOutcome.attended
        db.session.add(reg)
        db.session.flush()


@bp.cli.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database has any user.")
def seed_demo(if_empty: bool):
    """Load demo organizations, users, events and registrations (safe to run twice)."""
    if if_empty and db.session.scalar(select(func.count(User.id))):
        click.echo("The database already has users; demo data not loaded.")
        return
    orgs = _ensure_orgs()
    users = _ensure_users(orgs)
    events = _ensure_events(orgs, users)
    _ensure_registrations(events, users)
    demo_worker.seed(users)
    demo_i18n.seed()
    demo_meetings.seed(orgs, users)
    demo_exchange.seed(orgs, users)
    demo_records.seed(orgs, users)
    demo_ux.seed()  # sessions open to all in several zones: what a visitor sees
    db.session.commit()
    click.echo(
        f"Demo data ready: {len(orgs)} organizations, {len(users)} users, {len(events)} events."
    )
    click.echo(f"Demo log-ins (password for all: {DEMO_PASSWORD}):")
    for key in ("admin", "organizer", "customs", "anna", "chen", "michael"):
        email, name, _zh, org, role, _lang, _zone = USERS[key]
        click.echo(f"  {role.value:<12} {email:<32} {name} ({ORGS[org][0]})")
