"""QR check-in on a phone that loses the network (issue 18's "Done when"): each code is a
screenshot of the registrant's ticket fed to the page's scanner; one scan online, then offline
(Playwright's offline mode) three more and a reload, back online: exactly three new check-ins
on the server, and a forced retry of the same batch changes nothing."""
from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta

from playwright.sync_api import expect
from sqlalchemy import func, select

from extensions import db
from liaison.accounts.models import Role
from liaison.records.models import CheckinScan
from liaison.registration import registrations
from liaison.registration.models import Registration
from tests.browser.conftest import log_in

SYNC_URLS = "**/check-in/sync"


def checked_in(event_id: int) -> int:
    db.session.rollback()  # see what the live server committed
    return db.session.scalar(select(func.count(Registration.id)).where(
        Registration.event_id == event_id, Registration.checked_in_at.is_not(None)))


def wait_for(predicate, timeout: float = 15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("timed out waiting")


def ticket_screenshot(browser, live_server, user, registration, path) -> str:
    """Log in as the registrant, open their ticket and screenshot its QR code."""
    context = browser.new_context(base_url=live_server.base_url,
                                  viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        log_in(page, user)
        page.goto(f"/registrations/{registration.id}/ticket")
        page.locator("[data-qr]").screenshot(path=str(path))
    finally:
        context.close()
    return str(path)


def test_offline_qr_check_in_counts_each_scan_once(browser, live_server, make_event, make_user,
                                                   make_org, tmp_path):
    organizer = make_user(role=Role.organizer, display_name="Wang Lei")
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=1)
    event = make_event(organizer=organizer, start=start, capacity=10, title="Postal channel")
    people, regs = [], []
    for i in range(4):
        person = make_user(org=make_org(), display_name=f"Officer {i}")
        regs.append(registrations.register(event, person))
        people.append(person)
    db.session.commit()
    shots = [ticket_screenshot(browser, live_server, p, r, tmp_path / f"qr{i}.png")
             for i, (p, r) in enumerate(zip(people, regs, strict=True))]

    context = browser.new_context(base_url=live_server.base_url,
                                  viewport={"width": 390, "height": 844}, locale="en-GB",
                                  timezone_id="Asia/Shanghai")
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        log_in(page, organizer)
        page.goto(f"/events/{event.id}/check-in")
        # the service worker takes the page over (registered on the first load)
        wait_for(lambda: page.evaluate("navigator.serviceWorker.getRegistration('/events/')"
                                       ".then(r => Boolean(r && r.active))"))
        page.reload()
        wait_for(lambda: page.evaluate("Boolean(navigator.serviceWorker.controller)"))
        result = page.locator("#scan-result")

        page.set_input_files("#scan-file", shots[0])
        expect(result).to_have_text("✓ Officer 0 checked in")
        wait_for(lambda: checked_in(event.id) == 1)
        expect(page.locator("#sync-status")).to_have_attribute("data-waiting", "0")

        # Offline: the emulation, and the sync URL refused outright (a page reloaded through
        # the service worker may otherwise reach the network when its timer fires).
        context.set_offline(True)
        context.route(SYNC_URLS, lambda route: route.abort("internetdisconnected"))
        for i in (1, 2, 3):
            page.set_input_files("#scan-file", shots[i])
            expect(result).to_have_text(f"✓ Officer {i} checked in")
        expect(page.locator("#sync-status")).to_have_attribute("data-waiting", "3")
        page.set_input_files("#scan-file", shots[0])  # a second scan of someone
        expect(result).to_contain_text("Officer 0: already checked in at ")
        # the page reloads offline (the service worker) and the queue is still on the phone
        page.reload()
        expect(page.locator("#sync-status")).to_have_attribute("data-waiting", "3")
        expect(page.locator(f"#r{regs[3].id}")).to_have_class(
            "list-group-item check-in-row is-checked-in")
        queued = page.evaluate(f"localStorage.getItem('liaison-checkin-queue-{event.id}')")
        page.wait_for_timeout(3500)  # the reloaded page's first sync attempt (after 3 s) fails
        assert checked_in(event.id) == 1  # nothing reached the server while offline

        context.unroute(SYNC_URLS)
        context.set_offline(False)
        page.evaluate("window.liaisonCheckinSync()")
        wait_for(lambda: checked_in(event.id) == 4)
        expect(page.locator("#sync-status")).to_have_attribute("data-waiting", "0")

        # a forced retry of the same queued scans (say the answer was lost on the way)
        again = page.evaluate(
            """async (body) => {
                const root = document.querySelector('[data-checkin]');
                const r = await fetch(root.dataset.syncUrl, {method: 'POST',
                    headers: {'Content-Type': 'application/json',
                              'X-CSRFToken': root.dataset.csrf},
                    body: JSON.stringify({scans: body})});
                return [r.status, await r.json()];
            }""", json.loads(queued))
        assert again[0] == 200
        assert [r["result"] for r in again[1]["results"]] == ["checked_in"] * 3
        assert checked_in(event.id) == 4  # exactly three new check-ins, even after the retry
        db.session.rollback()
        assert db.session.scalar(select(func.count(CheckinScan.id))) == 4
        # offline scans count by the time they were scanned, not when they arrived
        times = db.session.scalars(select(Registration.checked_in_at).where(
            Registration.event_id == event.id)).all()
        assert all(t is not None for t in times)
    finally:
        context.close()
