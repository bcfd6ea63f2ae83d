"""End to end in Chromium: an organizer creates and publishes a training; a customs officer
(in its audience) finds it through the filters; a police officer (outside it) does not."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from liaison.accounts.models import OrgKind, Role
from tests.browser.conftest import log_in, log_out

pytestmark = pytest.mark.browser

TITLE = "Telling genuine Acme watches from fakes"


@pytest.fixture
def people(make_org, make_user):
    acme = make_org("Acme Watches", kind=OrgKind.rights_holder)
    return {
        "organizer": make_user("brand@acme.test", role=Role.organizer, org=acme,
                               display_name="Olivia Brand", timezone="Europe/Zurich"),
        "customs": make_user("officer@customs.test", org=make_org(
            "Shanghai Customs", kind=OrgKind.customs), display_name="Chen Officer"),
        "police": make_user("officer@police.test", org=make_org(
            "City Police", kind=OrgKind.law_enforcement), display_name="Li Police"),
    }


def create_and_publish(page, day: date) -> str:
    page.goto("/events/new")
    page.select_option("#kind", "training")
    page.fill("#title", TITLE)
    page.fill("#description", "Hands-on session.\nBring a loupe.")
    page.fill("#other_topics", "product identification, watches")
    page.fill("#start_date", day.isoformat())
    page.fill("#start_time", "09:30")
    page.fill("#end_date", day.isoformat())
    page.fill("#end_time", "12:00")
    page.select_option("#timezone", "Asia/Shanghai")
    page.check("input[name=audience][value=customs]")
    page.fill("#venue", "Customs House, Room 3")
    page.fill("#capacity", "25")
    page.get_by_role("button", name="Save draft").click()
    page.wait_for_url("**/events/*")
    assert page.get_by_text("only the organizers can see this event").is_visible()
    page.get_by_role("button", name="Publish").click()
    page.wait_for_load_state()
    assert page.get_by_text("Published. The audience can now see it.").is_visible()
    return page.url


def test_organizer_publishes_and_only_the_audience_finds_it(page, live_server, people):
    day = date.today() + timedelta(days=30)
    log_in(page, people["organizer"])
    event_url = create_and_publish(page, day)
    assert page.locator(".direction-lg").inner_text() == "Rights holder → Customs"
    assert "Your time:" in page.content() and "Zurich time (UTC+" in page.content()

    # A customs officer narrows the list down to it with the filters.
    log_out(page)
    log_in(page, people["customs"])
    page.goto("/events/")
    page.select_option("#kind", "training")
    page.select_option("#direction", label="Rights holder → Customs")
    page.select_option("#topic", label="product identification")
    page.fill("#q", "acme WATCHES")
    page.fill("#from", day.isoformat())
    page.fill("#to", day.isoformat())
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_load_state()
    card = page.locator("article.event-card", has_text=TITLE)
    assert card.count() == 1
    assert "09:30–12:00" in card.inner_text()
    card.get_by_role("link", name=TITLE).click()
    page.wait_for_url(event_url)
    assert page.locator("h1").inner_text() == TITLE
    assert "25 seats left of 25" in page.content()

    # A police officer is not in the audience: not listed, not offered, not reachable.
    log_out(page)
    log_in(page, people["police"])
    page.goto("/events/")
    assert TITLE not in page.content()
    options = page.locator("#direction option").all_inner_texts()
    assert "Rights holder → Customs" not in options
    page.goto("/events/?q=acme&topic=product+identification")
    assert page.locator("article.event-card").count() == 0
    response = page.goto(event_url)
    assert response.status == 404


def test_anonymous_visitors_are_sent_to_log_in_from_the_form(page, live_server):
    page.goto("/events/new")
    assert "/auth/login" in page.url
