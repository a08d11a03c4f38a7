"""organisations.care_setting: where a GGZ team works (klinisch or ambulant)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 13:00:00

One nullable column: existing teams stay unknown, and the flows ask them.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('care_setting', sa.String(length=10), nullable=True))


def downgrade():
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_column('care_setting')
