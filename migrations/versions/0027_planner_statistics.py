"""planner statistics: gathered again after the indexes of 0020–0026

SQLite keeps planner statistics only when ANALYZE runs, and then for the indexes that existed at
that time. A database analyzed before the tallies, search and sort indexes came would plan with
made-up figures for the new indexes (a search's count once read every assignment of a course
that way, probing the search index per row: 315 ms instead of 1 ms at 100,000 employees; that
statement now fixes its own order). Gathering them again gives the planner the real shape of every
index; PostgreSQL's autovacuum would do so in time, the migration does so at once.

Revision ID: 0027
Revises: 0026
Create Date: 2026-11-30 01:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0027'
down_revision = '0026'
branch_labels = None
depends_on = None


def upgrade():
    op.execute("ANALYZE")


def downgrade():
    pass  # statistics only guide the planner; the older schema plans with them as well
