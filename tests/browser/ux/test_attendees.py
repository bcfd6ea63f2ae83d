"""Finding 4: the attendee list fits both widths (every status and action on screen, no
sideways scroll), a pending row offers approve and decline with the rest in a menu, and
waiting and cancelled rows look different from confirmed ones. Finding 10: no "Attendance 0%"
before the event has started."""
from __future__ import annotations

from playwright.sync_api import expect

from liaison.accounts.models import OrgKind, Role
from liaison.registration.models import RegistrationStatus as S
from tests.browser.ux.conftest import assert_fits, shows


def _roster(screen, make_event, make_org, registered):
    host = make_org("Alliance", kind=OrgKind.association)
    organizer = screen.person(role=Role.organizer, org=host, display_name="Li Na")
    event = make_event(organizer=organizer, capacity=1, requires_approval=True,
                       title="Transfer standards")
    people = {}
    for name, status, org_name in (
        ("Huang Jing", S.confirmed, "Shanghai Market Supervision Administration"),
        ("Sun Hao", S.pending, "Pudong People's Procuratorate of Shanghai Municipality"),
        ("Wei Wei", S.waitlisted, "Shenzhen Customs District"),
        ("Zhao Li", S.cancelled, "Jinhua Precision Electronics Co., Ltd."),
    ):
        org = make_org(org_name, kind=OrgKind.customs)
        user = screen.make_user(org=org, display_name=name,
                                email=f"{name.lower().replace(' ', '.')}@a-long-domain.example.com")
        people[name] = registered(event, user, status)
    return organizer, event, people


def test_the_attendee_list_fits_and_puts_two_actions_on_a_pending_row(
        screen, live_server, make_event, make_org, registered):
    organizer, event, people = _roster(screen, make_event, make_org, registered)
    screen.log_in(organizer)
    screen.goto(f"/events/{event.id}/registrations")
    page = screen.page
    assert_fits(page)
    width = page.viewport_size["width"]
    rows = page.locator(".roster-row")
    expect(rows).to_have_count(4)
    for i in range(4):
        row = rows.nth(i)
        for part in row.locator(".reg-badge, .btn, summary").all():
            box = part.bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, (
                f"{part.inner_text()!r} is off screen at {width} px")

    pending = page.locator(".roster-row", has_text="Sun Hao")
    # Two actions on the row (approve; decline, which asks for a reason); the rest is in "More".
    buttons = pending.locator(".roster-actions > form button, "
                              ".roster-actions > details:not(.action-menu) > summary")
    assert [b.strip("…") for b in buttons.all_inner_texts()] == [
        screen.t("Approve", "批准"), screen.t("Decline", "拒绝")]
    menu = pending.locator("details.action-menu")
    assert not menu.locator(".action-menu-items").is_visible()
    menu.locator("summary").click()
    items = menu.locator(".menu-item")
    assert items.count() >= 2 and items.first.is_visible()
    assert screen.t("Cancel registration", "取消报名") in items.all_inner_texts()

    def look(name):
        return page.locator(".roster-row", has_text=name).evaluate(
            "e => [getComputedStyle(e).borderLeftColor, getComputedStyle(e).backgroundColor]")

    confirmed, waiting, cancelled = look("Huang Jing"), look("Wei Wei"), look("Zhao Li")
    assert waiting != confirmed and cancelled != confirmed and waiting != cancelled

    pending.get_by_role("button", name=screen.t("Approve", "批准")).click()
    page.wait_for_load_state()
    expect(page.locator(".alert-success")).to_contain_text("Sun Hao")
    assert_fits(page)


def test_attendance_is_not_a_figure_before_the_event(screen, live_server, make_event, make_org,
                                                     registered):
    """Finding 10: weeks before, the list said "Attendance 0% (0 of 1)"."""
    organizer, event, _people = _roster(screen, make_event, make_org, registered)
    screen.log_in(organizer)
    screen.goto(f"/events/{event.id}/registrations")
    counts = screen.page.locator(".roster-counts").inner_text()
    assert "0%" not in counts and "%" not in counts
    assert shows(screen.page, screen.t("Seats left", "剩余名额"))
