"""An exchange meeting from agenda to follow-up, in English and in Chinese: the organizer
writes the agenda (reordering it with the keyboard's move buttons), the minutes with a
decision and two actions, circulates and approves them, adds the next meeting of the series
and publishes it; the next meeting shows the open actions; the owner closes one."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from extensions import db
from liaison.accounts.models import OrgKind, Role
from liaison.events.models import Event, EventKind
from liaison.meetings.models import ActionItem, ActionStatus, MinutesStatus
from tests.browser.conftest import log_out

TEXT = {
    "en": {"carried": "Open actions from earlier meetings", "decision": "Decision"},
    "zh": {"carried": "以往会议中未完成的行动项", "decision": "决定"},
}


def _switch_language(page, lang: str) -> None:
    page.goto("/")
    page.locator(f"button[name=language][value={lang}]").first.click()
    page.wait_for_load_state()


def _post_button(page, action_suffix: str):
    return page.locator(f"form[action$='{action_suffix}'] button[type=submit]").first


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_agenda_minutes_follow_up_and_closing_an_action(page, live_server, login_as, make_org,
                                                         make_user, make_event, lang):
    customs = make_org("Shanghai Customs", OrgKind.customs, name_zh="上海海关")
    brand = make_org("Lindqvist Outdoor", OrgKind.rights_holder, name_zh="林德奎斯特户外")
    assoc = make_org("Brand Alliance", OrgKind.association, name_zh="品牌联盟")
    organizer = make_user(role=Role.organizer, org=assoc, display_name="Li Na", language=lang)
    officer = make_user(org=customs, display_name="Chen Jie", language=lang)
    meeting = make_event(
        organizer=organizer, kind=EventKind.exchange_meeting, title="Port exchange",
        host_organization=assoc, audience=[OrgKind.customs, OrgKind.rights_holder],
        start=datetime.now(UTC).replace(microsecond=0) + timedelta(days=2), venue="Room 5",
    )
    page.on("dialog", lambda dialog: dialog.accept())
    t = TEXT[lang]

    login_as(organizer)
    _switch_language(page, lang)
    # The agenda: two items, then the second moved up with its button (no mouse needed).
    page.goto(f"/events/{meeting.id}/agenda")
    rows = page.locator(".agenda-row")
    rows.nth(0).locator("input[name$='-title']").fill("Guides for the port")
    rows.nth(0).locator("input[name$='-duration']").fill("45")
    rows.nth(1).locator("input[name$='-title']").fill("Seizures last quarter")
    rows.nth(1).locator("input[name$='-title_zh']").fill("上季度查扣情况")
    rows.nth(1).locator("input[name$='-duration']").fill("30")
    rows.nth(1).locator("[data-move=up]").focus()
    page.keyboard.press("Enter")
    expect(rows.nth(0).locator("input[name$='-title']")).to_have_value("Seizures last quarter")
    page.locator("#notify").uncheck()
    page.locator("button[name=save]:not(.visually-hidden)").click()
    agenda = page.locator(".agenda-list li")
    expect(agenda).to_have_count(2)
    first = "上季度查扣情况" if lang == "zh" else "Seizures last quarter"
    expect(agenda.nth(0)).to_contain_text(first)
    expect(agenda.nth(1)).to_contain_text("Guides for the port")

    # The minutes: a decision and two actions, one for customs, one for the brand.
    page.goto(f"/events/{meeting.id}/minutes/edit")
    due = (date.today() + timedelta(days=30)).isoformat()
    items = page.locator("[data-item]")
    seizures, guides = items.nth(0), items.nth(1)
    seizures.locator("textarea[name$='-notes']").fill("312 parcels detained.")
    outcome = seizures.locator("[data-outcome]")
    outcome.nth(0).locator("select[name$='-kind']").select_option("decision")
    outcome.nth(0).locator("textarea[name$='-text']").fill("Share data monthly.")
    outcome.nth(1).locator("select[name$='-kind']").select_option("action")
    outcome.nth(1).locator("textarea[name$='-text']").fill("Send the consignee list.")
    outcome.nth(1).locator("select[name$='-owner_organization_id']").select_option(
        str(customs.id))
    outcome.nth(1).locator("input[name$='-due_on']").fill(due)
    brand_row = guides.locator("[data-outcome]").nth(0)
    brand_row.locator("select[name$='-kind']").select_option("action")
    brand_row.locator("textarea[name$='-text']").fill("Print 50 guides.")
    brand_row.locator("select[name$='-owner_organization_id']").select_option(str(brand.id))
    brand_row.locator("input[name$='-due_on']").fill(due)
    page.locator(".minutes-editor button[type=submit]:not(.visually-hidden)").click()
    expect(page.locator(".outcome-badge-decision")).to_contain_text(t["decision"])
    expect(page.locator(".outcome-action")).to_have_count(2)

    _post_button(page, "/minutes/circulate").click()
    expect(page.locator(".minutes-status")).to_have_class("badge minutes-status "
                                                          "minutes-circulated")
    _post_button(page, "/minutes/approve").click()
    expect(page.locator(".minutes-status")).to_have_class("badge minutes-status "
                                                          "minutes-approved")

    # A file for the registrants, through the upload page (CSRF on, as in production).
    page.goto(f"/events/{meeting.id}/materials")
    page.set_input_files("#file", files=[{"name": "guide.pdf", "mimeType": "application/pdf",
                                          "buffer": b"%PDF-1.4\n%%EOF\n"}])
    page.fill("#title", "Identification guide")
    page.locator("form[enctype] button[type=submit]").click()
    expect(page.locator("#materials .material-list")).to_contain_text("Identification guide")

    # The next meeting of the series, published: it opens with the open actions.
    page.goto(f"/events/{meeting.id}")
    _post_button(page, "/next").click()
    next_url = page.url
    assert next_url != live_server.url(f"/events/{meeting.id}")
    _post_button(page, "/publish").click()
    carried = page.locator("#open-actions")
    expect(carried).to_contain_text(t["carried"])
    expect(carried.locator(".action-item")).to_have_count(2)

    # The owner (customs) closes theirs; the brand's stays open.
    log_out(page)
    login_as(officer)
    page.goto(next_url)
    mine = page.locator(".action-item", has_text="Send the consignee list.")
    mine.locator("form input[value=done] ~ button, form:has(input[value=done]) button").click()
    expect(page.locator("#open-actions .action-item")).to_have_count(1)
    expect(page.locator("#open-actions")).to_contain_text("Print 50 guides.")
    page.goto("/actions?tab=closed")
    expect(page.locator(".action-item")).to_contain_text("Send the consignee list.")

    db.session.rollback()  # the server thread committed: read afresh
    closed = db.session.scalar(select(ActionItem).where(ActionItem.text.like("Send%")))
    assert closed.status == ActionStatus.done and closed.closed_by_id == officer.id
    nxt = db.session.scalar(select(Event).where(Event.id != meeting.id, Event.series_id
                                                == meeting.series_id))
    assert nxt is not None and nxt.is_published
    from liaison.meetings import minutes

    assert minutes.current(meeting).status == MinutesStatus.approved
