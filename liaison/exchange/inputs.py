"""What a focal point types about a request or an offer, and every rule of shape and range.

`validate_request` and `validate_offer` check all fields at once and raise ValidationFailed
naming each bad one; the forms and the API both call them."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _

from extensions import db
from liaison.accounts.models import Organization, OrgKind
from liaison.core.errors import ValidationFailed
from liaison.events.inputs import iana_zones
from liaison.exchange import topics as vocabulary
from liaison.exchange.cities import city_key
from liaison.exchange.columns import LANGUAGE_BITS
from liaison.exchange.models import Mode

TITLE_MAX = 200
DESCRIPTION_MAX = 10_000
CITY_MAX = 120
CITIES_MAX = 20
PARTICIPANTS_MAX = 10_000


@dataclass
class RequestInput:
    organization_id: int | None
    title: str
    earliest: date | None
    latest: date | None
    mode: Mode | str
    languages: list[str]
    topics: list[str] = field(default_factory=list)
    title_zh: str | None = None
    description: str = ""
    description_zh: str | None = None
    trainer_kinds: list[OrgKind | str] = field(default_factory=list)
    city: str | None = None
    expected_participants: int | None = None
    expires_on: date | None = None  # default: `latest`
    timezone: str | None = None  # default: the poster's

    @classmethod
    def from_request(cls, request) -> RequestInput:
        return cls(
            organization_id=request.organization_id, title=request.title,
            title_zh=request.title_zh, description=request.description,
            description_zh=request.description_zh, topics=list(request.topics),
            trainer_kinds=list(request.trainer_kinds), earliest=request.earliest,
            latest=request.latest, mode=request.mode, city=request.city,
            languages=list(request.languages),
            expected_participants=request.expected_participants,
            expires_on=request.expires_on, timezone=request.timezone,
        )


@dataclass
class OfferInput:
    organization_id: int | None
    title: str
    mode: Mode | str
    languages: list[str]
    topics: list[str] = field(default_factory=list)
    title_zh: str | None = None
    description: str = ""
    description_zh: str | None = None
    audience_kinds: list[OrgKind | str] = field(default_factory=list)
    cities: list[str] = field(default_factory=list)
    available_from: date | None = None
    available_until: date | None = None

    @classmethod
    def from_offer(cls, offer) -> OfferInput:
        return cls(
            organization_id=offer.organization_id, title=offer.title, title_zh=offer.title_zh,
            description=offer.description, description_zh=offer.description_zh,
            topics=list(offer.topics), audience_kinds=list(offer.audience_kinds),
            cities=list(offer.cities), mode=offer.mode, languages=list(offer.languages),
            available_from=offer.available_from, available_until=offer.available_until,
        )


def _line(value: str | None) -> str:
    return " ".join((value or "").split())


def _text(value: str | None) -> str:
    return (value or "").replace("\r\n", "\n").strip()


def _common(data, errors: dict, values: dict) -> None:
    """Organization, titles, descriptions, topics, languages, mode: alike on both sides."""
    org = db.session.get(Organization, data.organization_id) if isinstance(
        data.organization_id, int) else None
    if org is None:
        errors["organization_id"] = _("Choose the organization.")
    values["organization"] = org

    title = _line(data.title)
    if not title:
        errors["title"] = _("Give a title.")
    elif len(title) > TITLE_MAX:
        errors["title"] = _("The title can be at most %(n)d characters.", n=TITLE_MAX)
    values["title"] = title
    title_zh = _line(data.title_zh) or None
    if title_zh and len(title_zh) > TITLE_MAX:
        errors["title_zh"] = _("The title can be at most %(n)d characters.", n=TITLE_MAX)
    values["title_zh"] = title_zh

    for name in ("description", "description_zh"):
        text = _text(getattr(data, name))
        if len(text) > DESCRIPTION_MAX:
            errors[name] = _("The description can be at most %(n)d characters.",
                             n=DESCRIPTION_MAX)
        values[name] = text if name == "description" else (text or None)

    slugs, unknown = vocabulary.resolve(list(data.topics or []))
    if unknown:
        errors["topics"] = _("Unknown topics: %(names)s. Choose topics from the list.",
                             names=", ".join(unknown))
    elif not slugs:
        errors["topics"] = _("Choose at least one topic.")
    elif len(slugs) > vocabulary.TOPICS_MAX:
        errors["topics"] = _("Choose at most %(n)d topics.", n=vocabulary.TOPICS_MAX)
    values["topics"] = slugs

    languages = sorted(set(data.languages or ()))
    if not languages:
        errors["languages"] = _("Choose at least one language.")
    elif any(code not in LANGUAGE_BITS for code in languages):
        errors["languages"] = _("Choose English, Chinese or both.")
    values["languages"] = languages

    try:
        values["mode"] = Mode(data.mode)
    except ValueError:
        errors["mode"] = _("Choose in person, online, or either.")


def _kinds(raw, name: str, errors: dict, values: dict) -> None:
    try:
        values[name] = sorted({OrgKind(k) for k in raw or ()})
    except ValueError:
        errors[name] = _("Choose organization kinds from the list.")


def validate_request(data: RequestInput, *, today: date, default_zone: str) -> dict:
    """Every rule of a request at once; `today` refuses windows that already ended."""
    errors: dict[str, str] = {}
    values: dict = {}
    _common(data, errors, values)
    _kinds(data.trainer_kinds, "trainer_kinds", errors, values)

    earliest, latest = data.earliest, data.latest
    if earliest is None:
        errors["earliest"] = _("Give the earliest date.")
    if latest is None:
        errors["latest"] = _("Give the latest date.")
    elif earliest and latest < earliest:
        errors["latest"] = _("The latest date cannot be before the earliest.")
    elif latest < today:
        errors["latest"] = _("This window has already passed: give a date from today on.")
    values["earliest"], values["latest"] = earliest, latest

    expires_on = data.expires_on or latest
    if data.expires_on is not None:
        if data.expires_on < today:
            errors["expires_on"] = _("The request cannot expire in the past.")
        elif latest and data.expires_on > latest:
            errors["expires_on"] = _("The request should expire by its latest date.")
    values["expires_on"] = expires_on

    city = _line(data.city) or None
    if city and len(city) > CITY_MAX:
        errors["city"] = _("The city can be at most %(n)d characters.", n=CITY_MAX)
    elif not city and values.get("mode") == Mode.in_person:
        errors["city"] = _("Give the city where the training should take place.")
    values["city"], values["city_key"] = city, city_key(city)

    participants = data.expected_participants
    if participants is not None and not 1 <= participants <= PARTICIPANTS_MAX:
        errors["expected_participants"] = _(
            "Give a number from 1 to %(n)d, or leave it empty.", n=PARTICIPANTS_MAX
        )
    values["expected_participants"] = participants

    zone = data.timezone or default_zone
    if zone not in iana_zones():
        errors["timezone"] = _("Choose a time zone from the list, such as Asia/Shanghai.")
    values["timezone"] = zone

    if errors:
        raise ValidationFailed(_("Some fields need your attention."), fields=errors)
    return values


def validate_offer(data: OfferInput) -> dict:
    """Every rule of an offer at once."""
    errors: dict[str, str] = {}
    values: dict = {}
    _common(data, errors, values)
    _kinds(data.audience_kinds, "audience_kinds", errors, values)

    cities: dict[str, str] = {}
    for raw in data.cities or ():
        name = _line(raw)
        if not name:
            continue
        if len(name) > CITY_MAX:
            errors["cities"] = _("Each city can be at most %(n)d characters.", n=CITY_MAX)
        cities.setdefault(city_key(name), name)
    if len(cities) > CITIES_MAX:
        errors["cities"] = _("Give at most %(n)d cities.", n=CITIES_MAX)
    elif not cities and values.get("mode") == Mode.in_person:
        errors["cities"] = _("Give at least one city where you can train in person.")
    values["cities"] = cities  # key -> name as typed, in the order given

    start, end = data.available_from, data.available_until
    if start and end and end < start:
        errors["available_until"] = _("The end of availability cannot be before its start.")
    values["available_from"], values["available_until"] = start, end

    if errors:
        raise ValidationFailed(_("Some fields need your attention."), fields=errors)
    return values
