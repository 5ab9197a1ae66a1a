"""employee search: a trigram index over name, number, phone and user name

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-29 21:20:00

"""
from alembic import op

from portal.org.search import drop_index_ddl, index_ddl


# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    # SQLite: an FTS5 trigram table kept in step by triggers; PostgreSQL: GIN indexes over the
    # trigrams of the same fields (see portal/org/search.py). Both are filled from the rows stored.
    for statement in index_ddl(op.get_bind().dialect.name):
        op.execute(statement)


def downgrade():
    for statement in drop_index_ddl(op.get_bind().dialect.name):
        op.execute(statement)
