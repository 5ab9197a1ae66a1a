"""One table of evidence pack requests for the pages and the API: api_pack_requests folds into
evidence_pack_requests (which gains the ZIP's SHA-256)

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-29 18:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

# An API request that was still waiting is not rebuilt by the upgrade: the caller asks again.
INTERRUPTED = "the portal was upgraded before this pack was built; please ask again"


def upgrade():
    with op.batch_alter_table('evidence_pack_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sha256', sa.String(length=64), nullable=True))
    op.execute(sa.text(
        "INSERT INTO evidence_pack_requests (employee_id, requested_by_id, status, stage, created_at, finished_at, "
        "filename, data, sha256, error) "
        "SELECT employee_id, requested_by_id, CASE WHEN status = 'pending' THEN 'failed' ELSE status END, "
        "CASE WHEN status = 'ready' THEN 'done' ELSE '' END, created_at, "
        "CASE WHEN status = 'pending' THEN created_at ELSE ready_at END, NULLIF(filename, ''), data, sha256, "
        "CASE WHEN status = 'pending' THEN :interrupted WHEN status = 'failed' THEN 'no recorded events' END "
        "FROM api_pack_requests ORDER BY id").bindparams(interrupted=INTERRUPTED))
    with op.batch_alter_table('api_pack_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_pack_requests_employee_id'))
    op.drop_table('api_pack_requests')


def downgrade():
    op.create_table('api_pack_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('filename', sa.String(length=120), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=True),
    sa.Column('data', sa.LargeBinary(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ready_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['employee_id'], ['employees.id'], name=op.f('fk_api_pack_requests_employee_id_employees')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_api_pack_requests_requested_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_pack_requests'))
    )
    with op.batch_alter_table('api_pack_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_pack_requests_employee_id'), ['employee_id'], unique=False)
    with op.batch_alter_table('evidence_pack_requests', schema=None) as batch_op:
        batch_op.drop_column('sha256')
