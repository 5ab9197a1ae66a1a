"""members stamps: a search found to match more rows of a course's matrix or of a notice's deliveries
than it counts is known to until an assignment or a delivery is added, moved or ended

Revision ID: 0030
Revises: 0029
Create Date: 2026-11-30 00:00:00

"""
import uuid

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0030'
down_revision = '0029'
branch_labels = None
depends_on = None

# The watches of portal.courses.records and portal.notices.records (one stripe each).
WATCHES = ('course members', 'notice recipients')


def upgrade():
    for name in WATCHES:  # unless the portal created it already (a stamp renewed before this migration ran)
        op.execute(sa.text("INSERT INTO kept_stamps (name, stripe, stamp) SELECT :name, 0, :stamp "
                           "WHERE NOT EXISTS (SELECT 1 FROM kept_stamps WHERE name = :name)")
                   .bindparams(name=name, stamp=uuid.uuid4().hex))


def downgrade():
    for name in WATCHES:
        op.execute(sa.text("DELETE FROM kept_stamps WHERE name = :name").bindparams(name=name))
