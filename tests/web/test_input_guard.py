"""NUL characters are refused with a 400 before they reach the database (PostgreSQL can't
store them), on query strings and forms alike, and nothing is written."""
from sqlalchemy import func, select

from extensions import db
from liaison.accounts.models import Organization


def test_nul_in_a_search_is_a_400_not_a_500(client):
    response = client.get("/events/?q=a%00b")
    assert response.status_code == 400
    assert b"NUL character" in response.data


def test_nul_in_a_public_feed_filter_is_refused(client):
    response = client.get("/calendar/public.ics?topic=%00")
    assert response.status_code == 400


def test_nul_in_a_form_field_writes_nothing(client, make_user, login):
    admin = login(make_user(role="admin"))
    before = db.session.scalar(select(func.count(Organization.id)))
    response = client.post(
        "/admin/organizations/new",
        data={"name": "Evil\x00Org", "kind": "customs", "city": ""},
    )
    assert response.status_code == 400
    assert db.session.scalar(select(func.count(Organization.id))) == before
    assert admin.is_admin


def test_ordinary_input_still_passes(client):
    assert client.get("/events/?q=postal").status_code == 200


def test_a_multipart_part_whose_name_cannot_be_read_is_no_500(client):
    # Found by the API fuzzer: a part without a readable name (none, empty, a line break in
    # it) is a field named None to werkzeug, and the NUL check must not trip over it (this
    # path matches no route, so no blueprint checks its own input: 404).
    boundary = "2551efc6254729f37b1cea2b1f0e03ca"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\r\n\r\nnull\r\n"
            f'--{boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\nx\r\n'
            f"--{boundary}--\r\n").encode()
    response = client.post("/api/v1/events/True/materials", data=body,
                           content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 404
    nul = body.replace(b"\r\nx\r\n", b"\r\nx\x00\r\n")
    refused = client.post("/events/1/materials", data=nul,
                          content_type=f"multipart/form-data; boundary={boundary}")
    assert refused.status_code == 400 and b"NUL character" in refused.data
