"""In Chromium: a visitor switches the page to Chinese from the header, the choice follows them
from page to page, and a signed-in user's switch is saved. Screenshots of the event list and an
event page in Chinese go to /tmp/shots/ (SHOTS_DIR) for a person to look at; the test itself
fails when text is clipped or no CJK font is installed."""
from __future__ import annotations

import os
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from extensions import db
from liaison.accounts.models import OrgKind, Role
from liaison.events.models import EventKind
from liaison.registration.models import RegistrationStatus
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("SHOTS_DIR", "/tmp/shots"))
ZH_TITLE = "知识产权海关保护备案与扣留程序实务培训"

# Elements whose text must fit: content wider than its box is cut off or spills over.
CLIPPED = """() => [...document.querySelectorAll(
    'nav a, nav button, h1, h2, h3, .btn, .badge, label, th, dt, dd, .card-body > *')]
  .filter(e => e.offsetParent !== null)
  .filter(e => !e.closest('.visually-hidden, .visually-hidden-focusable'))  // screen readers only
  .filter(e => e.scrollWidth > e.clientWidth + 1)
  .map(e => e.tagName + ': ' + e.innerText.slice(0, 60))"""
# Short labels that must stay on one line: a button or badge broken in two ("搜\n索").
WRAPPED = """() => [...document.querySelectorAll('.btn, .badge, .nav-link, th')]
  .filter(e => e.offsetParent !== null && !e.closest('.visually-hidden'))
  .filter(e => e.innerText.trim() && !e.innerText.includes('\\n'))  // one-line labels only
  .filter(e => {
    const s = getComputedStyle(e);
    const line = parseFloat(s.lineHeight) || parseFloat(s.fontSize) * 1.5;
    const inner = e.clientHeight - parseFloat(s.paddingTop) - parseFloat(s.paddingBottom);
    return inner > line * 1.6;
  })
  .map(e => e.tagName + ': ' + e.innerText.slice(0, 60))"""


@pytest.fixture
def program(make_org, make_user, make_event, customs, registered):
    """A few published sessions with Chinese and English titles, one of them half full."""
    brand = make_org("Acme Watches", kind=OrgKind.rights_holder, name_zh="艾克美钟表")
    organizer = make_user(role=Role.organizer, org=customs, display_name="Zhang Min",
                          display_name_zh="张敏")
    start = datetime.now(UTC).replace(hour=1, minute=30, second=0, microsecond=0)
    main = make_event(
        organizer=organizer, title=ZH_TITLE, start=start + timedelta(days=9), hours=3,
        description="海关总署讲解知识产权海关保护备案、扣留申请及担保的实务要点。\n请携带备案材料。",
        topics=("recordation", "detention"), venue="北京市建国门内大街6号 第三会议室",
        capacity=40, org_cap=5,
    )
    make_event(
        organizer=make_user(role=Role.organizer, org=brand), host_organization=brand,
        title="Telling genuine Acme watches from fakes", start=start + timedelta(days=12),
        kind=EventKind.training, topics=("product identification",), capacity=25,
        venue="Shanghai Customs, Room 3", audience=[OrgKind.customs],
    )
    make_event(
        organizer=organizer, kind=EventKind.exchange_meeting, title="邮递渠道侵权货物查处交流会",
        start=start + timedelta(days=20), topics=("postal channel",), online_url="https://meet.example.test/x",
    )
    for n in range(3):
        member = make_user(org=brand, display_name=f"Member {n}")
        registered(main, member, RegistrationStatus.confirmed)
    return main


def _assert_no_clipped_text(page):
    clipped = page.evaluate(CLIPPED)
    assert not clipped, f"clipped text: {clipped}"
    wrapped = page.evaluate(WRAPPED)
    assert not wrapped, f"labels broken over two lines: {wrapped}"


def _assert_cjk_font():
    if not shutil.which("fc-match"):
        pytest.fail("fontconfig (fc-match) missing: install fonts-noto-cjk")
    font = subprocess.run(["fc-match", "sans-serif:lang=zh-cn"], capture_output=True, text=True)
    assert "CJK" in font.stdout, f"no CJK font for Chinese pages: {font.stdout!r} (fonts-noto-cjk)"


def test_the_header_switch_turns_the_pages_chinese(page, live_server, program):
    _assert_cjk_font()
    page.goto("/events/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", name="Upcoming trainings and exchange meetings").is_visible()

    page.get_by_role("button", name="中文").click()
    page.wait_for_load_state()
    assert page.url.endswith("/events/")  # back where the visitor was
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    assert page.get_by_role("heading", name="即将举行的培训和交流会").is_visible()
    assert page.get_by_role("link", name="登录").is_visible()
    assert "Upcoming trainings" not in page.content()
    _assert_no_clipped_text(page)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "events-zh.png"), full_page=True)

    # The choice is kept in the session: the next page is Chinese too, host in its Chinese name.
    page.get_by_role("link", name=ZH_TITLE).click()
    page.wait_for_url(f"**/events/{program.id}")
    assert page.locator("h1").inner_text() == ZH_TITLE
    assert page.get_by_text("活动简介").is_visible()
    content = page.content()
    assert "海关总署" in content and "General Administration of Customs" not in content
    assert "年" in page.locator("main").inner_text()  # Babel's Chinese date
    _assert_no_clipped_text(page)
    page.screenshot(path=str(SHOTS / "event-zh.png"), full_page=True)

    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.get_by_text("About this session").is_visible()


def test_a_signed_in_users_switch_is_saved_to_the_account(page, live_server, make_user):
    user = make_user(email="wang@acme.test", language="en", display_name="Wang Fang",
                     display_name_zh="王芳")
    log_in(page, user)
    page.goto("/registrations/mine")
    assert page.get_by_role("link", name="Wang Fang").is_visible()

    page.get_by_role("button", name="中文").click()
    page.wait_for_load_state()
    assert page.url.endswith("/registrations/mine")
    assert page.get_by_role("heading", name="我的报名").first.is_visible()
    assert page.get_by_role("link", name="王芳").is_visible()  # the Chinese form of the name
    db.session.rollback()  # end this test's read transaction: see what the server wrote
    assert user.language == "zh"

    # A different browser (English Accept-Language) gets Chinese after logging in.
    page.context.clear_cookies()
    log_in(page, user)
    page.goto("/registrations/mine")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"


def test_organizer_pages_in_chinese_keep_their_labels_whole(page, live_server, program):
    """The attendee list and the check-in page: dense tables and buttons, in Chinese."""
    organizer = program.organizers[0]
    organizer.language = "zh"
    db.session.commit()
    log_in(page, organizer)
    for name, path in (("attendees", f"/events/{program.id}/registrations"),
                       ("check-in", f"/events/{program.id}/check-in")):
        page.goto(path)
        assert page.locator("html").get_attribute("lang") == "zh-Hans"
        assert "艾克美钟表" in page.content()  # members' organization in its Chinese name
        _assert_no_clipped_text(page)
        page.screenshot(path=str(SHOTS / f"{name}-zh.png"), full_page=True)
