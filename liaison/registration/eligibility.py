"""Rule 1 of SPEC: who may register for an event, and when (published, inside the
registration window, not started, in the audience, with a verified membership for an event
that is not open to all). `registrations.register` and the pages ask it first."""
from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _

from liaison.accounts.models import User
from liaison.core.errors import DomainError
from liaison.core.types import utcnow
from liaison.core.when import format_when
from liaison.events.direction import audience_label
from liaison.events.models import Event, EventStatus


def check_can_register(event: Event, user: User, *, now: datetime | None = None) -> None:
    """Rule 1: published, inside the registration window, not started, in the audience."""
    now = now or utcnow()
    if event.status == EventStatus.cancelled:
        raise DomainError(_("This event has been cancelled."), code="event_cancelled")
    if event.status != EventStatus.published:
        raise DomainError(
            _("This event is not published yet, so nobody can register."),
            code="event_not_published",
        )
    if event.start_at <= now:
        raise DomainError(
            _("This event has already started; registration is closed."), code="event_started"
        )
    if event.registration_opens_at and now < event.registration_opens_at:
        raise DomainError(
            _(
                "Registration opens on %(when)s.",
                when=format_when(event.registration_opens_at, event.timezone),
            ),
            code="registration_not_open",
        )
    if event.registration_closes_at and now >= event.registration_closes_at:
        raise DomainError(
            _(
                "Registration closed on %(when)s.",
                when=format_when(event.registration_closes_at, event.timezone),
            ),
            code="registration_closed",
        )
    if not event.admits(user):
        kinds = audience_label(event)  # the order and list style of the event page
        if user.audience_kind is None and event.admits_kind(user.organization.kind):
            raise DomainError(
                _(
                    "This event is open only to: %(kinds)s. Your membership of %(org)s is not "
                    "verified, so you may register only for events open to all.",
                    kinds=kinds,
                    org=user.organization.display_name,
                ),
                code="membership_not_verified",
            )
        raise DomainError(
            _(
                "This event is open only to: %(kinds)s. Your organization is not in the audience.",
                kinds=kinds,
            ),
            code="not_in_audience",
        )
