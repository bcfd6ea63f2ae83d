"""content generation triggers

The `content_generation` row and the triggers that renew its token on every write to a
tracked table (liaison/models/generation.py). Autogenerate does not see triggers, so this
migration is written by hand; it calls the same `install` that runs after `create_all`.

Revision ID: 0002
Revises: 0001
"""
from alembic import op

from liaison.models.generation import TRACKED, install

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    install(op.get_bind())


def downgrade():
    bind = op.get_bind()
    for table in TRACKED:
        if bind.dialect.name == "postgresql":
            op.execute(f'DROP TRIGGER IF EXISTS liaison_generation ON "{table}"')
            op.execute(f'DROP TRIGGER IF EXISTS liaison_generation_truncate ON "{table}"')
        else:
            for action in ("insert", "update", "delete"):
                op.execute(f'DROP TRIGGER IF EXISTS "liaison_generation_{table}_{action}"')
    if bind.dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS liaison_new_generation()")
    op.execute("DELETE FROM content_generation")
