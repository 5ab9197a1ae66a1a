"""case deduction plans, holiday overrides and the contract wage of a first-month injury

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 16:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('injury_cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('contract_monthly_wage', sa.Numeric(precision=12, scale=2), nullable=True))

    op.create_table('case_deduction_plans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('amount', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('instalments', sa.Integer(), nullable=False),
    sa.Column('first_date', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['injury_cases.id'], name=op.f('fk_case_deduction_plans_case_id_injury_cases')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_case_deduction_plans_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_deduction_plans')),
    sa.UniqueConstraint('token', name=op.f('uq_case_deduction_plans_token'))
    )
    with op.batch_alter_table('case_deduction_plans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_deduction_plans_case_id'), ['case_id'], unique=False)

    op.create_table('holiday_overrides',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('working', sa.Boolean(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_holiday_overrides_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_holiday_overrides')),
    sa.UniqueConstraint('day', name=op.f('uq_holiday_overrides_day'))
    )


def downgrade():
    op.drop_table('holiday_overrides')
    with op.batch_alter_table('case_deduction_plans', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_deduction_plans_case_id'))
    op.drop_table('case_deduction_plans')
    with op.batch_alter_table('injury_cases', schema=None) as batch_op:
        batch_op.drop_column('contract_monthly_wage')
