"""employees read without parallel workers on PostgreSQL: a search's bitmap scan started one

Revision ID: 0026
Revises: 0025
Create Date: 2026-11-30 00:00:00

"""
from alembic import op

from portal.org.search import PG_PARALLEL_SCANS, PG_SERIAL_SCANS


# revision identifiers, used by Alembic.
revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_SERIAL_SCANS)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_PARALLEL_SCANS)
