"""Bulk approval on the attendee list, on a phone: the organizer ticks every registration
awaiting approval with one box and approves them; one message says what came of it."""
from __future__ import annotations

from playwright.sync_api import expect

from extensions import db
from liaison.accounts.models import Role
from liaison.registration.models import Registration, RegistrationStatus
from tests.browser.ux.conftest import assert_fits


def test_select_all_and_approve_on_a_phone(page, live_server, login_as, make_event, make_user,
                                           registered):
    organizer = make_user(role=Role.organizer, display_name="Zhang Min")
    event = make_event(organizer=organizer, capacity=2, requires_approval=True)
    for name in ("Chen Jing", "Wang Fang", "Li Qiang"):
        registered(event, make_user(display_name=name), RegistrationStatus.pending)
    registered(event, make_user(display_name="Already In"), RegistrationStatus.confirmed)

    page.set_viewport_size({"width": 390, "height": 844})
    login_as(organizer)
    page.goto(f"/events/{event.id}/registrations")
    expect(page.locator(".bulk-pick")).to_have_count(3)  # not the confirmed one
    assert_fits(page)
    row = page.locator(".roster-row", has_text="Chen Jing")
    box, name = (row.locator(s).bounding_box() for s in (".bulk-pick", ".roster-name"))
    assert name["x"] - (box["x"] + box["width"]) < 30  # the name right beside its checkbox
    assert box["y"] < name["y"] + name["height"] and name["y"] < box["y"] + box["height"]
    page.locator("#pick-all").check()
    for box in page.locator(".bulk-pick").all():
        expect(box).to_be_checked()
    page.get_by_role("button", name="Approve selected").click()
    expect(page.locator(".alert-warning, .alert-success").first).to_contain_text(
        "1 approved and confirmed. 2 approved onto the waiting list: no seat was free.")
    expect(page.locator(".bulk-pick")).to_have_count(0)
    expect(page.locator("#bulk-form")).to_have_count(0)
    assert_fits(page)

    db.session.rollback()  # a fresh snapshot: the server thread committed since our last read
    statuses = sorted(r.status for r in db.session.scalars(db.select(Registration)))
    assert statuses == [RegistrationStatus.confirmed] * 2 + [RegistrationStatus.waitlisted] * 2
