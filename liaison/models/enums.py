"""The fixed vocabularies of the domain. Names equal values equal the API strings."""
from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l


class OrgKind(enum.StrEnum):
    rights_holder = "rights_holder"
    customs = "customs"
    law_enforcement = "law_enforcement"
    judiciary = "judiciary"
    association = "association"
    other = "other"

    @property
    def label(self) -> str:
        return str(ORG_KIND_LABELS[self])

    @property
    def plural_label(self) -> str:
        return str(ORG_KIND_PLURALS[self])


ORG_KIND_LABELS = {
    OrgKind.rights_holder: _l("Rights holder"),
    OrgKind.customs: _l("Customs"),
    OrgKind.law_enforcement: _l("Law enforcement"),
    OrgKind.judiciary: _l("Criminal justice"),
    OrgKind.association: _l("Association"),
    OrgKind.other: _l("Other"),
}

ORG_KIND_PLURALS = {
    OrgKind.rights_holder: _l("Rights holders"),
    OrgKind.customs: _l("Customs"),
    OrgKind.law_enforcement: _l("Law enforcement"),
    OrgKind.judiciary: _l("Criminal justice"),
    OrgKind.association: _l("Associations"),
    OrgKind.other: _l("Others"),
}


class Role(enum.StrEnum):
    admin = "admin"
    organizer = "organizer"
    participant = "participant"

    @property
    def label(self) -> str:
        return str(ROLE_LABELS[self])


ROLE_LABELS = {
    Role.admin: _l("Administrator"),
    Role.organizer: _l("Organizer"),
    Role.participant: _l("Participant"),
}


class EventKind(enum.StrEnum):
    training = "training"
    exchange_meeting = "exchange_meeting"

    @property
    def label(self) -> str:
        return str(EVENT_KIND_LABELS[self])


EVENT_KIND_LABELS = {
    EventKind.training: _l("Training"),
    EventKind.exchange_meeting: _l("Exchange meeting"),
}


class EventStatus(enum.StrEnum):
    draft = "draft"
    published = "published"
    cancelled = "cancelled"

    @property
    def label(self) -> str:
        return str(EVENT_STATUS_LABELS[self])


EVENT_STATUS_LABELS = {
    EventStatus.draft: _l("Draft"),
    EventStatus.published: _l("Published"),
    EventStatus.cancelled: _l("Cancelled"),
}


class RegistrationStatus(enum.StrEnum):
    pending = "pending"
    confirmed = "confirmed"
    waitlisted = "waitlisted"
    declined = "declined"
    cancelled = "cancelled"

    @property
    def label(self) -> str:
        return str(REGISTRATION_STATUS_LABELS[self])

    @property
    def is_active(self) -> bool:
        """Pending, confirmed and waitlisted registrations are still in play."""
        return self in ACTIVE_REGISTRATION_STATUSES


ACTIVE_REGISTRATION_STATUSES = frozenset(
    {RegistrationStatus.pending, RegistrationStatus.confirmed, RegistrationStatus.waitlisted}
)

REGISTRATION_STATUS_LABELS = {
    RegistrationStatus.pending: _l("Awaiting approval"),
    RegistrationStatus.confirmed: _l("Confirmed"),
    RegistrationStatus.waitlisted: _l("On the waiting list"),
    RegistrationStatus.declined: _l("Declined"),
    RegistrationStatus.cancelled: _l("Cancelled"),
}


class SeriesFrequency(enum.StrEnum):
    weekly = "weekly"
    biweekly = "biweekly"
    monthly = "monthly"

    @property
    def label(self) -> str:
        return str(SERIES_FREQUENCY_LABELS[self])


SERIES_FREQUENCY_LABELS = {
    SeriesFrequency.weekly: _l("Every week"),
    SeriesFrequency.biweekly: _l("Every two weeks"),
    SeriesFrequency.monthly: _l("Every month"),
}


class OutboxStatus(enum.StrEnum):
    queued = "queued"
    sending = "sending"
    sent = "sent"
    failed = "failed"
