"""Organizations vouch for their people (part of `seed-demo`): a focal point in every
organization, two sign-ups at Shenzhen Customs District waiting for Liu Yang to verify them,
seats reserved for Shenzhen on the lithium-battery training, and colleagues nominated by their
focal points — made through the domain, as focal points and organizers would, and idempotent.
Runs after demo_records, whose officers it nominates."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from extensions import db
from liaison.accounts.models import Membership, Organization, Role, User
from liaison.accounts.passwords import hash_password
from liaison.core.types import utcnow
from liaison.events.models import Event
from liaison.registration import allocations, nominations
from liaison.registration.models import Allocation, Registration

# Focal points besides the exchange board's (demo_exchange.FOCAL_POINTS): one per
# organization, by demo.USERS key or demo_records.PEOPLE email.
FOCAL_POINTS = ("organizer", "sun", "huang", "xu.ming@example.com")

# Sign-ups that confirmed their address and wait for a focal point of Shenzhen Customs
# District (Liu Yang, or Wang Lei above it): (email, name, Chinese name, hours ago).
WAITING = [
    ("tang.yi@example.com", "Tang Yi", "唐怡", 30),
    ("feng.bo@example.com", "Feng Bo", "冯波", 3),
]

BATTERIES = "Identifying counterfeit lithium batteries and chargers"
HARBOR = "Harbor & Pine product identification for frontline officers"
RESERVED_FOR_SHENZHEN = 5

# (event title, nominee's email, focal point's demo.USERS key)
NOMINATIONS = [
    (BATTERIES, "he.jun@example.com", "liu"),
    (BATTERIES, "lin.xiao@example.com", "liu"),
    (HARBOR, "gao.fang@example.com", "customs"),
]


def _user(key: str, users: dict[str, User]) -> User:
    if key in users:
        return users[key]
    return db.session.scalar(select(User).where(User.email == key))


def _ensure_focal_points(users: dict[str, User]) -> None:
    for key in FOCAL_POINTS:
        _user(key, users).focal_point = True
    db.session.flush()


def _ensure_waiting(orgs: dict[str, Organization]) -> None:
    now = utcnow()
    password_hash = hash_password("liaison-demo")
    for email, name, name_zh, hours in WAITING:
        if db.session.scalar(select(User.id).where(User.email == email)) is not None:
            continue
        db.session.add(User(
            email=email, display_name=name, display_name_zh=name_zh, password_hash=password_hash,
            organization=orgs["szx"], role=Role.participant, language="zh",
            timezone="Asia/Shanghai", email_verified=True, membership=Membership.pending,
            membership_since=now - timedelta(hours=hours), created_at=now - timedelta(hours=hours),
        ))
    db.session.flush()


def _event(title: str) -> Event | None:
    return db.session.scalar(select(Event).where(Event.title == title))


def _ensure_reserve(orgs: dict[str, Organization], users: dict[str, User]) -> None:
    """Li Na holds seats for Shenzhen on the battery training until three days before it."""
    event = _event(BATTERIES)
    if event is None or event.start_at <= utcnow() + timedelta(days=4):
        return
    held = db.session.scalar(select(Allocation.id).where(
        Allocation.event_id == event.id, Allocation.organization_id == orgs["szx"].id))
    if held is None:
        allocations.reserve(event, orgs["szx"], RESERVED_FOR_SHENZHEN,
                            event.start_at - timedelta(days=3), by=users["organizer"])


def _ensure_nominations(users: dict[str, User]) -> None:
    for title, email, by in NOMINATIONS:
        event, nominee = _event(title), _user(email, users)
        if event is None or nominee is None or event.start_at <= utcnow():
            continue
        ever = db.session.scalar(select(Registration.id).where(
            Registration.event_id == event.id, Registration.user_id == nominee.id))
        if ever is None:  # nominated once: a later cancellation is the nominee's choice
            nominations.nominate(event, nominee, by=users[by])
    db.session.flush()


def seed(orgs: dict[str, Organization], users: dict[str, User]) -> None:
    _ensure_focal_points(users)
    _ensure_waiting(orgs)
    _ensure_reserve(orgs, users)
    _ensure_nominations(users)
