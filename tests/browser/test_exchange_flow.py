"""The exchange board end to end, in English and in Chinese: a customs focal point posts a
request, a rights holder's focal point sees it suggested and proposes its offer, customs
accepts, a draft training appears for both, the rights holder confirms the date and publishes
it, and customs officers register."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from extensions import db
from liaison.accounts.models import OrgKind
from liaison.events import topics
from liaison.events.models import Event, EventStatus
from liaison.exchange import postings
from liaison.exchange.inputs import OfferInput
from liaison.exchange.models import RequestStatus, TrainingRequest
from liaison.registration.models import Registration, RegistrationStatus
from tests.browser.conftest import log_out

WORDS = {
    "en": {"board": "Exchange board", "suggested": "Suggested for you", "accept": "Accept",
           "date to confirm": "Date to confirm", "draft": "Draft", "confirmed": "Confirmed"},
    "zh": {"board": "交流平台", "suggested": "为您推荐", "accept": "接受",
           "date to confirm": "日期待定", "draft": "草稿", "confirmed": "已确认"},
}


def day(days: int) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).date().isoformat()


@pytest.mark.parametrize("language", ["en", "zh"])
def test_request_suggestion_proposal_training_registration(
    page, live_server, login_as, make_org, make_user, language
):
    words = WORDS[language]
    customs = make_org("Shenzhen Customs District", OrgKind.customs, name_zh="深圳海关")
    brand = make_org("Jinhua Precision Electronics", OrgKind.rights_holder,
                     name_zh="金华精密电子")
    customs_focal = make_user(org=customs, focal_point=True, language=language,
                              display_name="Liu Yang")
    brand_focal = make_user(org=brand, focal_point=True, language=language,
                            display_name="Zhao Li")
    officer = make_user(org=customs, language=language, display_name="Chen Jie")
    topics.ensure_topic("product identification", "产品鉴别")
    offer = postings.create_offer(OfferInput(
        organization_id=brand.id, title="We train customs officers on our chargers",
        title_zh="为海关关员讲解充电器真伪鉴别", topics=["product-identification"],
        audience_kinds=["customs"], cities=["深圳", "Hangzhou"], mode="either",
        languages=["zh", "en"]), by=brand_focal)
    db.session.commit()

    # Customs posts a request through the form.
    login_as(customs_focal)
    page.goto("/exchange")
    expect(page.locator("h1")).to_have_text(words["board"])
    page.locator("a[href$='/exchange/requests/new']").first.click()
    page.fill("#title", "Lithium batteries: spotting fakes")
    page.fill("#title_zh", "锂电池：识别假货")
    page.check("input[name=topics][value=product-identification]")
    page.check("input[name=trainer_kinds][value=rights_holder]")
    page.fill("#earliest", day(20))
    page.fill("#latest", day(90))
    page.check("input[name=mode][value=in_person]")
    page.fill("#city", "Shenzhen")
    page.check("input[name=languages][value=zh]")
    page.fill("#expected_participants", "40")
    page.locator("form.event-form button[type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator("h1")).to_contain_text(
        "锂电池：识别假货" if language == "zh" else "Lithium batteries: spotting fakes")
    expect(page.locator(".match-row")).to_contain_text(offer.display_title if language == "en"
                                                        else "为海关关员讲解充电器真伪鉴别")
    request_id = int(page.url.rstrip("/").rsplit("/", 1)[1])

    # The rights holder sees it suggested and proposes its offer.
    log_out(page)
    login_as(brand_focal)
    page.goto("/exchange")
    suggestions = page.locator("section.suggestions")
    expect(suggestions).to_contain_text(words["suggested"])
    expect(suggestions).to_contain_text("锂电池" if language == "zh" else "Lithium batteries")
    suggestions.locator(f"a[href*='/exchange/proposals/new?request={request_id}']").click()
    page.fill("#message", "We can bring genuine and fake samples to Shenzhen.")
    page.locator("form.card button[type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator(".thread")).to_contain_text("genuine and fake samples")

    # Customs accepts from its incoming proposals: a draft training for both.
    log_out(page)
    login_as(customs_focal)
    page.goto("/exchange/proposals?direction=incoming")
    page.locator("table a[href*='/exchange/proposals/']").first.click()
    page.get_by_role("button", name=words["accept"], exact=True).click()
    expect(page.locator(".alert-warning")).to_be_visible()  # a draft
    expect(page.locator(".exchange-origin")).to_contain_text(words["date to confirm"])
    event_id = int(page.url.rstrip("/").rsplit("/", 1)[1])

    # The rights holder finds it under My events, confirms the date, publishes it.
    log_out(page)
    login_as(brand_focal)
    page.goto("/events/mine?tab=drafts")
    page.locator(f"a[href='/events/{event_id}']").first.click()
    page.locator(f"a[href='/events/{event_id}/edit']").first.click()
    page.fill("#start_date", day(40))
    page.fill("#end_date", day(40))
    page.fill("#venue", "Shenzhen Customs District, Futian — Training room 2")
    page.locator("form.event-form button[type=submit]").click()
    expect(page.locator(".exchange-origin")).not_to_contain_text(words["date to confirm"])
    page.locator(f"form[action='/events/{event_id}/publish'] button").click()
    expect(page.locator(".alert-success")).to_be_visible()

    # Customs officers register.
    log_out(page)
    login_as(officer)
    page.goto(f"/events/{event_id}")
    page.locator(f"form[action='/events/{event_id}/register'] button").click()
    expect(page.locator("#registration [data-registration-status]")).to_contain_text(
        words["confirmed"])

    db.session.rollback()  # a fresh snapshot: the server thread committed since our last read
    event = db.session.get(Event, event_id)
    assert event.status == EventStatus.published
    assert event.host_organization_id == brand.id
    assert {u.id for u in event.organizers} == {customs_focal.id, brand_focal.id}
    assert db.session.get(TrainingRequest, request_id).status == RequestStatus.scheduled
    registration = db.session.scalar(db.select(Registration).where(
        Registration.event_id == event_id))
    assert registration.user_id == officer.id
    assert registration.status == RegistrationStatus.confirmed
