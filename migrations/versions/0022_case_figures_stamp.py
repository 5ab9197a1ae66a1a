"""case figures stamp: one row whose stamp changes with every change to what case figures are computed from

Revision ID: 0022
Revises: 0019
Create Date: 2026-11-29 21:30:00

"""
import uuid

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0022'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        'case_figures_stamp',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('stamp', sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_case_figures_stamp')),
    )
    op.bulk_insert(table, [{'id': 1, 'stamp': uuid.uuid4().hex}])


def downgrade():
    op.drop_table('case_figures_stamp')
