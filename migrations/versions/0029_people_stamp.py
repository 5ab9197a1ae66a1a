"""people stamp: an employee search's count is kept until an employee, account or department is written

Revision ID: 0029
Revises: 0027
Create Date: 2026-11-30 00:00:00

"""
import uuid

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0029'
down_revision = '0027'
branch_labels = None
depends_on = None

# The watch of portal.org.operations (one stripe).
WATCH = 'people'


def upgrade():
    # Unless the portal created it already (a stamp renewed before this migration ran).
    op.execute(sa.text("INSERT INTO kept_stamps (name, stripe, stamp) SELECT :name, 0, :stamp "
                       "WHERE NOT EXISTS (SELECT 1 FROM kept_stamps WHERE name = :name)")
               .bindparams(name=WATCH, stamp=uuid.uuid4().hex))


def downgrade():
    op.execute(sa.text("DELETE FROM kept_stamps WHERE name = :name").bindparams(name=WATCH))
