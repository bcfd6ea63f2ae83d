"""Who may read what of a meeting: its content (agenda, materials, minutes), each material by
its visibility, each version of the minutes; and who may change actions and libraries.

Whether the viewer sees the event at all is `liaison.events.queries.visible_events`; the
rules here apply on top of it. SPEC: registrants hold an active registration (pending,
waitlisted or confirmed); attendees are the confirmed ones (once attendance is closed, those
who attended, fully or in part); organizers include administrators.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from extensions import db
from liaison.accounts import membership
from liaison.accounts.models import User
from liaison.events import classification
from liaison.events.lifecycle import can_manage
from liaison.events.models import Event
from liaison.meetings.models import (
    ActionItem,
    Material,
    MaterialVisibility,
    Minutes,
    MinutesStatus,
)
from liaison.registration.models import (
    ACTIVE_REGISTRATION_STATUSES,
    Registration,
    RegistrationStatus,
)


@dataclass(frozen=True)
class Standing:
    """What one viewer is to one event."""

    manages: bool = False
    registrant: bool = False
    attendee: bool = False
    signed_in: bool = False


def _signed_in(viewer) -> bool:
    return viewer is not None and getattr(viewer, "is_authenticated", False)


def standing_from(event: Event, viewer, registration: Registration | None) -> Standing:
    """The standing from a registration the caller already has (None: not registered)."""
    if not _signed_in(viewer):
        return Standing()
    status = registration.status if registration is not None else None
    attendee = status == RegistrationStatus.confirmed and (
        not event.attendance_closed or registration.took_part
    )
    return Standing(
        manages=can_manage(event, viewer),
        registrant=status in ACTIVE_REGISTRATION_STATUSES,
        attendee=attendee,
        signed_in=True,
    )


def standing(event: Event, viewer) -> Standing:
    """The viewer's standing at the event: one query for their registration."""
    registration = None
    if _signed_in(viewer):
        registration = db.session.scalar(
            select(Registration).where(
                Registration.event_id == event.id, Registration.user_id == viewer.id
            )
        )
    return standing_from(event, viewer, registration)


def reads_content(event: Event, who: Standing) -> bool:
    """Agenda, materials and minutes follow the description (liaison.events.classification)."""
    return classification.shows_content(event, manages=who.manages, registrant=who.registrant)


def widest_visibility(event: Event) -> MaterialVisibility:
    """A material is never wider than the classification allows: public events may share with
    everyone who sees them, the others with their registrants at most."""
    return MaterialVisibility.public if event.is_public else MaterialVisibility.registrants


def effective_visibility(material: Material, event: Event) -> MaterialVisibility:
    """The material's own visibility, narrowed to what the event's classification allows now
    (a classification raised after the upload narrows its files at once)."""
    cap = widest_visibility(event)
    return material.visibility if material.visibility.rank >= cap.rank else cap


def may_download(material: Material, event: Event, who: Standing) -> bool:
    """The viewer already sees the event; this is the material's own rule."""
    if who.manages:
        return True
    allowed = effective_visibility(material, event)
    if allowed == MaterialVisibility.public:
        return True
    if allowed == MaterialVisibility.registrants:
        return who.registrant
    if allowed == MaterialVisibility.attendees:
        return who.attendee
    return False


def may_read_minutes(minutes: Minutes, event: Event, who: Standing) -> bool:
    """Drafts are the organizers' working copy; circulated and approved versions are content."""
    if minutes.status == MinutesStatus.draft:
        return who.manages
    return reads_content(event, who)


def library_member(user, organization_id: int) -> bool:
    """The verified people of an organization use its library; administrators too."""
    if not _signed_in(user):
        return False
    if user.is_admin:
        return True
    return user.is_verified_member and user.organization_id == organization_id


def may_manage_library(user, organization_id: int) -> bool:
    """Its organizers and focal points (and those of the organizations above it) add files to
    an organization's library."""
    if not _signed_in(user):
        return False
    if user.is_admin or membership.is_focal_point_for(user, organization_id):
        return True
    return library_member(user, organization_id) and user.can_organize


def may_update_action(action: ActionItem, user) -> bool:
    """The owner person, the verified people of the owner organization, the focal points of
    it or of an organization above it, the meeting's organizers and administrators may change
    an action's status."""
    if not _signed_in(user):
        return False
    if user.is_admin or action.owner_user_id == user.id:
        return True
    if user.is_verified_member and user.organization_id == action.owner_organization_id:
        return True
    if membership.is_focal_point_for(user, action.owner_organization_id):
        return True
    return can_manage(action.event, user)


def may_see_action(action: ActionItem, user: User) -> bool:
    """Actions are seen by those who may change them (their owners above all)."""
    return may_update_action(action, user)
