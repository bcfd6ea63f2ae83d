"""Exchange fixtures: organizations with focal points, and requests and offers posted through
the domain with sensible defaults that each test overrides."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from extensions import db
from liaison.accounts.models import OrgKind, User
from liaison.core.types import utcnow
from liaison.exchange import postings
from liaison.exchange.inputs import OfferInput, RequestInput
from tests.api.conftest import api_as, token_for  # noqa: F401  (API clients, reused here)
from tests.integration.conftest import receiver  # noqa: F401  (a real webhook receiver)
from tests.mail.conftest import smtp_server  # noqa: F401  (a real SMTP server, reused here)

# The vocabulary the exchange tests use: (English label, Chinese label). The brief's own
# example: "产品鉴别" and "product identification" are one topic.
VOCABULARY = [
    ("product identification", "产品鉴别"), ("batteries", "电池"), ("chargers", "充电器"),
    ("recordation", "备案"), ("postal channel", "邮递渠道"), ("detention procedure", "扣留程序"),
    *((f"topic {i}", None) for i in range(13)),
]


@pytest.fixture(autouse=True)
def vocabulary(app):
    """The topics exist before anything names them (requests and offers carry their slugs)."""
    from liaison.events import topics

    for label_en, label_zh in VOCABULARY:
        topics.ensure_topic(label_en, label_zh)
    db.session.commit()


def soon(days: int) -> date:
    return utcnow().date() + timedelta(days=days)


@pytest.fixture
def make_focal(make_org, make_user):
    """make_focal(org or kind, **user fields) -> a focal point of that organization."""

    def make(org=None, **fields) -> User:
        if org is None or isinstance(org, OrgKind):
            org = make_org(kind=org or OrgKind.customs)
        # A participant: acting for an organization needs no organizer role.
        return make_user(org=org, focal_point=True, **fields)

    return make


@pytest.fixture
def post_request():
    """post_request(focal, **fields) -> an open request of the focal point's organization."""

    def make(by: User, **fields):
        values = dict(
            organization_id=by.organization_id, title="Product identification: batteries",
            topics=["product-identification"], earliest=soon(30), latest=soon(90),
            mode="either", city="Shenzhen", languages=["zh"],
        )
        values.update(fields)
        request = postings.create_request(RequestInput(**values), by=by)
        db.session.commit()
        return request

    return make


@pytest.fixture
def post_offer():
    """post_offer(focal, **fields) -> an open offer of the focal point's organization."""

    def make(by: User, **fields):
        values = dict(
            organization_id=by.organization_id, title="We train officers on our chargers",
            topics=["product-identification"], mode="either", cities=["Shenzhen", "Hangzhou"],
            languages=["zh", "en"],
        )
        values.update(fields)
        offer = postings.create_offer(OfferInput(**values), by=by)
        db.session.commit()
        return offer

    return make


@pytest.fixture
def customs_focal(make_focal, make_org):
    return make_focal(make_org("Shenzhen Customs District", OrgKind.customs, name_zh="深圳海关"))


@pytest.fixture
def brand_focal(make_focal, make_org):
    return make_focal(make_org("Jinhua Precision Electronics", OrgKind.rights_holder))
