"""The demo as a visitor sees it (issue 21, finding 16): the README promises a dozen sessions,
both directions, in several time zones; most of the first wave's demo is for one audience, so
a visitor who is not logged in saw one event. These add sessions open to all in Beijing,
Berlin, New York and Hong Kong time, one of them full with a waiting list and one cancelled
with its reason, and the Chinese names of the demo organizations' cities.

Everything goes through the domain (lifecycle, registrations), so it follows the rules and
the schema of the day. Dates are relative to the day of seeding. Idempotent: an event whose
title exists is left alone."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from extensions import db
from liaison.accounts.models import Organization, User
from liaison.core.types import utcnow
from liaison.events import lifecycle
from liaison.events.models import Event, EventKind
from liaison.registration import registrations

CITIES_ZH = {"Beijing": "北京", "Shanghai": "上海", "Shenzhen": "深圳", "Hangzhou": "杭州",
             "Berlin": "柏林", "New York": "纽约", "Hong Kong": "香港"}

# days from today, local start, hours, zone, kind, host org name, organizer email, title,
# Chinese title, topics, capacity, venue, online link, description, what happens after.
EVENTS = [
    dict(days=3, at=(15, 0), hours=1.5, zone="Europe/Berlin", kind=EventKind.training,
         host="Lindqvist Outdoor GmbH", by="brand.organizer@example.com",
         title="Webinar: spotting counterfeit outdoor gear sold online",
         title_zh="网络研讨会：识别网上销售的假冒户外装备",
         topics=["product identification", "e-commerce"], capacity=2,
         online_url="https://meet.example.com/liaison/outdoor-gear-online",
         description="Listings, prices and photos that give fakes away, for anyone who\n"
                     "monitors marketplaces: rights holders, customs and market supervision.",
         then="full"),
    dict(days=7, at=(10, 0), hours=2, zone="Asia/Shanghai", kind=EventKind.training,
         host="National Customs Administration", by="customs.organizer@example.com",
         title="Open day: how customs protects your trademark at the border",
         title_zh="开放日：海关如何在边境保护您的商标",
         topics=["recordation", "detention procedure"], capacity=80,
         venue="National Customs Administration, 6 Jianguomennei Avenue, Beijing — Hall A",
         description="An introduction for anyone new to border enforcement: recordation,\n"
                     "detention and what happens to the goods afterwards."),
    dict(days=11, at=(9, 0), hours=1.5, zone="America/New_York", kind=EventKind.exchange_meeting,
         host="Harbor & Pine Apparel Inc.", by="organizer@example.com",
         title="Transatlantic brand protection Q&A",
         title_zh="跨大西洋品牌保护问答会",
         topics=["border enforcement"], capacity=150,
         online_url="https://meet.example.com/liaison/transatlantic-qa",
         description="Rights holders from New York and Berlin answer questions from customs\n"
                     "officers and association members. Online, with interpretation."),
    dict(days=18, at=(14, 30), hours=2, zone="Asia/Hong_Kong", kind=EventKind.training,
         host="Brand Integrity Alliance of China", by="organizer@example.com",
         title="Test purchases and evidence from online shops",
         title_zh="网店试买与证据固定",
         topics=["e-commerce", "case transfer"], capacity=60,
         venue="Hong Kong Convention and Exhibition Centre, Wan Chai — Room S221",
         online_url="https://meet.example.com/liaison/test-purchases",
         description="How to buy, document and keep evidence so that a case can go to\n"
                     "market supervision, the police or court."),
    dict(days=22, at=(10, 0), hours=3, zone="Europe/Berlin", kind=EventKind.exchange_meeting,
         host="Lindqvist Outdoor GmbH", by="brand.organizer@example.com",
         title="European rights holders meet Chinese customs",
         title_zh="欧洲权利人与中国海关交流会",
         topics=["border enforcement", "risk analysis"], capacity=40,
         venue="Lindqvist Outdoor GmbH, Friedrichstraße 68, Berlin — Atelier",
         online_url="https://meet.example.com/liaison/eu-rights-holders",
         description="Risk indicators that rights holders share with customs, and what\n"
                     "customs needs from them to act quickly."),
    dict(days=28, at=(9, 30), hours=3, zone="Asia/Shanghai", kind=EventKind.training,
         host="Shanghai Customs District", by="customs.organizer@example.com",
         title="Port tour: how a suspicious container is examined",
         title_zh="口岸参观：可疑集装箱如何查验",
         topics=["detention procedure"], capacity=25,
         venue="Waigaoqiao port, Shanghai — Visitor centre",
         description="A guided tour of the inspection area, from risk selection to the\n"
                     "detention notice.",
         then="cancel",
         reason="The port's inspection area is closed for works that month. We will offer a\n"
                "new date in spring; registrants are told first."),
]
WAITING = ("participant@example.com", "zhao.li@example.com", "michael.torres@example.com")


def _start(days: int, at: tuple[int, int], today: date) -> datetime:
    """Wall time in the event's zone, `days` after its local today."""
    return datetime.combine(today + timedelta(days=days), time(*at))


def _ensure_cities() -> None:
    for org in db.session.scalars(select(Organization).where(Organization.city_zh.is_(None))):
        if org.city in CITIES_ZH:
            org.city_zh = CITIES_ZH[org.city]


def _ensure_event(spec: dict, now: datetime) -> Event | None:
    if db.session.scalar(select(Event.id).where(Event.title == spec["title"])) is not None:
        return None
    organizer = db.session.scalar(select(User).where(User.email == spec["by"]))
    host = db.session.scalar(select(Organization).where(Organization.name == spec["host"]))
    if organizer is None or host is None:
        return None  # not the demo's database
    today = now.astimezone(ZoneInfo(spec["zone"])).date()
    start = _start(spec["days"], spec["at"], today)
    data = lifecycle.EventInput(
        kind=spec["kind"], title=spec["title"], host_organization_id=host.id, start=start,
        end=start + timedelta(hours=spec["hours"]), timezone=spec["zone"],
        description=spec["description"], topics=spec["topics"], audience=[],
        venue=spec.get("venue"), online_url=spec.get("online_url"), capacity=spec["capacity"],
        registration_closes=start - timedelta(hours=2),
    )
    event = lifecycle.create_event(data, by=organizer)
    event.title_zh = spec["title_zh"]
    lifecycle.publish_event(event, by=organizer)
    if spec.get("then") == "full":
        for email in WAITING:
            user = db.session.scalar(select(User).where(User.email == email))
            if user is not None:
                registrations.register(event, user)
    elif spec.get("then") == "cancel":
        lifecycle.cancel_event(event, by=organizer, reason=spec["reason"])
    db.session.flush()
    return event


def seed() -> int:
    """Add what is missing; returns how many events were added."""
    _ensure_cities()
    now = utcnow()
    return sum(_ensure_event(spec, now) is not None for spec in EVENTS)
