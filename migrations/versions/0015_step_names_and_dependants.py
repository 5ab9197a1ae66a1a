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

    op.create_table('case_dependants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('relation', sa.Enum('spouse', 'child', 'parent', 'other', name='relation', native_enum=False, length=20), nullable=False),
    sa.Column('condition', sa.Enum('minor', 'elderly', 'unable_to_work', name='condition', native_enum=False, length=20), nullable=False),
    sa.Column('lone', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['injury_cases.id'], name=op.f('fk_case_dependants_case_id_injury_cases')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_case_dependants_created_by_id_users')),
    sa.ForeignKeyConstraint(['employee_id'], ['employees.id'], name=op.f('fk_case_dependants_employee_id_employees')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_dependants'))
    )
    with op.batch_alter_table('case_dependants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_dependants_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_dependants_employee_id'), ['employee_id'], unique=False)


def downgrade():
    with op.batch_alter_table('case_dependants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_dependants_employee_id'))
        batch_op.drop_index(batch_op.f('ix_case_dependants_case_id'))
    op.drop_table('case_dependants')

    with op.batch_alter_table('workflow_steps', schema=None) as batch_op:
        batch_op.drop_column('label')
