"""The event page: long titles (finding 5), a full event (finding 7), a cancelled one
(finding 8) and one that is over (finding 10)."""
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from extensions import db
from liaison.accounts.models import OrgKind, Role
from liaison.events.models import Event, EventStatus
from liaison.registration.models import RegistrationStatus as S
from tests.browser.ux.conftest import assert_fits, shows


def _soon() -> datetime:
    return datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(days=12)


def test_a_long_title_wraps_and_the_limit_is_said(screen, live_server, make_event, make_org):
    """Finding 5: a 200-character title without spaces made the page 4,971 px wide; a
    10,000-character title was cut to 200 by the browser without a word."""
    host = make_org("Alliance", kind=OrgKind.association)
    organizer = screen.person(role=Role.organizer, org=host)
    word = "Counterfeit" * 18 + "Xy"  # 200 characters, no space
    event = make_event(organizer=organizer, title=word, start=_soon())
    screen.log_in(organizer)
    screen.goto(f"/events/{event.id}")
    page = screen.page
    assert page.locator("h1").inner_text() == word
    assert_fits(page)
    screen.goto("/events/mine")
    assert_fits(page)

    screen.goto("/events/new")
    assert shows(page, screen.t("At most 200 characters.", "最多 200 个字符。"))
    assert page.locator("#title").get_attribute("maxlength") is None
    page.fill("#title", "A" * 10_000)
    assert page.locator("#title").input_value() == "A" * 10_000  # nothing cut silently
    assert page.locator("[data-count-for=title]").inner_text() == "10000 / 200"
    before = db.session.scalar(select(func.count()).select_from(Event))
    page.locator("form.event-form button[type=submit]").click()
    page.wait_for_load_state()
    feedback = page.locator("#title-feedback").inner_text()
    assert "200" in feedback and "10000" in feedback
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Event)) == before
    assert_fits(page)


def test_a_full_event_offers_the_waiting_list(screen, live_server, make_event, make_org,
                                              registered):
    """Finding 7: a full event said "Register", and the waiting list came as a green success."""
    organizer = screen.make_user(role=Role.organizer)
    event = make_event(organizer=organizer, capacity=1, start=_soon(), title="Full house")
    registered(event, screen.make_user(), S.confirmed)
    me = screen.person(org=make_org("Harbor & Pine", kind=OrgKind.rights_holder))
    screen.log_in(me)
    screen.goto(f"/events/{event.id}")
    page = screen.page
    panel = page.locator("#registration")
    assert panel.get_by_role("button", name=screen.t("Register", "报名"), exact=True).count() == 0
    panel.get_by_role("button", name=screen.t("Join the waiting list", "加入候补名单")).click()
    page.wait_for_load_state()
    assert page.locator(".alert-success").count() == 0
    news = page.locator(".alert-info").inner_text()
    assert screen.t("waiting list: position 1", "候补名单：第 1 位") in news
    assert_fits(page)


def test_a_cancelled_event_says_so_once_and_offers_nothing(screen, live_server, make_event,
                                                           make_org, registered):
    """Finding 8: "cancelled" three times, and still .ics, Google, Outlook, check-in and
    "9 seats left"."""
    organizer = screen.person(role=Role.organizer)
    event = make_event(organizer=organizer, capacity=10, start=_soon(), title="Port visit",
                       status=EventStatus.cancelled, cancelled_at=datetime.now(UTC),
                       online_url="https://meet.example.test/port")
    if hasattr(event, "cancellation_reason"):
        event.cancellation_reason = "The port is closed for works."
        db.session.commit()
    attendee = screen.person(org=make_org("Customs", kind=OrgKind.customs))
    registered(event, attendee, S.cancelled)
    for who in (attendee, organizer):
        page = screen.page
        page.context.clear_cookies()
        screen.log_in(who)
        screen.goto(f"/events/{event.id}")
        text = page.locator("main").inner_text()
        said = re.findall(screen.t(r"[Cc]ancel", "取消"), text)
        assert len(said) == 1, said
        assert page.locator(".event-cancelled").count() == 1
        for gone in ("a[href$='.ics']", "a[href*='google']", "a[href*='outlook']",
                     "a[href$='/check-in']", ".seats-left", "#registration"):
            assert page.locator("main").locator(gone).count() == 0, gone
        assert screen.t("seats left", "剩余") not in text
        if hasattr(event, "cancellation_reason"):
            assert "The port is closed for works." in text
        assert_fits(page)


def test_an_event_that_is_over_shows_no_seats(screen, live_server, make_event, make_org,
                                               registered):
    """Finding 10: "60 seats left" on finished events, in the list and on the page."""
    organizer = screen.person(role=Role.organizer)
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(days=3)
    event = make_event(organizer=organizer, capacity=60, start=start, title="Last month")
    registered(event, screen.make_user(), S.confirmed)
    screen.log_in(organizer)
    for path in (f"/events/{event.id}", "/events/mine?tab=past"):
        screen.goto(path)
        text = screen.page.locator("main").inner_text()
        assert "59" not in text and screen.t("seats left", "剩余") not in text
        assert screen.t("ended", "已结束") in text.lower()
        assert_fits(screen.page)
