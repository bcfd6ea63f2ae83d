"""Finding 6: one date and time format per language, with the zone named wherever a time is
shown (registration opens and closes too). Finding 14: Chinese pages say cities and zones in
Chinese, punctuate the Chinese way, and the topic hint matches the topics that exist."""
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from extensions import db
from liaison.accounts.models import OrgKind, Role
from liaison.events.topics import ensure_topic
from liaison.registration.models import RegistrationStatus as S
from tests.browser.ux.conftest import assert_fits

TWELVE_HOUR = re.compile(r"\d{1,2}:\d{2}\s?[AP]M", re.I)
NUMERIC_DATE = re.compile(r"\b\d{1,4}/\d{1,2}/\d{2,4}\b")
IANA = re.compile(r"\b(?:Asia|Europe|America|Africa|Australia|Pacific)/[A-Z][A-Za-z_]+")
TIME = re.compile(r"\b\d{2}:\d{2}\b")
BEIJING = ("Beijing time (UTC+8)", "北京时间 (UTC+8)")


def _the_one_format(screen, text: str) -> None:
    assert not TWELVE_HOUR.search(text), TWELVE_HOUR.search(text)
    assert not NUMERIC_DATE.search(text), NUMERIC_DATE.search(text)
    if screen.lang == "zh":
        assert not re.search(r"日,", text), "an ASCII comma after a Chinese date"
        assert not IANA.search(text), IANA.search(text)


def _world(screen, make_org, make_event, registered):
    host = make_org("Shanghai Customs District", kind=OrgKind.customs, name_zh="上海海关",
                    city="Shanghai", city_zh="上海")
    organizer = screen.person(role=Role.organizer, org=host, display_name="Wang Lei")
    start = datetime(2031, 3, 4, 1, 30, tzinfo=UTC)  # 09:30 in Beijing
    event = make_event(
        organizer=organizer, title="Detention procedure", start=start, hours=3,
        audience=[OrgKind.rights_holder, OrgKind.law_enforcement, OrgKind.judiciary],
        registration_opens_at=start - timedelta(days=40), capacity=30,
        registration_closes_at=start - timedelta(hours=12),
    )
    brand = make_org("Harbor & Pine", kind=OrgKind.rights_holder, name_zh="港松服饰")
    me = screen.person(org=brand, display_name="Michael Torres", timezone="America/New_York")
    registered(event, me, S.confirmed)
    past = make_event(organizer=organizer, title="Recordation workshop", hours=2,
                      start=datetime.now(UTC).replace(microsecond=0) - timedelta(days=20))
    registered(past, me, S.confirmed)
    return organizer, event, me


def test_one_format_with_the_zone_named(screen, live_server, make_org, make_event, registered):
    organizer, event, me = _world(screen, make_org, make_event, registered)
    screen.log_in(me)
    page = screen.page

    screen.goto(f"/events/{event.id}")
    text = page.locator("main").inner_text()
    _the_one_format(screen, text)
    window = page.locator(".registration-window").inner_text()
    assert window.count(screen.t(*BEIJING)) == 2, window  # opens and closes, each with the zone
    assert screen.t("Mar 3, 2031, 21:30", "2031年3月3日 21:30") in window
    your_time = page.locator(".your-time").inner_text()
    assert screen.t("Mar 3, 2031, 20:30–23:30 New York time (UTC-5)",
                    "2031年3月3日 20:30–23:30 纽约时间 (UTC-5)") in your_time
    assert_fits(page)

    screen.goto("/registrations/mine")
    text = page.locator("main").inner_text()
    _the_one_format(screen, text)
    upcoming = page.locator(".my-registration").inner_text()
    assert screen.t("Tue, Mar 4, 2031, 09:30–12:30 Beijing time (UTC+8)",
                    "2031年3月4日周二 09:30–12:30 北京时间 (UTC+8)") in upcoming
    assert_fits(page)

    screen.goto("/")
    card = page.locator("article.event-card", has_text="Detention procedure").inner_text()
    _the_one_format(screen, card)
    assert screen.t(*BEIJING) in card and "09:30–12:30" in card

    page.context.clear_cookies()
    screen.log_in(organizer)
    screen.goto(f"/events/{event.id}/registrations")
    text = page.locator("main").inner_text()
    _the_one_format(screen, text)
    # Registration times on the rows name their zone once, above the list.
    assert screen.t("Registration times in Beijing time", "报名时间按北京时间") in text
    for line in text.splitlines():
        if TIME.search(line) and "Registered" not in line and "报名时间 " not in line:
            assert "UTC" in line, f"a time without its zone: {line!r}"


def test_chinese_pages_say_places_and_zones_in_chinese(screen, live_server, make_org,
                                                       make_event, registered):
    organizer, event, me = _world(screen, make_org, make_event, registered)
    screen.log_in(organizer)
    page = screen.page
    screen.goto(f"/events/{event.id}")
    facts = page.locator(".facts").inner_text()
    if screen.lang == "zh":
        assert "上海" in facts and "Shanghai" not in facts
        assert "权利人、行政执法和刑事司法" in facts  # a Chinese list, not "权利人, 行政执法"
        assert ", " not in facts.split("地点")[0]
    else:
        assert "Shanghai" in facts
        assert "Rights holders, Law enforcement, and Criminal justice" in facts
    assert not IANA.search(page.locator("main").inner_text())

    db.session.rollback()  # a fresh snapshot: the server wrote since this session last read
    ensure_topic("postal channel", "邮递渠道")
    db.session.commit()
    screen.goto("/events/new")
    zone = page.locator("#timezone option:checked").inner_text()
    assert zone.startswith(screen.t("Beijing time", "北京时间"))
    # Topics are the vocabulary's, each in the page's language.
    topics = [t.strip() for t in page.locator(".topic-choices label").all_inner_texts()]
    assert screen.t("postal channel", "邮递渠道") in topics
    assert screen.t("邮递渠道", "postal channel") not in topics
    assert_fits(page)
