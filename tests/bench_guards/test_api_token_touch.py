"""An API call writes the token's last-used stamp only when it is unset or a minute old, so
a busy client's reads stay reads (and a registration rush on SQLite does not fail on them)."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from extensions import db
from liaison.accounts.apitokens import TOUCH_INTERVAL, issue_token
from liaison.accounts.models import ApiToken


def _writes(client, raw: str) -> list[str]:
    statements = []

    def count(_conn, _cursor, statement, *_args):
        if statement.lstrip().upper().startswith("UPDATE"):
            statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}
                          ).status_code == 200
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    return statements


def test_last_used_is_stamped_at_most_once_a_minute(client, make_user):
    token, raw = issue_token(make_user(), "t")
    db.session.commit()
    assert len(_writes(client, raw)) == 1  # first use: stamped
    db.session.expire_all()
    first = token.last_used_at
    assert first is not None
    assert _writes(client, raw) == []  # within the minute: a pure read
    db.session.expire_all()
    assert token.last_used_at == first
    # A minute later it is stamped again.
    db.session.execute(sa.update(ApiToken).where(ApiToken.id == token.id)
                       .values(last_used_at=first - TOUCH_INTERVAL - timedelta(seconds=1)))
    db.session.commit()
    assert len(_writes(client, raw)) == 1
    db.session.expire_all()
    assert token.last_used_at > first - timedelta(seconds=1)
