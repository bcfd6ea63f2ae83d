"""One mail to one user, in their language: `email/TEMPLATE.txt` and `.html` rendered under
the user's locale with `recipient`, `recipient_name` and `subject` beside the caller's context,
queued in the outbox (it is sent only if the caller's transaction commits)."""
from __future__ import annotations

from collections.abc import Callable

from flask import render_template
from flask_babel import force_locale

from liaison.accounts.models import User, locale_for
from liaison.mail import mime, outbox
from liaison.mail.models import OutboxMessage


def mail_user(user: User, *, kind: str, template: str, subject: Callable[[], str],
              **context: object) -> OutboxMessage:
    """`subject` is called under the user's locale, so it is in their language."""
    with force_locale(locale_for(user)):
        subject_text = subject()
        name = mime.clean_header(user.name)  # the Chinese name in Chinese mail
        values = dict(subject=subject_text, recipient=user, recipient_name=name, **context)
        text = render_template(f"email/{template}.txt", **values)
        html = render_template(f"email/{template}.html", **values)
    return outbox.queue(kind=kind, recipient=user.email, recipient_name=name,
                        subject=subject_text, body_text=text, body_html=html, user_id=user.id)
