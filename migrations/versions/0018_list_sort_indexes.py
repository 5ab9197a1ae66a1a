"""list sort indexes: the employee list's name and hire-date orders read from an index

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-29 18:50:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    # A page of 50 sorted by name or hire date walks the index from the keyset cursor instead of
    # sorting every employee; number and department already have theirs.
    op.create_index('ix_employees_name', 'employees', ['name'], unique=False)
    op.create_index('ix_employees_hire_date', 'employees', ['hire_date'], unique=False)


def downgrade():
    op.drop_index('ix_employees_hire_date', table_name='employees')
    op.drop_index('ix_employees_name', table_name='employees')
