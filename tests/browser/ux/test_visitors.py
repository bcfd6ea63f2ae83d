"""What a visitor who is not logged in sees: their own time zone (finding 2), a link to an
event they may not see (finding 3), and the demo the README promises (finding 16)."""
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from extensions import db
from liaison.accounts.models import OrgKind, Role
from tests.browser.ux.conftest import assert_fits, shows

BERLIN = ("Berlin time", "柏林时间")
NEW_YORK = ("New York time", "纽约时间")


def _open_event(make_event, make_user, make_org, **fields):
    host = make_org("Brand Alliance", kind=OrgKind.association, name_zh="品牌联盟")
    organizer = make_user(role=Role.organizer, org=host)
    start = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(days=10)
    return make_event(organizer=organizer, start=start, title="Open forum", **fields)


def test_a_visitor_sees_times_in_their_browsers_zone(screen, live_server, make_event, make_user,
                                                     make_org, browser):
    """Finding 2: the browser's zone (here Europe/Berlin) instead of UTC, on the event page and
    the month calendar, and the page cache keeps one copy per zone (a New York visitor next)."""
    event = _open_event(make_event, make_user, make_org)
    assert live_server.app.extensions.get("liaison_pagecache") is not None  # the cache is on
    screen.goto(f"/events/{event.id}")
    page = screen.page
    your_time = page.locator(".your-time")
    your_time.wait_for()  # the first visit reports the zone and reloads once
    assert screen.t(*BERLIN) in your_time.inner_text()
    assert "UTC)" not in your_time.inner_text() and "UTC+0" not in your_time.inner_text()
    assert_fits(page)
    screen.goto("/events/calendar")
    assert screen.t(*BERLIN) in page.locator(".page-lead").inner_text()

    other = browser.new_context(base_url=live_server.base_url, timezone_id="America/New_York",
                                viewport=page.viewport_size,
                                extra_http_headers={"Accept-Language": screen.t("en", "zh-CN")})
    try:
        theirs = other.new_page()
        theirs.goto(f"/events/{event.id}")
        theirs.locator(".your-time").wait_for()
        theirs.wait_for_load_state()
        assert screen.t(*NEW_YORK) in theirs.locator(".your-time").inner_text()
    finally:
        other.close()
    screen.goto(f"/events/{event.id}")  # and Berlin still gets Berlin, from its own entry
    assert screen.t(*BERLIN) in page.locator(".your-time").inner_text()


def test_a_hidden_or_missing_event_sends_the_visitor_to_log_in(screen, live_server, make_event,
                                                               make_user, make_org):
    """Finding 3 (SPEC): the same answer for an event a visitor may not see and one that does
    not exist: the log-in page, which says why and brings them back."""
    customs = make_org("Ningbo Customs", kind=OrgKind.customs, name_zh="宁波海关")
    officer = screen.person(org=customs, display_name="Officer Qian")
    event = _open_event(make_event, make_user, make_org, audience=[OrgKind.customs])
    page = screen.page

    screen.goto(f"/events/{event.id}")
    assert re.search(rf"/auth/login\?next=/events/{event.id}$", page.url), page.url
    hidden_text = page.locator("main").inner_text()
    assert screen.t("Log in to see this event", "请登录后查看此活动") in hidden_text
    assert_fits(page)
    screen.goto("/events/987654")
    assert page.url.endswith("/auth/login?next=/events/987654")
    assert page.locator("main").inner_text() == hidden_text.replace(str(event.id), "987654")

    screen.goto(f"/events/{event.id}")
    page.fill("input[name=email]", officer.email)
    page.fill("input[name=password]", "correct horse battery")
    page.locator("form:has(input[name=password]) button[type=submit]").click()
    page.wait_for_url(f"**/events/{event.id}")
    assert page.locator("h1").inner_text() == "Open forum"


def test_the_demo_shows_a_visitor_what_the_readme_promises(screen, live_server):
    """Finding 16: logged out, the home page of `make run` shows upcoming sessions open to all
    in several time zones (it showed one)."""
    result = live_server.app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    db.session.rollback()
    screen.goto("/")
    page = screen.page
    cards = page.locator("article.event-card")
    assert cards.count() >= 6
    zones = {re.sub(r" \(UTC[^)]*\)", "", z) for z in
             page.locator(".event-when .text-nowrap:last-child").all_inner_texts()}
    assert len(zones) >= 3, zones
    assert shows(page, screen.t("Open to all", "对所有人开放"))
    assert_fits(page)
    # A full one offers its waiting list, and the month view has something to show.
    assert shows(page, screen.t("waiting list open", "可报名候补"))
