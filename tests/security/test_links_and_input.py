"""Issue 15, findings 8 and 9: query parameters never reach `url_for`, links never name
another host (not even in the anonymous page cache), and input at the ends of the calendar
or of the integers answers 400/404 instead of 500."""
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from liaison.accounts.models import Role
from tests.conftest import PASSWORD, post_login

HREF = re.compile(r'href="([^"]*)"')
FORGED = "evil.example"
SPECIAL = ("_external", "_scheme", "_method", "_anchor", "endpoint", "_url")


@pytest.fixture
def many_events(app, make_user, make_event):
    """More events than fit on one page (PER_PAGE 2 here), so the list has page links."""
    app.config["PER_PAGE"] = 2
    organizer = make_user(role=Role.organizer)
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)
    return [make_event(organizer=organizer, start=start + timedelta(days=i)) for i in range(5)]


def page_links(html: str) -> list[str]:
    return [h for h in HREF.findall(html) if "page=" in h]


@pytest.mark.parametrize("name", SPECIAL)
def test_url_for_keywords_in_the_query_never_answer_500(client, many_events, name):
    response = client.get(f"/?{name}=x")
    assert response.status_code == 200
    links = page_links(response.text)
    assert links, "the list should have page links"
    assert all(name not in link for link in links), links


def test_page_links_carry_only_the_pages_own_filters(client, many_events):
    response = client.get("/events/?kind=training&q=Training&bogus=1&_external=1&endpoint=x"
                          "&_scheme=https")
    assert response.status_code == 200
    # Relative links (no scheme, no host) with the list's own filters and nothing else.
    assert set(page_links(response.text)) == {
        f"?kind=training&amp;q=Training&amp;page={n}" for n in (1, 2, 3)
    }


def test_a_forged_host_never_reaches_the_anonymous_page_cache(app, many_events):
    attacker, visitor = app.test_client(), app.test_client()
    poisoned = attacker.get("/?_external=1&page=1", headers={"Host": FORGED})
    assert poisoned.status_code == 200
    assert FORGED not in poisoned.text  # not even in the attacker's own copy
    served = visitor.get("/?_external=1&page=1")
    assert served.status_code == 200 and FORGED not in served.text
    assert page_links(served.text)


@pytest.mark.parametrize("path", ["/", "/events/calendar", "/auth/login", "/auth/signup",
                                  "/auth/forgot", "/calendar/public.ics", "/events/{id}"])
def test_no_page_names_a_forged_host(client, many_events, path):
    """Links are relative or built from BASE_URL, whatever Host the request claims."""
    url = path.format(id=many_events[0].id) + "?_external=1"
    response = client.get(url, headers={"Host": FORGED})
    assert response.status_code == 200
    assert FORGED not in response.get_data(as_text=True)


# -- finding 9 ------------------------------------------------------------------------------

HUGE = "99999999999999999999"  # beyond 64 bits
BEYOND_32 = str(2**31)  # beyond PostgreSQL's integer ids


@pytest.mark.parametrize("url, status", [
    ("/events/calendar?month=0001-01", 400),
    ("/events/calendar?month=9999-12", 400),
    ("/?to=9999-12-31", 400),
    ("/?from=0001-01-01", 400),
    ("/?host=" + HUGE, 400),
    ("/?page=" + HUGE, 404),
    ("/?page=0", 404),
    ("/events/" + HUGE, 404),
    ("/events/" + BEYOND_32, 404),
    ("/events/" + HUGE + ".ics", 404),
    ("/events/" + BEYOND_32 + ".ics", 404),
    ("/calendar/public.ics?host=" + HUGE, 400),
    ("/calendar/public.ics?host=" + BEYOND_32, 400),
])
def test_anonymous_input_at_the_ends_answers_4xx(client, url, status):
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)


def test_the_calendar_stops_its_links_at_the_ends(client):
    first = client.get("/events/calendar?month=1970-01").text
    assert 'rel="prev"' not in first and "month=1970-02" in first
    last = client.get("/events/calendar?month=2199-12").text
    assert 'rel="next"' not in last and "month=2199-11" in last


def test_signed_in_pages_answer_404_for_huge_page_numbers(client, make_user):
    admin = make_user(role=Role.admin, email="pages.admin@example.test")
    assert post_login(client, admin.email, PASSWORD).status_code == 302
    for url in ("/events/mine?page=" + HUGE, "/admin/users?page=" + HUGE,
                "/admin/organizations?page=" + HUGE, "/events/" + HUGE + "/edit",
                "/events/" + BEYOND_32 + "/registrations"):
        assert client.get(url).status_code == 404, url
