"""Issue 16's scenario end to end, in English and in Chinese: a new user signs up for a customs
office through the real form and the link in the confirmation mail, and cannot see the
customs-only training; the office's focal point verifies them on /members/, and they now see
it; the focal point nominates two colleagues from the event page's "Nominate colleagues" (at
390 px: a phone) and passes one of the places to a third colleague."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from extensions import db
from liaison.accounts.models import Membership, OrgKind, Role, User
from liaison.mail.models import OutboxMessage
from liaison.registration.models import Registration, RegistrationStatus
from tests.browser.conftest import log_in, log_out
from tests.browser.ux.conftest import assert_fits

NEW_PASSWORD = "a long harbour passphrase 7"
TRAINING = {"en": "Spotting counterfeit lithium batteries", "zh": "识别假冒锂电池"}
OPEN_EVENT = {"en": "Open day: how rights holders work", "zh": "开放日：权利人如何工作"}
WORDS = {
    "en": {"inbox": "Check your inbox", "awaits": "awaits verification by",
           "verify": "Verify", "verified": "Verified", "nominate": "Nominate colleagues",
           "preview": "See who would be confirmed", "would": "would be confirmed",
           "send": "Send the nominations", "substitute": "Substitute",
           "takes": "takes Li Na's place", "confirmed": "Confirmed"},
    "zh": {"inbox": "请查收", "awaits": "正在等待", "verify": "核实", "verified": "已核实",
           "nominate": "提名同事", "preview": "查看哪些人将被确认", "would": "将被确认",
           "send": "发送提名", "substitute": "替换人员", "takes": "接替了 Li Na 的名额",
           "confirmed": "已确认"},
}


@pytest.fixture
def contexts(browser, live_server):
    """`open_page(language)`: a fresh context whose browser asks for that language."""
    opened = []

    def open_page(language: str):
        context = browser.new_context(
            base_url=live_server.base_url,
            viewport={"width": 1280, "height": 900},
            locale="zh-CN" if language == "zh" else "en-GB",
            extra_http_headers={"Accept-Language": "zh-CN,zh;q=0.9" if language == "zh"
                                else "en"},
            timezone_id="Asia/Shanghai",
        )
        context.set_default_timeout(15_000)
        opened.append(context)
        return context.new_page()

    yield open_page
    for context in opened:
        context.close()


def confirmation_path(email: str) -> str:
    """The path of the link in the confirmation mail the sign-up queued."""
    db.session.rollback()  # a fresh snapshot: the server thread committed the mail
    mail = db.session.scalar(select(OutboxMessage).where(
        OutboxMessage.recipient == email, OutboxMessage.kind == "confirm_email"))
    assert mail is not None, "no confirmation mail was queued"
    link = re.search(r"https?://\S+/auth/confirm/\S+", mail.body_text)
    assert link, mail.body_text
    return urlsplit(link.group(0)).path


@pytest.mark.parametrize("language", ["en", "zh"])
def test_sign_up_verify_see_nominate_substitute(
    contexts, live_server, make_org, make_user, make_event, language
):
    words = WORDS[language]
    customs = make_org("Shanghai Customs District", OrgKind.customs, name_zh="上海海关")
    make_org("Jinhua Precision Electronics", OrgKind.rights_holder, name_zh="金华精密电子")
    focal = make_user(org=customs, focal_point=True, language=language,
                      display_name="Liu Yang", email="liu.yang@customs.example")
    colleagues = [make_user(org=customs, language=language, display_name=name,
                            email=f"{name.lower().replace(' ', '.')}@customs.example")
                  for name in ("Li Na", "Wang Wei", "Zhao Min")]
    organizer = make_user(role=Role.organizer, display_name="Organizer")
    training = make_event(organizer=organizer, title=TRAINING["en"], title_zh=TRAINING["zh"],
                          audience=[OrgKind.customs], capacity=20)
    open_event = make_event(organizer=organizer, title=OPEN_EVENT["en"],
                            title_zh=OPEN_EVENT["zh"], capacity=20)
    page = contexts(language)
    email = f"chen.jie.{language}@mail.example"
    newcomer_name = "陈杰" if language == "zh" else "Chen Jie"  # as each reader sees them

    # A new user signs up for the customs office on the real form...
    page.goto("/auth/signup")
    page.fill("#email", email)
    page.fill("#display_name", "Chen Jie")
    page.fill("#display_name_zh", "陈杰")
    page.select_option("#organization_id", str(customs.id))
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main")).to_contain_text(words["inbox"])
    # ...follows the link in the confirmation mail and chooses a password.
    page.goto(confirmation_path(email))
    page.fill("#new_password", NEW_PASSWORD)
    page.fill("#confirm", NEW_PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".alert-success").first).to_be_visible()
    banner = page.locator("[role=status]", has_text=words["awaits"])
    expect(banner).to_contain_text("Liu Yang")  # whom they wait for

    # Pending: the open event is there, the customs-only training is not.
    page.goto("/events")
    expect(page.locator("main")).to_contain_text(OPEN_EVENT[language])
    expect(page.locator("main")).not_to_contain_text(TRAINING[language])
    assert page.goto(f"/events/{training.id}").status == 404
    assert page.goto(f"/events/{open_event.id}").status == 200

    # The focal point verifies them on /members/ (the phone-sized page too).
    log_out(page)
    log_in(page, focal)
    page.goto("/members/")
    row = page.locator("tr", has_text=newcomer_name)
    row.get_by_role("button", name=words["verify"], exact=True).click()
    expect(page.locator("tr", has_text=newcomer_name)).to_contain_text(words["verified"])
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    expect(page.locator("tr", has_text=newcomer_name)).to_contain_text(words["verified"])
    assert_fits(page)
    page.set_viewport_size({"width": 1280, "height": 900})

    # Now they see the training and can open it.
    log_out(page)
    page.goto("/auth/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", NEW_PASSWORD)
    page.locator("form:has(input[name=password]) button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator("[role=status]", has_text=words["awaits"])).to_have_count(0)
    page.goto("/events")
    expect(page.locator("main")).to_contain_text(TRAINING[language])
    assert page.goto(f"/events/{training.id}").status == 200
    expect(page.locator("h1")).to_contain_text(TRAINING[language])

    # The focal point nominates two colleagues from the event page, on a phone.
    log_out(page)
    log_in(page, focal)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/events/{training.id}")
    page.locator("#nominations").get_by_role("link", name=words["nominate"]).click()
    assert_fits(page)
    picker = page.locator(".colleague-picker")
    for colleague in colleagues[:2]:
        picker.locator("label", has_text=colleague.name).locator("input").check()
    page.get_by_role("button", name=words["preview"]).click()
    preview = page.locator(".nomination-preview li")
    expect(preview).to_have_count(2)
    for item in preview.all():
        expect(item).to_contain_text(words["would"])
    assert_fits(page)
    page.get_by_role("button", name=words["send"]).click()
    expect(page.locator(".alert-success")).to_be_visible()
    people = page.locator("#nominations .list-group-item")
    expect(people).to_have_count(2)
    assert_fits(page)

    # ...and passes Li Na's place to Zhao Min (back at 1280 px).
    page.set_viewport_size({"width": 1280, "height": 900})
    page.locator("#nominations .list-group-item", has_text="Li Na").get_by_role(
        "link", name=words["substitute"]).click()
    page.select_option("#user_id", str(colleagues[2].id))
    page.get_by_role("button", name=words["substitute"], exact=True).click()
    expect(page.locator(".alert-success")).to_contain_text(words["takes"])
    people = page.locator("#nominations .list-group-item")
    expect(people).to_have_count(2)
    expect(page.locator("#nominations")).to_contain_text("Zhao Min")
    expect(page.locator("#nominations")).not_to_contain_text("Li Na")
    for item in people.all():
        expect(item).to_contain_text(words["confirmed"])

    db.session.rollback()  # a fresh snapshot: the server thread committed since our last read
    newcomer = db.session.scalar(select(User).where(User.email == email))
    assert newcomer.membership == Membership.verified and newcomer.language == language
    by_user = {r.user_id: r for r in db.session.scalars(
        select(Registration).where(Registration.event_id == training.id))}
    li_na, wang_wei, zhao_min = colleagues
    assert by_user[li_na.id].status == RegistrationStatus.cancelled
    assert by_user[wang_wei.id].status == RegistrationStatus.confirmed
    assert by_user[zhao_min.id].status == RegistrationStatus.confirmed
    assert by_user[wang_wei.id].nominated_by_id == focal.id
    assert newcomer.id not in by_user
