"""Mail about the exchange: proposals (to the focal points of the side that should act next)
and the daily match digest. Queued in the caller's transaction (the outbox), each message in
its recipient's language."""
from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _

from liaison.accounts.mailing import mail_user
from liaison.accounts.models import User
from liaison.exchange import access
from liaison.exchange.models import Proposal, ProposalMessage, Side

# news -> the side whose focal points hear of it, relative to the proposer's side
PROPOSAL_NEWS = {"proposed": "other", "accepted": "proposer", "declined": "proposer"}


def _subject(news: str, title: str) -> str:
    subjects = {
        "proposed": _("Training proposal: %(title)s", title=title),
        "accepted": _("Proposal accepted: %(title)s", title=title),
        "declined": _("Proposal declined: %(title)s", title=title),
        "message": _("New message about: %(title)s", title=title),
        "digest": _("New matches on the exchange board"),
    }
    return subjects[news]


def _send(kind: str, user: User, news: str, title: str, template: str, **context) -> None:
    mail_user(user, kind=kind, template=template, subject=lambda: _subject(news, title),
              news=news, base_url=current_app.config["BASE_URL"], **context)


def proposal_news(proposal: Proposal, news: str, *, by: User,
                  message: ProposalMessage | None = None) -> None:
    """Tell the focal points of the side concerned (never the one who acted)."""
    if news == "message":
        author_side = (Side.request if access.may_act_for(by, proposal.request.organization_id)
                       else Side.offer)
        side = author_side.other
    else:
        side = proposal.side if PROPOSAL_NEWS[news] == "proposer" else proposal.side.other
    for user in access.focal_points_of(proposal.organization_id_of(side)):
        if user.id == by.id:
            continue
        _send("exchange_proposal", user, news, proposal.request.title, "exchange_proposal",
              proposal=proposal, actor=by, message=message,
              link=f"{current_app.config['BASE_URL']}/exchange/proposals/{proposal.id}")


def digest(user: User, pairs: list) -> None:
    """One mail listing new matches for the focal point's organization (`alerts`)."""
    _send("exchange_digest", user, "digest", "", "exchange_digest", pairs=pairs)
