"""policy lifecycle: minor and material versions, validity periods, renewal cycles of notices

Revision ID: 0013
Revises: 0006
Create Date: 2026-11-29 16:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('courses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('validity_months', sa.Integer(), nullable=True))
        batch_op.drop_column('reacknowledge_on_new_version')

    with op.batch_alter_table('course_versions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('change_kind', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('change_by', sa.String(length=100), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('change_note', sa.String(length=500), nullable=False, server_default=''))

    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.add_column(sa.Column('validity_months', sa.Integer(), nullable=True))

    with op.batch_alter_table('notice_versions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('change_kind', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('change_note', sa.String(length=500), nullable=False, server_default=''))

    with op.batch_alter_table('notice_deliveries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cycle', sa.Integer(), nullable=False, server_default='1'))
        batch_op.drop_constraint('uq_notice_deliveries_version_id_employee_id', type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_notice_deliveries_version_id_employee_id_cycle'),
                                          ['version_id', 'employee_id', 'cycle'])

    # The defaults only fill the existing rows; the models always give the values.
    for table, column in (('course_versions', 'change_by'), ('course_versions', 'change_note'),
                          ('notice_versions', 'change_note'), ('notice_deliveries', 'cycle')):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(column, server_default=None)


def downgrade():
    with op.batch_alter_table('notice_deliveries', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_notice_deliveries_version_id_employee_id_cycle'), type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_notice_deliveries_version_id_employee_id'),
                                          ['version_id', 'employee_id'])
        batch_op.drop_column('cycle')

    with op.batch_alter_table('notice_versions', schema=None) as batch_op:
        batch_op.drop_column('change_note')
        batch_op.drop_column('change_kind')

    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.drop_column('validity_months')

    with op.batch_alter_table('course_versions', schema=None) as batch_op:
        batch_op.drop_column('change_note')
        batch_op.drop_column('change_by')
        batch_op.drop_column('change_kind')

    with op.batch_alter_table('courses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reacknowledge_on_new_version', sa.Boolean(), nullable=False,
                                      server_default=sa.true()))
        batch_op.drop_column('validity_months')
