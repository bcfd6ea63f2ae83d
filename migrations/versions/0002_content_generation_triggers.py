"""content generation triggers

The `content_generation` row and the triggers that renew its token on every write to a
tracked table (liaison/models/generation.py). Autogenerate does not see triggers, so this
migration is written by hand; it calls the same `install` that runs after `create_all`.
A database made by an earlier 0001 (before the table joined it) gets the table here.

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

from liaison.core.generation import install

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    bind = op.get_bind()
    if not sa.inspect(bind).has_table("content_generation"):
        op.create_table(
            "content_generation",
            sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
            sa.Column("token", sa.String(length=40), nullable=False),
            sa.CheckConstraint("id = 1", name=op.f("ck_content_generation_single_row")),
            sa.PrimaryKeyConstraint("id", name=op.f("pk_content_generation")),
        )
    install(bind)


def downgrade():
    bind = op.get_bind()
    # Every generation trigger, also on tables a later migration's downgrade brought back
    # (0080's gives `attendance` back, with triggers) and that TRACKED no longer names.
    if bind.dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS liaison_new_generation() CASCADE")
    else:
        names = bind.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' "
            "AND name LIKE 'liaison_generation_%'").scalars().all()
        for name in names:
            op.execute(f'DROP TRIGGER IF EXISTS "{name}"')
    op.execute("DELETE FROM content_generation")
