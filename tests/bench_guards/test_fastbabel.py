"""The cheap Flask-Babel look-ups (blueprints/core/fastbabel.py) answer exactly as Flask-Babel
does: the page's language, `force_locale` inside it and back, `refresh` after a change, lazy
labels, templates, and plain English outside any application context."""
from __future__ import annotations

import flask_babel
from flask import session
from flask_babel import force_locale, gettext, lazy_gettext, refresh

from blueprints.core import fastbabel
from liaison.registration.models import RegistrationStatus


def test_installed_on_the_pinned_version(app):
    assert flask_babel._get_current_context is fastbabel._current_context
    assert flask_babel.Domain.get_translations is fastbabel._get_translations


def test_languages_switch_and_come_back(app):
    with app.test_request_context("/", headers={"Accept-Language": "zh-CN"}):
        assert gettext("Attendees") == "参会人员"
        assert RegistrationStatus.confirmed.label == "已确认"
        with force_locale("en"):
            assert gettext("Attendees") == "Attendees"
            assert RegistrationStatus.confirmed.label == "Confirmed"
            with force_locale("zh_Hans"):
                assert str(lazy_gettext("Confirmed")) == "已确认"
            assert gettext("Attendees") == "Attendees"
        assert gettext("Attendees") == "参会人员"
        session["lang"] = "en"  # the header switch wins over Accept-Language
        assert gettext("Attendees") == "参会人员"  # the locale is chosen once per request...
        refresh()
        assert gettext("Attendees") == "Attendees"  # ...until refreshed


def test_templates_and_formatting_use_the_same_translations(app):
    with app.test_request_context("/", headers={"Accept-Language": "zh"}):
        rendered = app.jinja_env.from_string(
            "{{ _('Attendees') }}|{{ ngettext('%(num)d seat', '%(num)d seats', 2) }}"
        ).render()
        assert rendered.startswith("参会人员|")


def test_outside_an_application_context_messages_stay_english():
    assert fastbabel._current_context() is None
    assert gettext("Attendees") == "Attendees"


def test_an_app_context_without_a_request_is_english(app):
    with app.app_context():
        assert gettext("Attendees") == "Attendees"
        with force_locale("zh_Hans"):
            assert gettext("Attendees") == "参会人员"
        assert gettext("Attendees") == "Attendees"
