"""status tallies: the HR lists' counts by status, kept by database triggers; the matrix's due-date and contract-type orders

Revision ID: 0020
Revises: 0019
Create Date: 2026-11-29 21:10:00

"""
from alembic import op
import sqlalchemy as sa

from portal.courses.models import STATUS_TALLY as COURSE_TALLY
from portal.notices.models import STATUS_TALLY as NOTICE_TALLY
from portal.org.models import HEADCOUNT_TALLY


# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def _emptied_index(table):
    op.create_index(f'ix_{table}_emptied', table, ['n'], unique=False,
                    sqlite_where=sa.text('n = 0'), postgresql_where=sa.text('n = 0'))


def upgrade():
    # The matrix sorted by due date reads a page from this index instead of sorting the course; it
    # finds one course's assignments as the course's own index did; with the id, PostgreSQL reads
    # the tiebreak in order too (thousands of assignments share a due date).
    op.create_index('ix_course_assignments_course_due', 'course_assignments', ['course_id', 'due_date', 'id'],
                    unique=False)
    op.drop_index('ix_course_assignments_course_id', table_name='course_assignments')
    # The matrix filtered by contract type reads those people in number order.
    op.create_index('ix_employees_contract_number', 'employees', ['contract_type', 'number'], unique=False)
    op.create_table(
        'course_status_counts',
        sa.Column('course_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('department_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('contract_type', sa.String(length=20), nullable=False),
        sa.Column('state', sa.String(length=20), nullable=False),
        sa.Column('due_date', sa.Date(), nullable=False),
        sa.Column('n', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('course_id', 'department_id', 'contract_type', 'state', 'due_date'),
    )
    op.create_table(
        'notice_status_counts',
        sa.Column('notice_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('department_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('state', sa.String(length=20), nullable=False),
        sa.Column('due_date', sa.Date(), nullable=False),
        sa.Column('n', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('notice_id', 'department_id', 'state', 'due_date'),
    )
    op.create_table(
        'employee_counts',
        sa.Column('department_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('n', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('department_id', 'status'),
    )
    dialect = op.get_bind().dialect.name
    if dialect == 'postgresql':  # no write may fall between counting and the triggers taking over
        op.execute('LOCK TABLE employees, course_assignments, notice_deliveries IN SHARE ROW EXCLUSIVE MODE')
    for tally in (COURSE_TALLY, NOTICE_TALLY, HEADCOUNT_TALLY):
        _emptied_index(tally.table)
        # Counted from the rows there are, then kept by the triggers.
        op.execute(tally.fill())
        for statement in tally.ddl(dialect):
            op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    for tally in (HEADCOUNT_TALLY, NOTICE_TALLY, COURSE_TALLY):
        for statement in tally.drop_ddl(dialect):
            op.execute(statement)
        op.drop_index(f'ix_{tally.table}_emptied', table_name=tally.table)
        op.drop_table(tally.table)
    op.drop_index('ix_employees_contract_number', table_name='employees')
    op.create_index('ix_course_assignments_course_id', 'course_assignments', ['course_id'], unique=False)
    op.drop_index('ix_course_assignments_course_due', table_name='course_assignments')
