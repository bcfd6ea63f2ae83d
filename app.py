"""The application factory: `flask --app app ...` finds `create_app`."""
from __future__ import annotations

import os

from flask import Flask

import liaison
from blueprints import (
    api,
    calendar,
    cli,
    events,
    exchange,
    integration,
    meetings,
    notifications,
    records,
    registration,
)
from blueprints.accounts import account, admin, auth, members
from blueprints.core import (
    errors,
    fastbabel,
    health,
    i18n,
    input_guard,
    pagecache,
    params,
    security,
    sqlite_writes,
    templating,
)
from config import Config, config_from_env
from extensions import babel, bootstrap, csrf, db, limiter, login_manager, migrate
from liaison.core import database


def create_app(config: type[Config] | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_object(config or config_from_env())
    if not app.config.get("SECRET_KEY"):
        raise RuntimeError(
            "SECRET_KEY is not set. Set it to a long random value "
            "(python -c 'import secrets; print(secrets.token_hex(32))'), "
            "or use LIAISON_ENV=development for a local trial."
        )
    os.makedirs(app.instance_path, exist_ok=True)
    liaison.load()

    db.init_app(app)
    migrate.init_app(app, db)
    login_manager.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale, timezone_selector=i18n.select_timezone)
    fastbabel.install()  # issue 22: the same look-ups, without the proxy round trips
    bootstrap.init_app(app)
    limiter.init_app(app)
    with app.app_context():
        database.configure_engine(db.engine)

    templating.init_app(app)
    errors.init_app(app)
    security.init_app(app)
    input_guard.init_app(app)
    sqlite_writes.init_app(app)
    pagecache.init_app(app)
    params.init_app(app)  # before the blueprints: their `<int:…>` rules bind the converter

    app.register_blueprint(health.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(account.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(members.bp)
    app.register_blueprint(events.bp)
    app.register_blueprint(registration.bp)
    app.register_blueprint(calendar.bp)
    app.register_blueprint(records.bp)
    app.register_blueprint(meetings.bp)
    app.register_blueprint(exchange.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(integration.bp)
    app.register_blueprint(notifications.bp)
    app.register_blueprint(cli.bp)
    if app.config.get("BENCH_ROUTES"):  # bench/ only: the reference page of issue 9
        from blueprints.core import benchref

        app.register_blueprint(benchref.bp)
    return app
