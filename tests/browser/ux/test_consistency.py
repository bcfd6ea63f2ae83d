"""Finding 12: one set of components: navy buttons, tabs and pills everywhere (no Bootstrap
bright blue), one heading weight, an admin menu on one line at 1280 px. Finding 13: the
personal feed from "My registrations" with a copy button and help per program. Finding 15:
logging in says when the account's language replaces the one being read, with a way back."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from playwright.sync_api import expect

from extensions import db
from liaison.accounts.models import OrgKind, Role
from liaison.registration.models import RegistrationStatus as S
from tests.browser.ux.conftest import assert_fits

NAVY = "rgb(23, 55, 94)"
BRIGHT_BLUE = "rgb(13, 110, 253)"
# Visible elements painted in Bootstrap's default blue, and the h1's weight.
LOOK = """() => {
  const blue = [...document.querySelectorAll('body *')].filter(e => {
    if (!e.offsetParent && getComputedStyle(e).position !== 'fixed') return false;
    const s = getComputedStyle(e);
    return [s.color, s.backgroundColor, s.borderTopColor].includes('BRIGHT_BLUE');
  }).map(e => e.tagName + '.' + [...e.classList].join('.') + ': ' + e.innerText.slice(0, 30));
  const primary = [...document.querySelectorAll('.btn-primary')].filter(e => e.offsetParent)
    .map(e => getComputedStyle(e).backgroundColor);
  const h1 = document.querySelector('h1');
  return {blue, primary, h1: h1 ? getComputedStyle(h1).fontWeight : null};
}""".replace("BRIGHT_BLUE", BRIGHT_BLUE)


def test_one_look_on_every_main_page(screen, live_server, make_event, make_org, registered):
    admin = screen.person(role=Role.admin, display_name="Zhou Min",
                          org=make_org("Brand Integrity Alliance of China",
                                       kind=OrgKind.association))
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=9)
    event = make_event(organizer=admin, start=start, title="Roundtable", requires_approval=True)
    registered(event, screen.make_user(display_name="Sun Hao"), S.pending)
    page = screen.page
    visitor_pages = ["/", f"/events/{event.id}", "/events/calendar", "/auth/login",
                     "/auth/signup", "/no-such-page"]
    admin_pages = ["/", f"/events/{event.id}", "/events/new", "/events/mine",
                   f"/events/{event.id}/registrations", f"/events/{event.id}/check-in",
                   "/registrations/mine", "/account/", "/account/tokens", "/auth/password",
                   "/admin/users", "/admin/organizations"]
    weights = set()
    for who, paths in ((None, visitor_pages), (admin, admin_pages)):
        if who:
            screen.log_in(who)
        for path in paths:
            screen.goto(path)
            look = page.evaluate(LOOK)
            assert not look["blue"], f"bright blue on {path}: {look['blue'][:5]}"
            assert set(look["primary"]) <= {NAVY}, (path, look["primary"])
            weights.add(look["h1"])
            assert_fits(page)
    assert weights == {"600"}, weights

    screen.goto("/admin/users")
    navbar = page.locator("nav.navbar").bounding_box()
    assert navbar["height"] < 72, f"the header wraps: {navbar['height']} px"
    if not screen.phone:
        menu = page.locator("#nav-admin")
        menu.click()
        assert page.locator("[aria-labelledby=nav-admin] .dropdown-item").count() >= 2


def test_the_calendar_feed_is_on_my_registrations_with_a_copy_button(screen, live_server,
                                                                     browser):
    me = screen.person(display_name="Chen Jie")
    page = screen.page
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    screen.log_in(me)
    screen.goto("/registrations/mine")
    feed = page.locator("#calendar-feed")
    address = feed.locator("input[readonly]").input_value()
    assert address.startswith("http") and address.endswith(".ics")
    feed.get_by_role("button", name=screen.t("Copy", "复制"), exact=True).click()
    # The clipboard answers asynchronously: wait for the status rather than read it at once.
    expect(feed.locator(".copy-status")).to_have_text(screen.t("Copied", "已复制"))
    assert page.evaluate("navigator.clipboard.readText()") == address
    programs = feed.locator("details summary").all_inner_texts()
    apple = screen.t("Apple Calendar (Mac, iPhone, iPad)", "Apple 日历（Mac、iPhone、iPad）")
    google = screen.t("Google Calendar", "Google 日历")
    assert programs == ["Outlook", google, apple, "Thunderbird"]
    feed.locator("details").nth(3).locator("summary").click()
    assert feed.locator("details").nth(3).locator("ol li").count() == 3
    assert_fits(page)
    # The account menu points there too.
    screen.goto("/")
    if screen.phone:
        page.locator(".navbar-toggler").click()
    page.locator("#nav-account").click()
    page.get_by_role("link", name=screen.t("Calendar feed", "日历订阅"), exact=True).click()
    page.wait_for_url("**/registrations/mine#calendar-feed")


def test_logging_in_says_the_language_changed_and_offers_the_way_back(screen, live_server):
    other = "en" if screen.lang == "zh" else "zh"
    me = screen.make_user(language=other, display_name="Wang Fang", display_name_zh="王芳")
    page = screen.page
    screen.goto("/auth/login")
    assert page.locator("html").get_attribute("lang") == screen.t("en", "zh-Hans")
    screen.log_in(me)
    notice = page.locator("[data-language-notice]")
    assert notice.count() == 1
    assert page.locator("html").get_attribute("lang") == ("zh-Hans" if other == "zh" else "en")
    back = notice.get_by_role("button")
    assert back.inner_text() == screen.t("Switch to English and keep it", "改用中文并保存")
    assert_fits(page)
    back.click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == screen.t("en", "zh-Hans")
    db.session.rollback()
    assert me.language == screen.lang  # kept on the account
    screen.goto("/registrations/mine")
    assert page.locator("[data-language-notice]").count() == 0  # said once
