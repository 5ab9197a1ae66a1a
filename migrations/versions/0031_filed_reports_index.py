"""filed reports index: the reports page lists the filed injury reports newest first, a page at a time

Revision ID: 0031
Revises: 0030
Create Date: 2026-11-30 12:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0031'
down_revision = '0030'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_injury_reports_completed_at_id', 'injury_reports', ['completed_at', 'id'])


def downgrade():
    op.drop_index('ix_injury_reports_completed_at_id', table_name='injury_reports')
