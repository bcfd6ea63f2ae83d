"""A participant registers for a session that needs approval and sees "Awaiting approval";
the organizer approves them on the attendee list and checks them in on a phone-sized page."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from playwright.sync_api import expect

from extensions import db
from liaison.accounts.models import Role
from liaison.registration.models import Registration, RegistrationStatus
from tests.browser.conftest import log_out


def test_register_approve_and_check_in(page, live_server, login_as, make_event, make_user,
                                       make_org):
    organizer = make_user(role=Role.organizer, display_name="Zhang Min")
    event = make_event(organizer=organizer, capacity=20, requires_approval=True,
                       title="Telling genuine from fake: handbags",
                       start=datetime.now(UTC).replace(microsecond=0) + timedelta(hours=1))
    customs = make_org(name="Ningbo Customs", name_zh="宁波海关")
    participant = make_user(org=customs, display_name="Chen Jing")

    login_as(participant)
    page.goto(f"/events/{event.id}")
    panel = page.locator("#registration")
    expect(panel).to_contain_text("Approval does not reserve a seat")
    panel.get_by_role("button", name="Register").click()
    expect(page.locator(".alert-success")).to_contain_text("awaiting approval")
    expect(panel.locator("[data-registration-status]")).to_contain_text("Awaiting approval")
    page.goto("/registrations/mine")
    expect(page.locator(".my-registration")).to_contain_text("Awaiting approval")

    log_out(page)
    login_as(organizer)
    page.goto(f"/events/{event.id}")
    page.locator("#registration").get_by_role("link", name="Attendee list").click()
    row = page.locator(".roster-row", has_text="Chen Jing")
    expect(row).to_contain_text("Awaiting approval")
    row.get_by_role("button", name="Approve").click()
    expect(page.locator(".alert-success")).to_contain_text("Chen Jing: approved.")
    expect(page.locator(".roster-row", has_text="Chen Jing")).to_contain_text("Confirmed")
    expect(page.locator("[data-count=confirmed]")).to_have_text("1 / 20 confirmed")

    page.set_viewport_size({"width": 390, "height": 844})
    page.get_by_role("link", name="Check-in").first.click()
    page.fill("#check-in-search", "宁波")
    button = page.get_by_role("button", name="Chen Jing")
    expect(button).to_be_visible()
    expect(button).to_contain_text("Tap to check in")
    box = button.bounding_box()
    assert box is not None and box["height"] >= 44 and box["width"] >= 300  # a thumb-sized target
    button.click()  # queued on the phone and sent at once (records' offline check-in)
    expect(page.locator("#scan-result")).to_have_text("✓ Chen Jing checked in")
    expect(page.get_by_role("button", name="Chen Jing")).to_contain_text("✓")
    expect(page.locator("[data-checked-in]")).to_contain_text("1 of 1 checked in")
    expect(page.locator("#sync-status")).to_have_attribute("data-waiting", "0")

    db.session.rollback()  # a fresh snapshot: the server thread committed since our last read
    registration = db.session.scalar(db.select(Registration))
    assert registration.status == RegistrationStatus.confirmed
    assert registration.checked_in_at is not None
