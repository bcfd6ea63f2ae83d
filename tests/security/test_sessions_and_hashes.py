"""Session protection and password-hash strength, checked from outside."""
from __future__ import annotations

import re

from liaison.accounts.passwords import hash_password
from tests.conftest import PASSWORD, post_login


def test_session_seen_from_another_address_stays_but_is_no_longer_fresh(app, client, make_user):
    """SESSION_PROTECTION = "basic": a moved session is kept (office proxies and mobile
    networks change addresses) but loses freshness, so fresh-login-only actions ask again."""
    assert app.config["SESSION_PROTECTION"] == "basic"
    user = make_user(password=PASSWORD)
    here = {"REMOTE_ADDR": "192.0.2.10"}
    elsewhere = {"REMOTE_ADDR": "198.51.100.99"}
    response = post_login(client, user.email, environ_base=here)
    assert response.status_code == 302
    with client.session_transaction() as session:
        assert session["_fresh"] is True
    assert client.get("/account/", environ_base=here).status_code == 200
    assert client.get("/account/", environ_base=elsewhere).status_code == 200
    with client.session_transaction() as session:
        assert session["_fresh"] is False


def test_stolen_session_cookie_dies_when_the_password_changes(app, make_user):
    user = make_user(password=PASSWORD)
    mine, thief = app.test_client(), app.test_client()
    for client in (mine, thief):
        post_login(client, user.email)
    assert thief.get("/account/").status_code == 200
    changed = mine.post("/auth/password", data={
        "current_password": PASSWORD, "new_password": "a brand new secret 9",
        "confirm": "a brand new secret 9",
    })
    assert changed.status_code == 302
    assert mine.get("/account/").status_code == 200
    assert thief.get("/account/").headers.get("Location", "").startswith("/auth/login")


def test_production_hashes_meet_owasp_argon2id_minimum(app):
    """OWASP Password Storage Cheat Sheet: Argon2id with m >= 19 MiB, t >= 2, p >= 1
    (or any stronger trade-off of memory for iterations)."""
    app.config["PASSWORD_HASH_FAST"] = False
    encoded = hash_password(PASSWORD)
    match = re.match(r"^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$", encoded)
    assert match, encoded
    memory_kib, iterations, lanes = map(int, match.groups())
    assert lanes >= 1
    assert (memory_kib >= 19 * 1024 and iterations >= 2) or (
        memory_kib >= 12 * 1024 and iterations >= 3
    ) or (memory_kib >= 46 * 1024 and iterations >= 1)
