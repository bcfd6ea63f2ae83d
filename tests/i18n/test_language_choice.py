"""Which language a page is in: the user's saved preference, then the header switch (kept in
the session, also for anonymous visitors), then Accept-Language; English by default."""
from __future__ import annotations

import pytest

from extensions import db
from tests.i18n.conftest import EN_ACCEPT, EN_NAV, ZH_ACCEPT, ZH_NAV


def language_of(client, headers=None) -> str:
    page = client.get("/events/", headers=headers or {}).get_data(as_text=True)
    en = "Upcoming trainings and exchange meetings" in page
    zh = "即将举行的培训和交流会" in page
    assert en != zh, "a page in exactly one language"
    return "zh" if zh else "en"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, "en"),
        ("fr-FR,fr;q=0.9", "en"),
        ("zh-CN,zh;q=0.9,en;q=0.5", "zh"),
        ("zh-Hans", "zh"),
        ("zh", "zh"),
        ("en-US,en;q=0.9,zh-CN;q=0.8", "en"),
        ("de-DE,zh-CN;q=0.7,en;q=0.3", "zh"),
    ],
)
def test_accept_language_when_nothing_else_is_known(client, header, expected):
    assert language_of(client, {"Accept-Language": header} if header else None) == expected


def test_the_switch_beats_accept_language_and_is_kept_for_anonymous_visitors(client):
    response = client.post("/account/language", data={"language": "zh", "next": "/events/"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/events/")
    assert language_of(client, EN_ACCEPT) == "zh"
    assert language_of(client, EN_ACCEPT) == "zh"  # kept for the next page too
    client.post("/account/language", data={"language": "en", "next": "/"})
    assert language_of(client, ZH_ACCEPT) == "en"


def test_a_saved_preference_beats_the_switch_and_accept_language(client, login, make_user):
    client.post("/account/language", data={"language": "zh", "next": "/"})  # while anonymous
    user = make_user(language="en")
    login(user)
    assert language_of(client, ZH_ACCEPT) == "en"

    user.language = "zh"
    db.session.commit()
    assert language_of(client, EN_ACCEPT) == "zh"


def test_the_switch_saves_the_preference_of_a_signed_in_user(client, login, make_user, app):
    user = make_user(language="en")
    login(user)
    client.post("/account/language", data={"language": "zh", "next": "/"})
    db.session.refresh(user)
    assert user.language == "zh"

    # A new browser (no session, English Accept-Language) still gets Chinese for this user.
    other = app.test_client()
    with other.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
    page = other.get("/registrations/mine", headers=EN_ACCEPT).get_data(as_text=True)
    assert ZH_NAV in page and EN_NAV not in page


def test_an_unknown_language_from_the_switch_changes_nothing(client):
    client.post("/account/language", data={"language": "xx", "next": "/"})
    assert language_of(client, EN_ACCEPT) == "en"
    assert language_of(client, ZH_ACCEPT) == "zh"


def test_saving_chinese_in_the_profile_answers_in_chinese(client, login, make_user):
    user = make_user(language="en")
    login(user)
    response = client.post(
        "/account/",
        data={"display_name": "Wang Fang", "display_name_zh": "王芳", "language": "zh",
              "timezone": "Asia/Shanghai"},
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "个人资料已保存。" in page and "Your profile is saved." not in page
    assert "王芳" in page  # the header shows the Chinese form of the name now
