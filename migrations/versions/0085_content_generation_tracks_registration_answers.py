"""content generation tracks registration answers

The registrant's event page, now kept for signed-in readers (blueprints/core/pagecache
`cached_blocks`), says which of the organizers' questions still need an answer: a new answer
must renew the content generation token like any other write the page shows.

Revision ID: 0085
Revises: 0084
Create Date: 2026-11-30 23:50:00

"""
from alembic import op

from liaison.core.generation import install


# revision identifiers, used by Alembic.
revision = '0085'
down_revision = '0084'
branch_labels = None
depends_on = None


def upgrade():
    install(op.get_bind())  # triggers on every tracked table that lacks them: the answers


def downgrade():
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        for trigger in ("liaison_generation", "liaison_generation_truncate"):
            op.execute(f'DROP TRIGGER IF EXISTS {trigger} ON "registration_answer"')
    else:
        for action in ("insert", "update", "delete"):
            op.execute(f'DROP TRIGGER IF EXISTS "liaison_generation_registration_answer_{action}"')
