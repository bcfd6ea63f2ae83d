"""Who sees which event: anonymous visitors, participants in and out of the audience,
organizers and their drafts, administrators. Pages and the query agree."""
from __future__ import annotations

import pytest

from extensions import db
from liaison.accounts.models import OrgKind
from liaison.events.lifecycle import visible_events
from liaison.events.models import EventStatus


@pytest.fixture
def catalogue(make_event, organizer):
    return {
        "open": make_event(organizer, title="Open to all session"),
        "customs": make_event(organizer, title="For customs only", audience=[OrgKind.customs]),
        "justice": make_event(organizer, title="Police and courts",
                              audience=[OrgKind.law_enforcement, OrgKind.judiciary]),
        "draft": make_event(organizer, title="Secret draft", status=EventStatus.draft),
        "cancelled": make_event(organizer, title="Called off", status=EventStatus.cancelled),
    }


def titles(viewer) -> set[str]:
    return {e.title for e in db.session.scalars(visible_events(viewer))}


def test_anonymous_visitors_see_only_events_open_to_all(catalogue, client):
    assert titles(None) == {"Open to all session", "Called off"}
    page = client.get("/events/").get_data(as_text=True)
    assert "Open to all session" in page
    for hidden in ("For customs only", "Police and courts", "Secret draft", "Called off"):
        assert hidden not in page  # the upcoming list shows published events only
    cancelled = client.get(f"/events/{catalogue['cancelled'].id}")
    assert cancelled.status_code == 200 and "It will not take place." in cancelled.text
    # What a visitor may not see sends them to log in, as a missing event does (SPEC).
    for hidden in (catalogue["customs"], catalogue["draft"]):
        answer = client.get(f"/events/{hidden.id}")
        assert answer.status_code == 302
        assert answer.headers["Location"] == f"/auth/login?next=/events/{hidden.id}"
    assert client.get(f"/events/{catalogue['open'].id}").status_code == 200


def test_participants_see_events_for_their_organization_kind(
    catalogue, client, login, customs_officer, police_officer
):
    assert titles(customs_officer) == {"Open to all session", "For customs only", "Called off"}
    assert titles(police_officer) == {"Open to all session", "Police and courts", "Called off"}
    login(customs_officer)
    page = client.get("/events/").get_data(as_text=True)
    assert "For customs only" in page and "Police and courts" not in page
    assert client.get(f"/events/{catalogue['customs'].id}").status_code == 200
    assert client.get(f"/events/{catalogue['justice'].id}").status_code == 404


def test_drafts_are_404_for_everyone_but_their_organizers(
    catalogue, client, login, customs_officer, other_organizer, organizer, admin
):
    draft = catalogue["draft"]
    for viewer in (customs_officer, other_organizer):
        login(viewer)
        assert client.get(f"/events/{draft.id}").status_code == 404
        assert client.get(f"/events/{draft.id}/edit").status_code == 404
    assert "Secret draft" not in titles(other_organizer)
    login(organizer)
    response = client.get(f"/events/{draft.id}")
    assert response.status_code == 200 and "only the organizers can see" in response.get_data(
        as_text=True)
    assert "Secret draft" in titles(organizer) and "Secret draft" in titles(admin)
    login(admin)
    assert client.get(f"/events/{draft.id}").status_code == 200


def test_the_upcoming_list_leaves_out_drafts_even_for_their_organizers(
    catalogue, client, login, organizer
):
    login(organizer)
    page = client.get("/events/").get_data(as_text=True)
    assert "Secret draft" not in page and "Called off" not in page
    assert "Secret draft" in client.get("/events/mine?tab=drafts").get_data(as_text=True)


def test_organizers_see_their_own_events_outside_their_audience(
    make_event, organizer, other_organizer
):
    mine = make_event(other_organizer, title="Customs only, organized by the association",
                      audience=[OrgKind.customs])
    assert mine.title in titles(other_organizer)
    assert mine.title not in titles(organizer)  # a rights holder is not in this audience
