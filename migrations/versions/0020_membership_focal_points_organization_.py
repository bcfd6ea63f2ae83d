"""membership, focal points, organization email domains

Every account that exists when this runs is verified (SPEC: accounts made before membership
arrived are vouched for), through the column's server default; nobody is a focal point yet and
no organization has email domains or asks for focal-point approval.

The defaults are plain literals ('0', '[]') so that SQLite adds the columns with ALTER TABLE
instead of batch mode's copy of the table, which would drop the content-generation triggers
and fail on the foreign keys of rows that already exist. Dropping a column is ALTER TABLE
too (SQLite 3.35+). Both directions still re-install the triggers, in case.

Revision ID: 0020
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

from liaison.core.generation import install

revision = '0020'
down_revision = '0002'
branch_labels = None
depends_on = None

MEMBERSHIP = sa.Enum('pending', 'verified', 'rejected', name='membership', native_enum=False,
                     length=20)


def upgrade():
    with op.batch_alter_table('organization', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_domains', sa.JSON(), server_default='[]',
                                      nullable=False))
        batch_op.add_column(sa.Column('focal_point_approval', sa.Boolean(), server_default='0',
                                      nullable=False))

    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('membership', MEMBERSHIP, server_default='verified',
                                      nullable=False))
        batch_op.add_column(sa.Column('focal_point', sa.Boolean(), server_default='0',
                                      nullable=False))
    install(op.get_bind())


def downgrade():
    for table, column in (('user', 'focal_point'), ('user', 'membership'),
                          ('organization', 'focal_point_approval'),
                          ('organization', 'email_domains')):
        op.execute(f'ALTER TABLE "{table}" DROP COLUMN {column}')
    install(op.get_bind())
