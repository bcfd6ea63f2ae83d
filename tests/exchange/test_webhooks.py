"""proposal.accepted reaches the webhooks of both organizations' focal points (who organize)
and nobody else's, signed (Standard Webhooks) and in the documented shape."""
from __future__ import annotations

from blueprints.api.webhook_schemas import MESSAGE_MODELS
from extensions import db
from liaison.accounts.models import OrgKind, Role
from liaison.core.types import utcnow
from liaison.exchange import proposals
from liaison.integration import delivery, webhooks
from tests.integration.conftest import Receiver


def test_an_accepted_proposal_is_a_webhook_for_both_sides(
    app, receiver, customs_focal, brand_focal, make_focal, make_org, post_request, post_offer
):
    customs_focal.role = brand_focal.role = Role.organizer  # subscribing needs an organizer
    stranger = make_focal(make_org("Elsewhere", OrgKind.customs), role=Role.organizer)
    db.session.commit()
    other_side = Receiver()
    other_side.start()
    try:
        receivers = {customs_focal.id: receiver, brand_focal.id: other_side,
                     stranger.id: receiver}
        for owner in (customs_focal, brand_focal, stranger):
            _subscription, secret = webhooks.create_subscription(
                owner, url=receivers[owner.id].url, event_types=["proposal.accepted"])
            if owner is not stranger:
                receivers[owner.id].secret = secret
        db.session.commit()
        request, offer = post_request(customs_focal), post_offer(brand_focal)
        proposal = proposals.propose(request, offer, by=brand_focal, message="Hi")
        event = proposals.accept(proposal, by=customs_focal)
        db.session.commit()

        report = delivery.deliver(worker_id="test", clock=utcnow)
        assert report.delivered == 2  # the stranger's subscription heard nothing
        messages = receiver.accepted + other_side.accepted
        assert len(receiver.accepted) == len(other_side.accepted) == 1
        assert receiver.rejected == other_side.rejected == []
    finally:
        other_side.stop()
    for message in messages:
        assert message["type"] == "proposal.accepted"
        data = message["data"]
        assert (data["request_id"], data["offer_id"], data["event"]["id"]) == (
            request.id, offer.id, event.id)
        assert data["accepted_by"] == customs_focal.id and data["date_to_confirm"] is True
        MESSAGE_MODELS[message["type"]].model_validate(
            {k: v for k, v in message.items() if k != "id"})
