"""Every route × every role gets exactly the answer in access_matrix.CASES; a route the
matrix does not list fails `test_every_route_is_in_the_matrix`."""
from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select

from extensions import db
from liaison.accounts import apitokens
from liaison.accounts.models import ApiToken, Organization, OrgKind, Role, User
from liaison.accounts.passwords import hash_password
from liaison.calendar import feedtokens
from liaison.events.models import Event, EventKind, EventStatus, Topic
from liaison.events.topics import ensure_topic
from liaison.integration import webhooks
from liaison.integration.models import DeliveryStatus, WebhookDelivery, WebhookSubscription
from liaison.meetings.models import ActionItem, AgendaItem, Material, Minutes
from liaison.registration.models import (
    QuestionKind,
    Registration,
    RegistrationAnswer,
    RegistrationQuestion,
    RegistrationStatus,
)
from tests.security.access_matrix import CASES, KNOWN_ISSUES, LOGIN, REDIRECT, ROLES

UNLISTED_ENDPOINTS = {"static", "bootstrap.static"}
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
INLINE_STYLE = re.compile(r"<[a-z][^>]*\sstyle=|<style[\s>]", re.I)


def routes(app) -> set[tuple[str, str]]:
    found = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint in UNLISTED_ENDPOINTS:
            continue
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            found.add((method, rule.rule))
    return found


def test_every_route_is_in_the_matrix(app):
    listed = {(case.method, case.rule) for case in CASES}
    missing = sorted(routes(app) - listed)
    stale = sorted(listed - routes(app))
    assert not missing, f"add these routes to tests/security/access_matrix.py: {missing}"
    assert not stale, f"these matrix rows name routes that no longer exist: {stale}"


@dataclass
class Actor:
    user: User | None
    api_token: str | None


def _user(email: str, role: Role, org: Organization) -> User:
    user = User(
        email=email,
        display_name=email.split("@")[0],
        password_hash=hash_password("matrix password 1"),
        organization=org,
        role=role,
    )
    db.session.add(user)
    return user


def _event(organizer: User, host: Organization, status: EventStatus, title: str) -> Event:
    # In an hour: registration is open and check-in already is (CHECKIN_OPENS_HOURS = 2).
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=1)
    event = Event(
        kind=EventKind.training,
        title=title,
        description="Telling genuine goods from fakes.",
        host_organization=host,
        start_at=start,
        end_at=start + timedelta(hours=2),
        timezone="Asia/Shanghai",
        venue="Room 3",
        capacity=20,
        status=status,
        created_by=organizer,
    )
    event.audience = [OrgKind.customs]
    event.organizers.append(organizer)
    db.session.add(event)
    return event


def build_world():
    """The cast (one user per role) and, per role, its own copy of every target."""
    host = Organization(name="IP Association", kind=OrgKind.association)
    customs = Organization(name="Shenzhen Customs", kind=OrgKind.customs)
    brand = Organization(name="Brand Owner Ltd", kind=OrgKind.rights_holder)
    db.session.add_all([host, customs, brand])
    cast = {
        "outsider": _user("outsider@brand.test", Role.participant, brand),
        "participant": _user("participant@customs.test", Role.participant, customs),
        "other_org": _user("other.organizer@customs.test", Role.organizer, customs),
        "organizer": _user("organizer@association.test", Role.organizer, host),
        "admin": _user("admin@association.test", Role.admin, host),
        # Co-organizes every target event below, then an admin makes them a participant.
        "demoted": _user("demoted.organizer@customs.test", Role.organizer, customs),
    }
    _event(cast["other_org"], customs, EventStatus.published, "Their own event")
    brand_focal = _user("focal@brand.test", Role.organizer, brand)
    brand_focal.focal_point = True  # the exchange targets' proposer (no role of the matrix)
    db.session.flush()
    actors = {"anonymous": Actor(None, None)}
    for role, user in cast.items():
        actors[role] = Actor(user, apitokens.issue_token(user, "matrix")[1])

    targets = {}
    for role in ROLES:
        event = _event(cast["organizer"], host, EventStatus.published, f"Training for {role}")
        draft = _event(cast["organizer"], host, EventStatus.draft, f"Draft for {role}")
        event.organizers.append(cast["demoted"])
        draft.organizers.append(cast["demoted"])
        attendee = _user(f"attendee.{role}@customs.test", Role.participant, customs)
        waiting = _user(f"waiting.{role}@customs.test", Role.participant, customs)
        confirmed = Registration(event=event, user=attendee, status=RegistrationStatus.confirmed)
        pending = Registration(event=event, user=waiting, status=RegistrationStatus.pending)
        question = RegistrationQuestion(event=event, kind=QuestionKind.text, label="City")
        db.session.add_all([confirmed, pending, question])
        db.session.flush()
        db.session.add(RegistrationAnswer(registration_id=confirmed.id, question_id=question.id,
                                          value_json='"Beijing"'))
        token, _raw = apitokens.issue_token(attendee, "theirs")
        exchange = _exchange_targets(customs, brand, cast["other_org"], brand_focal, role)
        webhook = WebhookSubscription(owner=cast["organizer"], secret=webhooks.new_secret(),
                                      url=f"https://hooks.example.org/{role}")
        webhook.event_types = ["event.published"]
        delivery = WebhookDelivery(subscription=webhook, event_type="event.published",
                                   message_id=f"msg_{role}", payload="{}",
                                   status=DeliveryStatus.failed, attempts=10)
        db.session.add_all([webhook, delivery])
        db.session.flush()
        action, material = _meeting_records(event, cast["organizer"], customs)
        targets[role] = {
            **exchange,
            "event": event.id,
            "draft": draft.id,
            "confirmed": confirmed.id,
            "pending": pending.id,
            "token": token.id,
            "victim": waiting.id,
            "org": customs.id,
            "feed": feedtokens.calendar_token(attendee),
            "webhook": webhook.id,
            "delivery": delivery.id,
            "topic": ensure_topic(f"Matrix topic for {role}").slug,
            "question": question.id,
            "action": action.id,
            "material": material.id,
        }
    cast["demoted"].role = Role.participant
    db.session.commit()
    return actors, targets


def _exchange_targets(customs, brand, customs_focal, brand_focal, role) -> dict:
    """A customs request, a brand offer, and the brand's waiting proposal of the pair."""
    from liaison.events.topics import ensure_topic
    from liaison.exchange.models import (
        Mode,
        OfferStatus,
        OfferTopic,
        Proposal,
        ProposalMessage,
        ProposalStatus,
        RequestStatus,
        RequestTopic,
        Side,
        TrainingOffer,
        TrainingRequest,
    )

    ensure_topic("recordation")
    today = datetime.now(UTC).date()
    request = TrainingRequest(
        organization=customs, created_by=customs_focal, title=f"Need for {role}",
        earliest=today, latest=today + timedelta(days=60), mode=Mode.online, language_mask=3,
        timezone="Asia/Shanghai", status=RequestStatus.open,
        expires_on=today + timedelta(days=60))
    offer = TrainingOffer(organization=brand, created_by=brand_focal, title=f"Offer for {role}",
                          mode=Mode.online, language_mask=3, status=OfferStatus.open)
    request.topic_rows = [RequestTopic(slug="recordation")]
    offer.topic_rows = [OfferTopic(slug="recordation")]
    proposal = Proposal(request=request, offer=offer, side=Side.offer, proposed_by=brand_focal,
                        status=ProposalStatus.proposed)
    db.session.add_all([request, offer, proposal,
                        ProposalMessage(proposal=proposal, author=brand_focal, body="Hello")])
    db.session.flush()
    return {"request": request.id, "offer": offer.id, "proposal": proposal.id}


def _exchange_fingerprint(targets: dict) -> tuple:
    from liaison.exchange.models import Proposal, ProposalMessage, TrainingOffer, TrainingRequest

    request = db.session.get(TrainingRequest, targets["request"])
    offer = db.session.get(TrainingOffer, targets["offer"])
    proposal = db.session.get(Proposal, targets["proposal"])
    return (
        (request.status, request.title), (offer.status, offer.title), (proposal.status,),
        *(db.session.scalar(select(func.count()).select_from(model))
          for model in (TrainingRequest, TrainingOffer, Proposal, ProposalMessage)),
    )
def _meeting_records(event: Event, organizer: User, owner: Organization):
    """An agenda, circulated minutes with an action owned by `owner`, and a public file."""
    from liaison.meetings import agenda, materials, minutes
    from liaison.meetings.agenda import AgendaItemInput
    from liaison.meetings.minutes import MinutesItemInput, OutcomeInput

    (item,) = agenda.set_agenda(event, [AgendaItemInput(title="Seizures")], by=organizer,
                                notify=False)
    minutes.save(event, [MinutesItemInput(agenda_item_id=item.id, outcomes=[OutcomeInput(
        kind="action", text="Send the list", owner_organization_id=owner.id,
        due_on=date(2031, 1, 1))])], by=organizer)
    minutes.circulate(event, by=organizer)
    material = materials.add_to_event(event, filename="guide.pdf", by=organizer,
                                      stream=io.BytesIO(b"%PDF-1.4\n%%EOF\n"), visibility="public")
    action = db.session.scalar(select(ActionItem).where(ActionItem.event_id == event.id))
    return action, material


DENIALS = {LOGIN, 401, 403, 404}


def fingerprint(targets: dict) -> tuple:
    """Everything a denied request could have changed, read fresh from the database."""
    db.session.expire_all()
    event = db.session.get(Event, targets["event"])
    draft = db.session.get(Event, targets["draft"])
    confirmed = db.session.get(Registration, targets["confirmed"])
    pending = db.session.get(Registration, targets["pending"])
    victim = db.session.get(User, targets["victim"])
    token = db.session.get(ApiToken, targets["token"])
    org = db.session.get(Organization, targets["org"])
    webhook = db.session.get(WebhookSubscription, targets["webhook"])
    delivery = db.session.get(WebhookDelivery, targets["delivery"])
    topic = db.session.get(Topic, targets["topic"])
    question = db.session.get(RegistrationQuestion, targets["question"])
    return (
        (event.status, event.title, event.sequence, event.capacity, len(event.registrations)),
        (draft.status, draft.title, draft.sequence),
        (confirmed.status, confirmed.checked_in_at),
        (pending.status,),
        (victim.active, victim.role),
        (token.revoked_at,),
        (org.name, org.kind),
        (topic.label_en, topic.label_zh, topic.status),
        (question.label, question.position, [a.value for a in question.answers]) if question
        else None,
        db.session.scalar(select(func.count()).select_from(Event)),
        _exchange_fingerprint(targets),
        webhook and (webhook.active, webhook.url, webhook.description),
        delivery and (delivery.status, delivery.attempts),
        db.session.scalar(select(func.count()).select_from(WebhookSubscription)),
        _meeting_fingerprint(targets),
    )


def _meeting_fingerprint(targets: dict) -> tuple:
    action = db.session.get(ActionItem, targets["action"])
    material = db.session.get(Material, targets["material"])
    event_id = targets["event"]
    return (
        (action.status, action.closed_at),
        tuple(db.session.execute(select(Minutes.version, Minutes.status).where(
            Minutes.event_id == event_id).order_by(Minutes.version)).all()),
        tuple(db.session.scalars(select(AgendaItem.title).where(
            AgendaItem.event_id == event_id).order_by(AgendaItem.position))),
        len(material.versions),
        db.session.scalar(select(func.count()).select_from(Material)),
    )


def answer(response) -> object:
    if 300 <= response.status_code < 400:
        location = urlsplit(response.headers["Location"])
        return LOGIN if location.path == "/auth/login" else REDIRECT
    return response.status_code


def request(app, case, actor: Actor, path: str):
    client = app.test_client()
    is_api = path.startswith("/api/")
    headers = {}
    if is_api and actor.api_token:
        headers["Authorization"] = f"Bearer {actor.api_token}"
    elif actor.user is not None:
        with client.session_transaction() as session:
            session["_user_id"] = actor.user.get_id()
            session["_fresh"] = True
    if case.method == "GET":
        return client.get(path, headers=headers)
    if is_api:
        return client.open(path, method=case.method, json=case.data, headers=headers)
    return client.open(path, method=case.method, data=case.data, headers=headers)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_route_answers_each_role_as_the_matrix_says(app, case):
    actors, targets = build_world()
    wrong, known = [], []
    for role in ROLES:
        path = case.path.format(**targets[role])
        before = fingerprint(targets[role])
        response = request(app, case, actors[role], path)
        got = answer(response)
        db.session.rollback()
        if case.answers[role] in DENIALS:
            assert fingerprint(targets[role]) == before, f"{role} was refused but wrote: {path}"
        if got != case.answers[role]:
            line = f"{role}: expected {case.answers[role]}, got {got} ({path})"
            recorded = KNOWN_ISSUES.get(case.id, {})
            (known if role in recorded and recorded[role] == got else wrong).append(line)
            continue
        if got == LOGIN and case.login_next:
            (next_url,) = parse_qs(urlsplit(response.headers["Location"]).query)["next"]
            assert urlsplit(next_url).path == path, (role, next_url)
        if response.status_code == 200 and response.mimetype == "text/html":
            html = response.get_data(as_text=True)
            assert not INLINE_SCRIPT.search(html), f"inline <script> on {path} for {role}"
            assert not INLINE_STYLE.search(html), f"inline style on {path} for {role}"
    assert not wrong, f"{case.id}:\n  " + "\n  ".join(wrong + known)
    if known:
        pytest.xfail("known issue (access_matrix.KNOWN_ISSUES): " + "; ".join(known))


def test_known_issues_name_real_cases():
    ids = {case.id for case in CASES}
    assert set(KNOWN_ISSUES) <= ids, set(KNOWN_ISSUES) - ids
