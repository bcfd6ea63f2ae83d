"""Figures for the association: counts by status and direction, the median days to a scheduled
session, and the open requests nobody offers to fill."""
from __future__ import annotations

from datetime import timedelta

from extensions import db
from liaison.accounts.models import OrgKind
from liaison.events import lifecycle
from liaison.exchange import figures, postings, proposals
from liaison.exchange.models import RequestStatus


def test_figures_on_a_small_board(customs_focal, brand_focal, make_focal, make_org,
                                  post_request, post_offer):
    matched = post_request(customs_focal, title="Batteries", trainer_kinds=["rights_holder"])
    gap = post_request(customs_focal, title="Nobody teaches this", topics=["recordation"])
    withdrawn = post_request(customs_focal, title="Changed our mind")
    postings.withdraw_request(withdrawn, by=customs_focal)
    judges = make_focal(make_org("Court", OrgKind.judiciary))
    post_request(judges, title="Judges ask too", trainer_kinds=["customs", "rights_holder"])
    offer = post_offer(brand_focal)
    proposal = proposals.propose(matched, offer, by=brand_focal, message="Hi")
    event = proposals.accept(proposal, by=customs_focal)
    lifecycle.publish_event(event, by=customs_focal)
    matched.created_at = matched.scheduled_at - timedelta(days=12)
    db.session.commit()

    found = figures.compute()
    assert found.by_status[RequestStatus.open] == 2
    assert found.by_status[RequestStatus.scheduled] == 1
    assert found.by_status[RequestStatus.withdrawn] == 1
    assert found.median_days_to_schedule == 12.0 and found.scheduled_count == 1
    directions = {(tuple(d.trainer_kinds), d.requester_kind): d.counts
                  for d in found.by_direction}
    assert directions[((OrgKind.rights_holder,), OrgKind.customs)] == {
        RequestStatus.scheduled: 1}
    assert directions[((), OrgKind.customs)] == {RequestStatus.open: 1,
                                                 RequestStatus.withdrawn: 1}
    assert directions[((OrgKind.customs, OrgKind.rights_holder), OrgKind.judiciary)] == {
        RequestStatus.open: 1}
    # The judges' request is matched by the brand's offer (any audience); the recordation one
    # by nobody.
    assert found.gaps_count == 1 and [r.id for r in found.gaps] == [gap.id]


def test_no_scheduled_request_has_no_median(customs_focal, post_request):
    post_request(customs_focal)
    assert figures.compute().median_days_to_schedule is None
