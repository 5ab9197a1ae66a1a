"""kept stamps: one stamp per watch and stripe, renewed with every write to what computed pages are kept from

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

# The watches of portal.cases.freshness and portal.workbench.alert_list, with their stripes.
WATCHES = {'case figures': 1, 'alerts': 16}


def upgrade():
    table = op.create_table(
        'kept_stamps',
        sa.Column('name', sa.String(length=40), nullable=False),
        sa.Column('stripe', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('stamp', sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint('name', 'stripe', name=op.f('pk_kept_stamps')),
    )
    op.bulk_insert(table, [{'name': name, 'stripe': stripe, 'stamp': uuid.uuid4().hex}
                           for name, stripes in WATCHES.items() for stripe in range(stripes)])


def downgrade():
    op.drop_table('kept_stamps')
