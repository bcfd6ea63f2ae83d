"""Demo exchange meetings: a quarterly series between rights holders and customs at the port
of Shanghai — two past meetings with approved minutes (the first corrected once: two
versions), decisions and actions done, dropped and open, the open ones carried to the next
meeting; and an identification guide in a rights holder's library, reused on a meeting.

Written through liaison.meetings where that sends no mail; what happened in the past (the
minutes circulated and approved, actions closed) is stamped directly, as the rest of the
demo writes its history. Idempotent: nothing is added when the series exists."""
from __future__ import annotations

import io
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from extensions import db
from liaison.accounts.models import Organization, OrgKind, User
from liaison.core.types import utcnow
from liaison.events import topics
from liaison.events.models import (
    Classification,
    Event,
    EventKind,
    EventSeries,
    EventStatus,
    EventTopic,
    SeriesFrequency,
)
from liaison.meetings import agenda, materials, minutes
from liaison.meetings.agenda import AgendaItemInput
from liaison.meetings.minutes import MinutesItemInput, OutcomeInput
from liaison.meetings.models import ActionItem, ActionStatus, Material, MinutesStatus
from liaison.registration.models import Registration, RegistrationStatus

TITLE = "Rights holders and customs: quarterly exchange, Port of Shanghai"
TITLE_ZH = "权利人与海关季度交流会（上海口岸）"
ZONE = "Asia/Shanghai"
# Days from today of the three meetings: two held, one coming.
MEETING_DAYS = (-182, -91, 21)
ATTENDEES = ("chen", "michael", "jonas")

# (title, Chinese title, presenter, organization key, minutes)
AGENDA = [
    ("Detentions at the Port of Shanghai last quarter", "上季度上海口岸查扣情况", "Chen Jie",
     "sha", 30),
    ("Lindqvist identification guide, second edition", "林德奎斯特鉴别指南（第二版）",
     "Anna Keller", "lindqvist", 45),
    ("Postal channel: repeat consignees", "邮递渠道：重复出现的收件人", "Wang Lei", "gac", 30),
    ("Open actions from earlier meetings", "以往会议的未完成行动项", "Li Na", "assoc", 15),
]

# The guide shared from Lindqvist's library: a small valid PDF.
GUIDE_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
             b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
             b"% Lindqvist Outdoor: identification guide, second edition\n"
             b"trailer<</Root 1 0 R>>\n%%EOF\n")


def _meeting(n: int, day: date, series: EventSeries, orgs, users) -> Event:
    start = datetime.combine(day, time(9, 30), tzinfo=ZoneInfo(ZONE))
    now = utcnow()
    event = Event(
        kind=EventKind.exchange_meeting, title=TITLE,
        description="Rights holders and customs review the quarter's detentions at the port of "
                    "Shanghai, the postal channel and the open actions, and agree what each "
                    "side does next.",
        host_organization=orgs["assoc"], start_at=start, end_at=start + timedelta(hours=2),
        timezone=ZONE, venue="Shanghai Customs District, 13 Zhongshan East 1st Road — Room 5",
        capacity=30, status=EventStatus.published, classification=Classification.participants,
        registration_opens_at=min(now, start) - timedelta(days=30),
        registration_closes_at=start - timedelta(hours=12),
        created_by=users["organizer"], series=series,
    )
    db.session.add(event)
    event.audience = [OrgKind.rights_holder, OrgKind.customs]
    event.organizers = [users["organizer"], users["customs"]]
    event.title_zh = TITLE_ZH
    event.description_zh = ("权利人与海关共同回顾本季度上海口岸的查扣情况、邮递渠道和"
                            "未完成的行动项，并商定双方下一步的工作。")
    event.topic_rows = [EventTopic(topic_slug=topics.ensure_topic(label).slug)
                        for label in ("detention procedure", "postal channel")]
    db.session.add(event)
    db.session.flush()
    for key in ATTENDEES:
        made = min(now, start) - timedelta(days=14)
        db.session.add(Registration(event=event, user=users[key], created_at=made,
                                    updated_at=made, status=RegistrationStatus.confirmed))
    db.session.flush()
    agenda.set_agenda(event, [
        AgendaItemInput(title=t, title_zh=zh, presenter=who, organization_id=orgs[org].id,
                        duration_minutes=length)
        for t, zh, who, org, length in AGENDA[: 3 if n == 0 else 4]
    ], by=users["organizer"], notify=False)
    return event


def _outcome(kind: str, text: str, zh: str, owner: Organization | None = None,
             person: User | None = None, due: date | None = None) -> OutcomeInput:
    return OutcomeInput(kind=kind, text=text, text_zh=zh,
                        owner_organization_id=owner.id if owner else None,
                        owner_user_id=person.id if person else None, due_on=due)


def _stamp(event: Event, status: MinutesStatus, when: datetime, by: User) -> None:
    """The newest version as circulated (and approved) at `when`: its actions live."""
    latest = minutes.current(event)
    latest.status, latest.circulated_at, latest.circulated_by_id = status, when, by.id
    if status == MinutesStatus.approved:
        latest.approved_at, latest.approved_by_id = when + timedelta(days=7), by.id
    for item in latest.items:
        for o in item.outcomes:
            if o.action is not None:
                o.action.live = True


def _close(text: str, status: ActionStatus, by: User, when: datetime) -> None:
    action = db.session.scalar(select(ActionItem).where(ActionItem.text == text))
    action.status, action.closed_by_id, action.closed_at = status, by.id, when


def _first_minutes(event: Event, orgs, users, today: date) -> None:
    items = agenda.agenda_of(event)
    organizer = users["organizer"]

    def body(parcels: int) -> list[MinutesItemInput]:
        return [
            MinutesItemInput(agenda_item_id=items[0].id, notes=(
                f"{parcels} parcels and 41 containers detained; most fakes were outdoor jackets "
                "declared as 'garments, unbranded'."), outcomes=[
                _outcome("decision", "Share detention statistics every quarter, a week before "
                         "the meeting.", "每季度会前一周共享查扣统计数据。"),
                _outcome("action", "Compile the list of repeat consignees in the postal channel.",
                         "整理邮递渠道中重复出现的收件人名单。", orgs["sha"], users["chen"],
                         today - timedelta(days=120)),
            ]),
            MinutesItemInput(agenda_item_id=items[1].id, notes="The guide now covers zips, "
                             "seam tape and the hologram.", outcomes=[
                _outcome("action", "Send 50 printed identification guides to the Shanghai port "
                         "team.", "向上海口岸团队寄送 50 份纸质鉴别指南。", orgs["lindqvist"],
                         users["anna"], today - timedelta(days=150)),
            ]),
            MinutesItemInput(agenda_item_id=items[2].id, outcomes=[
                _outcome("information", "Express carriers now flag consignees with more than ten "
                         "parcels a month.", "快递企业现对每月超过十件包裹的收件人进行标记。"),
                _outcome("action", "Record the new Harbor & Pine trademarks with customs.",
                         "向海关办理港松服饰新商标的备案。", orgs["harbor"], users["michael"],
                         today - timedelta(days=100)),
            ]),
        ]

    minutes.save(event, body(312), by=organizer)
    _stamp(event, MinutesStatus.circulated, event.end_at + timedelta(days=2), organizer)
    minutes.reopen(event, by=organizer)  # a number was wrong: version 2 corrects it
    db.session.flush()
    second = minutes.inputs_for(event, minutes.current(event))
    corrected = body(326)
    for kept, new in zip(second, corrected, strict=False):
        kept.notes = new.notes
    minutes.save(event, second, by=organizer)
    _stamp(event, MinutesStatus.approved, event.end_at + timedelta(days=5), organizer)
    _close("Send 50 printed identification guides to the Shanghai port team.",
           ActionStatus.done, users["anna"], event.end_at + timedelta(days=20))
    _close("Compile the list of repeat consignees in the postal channel.", ActionStatus.done,
           users["chen"], event.end_at + timedelta(days=50))


def _second_minutes(event: Event, orgs, users, today: date) -> None:
    items = agenda.agenda_of(event)
    organizer = users["organizer"]
    minutes.save(event, [
        MinutesItemInput(agenda_item_id=items[0].id, notes="Detentions down by a fifth after the "
                         "consignee list was shared.", outcomes=[
            _outcome("decision", "Use the shared consignee list for risk profiling from next "
                     "month.", "自下月起将共享收件人名单用于风险布控。"),
            _outcome("action", "Train the Pudong night shift on the second edition of the guide.",
                     "对浦东夜班人员进行第二版鉴别指南培训。", orgs["sha"], users["chen"],
                     today + timedelta(days=5)),
        ]),
        MinutesItemInput(agenda_item_id=items[1].id, outcomes=[
            _outcome("action", "Send sample seizure photos for the guide's third edition.",
                     "为第三版指南提供查扣样品照片。", orgs["sha"], None,
                     today - timedelta(days=30)),
        ]),
        MinutesItemInput(agenda_item_id=items[3].id, notes="The Harbor & Pine recordation is "
                         "still open: the application awaits a power of attorney."),
    ], by=organizer)
    _stamp(event, MinutesStatus.approved, event.end_at + timedelta(days=3), organizer)
    _close("Send sample seizure photos for the guide's third edition.", ActionStatus.dropped,
           users["customs"], event.end_at + timedelta(days=40))


def _guide(first: Event, orgs, users) -> None:
    """Lindqvist's identification guide in its library, reused on the first meeting."""
    anna = users["anna"]
    guide = db.session.scalar(select(Material).where(
        Material.organization_id == orgs["lindqvist"].id))
    if guide is None:
        guide = materials.add_to_library(
            orgs["lindqvist"].id, filename="lindqvist-identification-guide.pdf",
            stream=io.BytesIO(GUIDE_PDF), by=anna, title="Identification guide (2nd edition)",
            title_zh="鉴别指南（第二版）")
    first.organizers.append(anna)
    materials.reuse(guide, first, by=anna, visibility="registrants")


def seed(orgs: dict[str, Organization], users: dict[str, User]) -> int:
    """Add the series once; returns how many meetings were added."""
    if db.session.scalar(select(Event.id).where(Event.title == TITLE)) is not None:
        return 0
    today = utcnow().astimezone(ZoneInfo(ZONE)).date()
    series = EventSeries(frequency=SeriesFrequency.quarterly, count=len(MEETING_DAYS))
    db.session.add(series)
    meetings = [_meeting(n, today + timedelta(days=d), series, orgs, users)
                for n, d in enumerate(MEETING_DAYS)]
    _first_minutes(meetings[0], orgs, users, today)
    _second_minutes(meetings[1], orgs, users, today)
    _guide(meetings[0], orgs, users)
    db.session.flush()
    return len(meetings)
