"""Production configuration: no start without SECRET_KEY, cookies locked down."""
from __future__ import annotations

import os
import re

import pytest
from flask import session
from flask_login import login_user
from sqlalchemy import text

from app import create_app
from config import Config, DevelopmentConfig, config_from_env
from extensions import db
from liaison.accounts.models import Organization, OrgKind, Role, User
from liaison.accounts.passwords import hash_password


def test_production_refuses_to_start_without_secret_key(tmp_path):
    config = type("Config", (Config,), {
        "SECRET_KEY": None, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.sqlite'}",
    })
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(config)
    config.SECRET_KEY = ""
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(config)


def test_environment_picks_production_unless_told_otherwise(monkeypatch):
    monkeypatch.delenv("LIAISON_ENV", raising=False)
    assert config_from_env() is Config
    monkeypatch.setenv("LIAISON_ENV", "development")
    assert config_from_env() is DevelopmentConfig


def cookie(response, name: str) -> str:
    (line,) = [c for c in response.headers.getlist("Set-Cookie") if c.startswith(f"{name}=")]
    return line


def flags(line: str) -> set[str]:
    return {part.strip().split("=")[0].lower() for part in line.split(";")[1:]}


@pytest.fixture
def production_app(tmp_path):
    database = os.environ.get("TEST_DATABASE_URL", f"sqlite:///{tmp_path / 'p.sqlite'}")
    config = type("Config", (Config,), {
        "SECRET_KEY": "production-test-key", "SQLALCHEMY_DATABASE_URI": database,
        "RATELIMIT_ENABLED": False, "PASSWORD_HASH_FAST": True,
    })
    app = create_app(config)
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public;"))
            db.session.commit()
        db.create_all()
        yield app
        db.session.remove()
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public;"))
            db.session.commit()
        db.engine.dispose()


def add_user(password: str) -> User:
    """A user in the production app (the shared factories belong to the test app)."""
    org = Organization(name="Xiamen Customs", kind=OrgKind.customs)
    user = User(
        email="officer@xiamen.example", display_name="Officer Lin",
        password_hash=hash_password(password), organization=org, role=Role.participant,
    )
    db.session.add_all([org, user])
    db.session.commit()
    return user


def test_session_and_remember_cookies_are_secure_httponly_lax(production_app):
    user = add_user("production password 1")

    @production_app.get("/_login")
    def _login():
        session["seen"] = True
        login_user(user, remember=True)
        return "ok"

    response = production_app.test_client().get("/_login", base_url="https://liaison.example")
    for name in ("session", "remember_token"):
        line = cookie(response, name)
        assert {"secure", "httponly", "samesite"} <= flags(line), line
        assert re.search(r"SameSite=Lax", line), line
    assert production_app.config["SESSION_PROTECTION"] in ("basic", "strong")


def test_real_login_sets_flagged_cookies(production_app):
    """Through the real form, CSRF token included (production keeps CSRF on)."""
    user = add_user("production password 1")
    client = production_app.test_client()
    https = "https://liaison.example"
    page = client.get("/auth/login", base_url=https).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'name="csrf_token" value="([^"]+)"', page
    )
    assert token, "the log-in form carries a CSRF token"
    refused = client.post(
        "/auth/login", data={"email": user.email, "password": "production password 1"},
        base_url=https,
    )
    assert refused.status_code == 400  # no CSRF token
    response = client.post(
        "/auth/login",
        data={"email": user.email, "password": "production password 1", "remember": "y",
              "csrf_token": token.group(1)},
        base_url=https,
        # Over HTTPS Flask-WTF also checks the Referer is this site; browsers send it because
        # the Referrer-Policy is same-origin (no-referrer would break every form here).
        headers={"Referer": f"{https}/auth/login"},
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    for name in ("session", "remember_token"):
        line = cookie(response, name)
        assert {"secure", "httponly", "samesite"} <= flags(line), line
        assert "SameSite=Lax" in line


def test_development_cookies_work_over_plain_http():
    assert DevelopmentConfig.SESSION_COOKIE_SECURE is False
    assert Config.SESSION_COOKIE_SECURE is True and Config.REMEMBER_COOKIE_SECURE is True
    assert Config.SESSION_COOKIE_HTTPONLY and Config.REMEMBER_COOKIE_HTTPONLY
    assert Config.SESSION_COOKIE_SAMESITE == Config.REMEMBER_COOKIE_SAMESITE == "Lax"
