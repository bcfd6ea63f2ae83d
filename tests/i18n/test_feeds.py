"""Feed texts we generate: a personal feed speaks its owner's language (a calendar program sends
no cookie and rarely a useful Accept-Language); the public feed is English whoever asks, or
Chinese when its URL says `lang=zh` (the footer link of a Chinese page does)."""
from __future__ import annotations

from urllib.parse import urlsplit

from icalendar import Calendar

from extensions import db
from liaison.accounts.models import OrgKind
from liaison.calendar import feedtokens
from liaison.registration.models import RegistrationStatus


def _feed(client, user):
    path = urlsplit(feedtokens.calendar_url(user, "http://liaison.test")).path
    db.session.commit()
    response = client.get(path, headers={"Accept-Language": "en"})
    assert response.status_code == 200
    return Calendar.from_ical(response.data)


def test_personal_feed_in_the_owners_language(client, make_user, make_event, customs,
                                              registered):
    event = make_event(host_organization=customs, audience=[OrgKind.customs])
    chinese = make_user(language="zh", org=customs)
    english = make_user(language="en", org=customs)
    registered(event, chinese, RegistrationStatus.confirmed)
    registered(event, english, RegistrationStatus.confirmed)

    zh = _feed(client, chinese)
    assert str(zh["X-WR-CALNAME"]) == "Liaison：我的活动"
    (vevent,) = zh.walk("VEVENT")
    assert "主办方：海关总署" in str(vevent["DESCRIPTION"])
    assert "面向对象：海关" in str(vevent["DESCRIPTION"])

    en = _feed(client, english)
    assert str(en["X-WR-CALNAME"]) == "Liaison: my sessions"
    (vevent,) = en.walk("VEVENT")
    assert "Host: General Administration of Customs" in str(vevent["DESCRIPTION"])


def test_public_feed_is_english_whoever_asks(client, make_event, customs):
    make_event(host_organization=customs)
    response = client.get("/calendar/public.ics", headers={"Accept-Language": "zh-CN"})
    calendar = Calendar.from_ical(response.data)
    assert str(calendar["X-WR-CALNAME"]) == "Liaison: public sessions"
    (vevent,) = calendar.walk("VEVENT")
    assert "Host: General Administration of Customs" in str(vevent["DESCRIPTION"])


def test_public_feed_in_chinese_when_the_url_asks(client, make_event, customs):
    make_event(host_organization=customs)
    english = client.get("/calendar/public.ics")
    response = client.get("/calendar/public.ics?lang=zh", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    calendar = Calendar.from_ical(response.data)
    assert str(calendar["X-WR-CALNAME"]) == "Liaison：公开活动"
    (vevent,) = calendar.walk("VEVENT")
    assert "主办方：海关总署" in str(vevent["DESCRIPTION"])
    assert response.headers["ETag"] != english.headers["ETag"]
    assert client.get("/calendar/public.ics?lang=en").data == english.data


def test_public_feed_refuses_an_unknown_language(client):
    response = client.get("/calendar/public.ics?lang=fr")
    assert response.status_code == 400 and response.mimetype == "text/plain"
    assert "lang=zh" in response.text


def test_a_chinese_page_links_the_chinese_public_feed(client):
    chinese = client.get("/events/", headers={"Accept-Language": "zh-CN"}).text
    assert 'href="/calendar/public.ics?lang=zh"' in chinese
    english = client.get("/events/", headers={"Accept-Language": "en"}).text
    assert 'href="/calendar/public.ics"' in english
