"""kept stamps and case statuses: one stamp per watch and stripe, renewed with every write to what computed pages are kept from; each case's stored status for the case list's filter

Revision ID: 0022
Revises: 0021
Create Date: 2026-11-29 21:30:00

"""
import uuid

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None

# The watches of portal.cases.freshness and portal.workbench.alert_list, with their stripes.
WATCHES = {'case figures': 16, 'alerts': 16}


def upgrade():
    table = op.create_table(
        'kept_stamps',
        sa.Column('name', sa.String(length=40), nullable=False),
        sa.Column('stripe', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('stamp', sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint('name', 'stripe', name=op.f('pk_kept_stamps')),
    )
    op.create_table(
        'case_statuses',
        sa.Column('case_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('code', sa.String(length=40), nullable=True),
        sa.Column('computed_on', sa.Date(), nullable=False),
        sa.Column('inputs', sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['injury_cases.id'], name=op.f('fk_case_statuses_case_id_injury_cases'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('case_id', name=op.f('pk_case_statuses')),
    )
    op.create_index(op.f('ix_case_statuses_code'), 'case_statuses', ['code'], unique=False)
    op.bulk_insert(table, [{'name': name, 'stripe': stripe, 'stamp': uuid.uuid4().hex}
                           for name, stripes in WATCHES.items() for stripe in range(stripes)])


def downgrade():
    op.drop_index(op.f('ix_case_statuses_code'), table_name='case_statuses')
    op.drop_table('case_statuses')
    op.drop_table('kept_stamps')
