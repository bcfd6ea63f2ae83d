"""membership since, digest stamps

When a membership last changed (existing accounts: unknown, NULL) and when a focal point last
got the "members are waiting" digest and an organizer the "registrations await approval"
digest (never, NULL). Nullable columns without defaults: SQLite adds them with ALTER TABLE and
drops them the same way, so the table and its triggers stay.

Revision ID: 0022
Revises: 0021
"""
import sqlalchemy as sa
from alembic import op

import liaison.core.types

revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None

COLUMNS = ('membership_since', 'members_digest_at', 'approvals_digest_at')


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        for name in COLUMNS:
            batch_op.add_column(
                sa.Column(name, liaison.core.types.UTCDateTime(timezone=True), nullable=True)
            )


def downgrade():
    for name in reversed(COLUMNS):
        op.execute(f'ALTER TABLE "user" DROP COLUMN {name}')
