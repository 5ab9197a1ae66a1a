"""scale indexes: selective indexes instead of a boolean one

Revision ID: 0008
Revises: 0006
Create Date: 2026-11-29 16:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    # A boolean index (most assignments are current) made SQLite scan every current assignment to
    # find one employee's; the unique (course, employee, cycle) and employee indexes serve instead.
    with op.batch_alter_table('course_assignments', schema=None) as batch_op:
        batch_op.drop_index('ix_course_assignments_is_current')
    # One employee's events (by type for the evidence page's filter); it replaces the employee index,
    # so appending an event maintains as many indexes as before.
    op.create_index('ix_evidence_events_employee_type', 'evidence_events', ['employee_id', 'event_type'], unique=False)
    op.drop_index('ix_evidence_events_employee_id', table_name='evidence_events')


def downgrade():
    op.create_index('ix_evidence_events_employee_id', 'evidence_events', ['employee_id'], unique=False)
    op.drop_index('ix_evidence_events_employee_type', table_name='evidence_events')
    with op.batch_alter_table('course_assignments', schema=None) as batch_op:
        batch_op.create_index('ix_course_assignments_is_current', ['is_current'], unique=False)
