"""The experience tests (issue 21): every check runs at 1280 px and at 390 px, in English and in
Chinese. Use the `screen` fixture: four runs of the test, each with its own browser context at
that width, whose browser asks for that language (Accept-Language; people made with
`screen.person(...)` have it saved on their account, so it holds after they log in).

`screen.t(en, zh)` picks the expected text for the run's language; `assert_fits(page)` fails
when the page scrolls sideways; `shows(page, text)` is visible text, not markup."""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from liaison.accounts.models import Role
from tests.browser.conftest import log_in

SCREENS = [(1280, "en"), (1280, "zh"), (390, "en"), (390, "zh")]
HEIGHTS = {1280: 900, 390: 844}
# The widest element sticking out, for the failure message.
OVERFLOW = """() => {
  const vw = document.documentElement.clientWidth;
  const wide = [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > vw + 1)
    .map(e => e.tagName.toLowerCase() + '.' + [...e.classList].join('.') + ' → '
              + Math.round(e.getBoundingClientRect().right));
  return {scroll: document.documentElement.scrollWidth, width: vw, wide: wide.slice(0, 5)};
}"""


@dataclass
class Screen:
    page: object
    width: int
    lang: str
    make_user: object

    @property
    def phone(self) -> bool:
        return self.width < 768

    def t(self, en: str, zh: str) -> str:
        return zh if self.lang == "zh" else en

    def person(self, *, role: Role = Role.participant, **fields):
        """A user who reads this run's language (saved on the account)."""
        fields.setdefault("language", self.lang)
        return self.make_user(role=role, **fields)

    def log_in(self, user) -> None:
        log_in(self.page, user)

    def goto(self, path: str):
        response = self.page.goto(path)
        self.page.wait_for_load_state()
        return response


@pytest.fixture(params=SCREENS, ids=[f"{w}px-{lang}" for w, lang in SCREENS])
def screen(request, browser, live_server, make_user):
    width, lang = request.param
    context = browser.new_context(
        base_url=live_server.base_url,
        viewport={"width": width, "height": HEIGHTS[width]},
        locale="zh-CN" if lang == "zh" else "en-GB",
        extra_http_headers={"Accept-Language": "zh-CN,zh;q=0.9" if lang == "zh" else "en"},
        timezone_id="Europe/Berlin",
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        yield Screen(page=page, width=width, lang=lang, make_user=make_user)
    finally:
        context.close()


def assert_fits(page) -> None:
    """The page does not scroll sideways at its width."""
    found = page.evaluate(OVERFLOW)
    assert found["scroll"] <= found["width"], (
        f"{page.url} scrolls sideways: {found['scroll']} px wide at {found['width']} px; "
        f"sticking out: {found['wide']}")


def shows(page, text: str) -> bool:
    """`text` is in what the page shows (innerText of <main>), as a person reads it."""
    return text in page.locator("main").inner_text()
