"""step names and dependants: the name HR gives a step it adds; the dependants of a worker who died

Revision ID: 0015
Revises: 0009
Create Date: 2026-11-29 18:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('workflow_steps', schema=None) as batch_op:
        batch_op.add_column(sa.Column('label', sa.String(length=60), nullable=False, server_default=''))
    with op.batch_alter_table('workflow_steps', schema=None) as batch_op:
        batch_op.alter_column('label', server_default=None)


def downgrade():
    with op.batch_alter_table('workflow_steps', schema=None) as batch_op:
        batch_op.drop_column('label')
