"""The main pages in English and in Simplified Chinese: each shows a phrase of its own language
and none of the other, names in the form that fits the page, dates per locale with the zone."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from extensions import db
from liaison.accounts.models import OrgKind, Role
from liaison.registration.models import RegistrationStatus
from tests.i18n.conftest import EN_ACCEPT, ZH_ACCEPT

START = datetime(2026, 12, 2, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai


@pytest.fixture
def world(make_user, make_event, customs, make_org, registered):
    """An organizer of the national customs administration hosting a published training that
    a rights holder's employee (with a Chinese name) is registered for."""
    organizer = make_user(
        email="organizer@customs.test", role=Role.organizer, org=customs,
        display_name="Zhang Min", display_name_zh="张敏",
    )
    brand = make_org("Acme Brands", kind=OrgKind.rights_holder, name_zh="艾克美品牌")
    participant = make_user(
        email="wang@acme.test", org=brand, display_name="Wang Fang", display_name_zh="王芳",
    )
    admin = make_user(email="admin@assoc.test", role=Role.admin, display_name="Admin")
    event = make_event(
        organizer=organizer, title="Recordation and detention", start=START,
        venue="Room 3", capacity=30, timezone="Asia/Shanghai",
    )
    registered(event, participant, RegistrationStatus.confirmed)
    return {"organizer": organizer, "participant": participant, "admin": admin, "event": event}


PAGES = [
    # (name, url, who is logged in, English phrase, Chinese phrase)
    ("upcoming", "/events/", None,
     "Upcoming trainings and exchange meetings", "即将举行的培训和交流会"),
    ("event", "/events/{event}", None, "About this session", "活动简介"),
    ("login", "/auth/login", None, "No account yet?", "还没有账户？"),
    ("signup", "/auth/signup", None, "Create your account", "创建账户"),
    ("forgot password", "/auth/forgot", None,
     "We will send you a link to set a new password", "我们将向您发送设置新密码的链接"),
    ("account", "/account/", "participant", "Account details", "账户信息"),
    ("my registrations", "/registrations/mine", "participant",
     "My training history", "我的培训记录"),
    ("attendees", "/events/{event}/registrations", "organizer", "Export CSV", "导出 CSV"),
    ("admin users", "/admin/users", "admin", "Administration", "系统管理"),
]


def _get(client, login, world, url, who, language, how):
    """Fetch `url` in `language`: a signed-in user's saved preference; for anonymous visitors
    the header switch (session) or the browser's Accept-Language."""
    url = url.format(event=world["event"].id)
    headers = {}
    if who:
        user = world[who]
        user.language = language
        db.session.commit()
        login(user)
    elif how == "switch":
        client.post("/account/language", data={"language": language, "next": "/"})
    else:
        headers = ZH_ACCEPT if language == "zh" else EN_ACCEPT
    response = client.get(url, headers=headers)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


CASES = [
    pytest.param(*page, how, id=f"{page[0]}-{how}")
    for page in PAGES
    for how in (("preference",) if page[2] else ("switch", "accept-language"))
]


@pytest.mark.parametrize(("name", "url", "who", "en", "zh", "how"), CASES)
def test_page_in_both_languages(client, login, world, name, url, who, en, zh, how):
    english = _get(client, login, world, url, who, "en", how)
    assert en in english and zh not in english
    assert '<html lang="en">' in english
    assert "Log out" in english or "Log in" in english

    chinese = _get(client, login, world, url, who, "zh", how)
    assert zh in chinese and en not in chinese
    assert '<html lang="zh-Hans">' in chinese
    assert "退出登录" in chinese or "登录" in chinese


def test_event_page_names_and_dates_follow_the_language(client, world):
    event = world["event"]
    english = client.get(f"/events/{event.id}", headers=EN_ACCEPT).get_data(as_text=True)
    chinese = client.get(f"/events/{event.id}", headers=ZH_ACCEPT).get_data(as_text=True)

    assert "General Administration of Customs" in english and "海关总署" not in english
    assert "海关总署" in chinese and "General Administration of Customs" not in chinese
    assert "Zhang Min" in english and "张敏" in chinese  # the organizer list
    # Babel dates: "Wednesday, December 2, 2026" against "2026年12月2日星期三", each with the zone.
    assert "Dec 2, 2026" in english and "2026年12月2日" in chinese
    # The visitor's own zone (UTC for anonymous visitors), joined the way each language does.
    assert "Dec 2, 2026, 01:00–03:00" in english and "2026年12月2日 01:00–03:00" in chinese
    # The zone by the name people use, with its offset, in each language.
    assert "Beijing time (UTC+8)" in english and "北京时间 (UTC+8)" in chinese
    assert "Asia/Shanghai" not in english + chinese
    assert "Training" in english and "培训" in chinese  # the kind label
    assert "Customs" in english and "海关" in chinese  # the direction


def test_attendee_list_shows_chinese_names_on_a_chinese_page(client, login, world):
    organizer = world["organizer"]
    login(organizer)
    url = f"/events/{world['event'].id}/registrations"
    english = client.get(url).get_data(as_text=True)
    assert "Wang Fang" in english and "Acme Brands" in english and "王芳" not in english
    # The `when` filter: the weekday, a medium date, the 24-hour clock, and the zone.
    assert "Wed, Dec 2, 2026, 09:00 Beijing time (UTC+8)" in english

    organizer.language = "zh"
    db.session.commit()
    chinese = client.get(url).get_data(as_text=True)
    assert "王芳" in chinese and "艾克美品牌" in chinese
    assert "Wang Fang" not in chinese and "Acme Brands" not in chinese
    assert "2026年12月2日周三 09:00 北京时间 (UTC+8)" in chinese


def test_error_pages_are_translated(client):
    english = client.get("/no-such-page", headers=EN_ACCEPT)
    chinese = client.get("/no-such-page", headers=ZH_ACCEPT)
    assert english.status_code == chinese.status_code == 404
    assert "Back to upcoming events" in english.get_data(as_text=True)
    assert "返回即将举行的活动" in chinese.get_data(as_text=True)


def test_form_errors_and_flashes_are_translated(client, world):
    client.post("/account/language", data={"language": "zh", "next": "/"})
    response = client.post(
        "/auth/login",
        data={"email": "wang@acme.test", "password": "wrong password"},
        follow_redirects=True,
    )
    assert "邮箱或密码错误。" in response.get_data(as_text=True)
    response = client.post("/auth/signup", data={"email": "not an address"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "工作邮箱" in page  # our lazy label
    assert "请选择您所属的机构。" in page  # our validator message
    assert "该字段是必填字段。" in page  # WTForms' own catalog, found through zh_Hans -> zh
    assert "This field is required." not in page


def test_api_errors_follow_accept_language(client):
    english = client.get("/api/v1/me", headers=EN_ACCEPT)
    chinese = client.get("/api/v1/me", headers=ZH_ACCEPT)
    assert english.status_code == chinese.status_code == 401
    assert english.json["error"]["message"] == "Send an API token: Authorization: Bearer <token>."
    assert chinese.json["error"]["message"] == "请提供 API 令牌：Authorization: Bearer <token>。"


def test_event_form_choices_follow_the_language(client, login, world):
    """The choices are built once at import; their labels must still translate per request."""
    organizer = world["organizer"]
    login(organizer)
    english = client.get("/events/new").get_data(as_text=True)
    assert "Rights holders" in english and ">Exchange meeting<" in english
    assert ">Every two weeks<" in english

    organizer.language = "zh"
    db.session.commit()
    chinese = client.get("/events/new").get_data(as_text=True)
    assert "权利人" in chinese and ">交流会<" in chinese and ">每两周<" in chinese
    assert "Rights holders" not in chinese and "Exchange meeting" not in chinese


def test_month_calendar_names_the_month_the_way_each_language_does(client):
    english = client.get("/events/calendar?month=2026-11", headers=EN_ACCEPT).get_data(as_text=True)
    chinese = client.get("/events/calendar?month=2026-11", headers=ZH_ACCEPT).get_data(as_text=True)
    assert "November 2026" in english and "Previous" in english
    assert "2026年11月" in chinese and "上个月" in chinese and "下个月" in chinese
    assert "十一月 2026" not in chinese
