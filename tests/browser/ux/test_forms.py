"""Finding 9: a date in the past is not saved by accident, and a copy is a draft "Copy of …"
on a date of its own. Finding 11: required fields are marked and said to be; "Number of
occurrences" shows only for a repeating event; sign-up names every password problem at once."""
from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import urlsplit

from sqlalchemy import func, select

from extensions import db
from liaison.accounts import links
from liaison.accounts.models import OrgKind, Role
from liaison.events.models import Event, EventStatus
from tests.browser.ux.conftest import assert_fits


def _fill_event(page, day: date, title: str = "Spotting fake watches") -> None:
    page.fill("#title", title)
    page.fill("#start_date", day.isoformat())
    page.fill("#start_time", "09:30")
    page.fill("#end_date", day.isoformat())
    page.fill("#end_time", "12:00")
    page.fill("#venue", "Customs House, Room 3")


def _events() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(Event))


def test_a_past_date_needs_a_tick_and_a_copy_moves(screen, live_server, make_org):
    organizer = screen.person(role=Role.organizer,
                              org=make_org("Alliance", kind=OrgKind.association))
    screen.log_in(organizer)
    page = screen.page
    screen.goto("/events/new")
    _fill_event(page, date.today() - timedelta(days=30))
    page.locator("form.event-form button[type=submit]").click()
    page.wait_for_load_state()
    assert _events() == 0
    warning = page.locator("#start_date-feedback").inner_text()
    assert screen.t("in the past", "已过") in warning
    assert_fits(page)
    page.check("#past_ok")
    page.locator("form.event-form button[type=submit]").click()
    page.wait_for_url("**/events/*")
    assert _events() == 1
    original = db.session.scalars(select(Event)).one()

    page.get_by_role("button", name=screen.t("Duplicate", "复制")).click()
    page.wait_for_url("**/edit")
    db.session.rollback()  # see what the server committed
    copy = db.session.scalars(select(Event).where(Event.id != original.id)).one()
    assert copy.title == "Copy of Spotting fake watches" and copy.status == EventStatus.draft
    assert copy.start_at > original.start_at and copy.start_at.date() > date.today() - timedelta(1)
    assert (copy.start_at - original.start_at) % timedelta(weeks=1) == timedelta(0)
    assert page.locator("#title").input_value() == "Copy of Spotting fake watches"
    assert page.locator("#start_date").input_value() != original.start_at.date().isoformat()
    # Saving the copy as it is needs no tick: its date is in the future.
    page.locator("form.event-form button[type=submit]").click()
    page.wait_for_url(f"**/events/{copy.id}")
    assert_fits(page)


def test_required_fields_are_marked_and_the_series_count_follows_repeat(screen, live_server,
                                                                        make_org):
    organizer = screen.person(role=Role.organizer,
                              org=make_org("Alliance", kind=OrgKind.association))
    screen.log_in(organizer)
    page = screen.page
    screen.goto("/events/new")
    assert page.locator(".required-note").is_visible()
    for field in ("title", "start_date", "start_time", "end_date", "end_time", "timezone"):
        label = page.locator(f"label[for={field}]")
        assert label.locator(".required-mark").is_visible(), field
        assert f"({screen.t('required', '必填')})" in label.text_content()  # read out
    assert page.locator("legend", has=page.locator(".required-mark")).count() == 1  # Where
    count = page.locator("#repeat_count")
    assert not count.is_visible()
    page.select_option("#repeat", "weekly")
    assert count.is_visible()
    page.select_option("#repeat", "")
    assert not count.is_visible()
    assert_fits(page)


def test_choosing_a_password_names_every_problem_at_once(screen, live_server, make_org):
    """Sign-up asks for no password any more (issue 15): the owner chooses it on the page the
    confirmation link opens, and that page, like the reset and change pages, names every
    problem of the password at once, not one per submission."""
    org = make_org("National Customs Administration", kind=OrgKind.customs,
                   name_zh="国家海关总署")
    page = screen.page
    screen.goto("/auth/signup")
    assert page.locator(".required-note").is_visible()
    page.fill("#email", "not-an-address")
    page.locator("form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("#email ~ .invalid-feedback").count() == 1
    assert page.locator("#display_name ~ .invalid-feedback").count() == 1  # both at once

    person = screen.make_user(org=org, email="new@customs.example", email_verified=False)
    screen.goto(urlsplit(links.link_for(person, "confirm")).path)
    assert page.locator(".required-note").is_visible()
    page.fill("#new_password", "aaaa")
    page.fill("#confirm", "bbbb")
    page.locator("form button[type=submit]").click()
    page.wait_for_load_state()
    said = " ".join(page.locator("#new_password ~ .invalid-feedback").all_inner_texts())
    assert screen.t("at least 10 characters", "至少") in said
    assert screen.t("too easy to guess", "过于简单") in said
    assert page.locator("#confirm ~ .invalid-feedback").count() == 1  # they differ
    assert_fits(page)
