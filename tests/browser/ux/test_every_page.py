"""Every page of the access matrix (tests/security/access_matrix.py), as each role sees it, in
both languages: it does not scroll sideways at 1280 px or at 390 px. And axe-core (npm, in
tests/browser/js) finds no serious or critical accessibility violation on the main pages.

The matrix's own world (build_world) gives each role its user and its targets; pages are the
GET rows the role may open (200, HTML). New routes join by joining the matrix."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from extensions import db
from liaison.accounts.models import User
from tests.browser.conftest import log_in
from tests.browser.ux.conftest import OVERFLOW
from tests.security.access_matrix import CASES, ROLES
from tests.security.test_access_matrix import build_world

JS = Path(__file__).resolve().parents[1] / "js"
AXE = JS / "node_modules" / "axe-core" / "axe.min.js"
PASSWORD = "matrix password 1"  # build_world's
WIDTHS = (1280, 390)
SKIP_PREFIXES = ("/api/", "/healthz", "/calendar/")
SKIP_SUFFIXES = (".ics", ".csv", ".pdf", ".xlsx", ".json", ".png", ".svg", ".js",
                 "/download")  # downloads, images and scripts, not pages
# The pages axe checks: (role, path) with the matrix's targets.
MAIN_PAGES = [
    ("anonymous", "/"), ("anonymous", "/events/calendar"), ("anonymous", "/auth/login"),
    ("anonymous", "/auth/signup"),
    ("participant", "/events/{event}"), ("participant", "/registrations/mine"),
    ("participant", "/account/"),
    ("organizer", "/events/{event}"), ("organizer", "/events/new"),
    ("organizer", "/events/{event}/registrations"), ("organizer", "/events/{event}/check-in"),
    ("admin", "/admin/users"), ("admin", "/admin/organizations"),
    # The second wave's main pages.
    ("participant", "/exchange/"), ("participant", "/actions"),
    ("participant", "/me/training-record"), ("admin", "/members/"), ("admin", "/reports"),
    ("organizer", "/events/{event}/agenda"), ("organizer", "/webhooks/"),
]
RUN_AXE = """async () => {
  const r = await axe.run(document, {
    runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']},
    resultTypes: ['violations']});
  return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')));
}"""


def pages_for(role: str, targets: dict) -> list[str]:
    paths = []
    for case in CASES:
        if case.method != "GET" or case.answers[role] != 200:
            continue
        path = case.path.format(**targets[role])
        if path.startswith(SKIP_PREFIXES) or path.split("?")[0].endswith(SKIP_SUFFIXES):
            continue
        if path not in paths:
            paths.append(path)
    return paths


def _context(browser, live_server, lang: str, width: int = WIDTHS[0]):
    context = browser.new_context(
        base_url=live_server.base_url, viewport={"width": width, "height": 900},
        extra_http_headers={"Accept-Language": "zh-CN" if lang == "zh" else "en"},
        timezone_id="Asia/Shanghai",
    )
    context.set_default_timeout(15_000)
    return context


def _sign_in(page, role: str, actors) -> None:
    user = actors[role].user
    if user is not None:
        log_in(page, user, PASSWORD)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_no_page_scrolls_sideways_for_any_role(browser, live_server, lang):
    actors, targets = build_world()
    for actor in actors.values():
        if actor.user is not None:
            db.session.get(User, actor.user.id).language = lang
    db.session.commit()
    wide = []
    for role in ROLES:
        context = _context(browser, live_server, lang)
        page = context.new_page()
        try:
            _sign_in(page, role, actors)
            paths = pages_for(role, targets)
            assert paths, role
            for path in paths:
                page.set_viewport_size({"width": WIDTHS[0], "height": 900})
                response = page.goto(path)
                page.wait_for_load_state()
                if "text/html" not in (response.headers.get("content-type") or ""):
                    continue
                for width in WIDTHS:
                    page.set_viewport_size({"width": width, "height": 900})
                    found = page.evaluate(OVERFLOW)
                    if found["scroll"] > found["width"]:
                        wide.append(f"{role} {path} at {width}px: {found['scroll']}px "
                                    f"{found['wide']}")
        finally:
            context.close()
    assert not wide, "pages that scroll sideways:\n  " + "\n  ".join(wide)


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core from npm (tests/browser/js), installed with `npm ci` the first time."""
    if not AXE.exists():
        npm = shutil.which("npm")
        if not npm:
            pytest.skip("npm is needed to install axe-core (apt-get install nodejs npm)")
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=JS, check=True, timeout=300)
    return AXE.read_text(encoding="utf-8")


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("width", WIDTHS)
def test_axe_finds_nothing_serious_on_the_main_pages(browser, live_server, axe_source, lang,
                                                     width):
    actors, targets = build_world()
    found = []
    for role in dict.fromkeys(role for role, _path in MAIN_PAGES):
        context = _context(browser, live_server, lang, width)
        page = context.new_page()
        try:
            _sign_in(page, role, actors)
            for who, path in MAIN_PAGES:
                if who != role:
                    continue
                page.goto(path.format(**targets[role]))
                page.wait_for_load_state()
                # Evaluated through DevTools, so the page's CSP stays on (research NOTES §4).
                page.evaluate(axe_source + "\n;0")
                found += [f"{role} {path}: {v}" for v in page.evaluate(RUN_AXE)]
        finally:
            context.close()
    assert not found, "serious or critical accessibility problems:\n  " + "\n  ".join(found)
