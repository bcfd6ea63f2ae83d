"""Fixtures for the bilingual tests: a host with a Chinese name and helpers to fetch a page
in a given language (`registered` is in tests/conftest.py)."""
from __future__ import annotations

import pytest

from liaison.accounts.models import OrgKind
from tests.api.conftest import api_as, token_for  # noqa: F401  (API fixtures)
from tests.browser.conftest import browser, live_server, page  # noqa: F401  (the harness)

# A known phrase of each language, taken from base.html, which every page extends.
EN_NAV, ZH_NAV = "My registrations", "我的报名"
ZH_ACCEPT = {"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"}
EN_ACCEPT = {"Accept-Language": "en-GB,en;q=0.9"}


@pytest.fixture
def customs(app, make_org):
    return make_org(
        "General Administration of Customs", kind=OrgKind.customs, name_zh="海关总署"
    )


@pytest.fixture
def choose_language(client):
    """Pick the page language the way a visitor does: the header switch (kept in the session)."""

    def choose(language: str):
        response = client.post("/account/language", data={"language": language, "next": "/"})
        assert response.status_code == 302
        return response

    return choose
