"""The data model, one module per concept; import models from here."""
from liaison.models.enums import (
    ACTIVE_REGISTRATION_STATUSES,
    EventKind,
    EventStatus,
    OrgKind,
    OutboxStatus,
    RegistrationStatus,
    Role,
    SeriesFrequency,
)
from liaison.models.event import Event, EventSeries, EventTopic, event_organizer
from liaison.models.generation import ContentGeneration
from liaison.models.organization import Organization
from liaison.models.outbox import OutboxMessage
from liaison.models.registration import Attendance, Registration
from liaison.models.token import ApiToken
from liaison.models.user import User

__all__ = [
    "ACTIVE_REGISTRATION_STATUSES",
    "ApiToken",
    "Attendance",
    "ContentGeneration",
    "Event",
    "EventKind",
    "EventSeries",
    "EventStatus",
    "EventTopic",
    "OrgKind",
    "Organization",
    "OutboxMessage",
    "OutboxStatus",
    "Registration",
    "RegistrationStatus",
    "Role",
    "SeriesFrequency",
    "User",
    "event_organizer",
]
