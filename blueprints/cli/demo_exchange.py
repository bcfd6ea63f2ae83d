"""The exchange board's demo (part of `seed-demo`): focal points, open requests and offers
in both directions, one proposal waiting for an answer and one accepted into a scheduled
training — made through the domain, as focal points would, and idempotent."""
from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from extensions import db
from liaison.accounts.models import Organization, User
from liaison.core.types import utcnow
from liaison.events import lifecycle
from liaison.exchange import postings, proposals
from liaison.exchange.inputs import OfferInput, RequestInput
from liaison.exchange.models import Proposal, TrainingOffer, TrainingRequest

# Demo users (demo.USERS keys) who act for their organization on the board.
FOCAL_POINTS = ("customs", "anna", "liu", "zhao", "michael")

# key: (poster, organization key, fields); days are offsets from today.
REQUESTS = {
    "batteries": ("liu", "szx", dict(
        title="Product identification training on lithium batteries for 40 officers",
        title_zh="锂电池产品鉴别培训（40名关员）",
        description="Officers at the Shenzhen ports see more and more fake power banks and "
                    "chargers. We need to know what genuine products look like.",
        description_zh="深圳口岸查获的假冒充电宝和充电器越来越多，关员需要了解正品的特征。",
        topics=["product-identification"], trainer_kinds=["rights_holder"], days=(20, 100),
        mode="in_person", city="Shenzhen", languages=["zh"], expected_participants=40)),
    "outdoor": ("customs", "sha", dict(
        title="Recognising counterfeit outdoor jackets and footwear",
        title_zh="识别假冒户外服装和鞋类",
        topics=["product-identification"], trainer_kinds=["rights_holder"], days=(10, 70),
        mode="either", city="Shanghai", languages=["en", "zh"], expected_participants=25)),
    "recordation": ("anna", "lindqvist", dict(
        title="Customs recordation in China: what a brand owner must file",
        title_zh="在中国海关办理知识产权备案：品牌方需要提交什么",
        description="Our brand-protection team in Berlin wants to record our trademarks with "
                    "Chinese customs and understand the detention procedure.",
        topics=["recordation", "detention-procedure"], trainer_kinds=["customs"],
        days=(5, 60), mode="online", languages=["en"], expected_participants=8)),
    "parcels": ("michael", "harbor", dict(
        title="Small parcels: how customs screens the postal channel",
        title_zh="小包裹：海关如何查验邮递渠道",
        topics=["postal-channel", "e-commerce"], trainer_kinds=["customs"], days=(15, 120),
        mode="online", languages=["en"], expected_participants=12)),
    "evidence": ("liu", "szx", dict(
        title="Preserving evidence of counterfeiting for criminal cases",
        title_zh="刑事案件中假冒证据的固定",
        topics=["case-transfer"], trainer_kinds=["judiciary", "law_enforcement"],
        days=(30, 150), mode="either", city="Shenzhen", languages=["zh"])),
}

OFFERS = {
    "chargers": ("zhao", "jinhua", dict(
        title="We train customs officers on our chargers and batteries",
        title_zh="为海关关员讲解我司充电器与电池的真伪鉴别",
        description="Labels, holograms, weight and the inside of a genuine charger; we bring "
                    "samples of genuine and seized fakes.",
        topics=["product-identification"], audience_kinds=["customs"],
        cities=["Hangzhou", "深圳"], mode="either", languages=["zh", "en"], days=(0, 180))),
    "jackets": ("anna", "lindqvist", dict(
        title="Telling genuine Lindqvist jackets from counterfeits",
        title_zh="识别林德奎斯特正品夹克与假货",
        topics=["product-identification"], audience_kinds=["customs", "law_enforcement"],
        cities=["Shanghai", "Berlin"], mode="either", languages=["en"], days=(0, 120))),
    "recordation": ("customs", "gac", dict(
        title="Recordation and the detention procedure, explained by customs",
        title_zh="海关讲解知识产权备案与扣留程序",
        topics=["recordation", "detention-procedure"], audience_kinds=["rights_holder"],
        mode="online", languages=["zh", "en"], days=(0, 200))),
    "postal": ("liu", "szx", dict(
        title="The postal and express channel: what rights holders can do",
        title_zh="邮递和快件渠道：权利人可以做什么",
        topics=["postal-channel"], audience_kinds=["rights_holder"], cities=["Shenzhen"],
        mode="either", languages=["zh"], days=(30, 200))),
}


def _dates(days: tuple[int, int]):
    today = utcnow().date()
    return today + timedelta(days=days[0]), today + timedelta(days=days[1])


def _ensure_focal_points(users: dict[str, User]) -> None:
    for key in FOCAL_POINTS:
        users[key].focal_point = True
    db.session.flush()


def _ensure_requests(orgs: dict[str, Organization], users) -> dict[str, TrainingRequest]:
    found = {}
    for key, (poster, org, spec) in REQUESTS.items():
        fields = dict(spec)
        request = db.session.scalar(
            select(TrainingRequest).where(TrainingRequest.title == fields["title"]))
        if request is None:
            earliest, latest = _dates(fields.pop("days"))
            request = postings.create_request(
                RequestInput(organization_id=orgs[org].id, earliest=earliest, latest=latest,
                             **fields), by=users[poster])
        found[key] = request
    return found


def _ensure_offers(orgs: dict[str, Organization], users) -> dict[str, TrainingOffer]:
    found = {}
    for key, (poster, org, spec) in OFFERS.items():
        fields = dict(spec)
        offer = db.session.scalar(
            select(TrainingOffer).where(TrainingOffer.title == fields["title"]))
        if offer is None:
            start, end = _dates(fields.pop("days"))
            offer = postings.create_offer(
                OfferInput(organization_id=orgs[org].id, available_from=start,
                           available_until=end, **fields), by=users[poster])
        found[key] = offer
    return found


def _proposal(request: TrainingRequest, offer: TrainingOffer) -> Proposal | None:
    return db.session.scalar(select(Proposal).where(Proposal.request_id == request.id,
                                                    Proposal.offer_id == offer.id))


def _ensure_proposals(requests, offers, users) -> None:
    """A proposal waiting (Jinhua's chargers for Shenzhen's batteries request) and one that
    became a published training (customs explain recordation to Lindqvist)."""
    if _proposal(requests["batteries"], offers["chargers"]) is None:
        proposals.propose(
            requests["batteries"], offers["chargers"], by=users["zhao"],
            message="We can bring genuine and counterfeit samples to Shenzhen in April; two "
                    "engineers would run a half-day session in Chinese.")
    if _proposal(requests["recordation"], offers["recordation"]) is None:
        requests["recordation"].created_at = utcnow() - timedelta(days=12)  # asked in advance
        proposal = proposals.propose(
            requests["recordation"], offers["recordation"], by=users["customs"],
            message="Our recordation office can walk your team through the filing online.")
        proposals.add_message(proposal, by=users["anna"],
                              body="Perfect. Could it be in the Berlin morning?")
        event = proposals.accept(proposal, by=users["anna"])
        # The focal points confirm the date and the link, then publish.
        data = lifecycle.EventInput.from_event(event)
        day = (utcnow() + timedelta(days=21)).date()
        zone = ZoneInfo("Asia/Shanghai")
        data.start = datetime.combine(day, time(15, 0), tzinfo=zone)
        data.end = datetime.combine(day, time(17, 0), tzinfo=zone)
        data.online_url = "https://meet.example.com/liaison/recordation-lindqvist"
        lifecycle.update_event(event, data, by=users["customs"])
        lifecycle.publish_event(event, by=users["customs"])
    db.session.flush()


def seed(orgs: dict[str, Organization], users: dict[str, User]) -> int:
    """Load the exchange demo; returns how many requests and offers it holds."""
    _ensure_focal_points(users)
    requests = _ensure_requests(orgs, users)
    offers = _ensure_offers(orgs, users)
    _ensure_proposals(requests, offers, users)
    return len(requests) + len(offers)
